namespace Neocloud.Server.Webhooks;

/// <summary>
/// Bounds the test pings (<c>POST /webhooks/{id}/test</c>) in flight on this node: each holds a connection to the
/// receiver for up to the webhook timeout, so without a bound a caller could hold a socket per request. At most
/// <paramref name="perOrganization"/> for one organization and <paramref name="overall"/> for all together; a ping
/// beyond either is refused at once (the caller retries), never queued.
/// </summary>
public sealed class WebhookTestGate(int perOrganization, int overall)
{
    private readonly Dictionary<string, int> _byOrganization = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private int _total;

    /// <summary>The most pings one organization may have in flight.</summary>
    public int PerOrganization => perOrganization;

    /// <summary>The most pings all organizations together may have in flight.</summary>
    public int Overall => overall;

    /// <summary>A slot for one of <paramref name="organization"/>'s pings, released by disposing it; null when a bound is reached.</summary>
    public IDisposable? TryEnter(string organization)
    {
        lock (_lock)
        {
            var held = _byOrganization.GetValueOrDefault(organization);
            if (held >= perOrganization || _total >= overall) return null;
            _byOrganization[organization] = held + 1;
            _total++;
        }
        return new Slot(this, organization);
    }

    private void Leave(string organization)
    {
        lock (_lock)
        {
            _total--;
            if (--_byOrganization[organization] == 0) _byOrganization.Remove(organization);
        }
    }

    private sealed class Slot(WebhookTestGate gate, string organization) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0) gate.Leave(organization);
        }
    }
}
