using Dapper;

namespace Neocloud.Storage;

/// <summary>Assignments of offtake contracts: proposals, and the writes an acceptance or a refusal makes.</summary>
public sealed partial class ExchangeStore
{
    private const string AssignmentColumns =
        "id AS Id, contract_id AS ContractId, assignor_id AS AssignorId, assignee_id AS AssigneeId, from_month AS FromMonth, tranches AS Tranches, " +
        "status AS Status, created_ms AS CreatedMs, seller_accepted_ms AS SellerAcceptedMs, assignee_accepted_ms AS AssigneeAcceptedMs, " +
        "decided_ms AS DecidedMs, declined_by AS DeclinedBy";

    /// <summary>Stores a proposal with the request's idempotency record and its events, in one transaction.</summary>
    public Task InsertAssignmentAsync(AssignmentRecord assignment, IdempotencyRecord? idempotency, IReadOnlyList<EventRecord> events,
        CancellationToken cancellationToken = default) =>
        InsertWithKeyAsync(
            "INSERT INTO offtake_assignments (id, contract_id, assignor_id, assignee_id, from_month, tranches, status, created_ms) " +
            "VALUES (@Id, @ContractId, @AssignorId, @AssigneeId, @FromMonth, @Tranches, @Status, @CreatedMs)",
            assignment, idempotency, events, cancellationToken);

    /// <summary>A contract's assignments, oldest first.</summary>
    public async Task<IReadOnlyList<AssignmentRecord>> AssignmentsAsync(string contractId, CancellationToken cancellationToken = default) =>
        await QueryAsync<AssignmentRecord>($"SELECT {AssignmentColumns} FROM offtake_assignments WHERE contract_id = @contractId ORDER BY created_ms, id",
            new { contractId }, cancellationToken);

    /// <summary>
    /// Records one party's acceptance of a proposed assignment with its events, in one transaction. When the other party
    /// had already accepted, the assignment moves to <c>accepting</c> in the same statement, so exactly one caller goes on
    /// to complete it. Null when it is not proposed or this party had already accepted.
    /// </summary>
    public async Task<AssignmentRecord?> TryAcceptAssignmentAsync(string id, bool bySeller, long nowMs, IReadOnlyList<EventRecord> events,
        CancellationToken cancellationToken = default)
    {
        var (mine, theirs) = bySeller ? ("seller_accepted_ms", "assignee_accepted_ms") : ("assignee_accepted_ms", "seller_accepted_ms");
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var updated = await connection.ExecuteAsync(
            $"UPDATE offtake_assignments SET {mine} = @nowMs, status = CASE WHEN {theirs} IS NOT NULL THEN 'accepting' ELSE status END " +
            $"WHERE id = @id AND status = 'proposed' AND {mine} IS NULL", new { id, nowMs }, transaction);
        if (updated == 0) return null;
        var row = await connection.QuerySingleAsync<AssignmentRecord>($"SELECT {AssignmentColumns} FROM offtake_assignments WHERE id = @id", new { id }, transaction);
        await AppendEventsAsync(connection, transaction, events);
        await transaction.CommitAsync(cancellationToken);
        Published(events);
        return row;
    }

    /// <summary>Takes back an acceptance whose completion the market refused: the assignment is proposed again, without this party's acceptance.</summary>
    public async Task RevertAcceptanceAsync(string id, bool bySeller, CancellationToken cancellationToken = default)
    {
        var mine = bySeller ? "seller_accepted_ms" : "assignee_accepted_ms";
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE offtake_assignments SET status = 'proposed', {mine} = NULL WHERE id = @id AND status = 'accepting'", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>Declines a proposed assignment with its events; false when it is no longer proposed.</summary>
    public async Task<bool> TryDeclineAssignmentAsync(string id, string declinedBy, long nowMs, IReadOnlyList<EventRecord> events,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var updated = await connection.ExecuteAsync(
            "UPDATE offtake_assignments SET status = 'declined', decided_ms = @nowMs, declined_by = @declinedBy WHERE id = @id AND status = 'proposed'",
            new { id, nowMs, declinedBy }, transaction);
        if (updated == 0) return false;
        await AppendEventsAsync(connection, transaction, events);
        await transaction.CommitAsync(cancellationToken);
        Published(events);
        return true;
    }

    /// <summary>The write, riding in the market transaction that opens the assignee's resale pools, that completes an accepted assignment.</summary>
    public static StoreWrite AssignedWrite(string id, long nowMs) =>
        new("UPDATE offtake_assignments SET status = 'accepted', decided_ms = @nowMs WHERE id = @id AND status = 'accepting'", new { id, nowMs });
}
