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

    /// <summary>
    /// The most reads kept for an organization's readers to share between two of its commits: what caught-up readers ask
    /// fits many times over; a reader asking from random places finds the oldest let go first.
    /// </summary>
    public const int MaxSharedReads = 16;

    /// <summary>About the most bytes those shared reads of one organization hold (keys and events, UTF-16 as they are in memory).</summary>
    public const long MaxSharedBytes = 256 * 1024;

    private int _cachedReads;
    private long _cachedBytes;

    /// <summary>How many reads are kept for sharing now, over every organization.</summary>
    public int CachedReads => Volatile.Read(ref _cachedReads);

    /// <summary>About how many bytes the reads kept for sharing hold now, over every organization.</summary>
    public long CachedBytes => Interlocked.Read(ref _cachedBytes);

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

    /// <summary>The organization's newest <paramref name="count"/> events of one type, newest first (the alerts a bell shows).</summary>
    public async Task<IReadOnlyList<EventView>> LatestAsync(string organization, string type, int count, CancellationToken cancellationToken = default) =>
        (await _store.LatestEventsAsync(organization, type, Math.Clamp(count, 1, MaxLimit), cancellationToken)).Select(EventView.Of).ToList();

    /// <summary>A task that completes at the organization's next commit with events.</summary>
    public Task NextCommitAsync(string organization) => TailOf(organization).Next.Task;

    /// <summary>Passes on other nodes' commits (PostgreSQL) until cancelled; returns at once on SQLite.</summary>
    public Task ListenAsync(CancellationToken cancellationToken) => _store.ListenForEventsAsync(Wake, cancellationToken);

    public void Dispose() => _store.EventsCommitted -= Wake;

    private Tail TailOf(string organization) => _tails.GetOrAdd(organization, static (_, feed) => new Tail(feed), this);

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
        if (!_tails.TryRemove(organization, out var tail)) return;
        tail.Close();
        tail.Next.TrySetResult();
    }

    /// <summary>
    /// An organization's feed between two of its commits: the signal the next commit sets, and the reads made meanwhile,
    /// shared by every reader asking the same (a read started before the commit is stale only for readers that then
    /// wait on a signal already set, so they read again at once). At most <see cref="MaxSharedReads"/> reads and about
    /// <see cref="MaxSharedBytes"/> are kept, the oldest let go first; a full page (a reader catching up from far back)
    /// or a failed read is let go at once, so a long replay does not pile its pages up here.
    /// </summary>
    private sealed class Tail(EventFeed feed)
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<(long After, string Types, int Limit), LinkedListNode<Shared>> _reads = [];
        private readonly LinkedList<Shared> _oldestFirst = new();
        private long _bytes;
        private bool _closed;

        public TaskCompletionSource Next { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<List<StoredEvent>> ReadAsync(ExchangeStore store, string organization, long after, IReadOnlyList<string>? types, int limit)
        {
            // A filter is a set: the same types in another order, or twice, ask the same.
            var key = (after, types is null ? "" : string.Join(',', types.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)), limit);
            lock (_gate)
            {
                if (_reads.TryGetValue(key, out var found)) return found.Value.Read;
            }
            // Not cancelled with any one reader: others may be waiting on it.
            var read = store.EventsAsync(organization, after, types, limit, CancellationToken.None);
            var shared = new Shared(key, read, 64 + 2L * key.Item2.Length);
            lock (_gate)
            {
                // After the commit that closed this tail, a read is nobody else's to share.
                if (_closed) return read;
                if (_reads.TryGetValue(key, out var found)) return found.Value.Read;
                while (_reads.Count >= MaxSharedReads) Remove(_oldestFirst.First!);
                _reads[key] = _oldestFirst.AddLast(shared);
                Account(1, shared.Bytes);
            }
            _ = read.ContinueWith(static (done, state) => ((Tail)((object[])state!)[0]).Completed((Shared)((object[])state!)[1], done),
                new object[] { this, shared }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return read;
        }

        /// <summary>Lets every kept read go: the organization committed, so they are stale.</summary>
        public void Close()
        {
            lock (_gate)
            {
                _closed = true;
                Account(-_reads.Count, -_bytes);
                _reads.Clear();
                _oldestFirst.Clear();
            }
        }

        private void Completed(Shared shared, Task<List<StoredEvent>> done)
        {
            lock (_gate)
            {
                if (!_reads.TryGetValue(shared.Key, out var node) || node.Value != shared) return;
                if (!done.IsCompletedSuccessfully || done.Result.Count >= shared.Key.Limit)
                {
                    Remove(node);
                    return;
                }
                var bytes = 0L;
                foreach (var e in done.Result) bytes += 96 + 2L * (e.Id.Length + e.Type.Length + e.Data.Length);
                shared.Bytes += bytes;
                Account(0, bytes);
                // Over the budget: the oldest go first, this one last.
                while (_bytes > MaxSharedBytes && _oldestFirst.First is { } oldest) Remove(oldest);
            }
        }

        private void Remove(LinkedListNode<Shared> node)
        {
            _reads.Remove(node.Value.Key);
            _oldestFirst.Remove(node);
            Account(-1, -node.Value.Bytes);
        }

        private void Account(int reads, long bytes)
        {
            _bytes += bytes;
            Interlocked.Add(ref feed._cachedReads, reads);
            Interlocked.Add(ref feed._cachedBytes, bytes);
        }

        private sealed class Shared((long After, string Types, int Limit) key, Task<List<StoredEvent>> read, long bytes)
        {
            public (long After, string Types, int Limit) Key { get; } = key;

            public Task<List<StoredEvent>> Read { get; } = read;

            /// <summary>Its key's and, once read, its events' bytes.</summary>
            public long Bytes { get; set; } = bytes;
        }
    }
}
