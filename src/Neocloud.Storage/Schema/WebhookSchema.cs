namespace Neocloud.Storage.Schema;

/// <summary>
/// The tables of webhooks, in the SQL both providers share: each hook with its durable cursor (the last sequence
/// delivered), its failure clock and the lease that lets one node of a cluster deliver it at a time; and every
/// delivery attempt, numbered per hook (the hook's <c>attempts</c> counter moves in the attempt's transaction).
/// </summary>
internal static class WebhookSchema
{
    public static string Tables(string integer) => $"""

        CREATE TABLE IF NOT EXISTS webhooks (
            id TEXT PRIMARY KEY,
            organization_id TEXT NOT NULL,
            url TEXT NOT NULL,
            types TEXT NOT NULL,
            description TEXT NOT NULL,
            secret TEXT NOT NULL,
            status TEXT NOT NULL,
            created_ms {integer} NOT NULL,
            cursor_seq {integer} NOT NULL,
            generation {integer} NOT NULL,
            attempts {integer} NOT NULL,
            failing_since_ms {integer} NULL,
            disabled_reason TEXT NULL,
            disabled_ms {integer} NULL,
            lease_owner TEXT NULL,
            lease_until_ms {integer} NULL
        );
        CREATE INDEX IF NOT EXISTS webhooks_by_organization ON webhooks (organization_id, id);
        CREATE TABLE IF NOT EXISTS webhook_deliveries (
            webhook_id TEXT NOT NULL,
            n {integer} NOT NULL,
            seq {integer} NOT NULL,
            event_id TEXT NOT NULL,
            type TEXT NOT NULL,
            attempt {integer} NOT NULL,
            at_ms {integer} NOT NULL,
            status_code {integer} NULL,
            latency_ms {integer} NOT NULL,
            error TEXT NULL,
            PRIMARY KEY (webhook_id, n)
        );
        """;
}
