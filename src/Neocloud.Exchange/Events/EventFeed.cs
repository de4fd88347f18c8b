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
/// PostgreSQL, that every node's commits raise through <see cref="ListenAsync"/>), so nobody polls. Readers of one
/// organization between two of its commits share their reads: a hundred streams that are all caught up cost one query
/// a commit, not a hundred.
/// </summary>
public sealed class EventFeed : IDisposable
{
    /// <summary>The longest a long-poll may wait.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    /// <summary>The most events in one page.</summary>
    public const int MaxLimit = 1000;

    private readonly ExchangeStore _store;
    private readonly ConcurrentDictionary<string, Tail> _tails = new(StringComparer.Ordinal);

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
            var tail = TailOf(organization);
            var events = await tail.ReadAsync(_store, organization, after, types, limit).WaitAsync(cancellationToken);
            var left = deadline - DateTime.UtcNow;
            if (events.Count > 0 || left <= TimeSpan.Zero)
                return new EventPage(events.Select(EventView.Of).ToList(), events.Count > 0 ? events[^1].Seq : after);
            try
            {
                await tail.Next.Task.WaitAsync(left, cancellationToken);
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
        await foreach (var batch in FollowBatchesAsync(organization, after, types, cancellationToken))
        {
            foreach (var e in batch) yield return e;
        }
    }

    /// <summary>
    /// As <see cref="FollowAsync"/>, in the batches the store hands them out (a commit's worth, or a page while catching
    /// up), so a writer can send a batch at once. Readers that are caught up share the same event objects.
    /// </summary>
    public async IAsyncEnumerable<IReadOnlyList<StoredEvent>> FollowBatchesAsync(string organization, long after, IReadOnlyList<string>? types,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var tail = TailOf(organization);
            var events = await tail.ReadAsync(_store, organization, after, types, MaxLimit).WaitAsync(cancellationToken);
            if (events.Count > 0)
            {
                yield return events;
                after = events[^1].Seq;
                if (events.Count == MaxLimit) continue;
            }
            await tail.Next.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>The organization's newest <paramref name="count"/> events, newest first (a desk's recent activity).</summary>
    public async Task<IReadOnlyList<EventView>> LatestAsync(string organization, int count, CancellationToken cancellationToken = default) =>
        (await _store.LatestEventsAsync(organization, Math.Clamp(count, 1, MaxLimit), cancellationToken)).Select(EventView.Of).ToList();

    /// <summary>A task that completes at the organization's next commit with events.</summary>
    public Task NextCommitAsync(string organization) => TailOf(organization).Next.Task;

    /// <summary>Passes on other nodes' commits (PostgreSQL) until cancelled; returns at once on SQLite.</summary>
    public Task ListenAsync(CancellationToken cancellationToken) => _store.ListenForEventsAsync(Wake, cancellationToken);

    public void Dispose() => _store.EventsCommitted -= Wake;

    private Tail TailOf(string organization) => _tails.GetOrAdd(organization, static _ => new Tail());

    private void Wake(IReadOnlyCollection<string> organizations)
    {
        if (organizations.Contains(ExchangeStore.Everyone))
        {
            foreach (var organization in _tails.Keys) WakeOne(organization);
            return;
        }
        foreach (var organization in organizations) WakeOne(organization);
    }

    private void WakeOne(string organization)
    {
        if (_tails.TryRemove(organization, out var tail)) tail.Next.TrySetResult();
    }

    /// <summary>
    /// An organization's feed between two of its commits: the signal the next commit sets, and the reads made meanwhile,
    /// shared by every reader asking the same (a read started before the commit is stale only for readers that then
    /// wait on a signal already set, so they read again at once).
    /// </summary>
    private sealed class Tail
    {
        private readonly ConcurrentDictionary<(long After, string Types, int Limit), Task<List<StoredEvent>>> _reads = new();

        public TaskCompletionSource Next { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<List<StoredEvent>> ReadAsync(ExchangeStore store, string organization, long after, IReadOnlyList<string>? types, int limit)
        {
            var key = (after, types is null ? "" : string.Join(',', types), limit);
            if (_reads.TryGetValue(key, out var shared)) return shared;
            // Not cancelled with any one reader: others may be waiting on it.
            var read = store.EventsAsync(organization, after, types, limit, CancellationToken.None);
            _reads[key] = read;
            // Kept only while it is the caught-up tail everyone shares: a full page (a reader catching up from far back)
            // or a failed read is let go at once, so a long replay does not pile its pages up here.
            _ = read.ContinueWith(done =>
            {
                if (!done.IsCompletedSuccessfully || done.Result.Count >= limit) _reads.TryRemove(new KeyValuePair<(long, string, int), Task<List<StoredEvent>>>(key, read));
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return read;
        }
    }
}
