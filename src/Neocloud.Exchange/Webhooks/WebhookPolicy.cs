namespace Neocloud.Exchange.Webhooks;

/// <summary>
/// The exchange's rules for webhooks: the hosts an operator allows to be plain http and to resolve to private or
/// loopback addresses (a receiver on the same network; tests use 127.0.0.1), how many hooks an organization may have,
/// and how long an event is retried before its hook is disabled.
/// </summary>
public sealed record WebhookPolicy(IReadOnlyList<string> AllowHosts, TimeSpan RetryFor, int MaxPerOrganization = 20)
{
    /// <summary>True for a host in <see cref="AllowHosts"/> (case-insensitive, IPv6 with or without brackets).</summary>
    public bool Allows(string host)
    {
        var bare = host.Trim('[', ']');
        return AllowHosts.Any(h => string.Equals(h.Trim('[', ']'), bare, StringComparison.OrdinalIgnoreCase));
    }
}
