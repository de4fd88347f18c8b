
namespace Neocloud.Storage;

/// <summary>Assignments of offtake contracts as read (their rows are written by the book's facts).</summary>
public sealed partial class ExchangeStore
{
    private const string AssignmentColumns =
        "id AS Id, contract_id AS ContractId, assignor_id AS AssignorId, assignee_id AS AssigneeId, from_month AS FromMonth, tranches AS Tranches, " +
        "status AS Status, created_ms AS CreatedMs, seller_accepted_ms AS SellerAcceptedMs, assignee_accepted_ms AS AssigneeAcceptedMs, " +
        "decided_ms AS DecidedMs, declined_by AS DeclinedBy";

    /// <summary>A contract's assignments, oldest first.</summary>
    public async Task<IReadOnlyList<AssignmentRecord>> AssignmentsAsync(string contractId, CancellationToken cancellationToken = default) =>
        await QueryAsync<AssignmentRecord>($"SELECT {AssignmentColumns} FROM offtake_assignments WHERE contract_id = @contractId ORDER BY created_ms, id",
            new { contractId }, cancellationToken);
}
