namespace Neocloud.Storage.Schema;

/// <summary>
/// The tables of standing procurements, in the SQL both providers share (created if missing at every start, like the
/// rest of the schema): the procurement and the number of its next bid, the blocks it bought, and what it could not buy.
/// </summary>
internal static class ProcurementSchema
{
    public static string Tables(string integer) => $"""

        CREATE TABLE IF NOT EXISTS procurements (
            id TEXT PRIMARY KEY,
            organization_id TEXT NOT NULL,
            sku TEXT NOT NULL,
            region TEXT NULL,
            gpus {integer} NOT NULL,
            horizon_hours {integer} NOT NULL,
            block_hours {integer} NOT NULL,
            max_price_ticks {integer} NOT NULL,
            status TEXT NOT NULL,
            next_bid {integer} NOT NULL,
            created_ms {integer} NOT NULL,
            stopped_ms {integer} NULL,
            alternatives TEXT NULL
        );
        CREATE INDEX IF NOT EXISTS procurements_by_organization ON procurements (organization_id, id);
        CREATE INDEX IF NOT EXISTS procurements_by_status ON procurements (status, id);
        CREATE TABLE IF NOT EXISTS procurement_blocks (
            procurement_id TEXT NOT NULL REFERENCES procurements(id),
            start_hour {integer} NOT NULL,
            end_hour {integer} NOT NULL,
            bid_id TEXT NOT NULL,
            trade_no {integer} NOT NULL,
            pool_id TEXT NOT NULL,
            gpus {integer} NOT NULL,
            price_ticks {integer} NOT NULL,
            bought_ms {integer} NOT NULL,
            PRIMARY KEY (procurement_id, start_hour)
        );
        CREATE TABLE IF NOT EXISTS procurement_misses (
            procurement_id TEXT NOT NULL REFERENCES procurements(id),
            start_hour {integer} NOT NULL,
            end_hour {integer} NOT NULL,
            reason TEXT NOT NULL,
            tries {integer} NOT NULL,
            first_ms {integer} NOT NULL,
            last_ms {integer} NOT NULL,
            PRIMARY KEY (procurement_id, start_hour)
        );
        """;
}
