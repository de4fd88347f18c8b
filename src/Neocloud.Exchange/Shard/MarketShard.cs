using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Neocloud.Exchange.Outcomes;
using Neocloud.Market.Commands;
using Neocloud.Market.Engine;
using Neocloud.Market.Indexed;
using Neocloud.Storage;

namespace Neocloud.Exchange.Shard;

/// <summary>
/// The one writer of a market: a shard. Commands queue here; a single loop applies them to the engine in arrival order,
/// writes each batch (journal rows, read models, idempotency records) in one transaction, and answers the callers
/// only after the commit: an acknowledged command is durable. Queries run on the same loop after the commit, so
/// they see only durable state. On start it loads the newest snapshot and replays the journal after it.
/// </summary>
public sealed partial class MarketShard : IAsyncDisposable
{
    private const int MaxBatch = 1024;
    private static readonly TimeSpan s_keyMemory = TimeSpan.FromMinutes(10);

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
    private long _sequence;
    private long _tradeNo;
    private long _sinceSnapshot;
    private int _restingAtSnapshot;
    private Task? _loop;
    private Task _snapshot = Task.CompletedTask;

    public MarketShard(ExchangeStore store, TimeProvider clock, ILogger<MarketShard> log, int snapshotEvery, Func<IMatchingEngine>? newEngine = null)
    {
        _store = store;
        _newEngine = newEngine ?? (() => new IndexedEngine());
        _clock = clock;
        _log = log;
        _snapshotEvery = snapshotEvery;
        _engine = _newEngine();
    }

    /// <summary>Raised on the loop after a batch that changed the market is committed (for live dashboards; keep handlers short).</summary>
    public event Action? MarketChanged;

    /// <summary>The last journal sequence applied.</summary>
    public long Sequence => Interlocked.Read(ref _sequence);

    /// <summary>Recovers the engine from the store and starts the loop.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await RecoverAsync(cancellationToken);
        _loop = Task.Run(RunAsync, CancellationToken.None);
    }

    /// <summary>
    /// Queues a request; completes once the request and its effects are committed (an accepted or refused outcome),
    /// or with <see cref="Failure.Unavailable"/> when the store could not keep it. Under an idempotency key, the
    /// host's answer for the outcome is stored in the same commit.
    /// </summary>
    public Task<Outcome<Committed>> SubmitAsync(ShardRequest request, Idempotency<Committed>? idempotency = null)
    {
        var item = new CommandItem(request, idempotency);
        if (!_queue.Writer.TryWrite(item)) return Task.FromResult<Outcome<Committed>>(Failure.Unavailable);
        return item.Done.Task;
    }

    /// <summary>Runs a read-only query on the engine, after the commands queued before it are committed.</summary>
    public Task<T> QueryAsync<T>(Func<IMatchingEngine, T> query)
    {
        var item = new QueryItem<T>(query);
        if (!_queue.Writer.TryWrite(item)) throw new InvalidOperationException("the exchange is stopping");
        return item.Done.Task;
    }

    /// <summary>Stops taking work, finishes what is queued, and writes a final snapshot.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop is not null) await _loop;
        await _snapshot;
        if (_sinceSnapshot > 0)
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
        var snapshot = await _store.LatestSnapshotAsync(cancellationToken);
        long sequence = 0;
        if (snapshot is not null)
        {
            using var state = new MemoryStream(snapshot.State, writable: false);
            engine.Import(MarketState.ReadFrom(state));
            sequence = snapshot.Sequence;
        }
        var replayed = 0;
        await foreach (var entry in _store.ReadJournalAsync(sequence, cancellationToken))
        {
            Replay(engine, entry.Command);
            sequence = entry.Sequence;
            replayed++;
        }
        _engine = engine;
        Interlocked.Exchange(ref _sequence, sequence);
        _tradeNo = await _store.LastTradeNoAsync(cancellationToken);
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
            await ProcessAsync(items);
        }
    }

    private async Task ProcessAsync(List<WorkItem> items)
    {
        _batch.Clear();
        var answers = new List<(CommandItem Item, Outcome<Committed> Outcome)>(items.Count);
        var sequenceBefore = _sequence;
        var tradeNoBefore = _tradeNo;
        var now = _clock.GetUtcNow();
        foreach (var item in items)
        {
            if (item is CommandItem command) answers.Add((command, Apply(command, now)));
        }

        try
        {
            await _store.CommitAsync(_batch);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or IOException or InvalidOperationException or TimeoutException)
        {
            // The engine applied what the store did not keep: answer 503 and rebuild the engine from the store.
            LogCommitFailed(e, answers.Count);
            foreach (var (item, _) in answers) item.Done.TrySetResult(Failure.Unavailable);
            ForgetKeys(answers);
            Interlocked.Exchange(ref _sequence, sequenceBefore);
            _tradeNo = tradeNoBefore;
            await RecoverAsync(CancellationToken.None);
            RunQueries(items);
            return;
        }

        foreach (var (item, outcome) in answers) item.Done.TrySetResult(outcome);
        RunQueries(items);
        if (_batch.Journal.Count > 0) MarketChanged?.Invoke();
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
            using var state = new MemoryStream();
            capture().WriteTo(state);
            await _store.SaveSnapshotAsync(new SnapshotRecord(sequence, _clock.GetUtcNow().ToUnixTimeMilliseconds(), state.ToArray()));
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
        using var state = new MemoryStream();
        _engine.Export().WriteTo(state);
        await _store.SaveSnapshotAsync(new SnapshotRecord(_sequence, _clock.GetUtcNow().ToUnixTimeMilliseconds(), state.ToArray()), cancellationToken);
        _sinceSnapshot = 0;
    }

    private void ForgetKeys(List<(CommandItem Item, Outcome<Committed> Outcome)> answers)
    {
        foreach (var (item, _) in answers)
        {
            if (item.Idempotency is { } idempotency) _recentKeys.Remove((idempotency.Key.OrganizationId, idempotency.Key.Key));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "recovered the market from snapshot {Snapshot} and {Replayed} journal entries, at sequence {Sequence}")]
    private partial void LogRecovered(long snapshot, int replayed, long sequence);

    [LoggerMessage(Level = LogLevel.Error, Message = "commit of {Count} commands failed; rebuilding the engine from the store")]
    private partial void LogCommitFailed(Exception error, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "snapshot failed")]
    private partial void LogSnapshotFailed(Exception error);

    private abstract class WorkItem;

    private sealed class CommandItem(ShardRequest request, Idempotency<Committed>? idempotency) : WorkItem
    {
        public ShardRequest Request { get; } = request;
        public Idempotency<Committed>? Idempotency { get; } = idempotency;
        public TaskCompletionSource<Outcome<Committed>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private abstract class QueryItemBase : WorkItem
    {
        public abstract void Run(IMatchingEngine engine);
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
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or KeyNotFoundException)
            {
                Done.TrySetException(e);
            }
        }
    }
}
