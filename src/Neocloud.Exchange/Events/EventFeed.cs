using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Neocloud.Domain.Input;
using Neocloud.Exchange.Outcomes;
using Neocloud.Storage;

namespace Neocloud.Exchange.Events;

/// <summary>
/// An organization's events as they are committed: read a page after a sequence number, wait for the next ones
/// (long-poll), or follow them for as long as the caller listens (the stream, a webhook, the dashboard). Readers wait
/// on a signal per organization that the store raises after each commit with that organization's events (and, on
/// PostgreSQL, that every node's commits raise through <see cref="ListenAsync"/>), so nobody polls.
/// </summary>
public sealed class EventFeed : IDisposable
{
    /// <summary>The longest a long-poll may wait.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    /// <summary>The most events in one page.</summary>
    public const int MaxLimit = 1000;

    private readonly ExchangeStore _store;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _signals = new(StringComparer.Ordinal);

    public EventFeed(ExchangeStore store)
    {
        _store = store;
        _store.EventsCommitted += Wake;
    }

    /// <summary>
    /// Checks a feed request: a known set of types, a limit from 1 to <see cref="MaxLimit"/>, a wait from 0 to 30 s,
    /// a sequence number not below 0.
    /// </summary>
    public static FieldErrors Check(long after, IReadOnlyList<string>? types, int limit, double waitSeconds)
    {
        var errors = new FieldErrors();
        if (after < 0) errors.Add("after", $"must be 0 or more, got {after}");
        if (limit is < 1 or > MaxLimit) errors.Add("limit", $"must be from 1 to {MaxLimit}, got {limit}");
        if (waitSeconds < 0 || waitSeconds > MaxWait.TotalSeconds) errors.Add("wait", $"must be from 0 to {MaxWait.TotalSeconds} seconds, got {waitSeconds}");
        foreach (var type in types ?? [])
        {
            if (!EventTypes.IsKnown(type))
            {
                errors.Add("types", $"unknown event type '{type}'; known: {string.Join(", ", EventTypes.All)}");
                break;
            }
        }
        return errors;
    }

    /// <summary>
    /// The organization's events after <paramref name="after"/>: at once when there are some, else the first ones
    /// committed within <paramref name="wait"/>, else an empty page.
    /// </summary>
    public async Task<Outcome<EventPage>> ReadAsync(string organization, long after, IReadOnlyList<string>? types, int limit, TimeSpan wait,
        CancellationToken cancellationToken)
    {
        var errors = Check(after, types, limit, wait.TotalSeconds);
        if (!errors.IsEmpty) return Failure.Invalid(errors);
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            // The signal is taken before the read: a commit after the read sets it, so no event slips between the two.
            var signal = Signal(organization);
            var events = await _store.EventsAsync(organization, after, types, limit, cancellationToken);
            var left = deadline - DateTime.UtcNow;
            if (events.Count > 0 || left <= TimeSpan.Zero)
                return new EventPage(events.Select(EventView.Of).ToList(), events.Count > 0 ? events[^1].Seq : after);
            try
            {
                await signal.WaitAsync(left, cancellationToken);
            }
            catch (TimeoutException)
            {
                return new EventPage([], after);
            }
        }
    }

    /// <summary>Every event of the organization after <paramref name="after"/>, then each new one as it is committed, until cancelled.</summary>
    public async IAsyncEnumerable<StoredEvent> FollowAsync(string organization, long after, IReadOnlyList<string>? types,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var signal = Signal(organization);
            var events = await _store.EventsAsync(organization, after, types, MaxLimit, cancellationToken);
            foreach (var e in events) yield return e;
            if (events.Count > 0)
            {
                after = events[^1].Seq;
                if (events.Count == MaxLimit) continue;
            }
            await signal.WaitAsync(cancellationToken);
        }
    }

    /// <summary>The organization's newest <paramref name="count"/> events, newest first (a desk's recent activity).</summary>
    public async Task<IReadOnlyList<EventView>> LatestAsync(string organization, int count, CancellationToken cancellationToken = default) =>
        (await _store.LatestEventsAsync(organization, Math.Clamp(count, 1, MaxLimit), cancellationToken)).Select(EventView.Of).ToList();

    /// <summary>A task that completes at the organization's next commit with events.</summary>
    public Task NextCommitAsync(string organization) => Signal(organization);

    /// <summary>Passes on other nodes' commits (PostgreSQL) until cancelled; returns at once on SQLite.</summary>
    public Task ListenAsync(CancellationToken cancellationToken) => _store.ListenForEventsAsync(Wake, cancellationToken);

    public void Dispose() => _store.EventsCommitted -= Wake;

    private Task Signal(string organization) =>
        _signals.GetOrAdd(organization, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    private void Wake(IReadOnlyCollection<string> organizations)
    {
        if (organizations.Contains(ExchangeStore.Everyone))
        {
            foreach (var organization in _signals.Keys) WakeOne(organization);
            return;
        }
        foreach (var organization in organizations) WakeOne(organization);
    }

    private void WakeOne(string organization)
    {
        if (_signals.TryRemove(organization, out var signal)) signal.TrySetResult();
    }
}
