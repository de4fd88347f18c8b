using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Neocloud.Exchange.Outcomes;
using Neocloud.Market.Commands;
using Neocloud.Market.Engine;
using Neocloud.Storage;

namespace Neocloud.Exchange.Shard;

/// <summary>
/// The one writer of a market: a shard. Commands queue here; a single loop applies them to the engine in arrival order,
/// writes each batch (journal rows, read models, idempotency records) in one transaction, and answers the callers
/// only after the commit: an acknowledged command is durable. Queries run on the same loop after the commit, so
/// they see only durable state. On start it loads the newest snapshot and replays the journal after it.
/// <para>
/// On one machine one shard holds every market group, in the store's <c>journal</c>. In a cluster a shard holds one
/// market group (<see cref="Group"/>): it claims the group's fence row at start (a higher epoch), keeps its journal and
/// snapshots under the group's name, numbers its trades and read-model sequences so they never collide with another
/// group's, and commits each batch only while its epoch still owns the row. A fenced shard answers every command
/// with <see cref="Failure.Unavailable"/>, stops, and raises <see cref="Fenced"/>.
/// </para>
/// </summary>
public sealed partial class MarketShard : IAsyncDisposable
{
    private const int MaxBatch = 1024;
    /// <summary>How long the shard remembers an idempotency key it applied, to answer a retry racing the first commit.</summary>
    public static readonly TimeSpan KeyMemory = TimeSpan.FromMinutes(10);

    private readonly Channel<WorkItem> _queue = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ExchangeStore _store;
    private readonly Func<IMatchingEngine> _newEngine;
    private readonly TimeProvider _clock;
    private readonly ILogger<MarketShard> _log;
    private readonly int _snapshotEvery;
    private readonly CommitBatch _batch = new();
    private readonly Dictionary<(string Organization, string Key), (string Hash, StoredAnswer Answer, DateTimeOffset At)> _recentKeys = [];
    private readonly List<MarketEvent> _events = [];
    private readonly CancellationTokenSource _stopping = new();
    private IMatchingEngine _engine;
    private Offtake.BookState _book = new();
    private Access.ConfigState _config = new();
    private Accounts.AccountState _accounts;
    private readonly bool _requireCredit;
    private long _sequence;
    private long _tradeNo;
    private long _sinceSnapshot;
    private int _restingAtSnapshot;
    private Task? _loop;
    private Task _snapshot = Task.CompletedTask;
    private readonly int _ordinal;
    private long _epoch;
    private volatile bool _fenced;
    /// <summary>True while the engine holds commands the store did not keep and the rebuild from the store has not yet succeeded.</summary>
    private bool _engineAhead;
    private static readonly TimeSpan RebuildFirstWait = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan RebuildLastWait = TimeSpan.FromSeconds(5);
    // The channel of a single reader cannot count its items; one interlocked add a write and one a batch can.
    private long _queued;

    public MarketShard(ExchangeStore store, TimeProvider clock, ILogger<MarketShard> log, int snapshotEvery, Func<IMatchingEngine>? newEngine = null,
        string? group = null, bool requireCredit = false)
    {
        _requireCredit = requireCredit;
        Group = group;
        _ordinal = group is null ? 0 : Domain.Catalog.MarketGroups.OrdinalOf(group);
        _store = store;
        _newEngine = newEngine ?? (() => MarketEngines.Create(MarketEngines.Default));
        _clock = clock;
        _log = log;
        _snapshotEvery = snapshotEvery;
        _engine = _newEngine();
        Label = ExchangeTelemetry.ShardLabel(group);
        _accounts = new Accounts.AccountState(AccountShard, IsHome, requireCredit);
    }

    /// <summary>This shard's name in account entries and slices: its market group, or empty on one machine.</summary>
    private string AccountShard => Group ?? "";

    /// <summary>True when this shard journals limits and money: the one shard, or in a cluster the first group's (where configuration goes).</summary>
    private bool IsHome => Group is null || Group == Domain.Catalog.MarketGroups.Named[0].Name;

    /// <summary>Reads the accounts on the loop, after the commands queued before are committed.</summary>
    public Task<T> QueryAccountsAsync<T>(Func<Accounts.AccountState, T> query) => QueryAsync(_ => query(_accounts));

    /// <summary>Raised on the loop after a batch that changed the market is committed (for live dashboards; keep handlers short).</summary>
    public event Action? MarketChanged;

    /// <summary>Raised once when a commit finds that a newer activation owns this shard's group; the shard has stopped.</summary>
    public event Action? Fenced;

    /// <summary>The last journal sequence applied.</summary>
    public long Sequence => Interlocked.Read(ref _sequence);

    /// <summary>The market group this shard holds in a cluster, or null for the one-machine shard of every group.</summary>
    public string? Group { get; }

    /// <summary>This activation's epoch on its group's fence row (0 on one machine).</summary>
    public long Epoch => Interlocked.Read(ref _epoch);

    /// <summary>True once a newer activation took the group: this shard writes nothing more.</summary>
    public bool IsFenced => _fenced;

    /// <summary>The shard label of this shard's metrics: its market group, or <c>all</c>.</summary>
    public string Label { get; }

    /// <summary>Commands and queries waiting for the loop.</summary>
    public long QueueDepth => Interlocked.Read(ref _queued);

    /// <summary>Recovers the engine from the store and starts the loop (in a cluster, after claiming the group's next epoch).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        long? claimed = null;
        if (Group is not null)
        {
            var claim = await _store.ClaimShardAsync(Group, cancellationToken);
            Interlocked.Exchange(ref _epoch, claim.Epoch);
            claimed = claim.LastSequence;
        }
        await RecoverAsync(cancellationToken);
        if (claimed is { } last && last != _sequence)
            throw new InvalidOperationException($"shard {Group}: the fence row says sequence {last}, the journal ends at {_sequence}");
        _loop = Task.Run(RunAsync, CancellationToken.None);
        ExchangeTelemetry.Track(this);
    }

    /// <summary>
    /// Queues a request; completes once the request and its effects are committed (an accepted or refused outcome),
    /// or with <see cref="Failure.Unavailable"/> when the store could not keep it. Under an idempotency key, the
    /// host's answer for the outcome is stored in the same commit.
    /// </summary>
    public Task<Outcome<Committed>> SubmitAsync(ShardRequest request, Idempotency<Committed>? idempotency = null)
    {
        var item = new CommandItem(request, idempotency);
        if (ExchangeTelemetry.Source.HasListeners() && Activity.Current is { Recorded: true } caller)
        {
            // Only when someone listens and the caller's trace was sampled: the caller's span becomes the command
            // span's parent, from this moment on.
            item.Caller = caller.Context;
            item.SubmittedAt = DateTime.UtcNow;
        }
        // Counted before it is written, so the loop never takes away one that was not counted yet.
        Interlocked.Increment(ref _queued);
        if (_queue.Writer.TryWrite(item)) return item.Done.Task;
        Interlocked.Decrement(ref _queued);
        return Task.FromResult<Outcome<Committed>>(Failure.Unavailable);
    }

    /// <summary>Runs a read-only query on the engine, after the commands queued before it are committed.</summary>
    public Task<T> QueryAsync<T>(Func<IMatchingEngine, T> query)
    {
        var item = new QueryItem<T>(query);
        Interlocked.Increment(ref _queued);
        if (_queue.Writer.TryWrite(item)) return item.Done.Task;
        Interlocked.Decrement(ref _queued);
        throw new ShardStoppedException(Group);
    }

    /// <summary>Stops taking work, finishes what is queued, and writes a final snapshot.</summary>
    public async ValueTask DisposeAsync()
    {
        ExchangeTelemetry.Forget(this);
        _queue.Writer.TryComplete();
        if (_loop is not null) await _loop;
        await _snapshot;
        if (_sinceSnapshot > 0 && !_fenced && !_engineAhead)
        {
            try
            {
                await SnapshotAsync(CancellationToken.None);
            }
            catch (Exception e) when (e is InvalidOperationException or System.Data.Common.DbException or IOException)
            {
                LogSnapshotFailed(e);
            }
        }
        _stopping.Dispose();
    }

    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        var engine = _newEngine();
        var snapshot = Group is null ? await _store.LatestSnapshotAsync(cancellationToken) : await _store.LatestShardSnapshotAsync(Group, cancellationToken);
        long sequence = 0;
        if (snapshot is not null)
        {
            using var state = new MemoryStream(snapshot.State, writable: false);
            engine.Import(MarketState.ReadFrom(state));
            sequence = snapshot.Sequence;
        }
        var replayed = 0;
        // The rows after the snapshot, from the snapshot's own row (the anchor of their hash chain): each replayed row's
        // link is checked on the way (one SHA-256 over a few hundred bytes beside parsing its JSON). A broken link is
        // logged, not fatal: refusing to start would make tampering a way to stop the exchange; `journal verify` audits.
        var shard = Group ?? JournalChain.NoShard;
        var previous = sequence == 0 ? JournalChain.Genesis.ToArray() : null;
        var expected = new byte[JournalChain.HashSize];
        long brokenAt = 0;
        await using (var connection = await _store.OpenConnectionAsync(cancellationToken))
        {
            await foreach (var (entry, hash) in JournalAudit.RowsAsync(connection, null, shard, Math.Max(sequence, 1), cancellationToken: cancellationToken))
            {
                if (entry.Sequence == sequence)
                {
                    previous = hash;
                    continue;
                }
                if (brokenAt == 0)
                {
                    if (previous is not null) JournalChain.Next(previous, shard, entry, expected);
                    if (previous is null || hash is null || entry.Sequence != sequence + 1 || !expected.AsSpan().SequenceEqual(hash)) brokenAt = entry.Sequence;
                }
                previous = hash;
                Replay(engine, entry.Command);
                sequence = entry.Sequence;
                replayed++;
            }
        }
        if (brokenAt != 0) LogChainBroken(shard.Length == 0 ? "journal" : $"journal of {shard}", brokenAt);
        // The book's rows are committed with the facts that wrote them, so they stand at the journal's head already.
        _book = Offtake.BookState.From(await _store.BookRowsAsync(cancellationToken), await _store.ClockTicksAsync(cancellationToken));
        _config = Access.ConfigState.From(await _store.ConfigRowsAsync(cancellationToken));
        _alerts = Alerts.AlertBook.From((await _store.AllAlertsAsync(cancellationToken)).Where(a => Group is null || Domain.Catalog.MarketGroups.Of(a.Sku) == Group));
        _accounts = Accounts.AccountState.From(AccountShard, IsHome, _requireCredit, await _store.AccountRowsAsync(AccountShard, cancellationToken),
            await _store.TradeNetsAsync(sku => Group is null || Domain.Catalog.MarketGroups.Of(sku) == Group, cancellationToken), engine.Export().Bids);
        _engine = engine;
        Interlocked.Exchange(ref _sequence, sequence);
        _tradeNo = Group is null ? await _store.LastTradeNoAsync(cancellationToken) : await LastShardTradeNoAsync(cancellationToken);
        _sinceSnapshot = replayed;
        _restingAtSnapshot = engine.RestingOrders;
        LogRecovered(snapshot?.Sequence ?? 0, replayed, sequence);
    }

    private async Task RunAsync()
    {
        var items = new List<WorkItem>(MaxBatch);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            items.Clear();
            while (items.Count < MaxBatch && reader.TryRead(out var item)) items.Add(item);
            Interlocked.Add(ref _queued, -items.Count);
            var kept = _sequence;
            try
            {
                await ProcessAsync(items);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await RecoverFromFaultAsync(items, kept, e);
            }
            if (_fenced) break;
        }
        if (!_fenced) return;
        ExchangeTelemetry.Forget(this);
        // Fenced: what is still queued was never applied; it gets the same retryable answer.
        RefuseQueued();
    }

    /// <summary>Answers everything queued without applying it: commands with 503 (retryable), queries with <see cref="ShardStoppedException"/>.</summary>
    private void RefuseQueued()
    {
        var refused = 0;
        while (_queue.Reader.TryRead(out var item))
        {
            refused++;
            if (item is CommandItem command) command.Done.TrySetResult(Failure.Unavailable);
            else if (item is QueryItemBase query) query.Stop(Group);
        }
        Interlocked.Add(ref _queued, -refused);
    }

    /// <summary>
    /// After a fault no path of the batch expected (a defect): the loop goes on, as after a failed commit. The batch's
    /// callers not yet answered hear 503 and the engine is rebuilt from what the store kept, so a bad batch costs
    /// itself and not the exchange.
    /// </summary>
    private async Task RecoverFromFaultAsync(List<WorkItem> items, long kept, Exception fault)
    {
        LogBatchFaulted(fault, items.Count);
        if (Activity.Current is not null) Activity.Current = null;
        await AbandonAsync(items, kept);
    }

    /// <summary>
    /// Drops what the engine applied and the store did not keep: each command of <paramref name="items"/> not yet
    /// answered hears 503 (retryable; its idempotency key forgotten, so a retry runs again), the market is rebuilt from
    /// the store (its sequence and trade numbers with it), and the batch's queries run on the rebuilt market. When the
    /// store cannot be read, the queries hear <see cref="ShardStoppedException"/> and the rebuild is tried again until it
    /// can; meanwhile <see cref="Sequence"/> reports <paramref name="kept"/>, the last sequence the store holds.
    /// </summary>
    private async Task AbandonAsync(List<WorkItem> items, long kept)
    {
        Interlocked.Exchange(ref _sequence, kept);
        foreach (var item in items)
        {
            if (item is not CommandItem command || command.Done.Task.IsCompleted) continue;
            Answer(command, Failure.Unavailable);
            if (command.Idempotency is { } idempotency) _recentKeys.Remove((idempotency.Key.OrganizationId, idempotency.Key.Key));
        }
        _engineAhead = true;
        if (await TryRebuildAsync(1, RebuildFirstWait))
        {
            RunQueries(items);
            return;
        }
        // The store cannot be read: the batch's queries hear so now, as does everything that queues until it can.
        foreach (var item in items)
        {
            if (item is QueryItemBase query) query.Stop(Group);
        }
        await RebuildUntilStoreAnswersAsync();
    }

    /// <summary>
    /// Tries again, for as long as the store cannot be read (a database restarting, a disk full), to rebuild the market:
    /// meanwhile what queues hears 503 at once instead of waiting on a loop that could not commit it, and the wait
    /// between tries doubles from 100 ms to 5 s. Ends without a rebuilt market only when the shard is stopping, and then
    /// <see cref="_engineAhead"/> stays set, so nothing of the engine is snapshotted.
    /// </summary>
    private async Task RebuildUntilStoreAnswersAsync()
    {
        var wait = RebuildFirstWait;
        for (var attempt = 2; ; attempt++)
        {
            if (!await RefuseQueuedForAsync(wait)) return;
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, RebuildLastWait.Ticks));
            if (await TryRebuildAsync(attempt, wait)) return;
        }
    }

    /// <summary>
    /// For <paramref name="wait"/>, refuses each work item the moment it queues (<see cref="RefuseQueued"/>); false, at
    /// once, when the shard is stopping (its queue completed and empty).
    /// </summary>
    private async Task<bool> RefuseQueuedForAsync(TimeSpan wait)
    {
        using var timer = new CancellationTokenSource(wait);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(timer.Token)) RefuseQueued();
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    /// <summary>One try at rebuilding the market from the store: false (and logged) when the store could not be read.</summary>
    private async Task<bool> TryRebuildAsync(int attempt, TimeSpan nextWait)
    {
        try
        {
            await RecoverAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            LogRebuildFailed(e, attempt, nextWait.TotalSeconds);
            return false;
        }
        _engineAhead = false;
        if (attempt > 1) LogRebuilt(attempt);
        return true;
    }

    /// <summary>Tells <see cref="MarketChanged"/>'s handlers, each on its own: one that throws is logged and does not stop the others or the loop.</summary>
    private void RaiseMarketChanged()
    {
        if (MarketChanged is not { } handlers) return;
        foreach (var handler in handlers.GetInvocationList().Cast<Action>())
        {
            try
            {
                handler();
            }
            catch (Exception e)
            {
                LogHandlerFailed(e);
            }
        }
    }

    private async Task ProcessAsync(List<WorkItem> items)
    {
        _batch.Clear();
        var answers = new List<(CommandItem Item, Outcome<Committed> Outcome)>(items.Count);
        var sequenceBefore = _sequence;
        var now = _clock.GetUtcNow();
        foreach (var item in items)
        {
            if (item is CommandItem command) answers.Add((command, Apply(command, now)));
        }
        EvaluateAlerts(now.ToUnixTimeMilliseconds());

        if (Group is not null) _batch.Fence = new ShardFence(Group, _epoch, sequenceBefore, _sequence);
        var commitSpan = ExchangeTelemetry.Source.HasListeners() ? StartSpans(answers) : null;
        var commitStarted = Stopwatch.GetTimestamp();
        try
        {
            await _store.CommitAsync(_batch);
        }
        catch (ShardFencedException e)
        {
            // A newer activation owns the group: nothing of this batch was written, and this shard writes nothing more.
            LogFenced(e.Shard, e.Epoch, answers.Count);
            _fenced = true;
            _queue.Writer.TryComplete();
            // Raised before any caller hears its retryable answer, so whoever got one may rely on it having run.
            Fenced?.Invoke();
            EndCommitSpan(commitSpan, failed: true);
            foreach (var (item, _) in answers) Answer(item, Failure.Unavailable);
            foreach (var item in items)
            {
                if (item is QueryItemBase query) query.Stop(Group);
            }
            return;
        }
        catch (Exception e) when (e is System.Data.Common.DbException or IOException or InvalidOperationException or TimeoutException)
        {
            // The engine applied what the store did not keep: answer 503 and rebuild the engine from the store.
            LogCommitFailed(e, answers.Count);
            EndCommitSpan(commitSpan, failed: true);
            await AbandonAsync(items, sequenceBefore);
            return;
        }

        if (answers.Count > 0)
        {
            var shard = new KeyValuePair<string, object?>("shard", Label);
            ExchangeTelemetry.CommitDuration.Record(Stopwatch.GetElapsedTime(commitStarted).TotalSeconds, shard);
            ExchangeTelemetry.CommitBatchSize.Record(answers.Count, shard);
        }
        EndCommitSpan(commitSpan, failed: false);
        foreach (var (item, outcome) in answers) Answer(item, outcome);
        RunQueries(items);
        if (_batch.Journal.Count > 0) RaiseMarketChanged();
        _sinceSnapshot += _batch.Journal.Count;
        // A snapshot costs time in proportion to the book, a restart replays the journal after the last one: waiting
        // for at least as many commands as the last snapshot held resting orders keeps the first cost constant per
        // command however large the book grows, and the second no larger than reading a snapshot.
        if (_sinceSnapshot >= Math.Max(_snapshotEvery, _restingAtSnapshot) && _snapshot.IsCompleted)
        {
            // Copy the state here, between batches; serialize and store it beside the loop so trading does not wait.
            var capture = _engine.Capture();
            var sequence = _sequence;
            _sinceSnapshot = 0;
            _restingAtSnapshot = _engine.RestingOrders;
            _snapshot = Task.Run(() => SaveSnapshotAsync(capture, sequence));
        }
    }

    private async Task SaveSnapshotAsync(Func<MarketState> capture, long sequence)
    {
        try
        {
            var started = Stopwatch.GetTimestamp();
            await SaveAsync(new SnapshotRecord(sequence, _clock.GetUtcNow().ToUnixTimeMilliseconds(), capture().ToBytes()), CancellationToken.None);
            RecordSnapshot(started);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or IOException or InvalidOperationException)
        {
            // A missed snapshot costs only a longer replay at the next start.
            LogSnapshotFailed(e);
        }
    }

    private void RunQueries(List<WorkItem> items)
    {
        foreach (var item in items)
        {
            if (item is QueryItemBase query) query.Run(_engine);
        }
    }

    private async Task SnapshotAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await SaveAsync(new SnapshotRecord(_sequence, _clock.GetUtcNow().ToUnixTimeMilliseconds(), _engine.Export().ToBytes()), cancellationToken);
        _sinceSnapshot = 0;
        RecordSnapshot(started);
    }

    private void RecordSnapshot(long started) =>
        ExchangeTelemetry.SnapshotDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("shard", Label));

    private Task SaveAsync(SnapshotRecord snapshot, CancellationToken cancellationToken) =>
        Group is null ? _store.SaveSnapshotAsync(snapshot, cancellationToken) : _store.SaveShardSnapshotAsync(Group, snapshot, cancellationToken);

    /// <summary>A cluster shard's trade numbers are its ordinal plus multiples of the ordinal space, so no two groups share one.</summary>
    private async Task<long> LastShardTradeNoAsync(CancellationToken cancellationToken)
    {
        var last = await _store.LastTradeNoAsync(_ordinal, Domain.Catalog.MarketGroups.OrdinalSpace, cancellationToken);
        return last != 0 ? last : _ordinal - Domain.Catalog.MarketGroups.OrdinalSpace;
    }

    /// <summary>The next trade number.</summary>
    private long NextTradeNo() => _tradeNo += Group is null ? 1 : Domain.Catalog.MarketGroups.OrdinalSpace;

    /// <summary>
    /// A journal sequence as the read models order by it (orders' and pools' placement, trades): itself on one
    /// machine; in a cluster, made unique across groups by the group's ordinal.
    /// </summary>
    private long ReadSequence(long sequence) => Group is null ? sequence : sequence * Domain.Catalog.MarketGroups.OrdinalSpace + _ordinal;

    [LoggerMessage(Level = LogLevel.Error, Message = "a handler of MarketChanged threw; the market goes on")]
    private partial void LogHandlerFailed(Exception error);

    [LoggerMessage(Level = LogLevel.Critical, Message = "a batch of {Count} work items failed unexpectedly; its unanswered callers get 503 and the market is rebuilt from the store")]
    private partial void LogBatchFaulted(Exception error, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "recovered the market from snapshot {Snapshot} and {Replayed} journal entries, at sequence {Sequence}")]
    private partial void LogRecovered(long snapshot, int replayed, long sequence);

    [LoggerMessage(Level = LogLevel.Error, Message = "the {Journal}'s hash chain breaks at sequence {Sequence} (a row edited, deleted or moved since it was written); run 'neocloud journal verify'")]
    private partial void LogChainBroken(string journal, long sequence);

    [LoggerMessage(Level = LogLevel.Error, Message = "commit of {Count} commands failed; rebuilding the engine from the store")]
    private partial void LogCommitFailed(Exception error, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "shard {Shard} at epoch {Epoch} was fenced by a newer activation; {Count} commands answered as unavailable, the shard stops")]
    private partial void LogFenced(string shard, long epoch, int count);

    [LoggerMessage(Level = LogLevel.Critical, Message = "rebuilding the market from the store failed (try {Attempt}); commands are answered 503 until it succeeds, next try in {Wait} s")]
    private partial void LogRebuildFailed(Exception error, int attempt, double wait);

    [LoggerMessage(Level = LogLevel.Warning, Message = "rebuilt the market from the store at try {Attempt}; the shard takes commands again")]
    private partial void LogRebuilt(int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "snapshot failed")]
    private partial void LogSnapshotFailed(Exception error);

    private abstract class WorkItem;

    private sealed class CommandItem(ShardRequest request, Idempotency<Committed>? idempotency) : WorkItem
    {
        public ShardRequest Request { get; } = request;
        public Idempotency<Committed>? Idempotency { get; } = idempotency;
        public TaskCompletionSource<Outcome<Committed>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The span of the caller that submitted it, when traced.</summary>
        public ActivityContext? Caller { get; set; }

        /// <summary>When it was submitted, when traced.</summary>
        public DateTime SubmittedAt { get; set; }

        /// <summary>Its <see cref="ExchangeTelemetry.CommandSpan"/>, from submission to answer, when traced and sampled.</summary>
        public Activity? Span { get; set; }
    }

    private abstract class QueryItemBase : WorkItem
    {
        public abstract void Run(IMatchingEngine engine);

        public abstract void Stop(string? group);
    }

    private sealed class QueryItem<T>(Func<IMatchingEngine, T> query) : QueryItemBase
    {
        public TaskCompletionSource<T> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Run(IMatchingEngine engine)
        {
            try
            {
                Done.TrySetResult(query(engine));
            }
            catch (Exception e)
            {
                // A query's fault is its caller's answer, never the loop's: the loop runs the next item.
                Done.TrySetException(e);
            }
        }

        public override void Stop(string? group) => Done.TrySetException(new ShardStoppedException(group));
    }
}

/// <summary>The shard stopped (the server is stopping, or a newer activation took its group): retry the query elsewhere.</summary>
public sealed class ShardStoppedException(string? group)
    : InvalidOperationException(group is null ? "the exchange is stopping" : $"the shard of {group} stopped; retry");
