using Neocloud.Domain.Paging;

namespace Neocloud.Storage;

/// <summary>Four eyes' reads: thresholds and held commands.</summary>
public sealed partial class ExchangeStore
{
    private const string ApprovalColumns =
        "id AS Id, organization_id AS OrganizationId, kind AS Kind, summary AS Summary, value_cents AS ValueCents, command AS Command, " +
        "requested_by AS RequestedBy, requested_ms AS RequestedMs, status AS Status, decided_by AS DecidedBy, decided_ms AS DecidedMs, result AS Result";

    /// <summary>The organization's approval threshold in cents, or null when it has none.</summary>
    public async Task<long?> ApprovalThresholdAsync(string organizationId, CancellationToken cancellationToken = default) =>
        (await QueryAsync<long>("SELECT threshold_cents FROM approval_thresholds WHERE organization_id = @organizationId", new { organizationId }, cancellationToken))
            is [var threshold] ? threshold : null;

    /// <summary>Every organization's approval threshold (the shard's memory at start).</summary>
    public async Task<IReadOnlyDictionary<string, long>> ApprovalThresholdsAsync(CancellationToken cancellationToken = default) =>
        (await QueryAsync<(string, long)>("SELECT organization_id, threshold_cents FROM approval_thresholds", null, cancellationToken))
            .ToDictionary(r => r.Item1, r => r.Item2, StringComparer.Ordinal);

    /// <summary>One held command, or null.</summary>
    public async Task<ApprovalRecord?> GetApprovalAsync(string id, CancellationToken cancellationToken = default) =>
        await SingleAsync<ApprovalRecord>($"SELECT {ApprovalColumns} FROM approvals WHERE id = @id", new { id }, cancellationToken);

    /// <summary>The organization's held commands (of one status, or all), oldest first, after the cursor (an approval id).</summary>
    public async Task<Page<ApprovalRecord>> ApprovalsAsync(string organizationId, string? status, string? after, int limit, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync<ApprovalRecord>(
            $"SELECT {ApprovalColumns} FROM approvals WHERE organization_id = @organizationId AND id > @after " +
            (status is null ? "" : "AND status = @status ") + "ORDER BY id LIMIT @take",
            new { organizationId, after = after ?? "", status, take = limit + 1 }, cancellationToken);
        return PageOf(rows, limit, r => r.Id);
    }
}
