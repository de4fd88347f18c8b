using Dapper;

namespace Neocloud.Storage;

/// <summary>
/// The configuration as the journal drives it: its rows read whole (for a shard's state and an upgraded store's
/// import), the secrets as the journal may carry them, and the marks a store keeps until something is journaled.
/// </summary>
public sealed partial class ExchangeStore
{
    /// <summary>Every organization, token, webhook and procurement as stored (webhook secrets as kept, encrypted), and the approvals still open.</summary>
    public async Task<ConfigRows> ConfigRowsAsync(CancellationToken cancellationToken = default) => new(
        await QueryAsync<OrganizationRecord>($"SELECT {OrganizationColumns} FROM organizations ORDER BY id", null, cancellationToken),
        await QueryAsync<TokenRecord>($"SELECT {TokenColumns} FROM api_tokens ORDER BY created_ms, id", null, cancellationToken),
        await QueryAsync<WebhookRecord>($"SELECT {WebhookColumns} FROM webhooks ORDER BY id", null, cancellationToken),
        await QueryAsync<ProcurementRecord>($"SELECT {ProcurementColumns} FROM procurements ORDER BY id", null, cancellationToken))
    {
        OpenApprovals = await QueryAsync<ApprovalRecord>($"SELECT {ApprovalColumns} FROM approvals WHERE status IN (@pending, @approved) ORDER BY id",
            new { pending = ApprovalRecord.Pending, approved = ApprovalRecord.Approved }, cancellationToken),
    };

    /// <summary>True when the store was upgraded from a version whose configuration was not journaled and its rows are not journaled yet.</summary>
    public async Task<bool> ConfigImportPendingAsync(CancellationToken cancellationToken = default) =>
        await SingleAsync<string>("SELECT mark FROM event_marks WHERE mark = @mark", new { mark = ConfigProjection.ImportPending }, cancellationToken) is not null;

    /// <summary>
    /// A webhook secret as the store keeps it and the journal carries it: encrypted with the key ring once the store has
    /// a protector (<see cref="ProtectWebhookSecretsAsync"/>), so no secret enters the journal in clear.
    /// </summary>
    /// <exception cref="InvalidOperationException">The store has no protector yet.</exception>
    public string ConcealWebhookSecret(string secret) =>
        _secrets is null ? throw new InvalidOperationException("webhook secrets cannot be stored before the store has its key ring") : Conceal(secret);

    /// <summary>
    /// Records the admin token made at first start (id, creation time and hash; never the secret) until its fact is
    /// journaled, unless the store has an admin token pending already; true when this one was recorded.
    /// </summary>
    public async Task<bool> TryMarkAdminTokenPendingAsync(string tokenId, byte[] tokenHash, long createdMs, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO event_marks (mark, created_ms) SELECT @mark, @createdMs WHERE NOT EXISTS (SELECT 1 FROM event_marks WHERE mark LIKE @pending)",
            new { mark = $"{ConfigProjection.AdminTokenPending}{tokenId}:{Convert.ToHexStringLower(tokenHash)}", createdMs, pending = ConfigProjection.AdminTokenPending + "%" },
            cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>The admin token made at first start and not journaled yet (id, hash, creation time), or null.</summary>
    public async Task<(string Id, byte[] Hash, long CreatedMs)?> PendingAdminTokenAsync(CancellationToken cancellationToken = default)
    {
        var marks = await QueryAsync<(string Mark, long CreatedMs)>("SELECT mark, created_ms FROM event_marks WHERE mark LIKE @pending",
            new { pending = ConfigProjection.AdminTokenPending + "%" }, cancellationToken);
        if (marks.Count == 0) return null;
        var (mark, created) = marks[0];
        var parts = mark[ConfigProjection.AdminTokenPending.Length..].Split(':');
        return (parts[0], Convert.FromHexString(parts[1]), created);
    }
}
