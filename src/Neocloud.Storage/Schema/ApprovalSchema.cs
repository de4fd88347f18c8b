namespace Neocloud.Storage.Schema;

/// <summary>
/// Four eyes' read models, in the SQL both providers share: each organization's approval threshold, and the commands
/// held for approval with who asked, who decided and what came of it.
/// </summary>
internal static class ApprovalSchema
{
    public static string Tables(string integer) => $"""

        CREATE TABLE IF NOT EXISTS approval_thresholds (
            organization_id TEXT PRIMARY KEY,
            threshold_cents {integer} NOT NULL,
            set_ms {integer} NOT NULL
        );
        CREATE TABLE IF NOT EXISTS approvals (
            id TEXT PRIMARY KEY,
            organization_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            summary TEXT NOT NULL,
            value_cents {integer} NOT NULL,
            command TEXT NOT NULL,
            requested_by TEXT NOT NULL,
            requested_ms {integer} NOT NULL,
            status TEXT NOT NULL,
            decided_by TEXT NULL,
            decided_ms {integer} NULL,
            result TEXT NULL
        );
        CREATE INDEX IF NOT EXISTS approvals_by_organization ON approvals (organization_id, requested_ms, id);
        """;
}
