namespace Neocloud.Storage.Schema;

/// <summary>Price alerts' read model, in the SQL both providers share: each alert with its state.</summary>
internal static class AlertSchema
{
    public static string Tables(string integer) => $"""

        CREATE TABLE IF NOT EXISTS alerts (
            id TEXT PRIMARY KEY,
            organization_id TEXT NOT NULL,
            sku TEXT NOT NULL,
            region TEXT NULL,
            kind TEXT NOT NULL,
            price_ticks {integer} NOT NULL,
            month TEXT NULL,
            created_ms {integer} NOT NULL,
            state TEXT NOT NULL,
            triggered_ms {integer} NULL,
            value_ticks {integer} NULL,
            triggers {integer} NOT NULL
        );
        CREATE INDEX IF NOT EXISTS alerts_by_organization ON alerts (organization_id, id);
        CREATE INDEX IF NOT EXISTS alerts_by_sku ON alerts (sku);
        """;
}
