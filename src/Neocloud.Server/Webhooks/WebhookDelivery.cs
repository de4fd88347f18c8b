using System.Collections.Concurrent;
using System.Data.Common;
using Neocloud.Cluster.Hosting;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Events;
using Neocloud.Exchange.Webhooks;
using Neocloud.Server.Hosting;
using Neocloud.Storage;

namespace Neocloud.Server.Webhooks;

/// <summary>
/// Delivers every active webhook's events, on tasks of its own so a slow or dead receiver never slows the market: per
/// hook one loop follows the organization's events after the hook's durable cursor and POSTs them one at a time in
/// sequence order; a 2xx moves the cursor (so after a crash delivery resumes from it: at least once), anything else is
/// retried with exponential backoff and jitter (1 s, 2 s, 4 s … at most 1 h) until <see cref="ServerOptions.WebhookRetryFor"/>
/// has passed since the event's first failure, and then the hook is disabled and <c>webhook.disabled</c> published.
/// Every node of a cluster runs this service; a hook's lease (claimed and renewed with a conditional update) lets one
/// node deliver it at a time, and a node whose renewal fails (the lease lost, the hook removed, disabled or moved back)
/// stops that hook's loop. Hooks this node changes are picked up at once, other nodes' at the next rescan.
/// <para>
/// A delivered event's record (the attempt, the cursor moved) is written behind the delivery, every hook's together in
/// one transaction every <see cref="RecordEvery"/>: a commit (and on SQLite the write lock the market's own commits
/// need) per delivered event would let ten busy hooks slow the market. A crash before that write sends the last few
/// events again, which at-least-once allows. A failed attempt is recorded before its retry waits.
/// </para>
/// </summary>
public sealed partial class WebhookDelivery(ExchangeStore store, EventFeed feed, WebhookDesk desk, WebhookSender sender, WebhookPolicy policy,
    TimeProvider clock, ExchangeReadiness readiness, ILogger<WebhookDelivery> log) : BackgroundService
{
    /// <summary>How long a claimed lease holds without renewal.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    /// <summary>How often a delivering node renews its leases.</summary>
    public static readonly TimeSpan Renewal = TimeSpan.FromSeconds(5);

    /// <summary>How often active hooks are looked for (hooks added or enabled on other nodes, leases other nodes let go).</summary>
    public static readonly TimeSpan Rescan = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between two attempts at one event.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(1);

    /// <summary>How often delivered attempts are written (in one transaction for every hook of this node).</summary>
    public static readonly TimeSpan RecordEvery = TimeSpan.FromMilliseconds(100);

    /// <summary>Who holds a lease: this process, once.</summary>
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    private readonly ConcurrentDictionary<string, Runner> _runners = new(StringComparer.Ordinal);
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly System.Threading.Channels.Channel<(AttemptToRecord Attempt, TaskCompletionSource<bool>? Recorded)> _attempts =
        System.Threading.Channels.Channel.CreateUnbounded<(AttemptToRecord, TaskCompletionSource<bool>?)>(new() { SingleReader = true });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A hook disabled after failing too long is the exchange's own doing.
        using var acting = Acting.As(JournalActor.Exchange);
        try
        {
            await readiness.Recovered.WaitAsync(stoppingToken);
        }
        catch (Exception) when (!readiness.IsRecovered)
        {
            return;
        }
        desk.Changed += OnChanged;
        var recording = RecordAsync();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // A fresh signal before the scan: a change during the scan wakes the next one at once.
                Interlocked.Exchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                try
                {
                    await ScanAsync(stoppingToken);
                }
                catch (Exception e) when (!NodeFaults.IsStopping(e, stoppingToken))
                {
                    // Whatever it was (a database error, a bug): delivery goes on, and the next rescan tries again.
                    LogScanFailed(e);
                }
                try
                {
                    await _wake.Task.WaitAsync(Rescan, clock, stoppingToken);
                }
                catch (TimeoutException)
                {
                    // The periodic rescan.
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            desk.Changed -= OnChanged;
            foreach (var runner in _runners.Values) runner.Stop();
            await Task.WhenAll(_runners.Values.Select(r => r.Task));
            _attempts.Writer.TryComplete();
            await recording;
            await ReleaseLeasesAsync();
        }
    }

    /// <summary>A hook changed on this node: its loop (if any) stops, and the rescan starts it again from the store.</summary>
    private void OnChanged(string id)
    {
        if (_runners.TryGetValue(id, out var runner)) runner.Stop();
        Wake();
    }

    private void Wake() => _wake.TrySetResult();

    /// <summary>Starts a loop for every active hook this node can lease and does not deliver yet.</summary>
    private async Task ScanAsync(CancellationToken stoppingToken)
    {
        foreach (var (id, runner) in _runners)
        {
            if (runner.Task.IsCompleted) _runners.TryRemove(new KeyValuePair<string, Runner>(id, runner));
        }
        foreach (var hook in await store.ActiveWebhooksAsync(stoppingToken))
        {
            if (_runners.ContainsKey(hook.Id)) continue;
            var now = clock.GetUtcNow();
            if (!await store.ClaimWebhookLeaseAsync(hook.Id, _owner, hook.Generation, now.ToUnixTimeMilliseconds(), (now + Lease).ToUnixTimeMilliseconds(), stoppingToken))
                continue;
            var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var runner = new Runner(stop);
            _runners[hook.Id] = runner;
            runner.Task = Task.Run(async () =>
            {
                using (stop) await RunAsync(hook, stop.Token);
            }, CancellationToken.None);
        }
    }

    /// <summary>One hook's loop and its lease renewal, until either ends; then the rescan may start it again.</summary>
    private async Task RunAsync(WebhookRecord hook, CancellationToken stop)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var renewing = RenewAsync(hook, done);
        try
        {
            await DeliverAsync(hook, done.Token);
        }
        catch (OperationCanceledException) when (done.IsCancellationRequested)
        {
            // Stopped, lost, removed or moved back.
        }
        catch (Exception e) when (!NodeFaults.IsStopping(e, done.Token))
        {
            LogDeliveryFailed(e, hook.Id);
        }
        finally
        {
            await done.CancelAsync();
            await renewing;
            // Stopped for a change made on this node: start again now. Any other end waits for the rescan, so a hook
            // whose loop keeps failing is retried every few seconds, not in a tight loop.
            if (stop.IsCancellationRequested) Wake();
        }
    }

    /// <summary>Renews the hook's lease every <see cref="Renewal"/>; a failed renewal ends the hook's loop on this node.</summary>
    private async Task RenewAsync(WebhookRecord hook, CancellationTokenSource done)
    {
        try
        {
            while (true)
            {
                await Task.Delay(Renewal, clock, done.Token);
                var now = clock.GetUtcNow();
                if (!await store.ClaimWebhookLeaseAsync(hook.Id, _owner, hook.Generation, now.ToUnixTimeMilliseconds(), (now + Lease).ToUnixTimeMilliseconds(), done.Token))
                {
                    await done.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The loop ended.
        }
        catch (Exception e) when (!NodeFaults.IsStopping(e, done.Token))
        {
            // The store is unreachable: the lease cannot be kept, so stop before it runs out under another node.
            LogDeliveryFailed(e, hook.Id);
            await done.CancelAsync();
        }
    }

    /// <summary>Delivers the hook's events after its cursor, one at a time, until cancelled or the hook is disabled.</summary>
    private async Task DeliverAsync(WebhookRecord hook, CancellationToken ct)
    {
        var types = WebhookTerms.TypesOf(hook.Types);
        var lastDelivered = hook.CursorSeq;
        var failingSince = hook.FailingSinceMs;
        await foreach (var e in feed.FollowAsync(hook.OrganizationId, hook.CursorSeq, types.Count == 0 ? null : types, ct))
        {
            for (var attempt = 1; ; attempt++)
            {
                var result = await sender.SendAsync(hook, e, ct);
                var nowMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
                var record = new WebhookDeliveryRecord(hook.Id, 0, e.Seq, e.Id, e.Type, attempt, nowMs, result.StatusCode, result.LatencyMs, result.Error);
                if (result.Delivered)
                {
                    // Written behind, with every hook's (see the class): the next event goes out at once.
                    _attempts.Writer.TryWrite((new AttemptToRecord(record, hook.Generation, true), null));
                    lastDelivered = e.Seq;
                    failingSince = null;
                    break;
                }
                var recorded = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                if (!_attempts.Writer.TryWrite((new AttemptToRecord(record, hook.Generation, false), recorded)) || !await recorded.Task.WaitAsync(ct)) return;
                failingSince ??= nowMs;
                var left = TimeSpan.FromMilliseconds(failingSince.Value + (long)policy.RetryFor.TotalMilliseconds - nowMs);
                if (left <= TimeSpan.Zero)
                {
                    var reason = $"event {e.Seq} ({e.Type}) was not delivered within {Describe(policy.RetryFor)} of its first failure; last: {result.Error}";
                    var disabled = ExchangeEvent.Of(hook.OrganizationId, EventTypes.WebhookDisabled, nowMs,
                        new WebhookDisabledEvent(hook.Id, hook.Url, reason, lastDelivered, e.Seq));
                    if (await desk.DisableAsync(hook.Id, _owner, hook.Generation, reason, nowMs, disabled, ct)) LogDisabled(hook.Id, reason);
                    return;
                }
                var backoff = Backoff(attempt);
                await Task.Delay(backoff < left ? backoff : left, clock, ct);
            }
        }
    }

    /// <summary>
    /// Writes the attempts the loops hand in, all that are waiting in one transaction, every <see cref="RecordEvery"/>
    /// until the channel closes; a hook whose lease this node lost is stopped here. A write that fails is logged and its
    /// attempts dropped: the cursor stays where it was, so those events go out again (at least once).
    /// </summary>
    private async Task RecordAsync()
    {
        var reader = _attempts.Reader;
        var batch = new List<(AttemptToRecord Attempt, TaskCompletionSource<bool>? Recorded)>();
        while (await reader.WaitToReadAsync())
        {
            // A failure is waited on by its loop: write at once. Deliveries wait a little to travel together.
            if (reader.TryPeek(out var first) && first.Recorded is null) await Task.Delay(RecordEvery, clock);
            batch.Clear();
            while (reader.TryRead(out var item)) batch.Add(item);
            HashSet<string> lost;
            try
            {
                lost = await store.RecordWebhookAttemptsAsync(batch.Select(b => b.Attempt).ToList(), _owner);
            }
            catch (Exception e)
            {
                // Whatever failed, the loops waiting on these attempts must hear back, or they would wait forever.
                LogRecordFailed(e, batch.Count);
                lost = [.. batch.Select(b => b.Attempt.Record.WebhookId)];
            }
            foreach (var id in lost)
            {
                if (_runners.TryGetValue(id, out var runner)) runner.Stop();
            }
            foreach (var (attempt, recorded) in batch) recorded?.TrySetResult(!lost.Contains(attempt.Record.WebhookId));
        }
    }

    /// <summary>1 s, 2 s, 4 s … doubled each attempt up to <see cref="MaxBackoff"/>, plus up to a quarter more at random so receivers coming back are not hit by every hook at once.</summary>
    internal static TimeSpan Backoff(int attempt)
    {
        var seconds = Math.Min(Math.Pow(2, Math.Min(attempt - 1, 30)), MaxBackoff.TotalSeconds);
        return TimeSpan.FromSeconds(Math.Min(seconds * (1 + Random.Shared.NextDouble() / 4), MaxBackoff.TotalSeconds));
    }

    private static string Describe(TimeSpan span) =>
        span.TotalHours >= 1 && span.TotalHours % 1 == 0 ? $"{span.TotalHours:0} h" : span.TotalMinutes >= 1 && span.TotalMinutes % 1 == 0 ? $"{span.TotalMinutes:0} min" : $"{span.TotalSeconds:0.###} s";

    /// <summary>At a clean stop, lets go of the leases this node holds, so other nodes take the hooks at once.</summary>
    private async Task ReleaseLeasesAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        foreach (var id in _runners.Keys)
        {
            try
            {
                await store.ReleaseWebhookLeaseAsync(id, _owner, timeout.Token);
            }
            catch (Exception e) when (e is DbException or InvalidOperationException or IOException or TimeoutException or OperationCanceledException or ObjectDisposedException)
            {
                // The lease runs out on its own.
                return;
            }
        }
    }

    private sealed class Runner(CancellationTokenSource stop)
    {
        public Task Task { get; set; } = Task.CompletedTask;

        public void Stop()
        {
            try
            {
                stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Already ended.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "looking for webhooks to deliver failed; trying again at the next rescan")]
    private partial void LogScanFailed(Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "delivering webhook {Webhook} failed; it resumes from its cursor at the next rescan")]
    private partial void LogDeliveryFailed(Exception error, string webhook);

    [LoggerMessage(Level = LogLevel.Warning, Message = "recording {Count} webhook attempts failed; those events will be delivered again")]
    private partial void LogRecordFailed(Exception error, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "webhook {Webhook} disabled: {Reason}")]
    private partial void LogDisabled(string webhook, string reason);
}
