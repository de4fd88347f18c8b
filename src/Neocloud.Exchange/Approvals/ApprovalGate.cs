using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Events;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;
using Neocloud.Storage;

namespace Neocloud.Exchange.Approvals;

/// <summary>
/// Four eyes at the door of every desk that moves large sums: a bid or portfolio whose maximum cost, an award whose
/// contract value, an assignment whose value is at or above its organization's threshold is not run but journaled as an
/// <see cref="ApprovalRequested"/> (with <c>approval.requested</c>) and answered 202 with the approval. The exchange's
/// own work (standing procurements' bids, the demo) and an approved command being run are never held.
/// </summary>
public sealed class ApprovalGate(IMarket market, ExchangeStore store, TimeProvider clock)
{
    /// <summary>How long a threshold read from the store is trusted (a change made on another node applies within it).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    private static readonly AsyncLocal<bool> s_running = new();
    private readonly ConcurrentDictionary<string, (long? Cents, DateTimeOffset Until)> _thresholds = new(StringComparer.Ordinal);

    /// <summary>True while an approved command runs (it is not held again).</summary>
    internal static bool Running => s_running.Value;

    /// <summary>Marks the async flow below as running an approved command.</summary>
    internal static void RunApproved() => s_running.Value = true;

    /// <summary>True when a command worth <paramref name="valueCents"/> waits for approval (cheap: the order path asks it for every bid).</summary>
    public async ValueTask<bool> HoldsAsync(string organization, long valueCents, CancellationToken ct = default) =>
        !Running && Acting.Current is { Kind: not JournalActor.ExchangeKind } && await ThresholdAsync(organization, ct) is { } threshold && valueCents >= threshold;

    /// <summary>
    /// Null when the command runs now; otherwise the held answer (202 and the approval, also stored under the caller's
    /// idempotency key) or why holding it failed.
    /// </summary>
    public async ValueTask<Outcome<T>?> HoldAsync<T>(string organization, HeldCommand command, long valueCents, string summary, Idempotency<T>? key,
        CancellationToken ct = default)
    {
        if (!await HoldsAsync(organization, valueCents, ct)) return null;
        var actor = Acting.Current!;
        var nowMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var approval = new ApprovalRecord(NewId(nowMs), organization, command.Kind, summary, valueCents, command.Json, actor.Text, nowMs);
        var view = ApprovalView.Of(approval);
        var answer = new StoredAnswer(202, JsonSerializer.Serialize(view, ApiJson.Options));
        var fact = new ApprovalRequested(approval) { Events = [ExchangeEvent.Of(organization, EventTypes.ApprovalRequested, nowMs, view)] };
        return await ConfigJournal.SubmitAsync<T>(market, organization, fact,
            committed => committed.IsAccepted ? Outcome<T>.Hold(answer) : committed.Replayed is { } replayed ? Outcome<T>.Replay(replayed) : committed.Failure!, key);
    }

    /// <summary>The organization's threshold in cents, or null when nothing waits for approval.</summary>
    public async ValueTask<long?> ThresholdAsync(string organization, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        if (_thresholds.TryGetValue(organization, out var kept) && kept.Until > now) return kept.Cents;
        var cents = await store.ApprovalThresholdAsync(organization, ct);
        _thresholds[organization] = (cents, now + Lifetime);
        return cents;
    }

    /// <summary>Forgets a threshold this node changed, so its next command reads the new one.</summary>
    public void Forget(string organization) => _thresholds.TryRemove(organization, out _);

    /// <summary><c>apr_</c>, the time in hex (so ids sort by when they were asked) and 6 random bytes.</summary>
    private static string NewId(long nowMs) => $"apr_{nowMs:x11}{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";
}
