namespace Neocloud.Storage.Schema;

/// <summary>
/// The accounts' read models, in the SQL both providers share: entries (two rows each, one per side, signed for the
/// row's organization; a trade's entry is its row in <c>trades</c>), credit limits, each shard's margins, and in a
/// cluster the credit slices the home shard granted each market group's shard.
/// </summary>
internal static class AccountSchema
{
    public static string Tables(string integer) => $"""

        CREATE TABLE IF NOT EXISTS account_entries (
            id TEXT NOT NULL,
            side TEXT NOT NULL,
            organization_id TEXT NOT NULL,
            counterparty TEXT NOT NULL,
            kind TEXT NOT NULL,
            amount_cents {integer} NOT NULL,
            reference TEXT NOT NULL,
            at_ms {integer} NOT NULL,
            shard TEXT NOT NULL,
            PRIMARY KEY (id, side)
        );
        CREATE INDEX IF NOT EXISTS account_entries_by_organization ON account_entries (organization_id, at_ms, id);
        CREATE TABLE IF NOT EXISTS credit_limits (
            organization_id TEXT PRIMARY KEY,
            limit_cents {integer},
            set_ms {integer} NOT NULL
        );
        CREATE TABLE IF NOT EXISTS account_margins (
            organization_id TEXT NOT NULL,
            shard TEXT NOT NULL,
            margin_cents {integer} NOT NULL,
            marked_ms {integer} NOT NULL,
            PRIMARY KEY (organization_id, shard)
        );
        CREATE TABLE IF NOT EXISTS credit_slices (
            organization_id TEXT NOT NULL,
            shard TEXT NOT NULL,
            granted_cents {integer} NOT NULL,
            returned_cents {integer} NOT NULL,
            PRIMARY KEY (organization_id, shard)
        );
        """;
}
