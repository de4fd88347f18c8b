using Dapper;

namespace Neocloud.Storage;

/// <summary>
/// Webhooks: the hooks themselves, the cursor each one has delivered through, the lease that lets one node of a
/// cluster deliver a hook at a time, and the attempts made (the newest <see cref="KeptDeliveries"/> per hook). Every
/// write a delivering node makes is conditional on its lease and the hook's generation, so a node that lost the hook
/// (to another node, a redelivery or a removal) changes nothing. Adding, removing, moving back and disabling a hook are
/// journaled configuration facts (<see cref="ConfigProjection"/>); what is written here is delivery bookkeeping.
/// </summary>
public sealed partial class ExchangeStore
{
    /// <summary>The delivery attempts kept per hook (older ones are deleted as new ones are recorded).</summary>
    public const int KeptDeliveries = 1000;

    private const string WebhookColumns =
        "id AS Id, organization_id AS OrganizationId, url AS Url, types AS Types, description AS Description, secret AS Secret, status AS Status, " +
        "created_ms AS CreatedMs, cursor_seq AS CursorSeq, generation AS Generation, attempts AS Attempts, failing_since_ms AS FailingSinceMs, " +
        "disabled_reason AS DisabledReason, disabled_ms AS DisabledMs, lease_owner AS LeaseOwner, lease_until_ms AS LeaseUntilMs";

    /// <summary>What starts a secret stored encrypted (a plain one starts <c>whsec_</c>).</summary>
    private const string ProtectedPrefix = "dp1:";

    private ISecretProtector? _secrets;

    private const string DeliveryColumns =
        "webhook_id AS WebhookId, n AS N, seq AS Seq, event_id AS EventId, type AS Type, attempt AS Attempt, at_ms AS AtMs, status_code AS StatusCode, " +
        "latency_ms AS LatencyMs, error AS Error";

    /// <summary>One hook, or null.</summary>
    public async Task<WebhookRecord?> GetWebhookAsync(string id, CancellationToken cancellationToken = default) =>
        Reveal(await SingleAsync<WebhookRecord>($"SELECT {WebhookColumns} FROM webhooks WHERE id = @id", new { id }, cancellationToken));

    /// <summary>An organization's hooks, oldest first (ids sort by creation).</summary>
    public async Task<IReadOnlyList<WebhookRecord>> WebhooksAsync(string organizationId, CancellationToken cancellationToken = default) =>
        (await QueryAsync<WebhookRecord>($"SELECT {WebhookColumns} FROM webhooks WHERE organization_id = @organizationId ORDER BY id", new { organizationId },
            cancellationToken)).ConvertAll(h => Reveal(h)!);

    /// <summary>Every active hook, oldest first.</summary>
    public async Task<IReadOnlyList<WebhookRecord>> ActiveWebhooksAsync(CancellationToken cancellationToken = default) =>
        (await QueryAsync<WebhookRecord>($"SELECT {WebhookColumns} FROM webhooks WHERE status = 'active' ORDER BY id", null, cancellationToken)).ConvertAll(h => Reveal(h)!);

    /// <summary>
    /// From now on keeps webhook secrets encrypted with <paramref name="protector"/> (its key is not in the store) and
    /// decrypts them as hooks are read; the plain secrets a store written before holds are encrypted now, in one
    /// transaction. Returns how many were.
    /// </summary>
    public async Task<int> ProtectWebhookSecretsAsync(ISecretProtector protector, CancellationToken cancellationToken = default)
    {
        _secrets = protector;
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var plain = (await connection.QueryAsync<(string Id, string Secret)>(new CommandDefinition(
            $"SELECT id, secret FROM webhooks WHERE secret NOT LIKE '{ProtectedPrefix}%'", transaction: transaction, cancellationToken: cancellationToken))).ToList();
        foreach (var (id, secret) in plain)
        {
            // Conditional on the plain value, so that two nodes upgrading together encrypt each secret once.
            await connection.ExecuteAsync(new CommandDefinition("UPDATE webhooks SET secret = @encrypted WHERE id = @id AND secret = @secret",
                new { id, secret, encrypted = Conceal(secret) }, transaction, cancellationToken: cancellationToken));
        }
        await transaction.CommitAsync(cancellationToken);
        return plain.Count;
    }

    /// <summary>A secret as it is stored: encrypted once a protector is set.</summary>
    private string Conceal(string secret) => _secrets is { } protector ? ProtectedPrefix + protector.Protect(secret) : secret;

    /// <summary>A hook as read, its secret decrypted.</summary>
    private WebhookRecord? Reveal(WebhookRecord? hook)
    {
        if (hook is null || !hook.Secret.StartsWith(ProtectedPrefix, StringComparison.Ordinal)) return hook;
        if (_secrets is not { } protector)
            throw new InvalidOperationException($"webhook {hook.Id}'s secret is encrypted and this store was opened without its key ring");
        try
        {
            return hook with { Secret = protector.Unprotect(hook.Secret[ProtectedPrefix.Length..]) };
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            // A store restored without its key ring: the hook cannot sign, and says why; nothing else stops.
            throw new InvalidOperationException($"webhook {hook.Id}'s secret cannot be decrypted: the key ring is not the one it was encrypted with (restore the keys directory backed up with the store)", e);
        }
    }

    /// <summary>
    /// Claims or renews a hook's delivery lease for <paramref name="owner"/> until <paramref name="untilMs"/>: it must be
    /// active, still at <paramref name="generation"/>, and free, expired or the owner's already. On SQLite one process
    /// is the only writer, so the lease is always its own (a lease left by a killed process does not hold it back).
    /// </summary>
    public async Task<bool> ClaimWebhookLeaseAsync(string id, string owner, long generation, long nowMs, long untilMs, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE webhooks SET lease_owner = @owner, lease_until_ms = @untilMs WHERE id = @id AND status = 'active' AND generation = @generation " +
            "AND (lease_owner IS NULL OR lease_owner = @owner OR lease_until_ms < @nowMs OR @exclusive = 1)",
            new { id, owner, generation, nowMs, untilMs, exclusive = _postgres is null ? 1L : 0L }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Gives up a lease the owner holds (at a clean stop), so another node may deliver the hook at once.</summary>
    public async Task ReleaseWebhookLeaseAsync(string id, string owner, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE webhooks SET lease_owner = NULL, lease_until_ms = NULL WHERE id = @id AND lease_owner = @owner", new { id, owner },
            cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Records an attempt in one transaction: the hook's attempt counter numbers it, a delivered attempt moves the cursor
    /// to its sequence and clears the failure clock, a failed one starts the clock if it is not running; attempts beyond
    /// the newest <see cref="KeptDeliveries"/> are deleted. False (and nothing written) when the owner no longer holds
    /// the hook at <paramref name="generation"/>.
    /// </summary>
    public async Task<bool> RecordWebhookAttemptAsync(WebhookDeliveryRecord attempt, string owner, long generation, bool delivered,
        CancellationToken cancellationToken = default) =>
        (await RecordWebhookAttemptsAsync([new AttemptToRecord(attempt, generation, delivered)], owner, cancellationToken)).Count == 0;

    /// <summary>
    /// Records many attempts (of one hook or several, in the order made) in one transaction, as
    /// <see cref="RecordWebhookAttemptAsync"/> records one; returns the hooks whose attempts were not recorded because the
    /// owner no longer holds them (empty when all were).
    /// </summary>
    public async Task<HashSet<string>> RecordWebhookAttemptsAsync(IReadOnlyList<AttemptToRecord> attempts, string owner, CancellationToken cancellationToken = default)
    {
        var lost = new HashSet<string>(StringComparer.Ordinal);
        if (attempts.Count == 0) return lost;
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var recorded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (attempt, generation, delivered) in attempts)
        {
            if (lost.Contains(attempt.WebhookId)) continue;
            var parameters = new
            {
                attempt.WebhookId, attempt.Seq, attempt.EventId, attempt.Type, attempt.Attempt, attempt.AtMs, attempt.StatusCode, attempt.LatencyMs, attempt.Error,
                owner, generation, delivered = delivered ? 1L : 0L,
            };
            var updated = await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE webhooks SET attempts = attempts + 1, cursor_seq = CASE WHEN @delivered = 1 THEN @Seq ELSE cursor_seq END, " +
                "failing_since_ms = CASE WHEN @delivered = 1 THEN NULL ELSE COALESCE(failing_since_ms, @AtMs) END " +
                "WHERE id = @WebhookId AND lease_owner = @owner AND generation = @generation AND status = 'active'",
                parameters, transaction, cancellationToken: cancellationToken));
            if (updated == 0)
            {
                lost.Add(attempt.WebhookId);
                continue;
            }
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO webhook_deliveries (webhook_id, n, seq, event_id, type, attempt, at_ms, status_code, latency_ms, error) " +
                "SELECT id, attempts, @Seq, @EventId, @Type, @Attempt, @AtMs, @StatusCode, @LatencyMs, @Error FROM webhooks WHERE id = @WebhookId",
                parameters, transaction, cancellationToken: cancellationToken));
            recorded.Add(attempt.WebhookId);
        }
        foreach (var id in recorded)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM webhook_deliveries WHERE webhook_id = @id AND n <= (SELECT attempts FROM webhooks WHERE id = @id) - @keep",
                new { id, keep = (long)KeptDeliveries }, transaction, cancellationToken: cancellationToken));
        }
        await transaction.CommitAsync(cancellationToken);
        return lost;
    }

    /// <summary>A hook's newest attempts, newest first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<WebhookDeliveryRecord>> WebhookDeliveriesAsync(string webhookId, int limit, CancellationToken cancellationToken = default) =>
        await QueryAsync<WebhookDeliveryRecord>($"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE webhook_id = @webhookId ORDER BY n DESC LIMIT @limit",
            new { webhookId, limit }, cancellationToken);
}
