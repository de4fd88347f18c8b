namespace Neocloud.Storage.Schema;

/// <summary>
/// Contract assignments, in the SQL both providers share: a buyer's proposal to move tranches (or a share of them) of an
/// offtake contract to another organization from a month on, with the seller's and the assignee's acceptances.
/// </summary>
internal static class AssignmentSchema
{
    public static string Tables(string integer) => $"""

        CREATE TABLE IF NOT EXISTS offtake_assignments (
            id TEXT PRIMARY KEY,
            contract_id TEXT NOT NULL,
            assignor_id TEXT NOT NULL,
            assignee_id TEXT NOT NULL,
            from_month TEXT NOT NULL,
            tranches TEXT NOT NULL,
            status TEXT NOT NULL,
            created_ms {integer} NOT NULL,
            seller_accepted_ms {integer} NULL,
            assignee_accepted_ms {integer} NULL,
            decided_ms {integer} NULL,
            declined_by TEXT NULL
        );
        CREATE INDEX IF NOT EXISTS offtake_assignments_by_contract ON offtake_assignments (contract_id, created_ms);
        CREATE INDEX IF NOT EXISTS offtake_assignments_by_assignee ON offtake_assignments (assignee_id);
        """;
}
