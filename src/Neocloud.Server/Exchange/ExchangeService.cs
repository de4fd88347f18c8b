using System.Threading.Channels;
using Neocloud.Server.Http;
using Neocloud.Storage;

namespace Neocloud.Server.Exchange;

/// <summary>
/// The one writer of the market. Commands queue here; a single loop applies them to the engine in arrival order,
/// writes each batch (journal rows, read models, idempotency records) in one transaction, and answers the callers
/// only after the commit: an acknowledged command is durable. Queries run on the same loop after the commit, so
/// they see only durable state. On start it loads the newest snapshot and replays the journal after it.
/// </summary>
public sealed partial class ExchangeService : IAsyncDisposable
{
    private const int MaxBatch = 1024;
    private static readonly TimeSpan s_keyMemory = TimeSpan.FromMinutes(10);

    private readonly Channel<WorkItem> _queue = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ExchangeStore _store;
    private readonly Func<IMarketPort> _newEngine;
    private readonly TimeProvider _clock;
    private readonly ILogger<ExchangeService> _log;
    private readonly int _snapshotEvery;
    private readonly CommitBatch _batch = new();
    private readonly Dictionary<(string Organization, string Key), (string Hash, ApiResponse Response, DateTimeOffset At)> _recentKeys = [];
    private readonly CancellationTokenSource _stopping = new();
    private IMarketPort _engine;
    private long _sequence;
    private long _tradeNo;
    private long _sinceSnapshot;
    private int _restingAtSnapshot;
    private Task? _loop;
    private Task _snapshot = Task.CompletedTask;

    public ExchangeService(ExchangeStore store, Func<IMarketPort> newEngine, TimeProvider clock, ILogger<ExchangeService> log, int snapshotEvery)
    {
        _store = store;
        _newEngine = newEngine;
        _clock = clock;
        _log = log;
        _snapshotEvery = snapshotEvery;
        _engine = newEngine();
    }

    /// <summary>Raised on the loop after a batch that changed the market is committed (for live dashboards; keep handlers short).</summary>
    public event Action? Committed;

    /// <summary>The last journal sequence applied.</summary>
    public long Sequence => Interlocked.Read(ref _sequence);

    /// <summary>Recovers the engine from the store and starts the loop.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await RecoverAsync(cancellationToken);
        _loop = Task.Run(RunAsync, CancellationToken.None);
    }

    /// <summary>
    /// Queues a command; completes with the caller's answer once the command and its effects are committed.
    /// <paramref name="respond"/> builds the answer from the result, on the loop, so it is stored for the key.
    /// </summary>
    public Task<ApiResponse> SubmitAsync(ExchangeCommand command, IdempotencyRecord? idempotency, Func<CommandResult, ApiResponse> respond)
    {
        var item = new CommandItem(command, idempotency, respond);
        if (!_queue.Writer.TryWrite(item)) return Task.FromResult(Unavailable());
        return item.Done.Task;
    }

    /// <summary>Runs a read-only query on the engine, after the commands queued before it are committed.</summary>
    public Task<T> QueryAsync<T>(Func<IMarketPort, T> query)
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
            engine.ReadSnapshot(state);
            sequence = snapshot.Sequence;
        }
        var replayed = 0;
        await foreach (var entry in _store.ReadJournalAsync(sequence, cancellationToken))
        {
            engine.Replay(entry.Command);
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
        var answers = new List<(CommandItem Item, ApiResponse Response)>(items.Count);
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
            foreach (var (item, _) in answers) item.Done.TrySetResult(Unavailable());
            ForgetKeys(answers);
            Interlocked.Exchange(ref _sequence, sequenceBefore);
            _tradeNo = tradeNoBefore;
            await RecoverAsync(CancellationToken.None);
            RunQueries(items);
            return;
        }

        foreach (var (item, response) in answers) item.Done.TrySetResult(response);
        RunQueries(items);
        if (_batch.Journal.Count > 0) Committed?.Invoke();
        _sinceSnapshot += _batch.Journal.Count;
        // A snapshot costs time in proportion to the book, a restart replays the journal after the last one: waiting
        // for at least as many commands as the last snapshot held resting orders keeps the first cost constant per
        // command however large the book grows, and the second no larger than reading a snapshot.
        if (_sinceSnapshot >= Math.Max(_snapshotEvery, _restingAtSnapshot) && _snapshot.IsCompleted)
        {
            // Copy the state here, between batches; serialize and store it beside the loop so trading does not wait.
            var write = _engine.CaptureSnapshot();
            var sequence = _sequence;
            _sinceSnapshot = 0;
            _restingAtSnapshot = _engine.RestingOrders;
            _snapshot = Task.Run(() => SaveSnapshotAsync(write, sequence));
        }
    }

    private async Task SaveSnapshotAsync(Action<Stream> write, long sequence)
    {
        try
        {
            using var state = new MemoryStream();
            write(state);
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
        _engine.WriteSnapshot(state);
        await _store.SaveSnapshotAsync(new SnapshotRecord(_sequence, _clock.GetUtcNow().ToUnixTimeMilliseconds(), state.ToArray()), cancellationToken);
        _sinceSnapshot = 0;
    }

    private void ForgetKeys(List<(CommandItem Item, ApiResponse Response)> answers)
    {
        foreach (var (item, _) in answers)
        {
            if (item.Idempotency is { } key) _recentKeys.Remove((key.OrganizationId, key.IdempotencyKey));
        }
    }

    private static ApiResponse Unavailable() =>
        ApiResponse.Problem(503, "Service unavailable", "the exchange could not store this command, so it was not applied; retry it");

    [LoggerMessage(Level = LogLevel.Information, Message = "recovered the market from snapshot {Snapshot} and {Replayed} journal entries, at sequence {Sequence}")]
    private partial void LogRecovered(long snapshot, int replayed, long sequence);

    [LoggerMessage(Level = LogLevel.Error, Message = "commit of {Count} commands failed; rebuilding the engine from the store")]
    private partial void LogCommitFailed(Exception error, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "snapshot failed")]
    private partial void LogSnapshotFailed(Exception error);

    private abstract class WorkItem;

    private sealed class CommandItem(ExchangeCommand command, IdempotencyRecord? idempotency, Func<CommandResult, ApiResponse> respond) : WorkItem
    {
        public ExchangeCommand Command { get; } = command;
        public IdempotencyRecord? Idempotency { get; } = idempotency;
        public Func<CommandResult, ApiResponse> Respond { get; } = respond;
        public TaskCompletionSource<ApiResponse> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private abstract class QueryItemBase : WorkItem
    {
        public abstract void Run(IMarketPort engine);
    }

    private sealed class QueryItem<T>(Func<IMarketPort, T> query) : QueryItemBase
    {
        public TaskCompletionSource<T> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Run(IMarketPort engine)
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
