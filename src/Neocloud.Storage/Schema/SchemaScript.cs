namespace Neocloud.Storage.Schema;

/// <summary>The tables of the journal and the read models, in the SQL of each provider.</summary>
internal static class SchemaScript
{
    /// <summary>DDL that creates every table and index if missing; safe to run at every start.</summary>
    public static string For(StoreProvider provider)
    {
        var blob = BlobType(provider);
        var integer = provider == StoreProvider.Postgres ? "BIGINT" : "INTEGER";
        return Tables(blob, integer) + ProcurementSchema.Tables(integer) + EventSchema.Tables(integer) + WebhookSchema.Tables(integer) + AssignmentSchema.Tables(integer) + IndexSchema.Tables(integer) + ClockSchema.Tables(integer) + AccountSchema.Tables(integer) + ApprovalSchema.Tables(integer) + AlertSchema.Tables(integer) + (provider == StoreProvider.Postgres ? PostgresFence : "");
    }

    /// <summary>
    /// The schema this build writes, kept in <c>schema_version</c>: 1 before this table existed, 2 with market v2's
    /// orders and portfolios, standing procurements and tokens that expire, 3 with the journal's hash chain
    /// (<see cref="JournalChain"/>), 4 with the event outbox and webhooks (new tables only), 5 with price indices and
    /// contract assignments (new tables only), 6 with the contract book on the journal (an older store's book rows are
    /// taken into the journal once, at its first start: <see cref="BookImportPending"/>), 7 with the configuration and
    /// time on the journal: organizations, tokens, webhooks and procurements written by facts (an older store's rows are
    /// taken in once, likewise: <see cref="ConfigProjection.ImportPending"/>), and time's ticks journaled (RFQ closings,
    /// contract months closed and the invoices issued: new tables), 8 with the accounts (new tables only), 9 with each
    /// journal row's actor (a nullable column on <c>journal</c> and <c>shard_journal</c>: an older store's rows keep none
    /// and read as the exchange's) and the journals indexed by organization for the audit trail, 10 with price alerts (a new table only). A store of a
    /// higher version is refused at start.
    /// </summary>
    public const int Version = 10;

    /// <summary>The first version whose configuration is written by journaled facts.</summary>
    public const int ConfigJournaledVersion = 7;

    /// <summary>The first version whose contract book is written by journaled facts.</summary>
    public const int BookJournaledVersion = 6;

    /// <summary>The mark an upgraded store keeps until its older book rows are journaled (cleared in the same commit).</summary>
    public const string BookImportPending = "book-import-pending";

    /// <summary>The first version whose journal rows carry their hash: a store below it has its rows chained at upgrade.</summary>
    public const int ChainedVersion = JournalChain.FirstSchemaVersion;

    /// <summary>The provider's type for bytes, as <c>{blob}</c> in <see cref="AddedColumns"/> stands for it.</summary>
    public static string BlobType(StoreProvider provider) => provider == StoreProvider.Postgres ? "BYTEA" : "BLOB";

    /// <summary>
    /// Columns added to tables that existing stores created without them, as (table, column, type): added at start
    /// when missing, so a store written by the previous version opens and keeps its rows.
    /// </summary>
    public static readonly IReadOnlyList<(string Table, string Column, string Type)> AddedColumns =
    [
        ("orders", "alternatives", "TEXT NULL"),
        ("api_tokens", "expires_ms", "BIGINT NULL"),
        ("api_tokens", "last_used_ms", "BIGINT NULL"),
        ("organizations", "rate_limit", "BIGINT NULL"),
        ("journal", "hash", "{blob} NULL"),
        ("shard_journal", "hash", "{blob} NULL"),
        ("journal", "actor", "TEXT NULL"),
        ("shard_journal", "actor", "TEXT NULL"),
    ];

    /// <summary>The SQLSTATE <c>neocloud_move_fence</c> raises when the shard's epoch is no longer the caller's.</summary>
    public const string FencedState = "NCF01";

    /// <summary>
    /// A cluster shard's fence move as one statement that fails the batch it leads when the epoch moved on (or the
    /// journal is not where the activation thinks), so the fence costs no round trip of its own.
    /// </summary>
    private const string PostgresFence = $"""

        CREATE OR REPLACE FUNCTION neocloud_move_fence(p_shard TEXT, p_epoch BIGINT, p_after BIGINT, p_through BIGINT) RETURNS VOID AS $$
        BEGIN
            UPDATE shard_fences SET last_seq = p_through WHERE shard = p_shard AND epoch = p_epoch AND last_seq = p_after;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'shard % is fenced: epoch % does not own it at sequence %', p_shard, p_epoch, p_after USING ERRCODE = '{FencedState}';
            END IF;
        END
        $$ LANGUAGE plpgsql;
        """;

    private static string Tables(string blob, string integer)
    {
        return $"""
            CREATE TABLE IF NOT EXISTS organizations (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                created_ms {integer} NOT NULL,
                rate_limit {integer} NULL
            );
            CREATE TABLE IF NOT EXISTS api_tokens (
                id TEXT PRIMARY KEY,
                organization_id TEXT NOT NULL REFERENCES organizations(id),
                token_hash {blob} NOT NULL UNIQUE,
                scopes TEXT NOT NULL,
                label TEXT NOT NULL,
                created_ms {integer} NOT NULL,
                revoked_ms {integer} NULL,
                expires_ms {integer} NULL,
                last_used_ms {integer} NULL
            );
            CREATE TABLE IF NOT EXISTS journal (
                sequence {integer} PRIMARY KEY,
                recorded_ms {integer} NOT NULL,
                organization_id TEXT NOT NULL,
                command TEXT NOT NULL,
                hash {blob} NULL,
                actor TEXT NULL
            );
            CREATE INDEX IF NOT EXISTS journal_by_organization ON journal (organization_id, sequence);
            CREATE TABLE IF NOT EXISTS snapshots (
                sequence {integer} PRIMARY KEY,
                created_ms {integer} NOT NULL,
                state {blob} NOT NULL
            );
            CREATE TABLE IF NOT EXISTS shard_fences (
                shard TEXT PRIMARY KEY,
                epoch {integer} NOT NULL,
                last_seq {integer} NOT NULL
            );
            CREATE TABLE IF NOT EXISTS shard_journal (
                shard TEXT NOT NULL,
                epoch {integer} NOT NULL,
                sequence {integer} NOT NULL,
                recorded_ms {integer} NOT NULL,
                organization_id TEXT NOT NULL,
                command TEXT NOT NULL,
                hash {blob} NULL,
                actor TEXT NULL,
                PRIMARY KEY (shard, sequence)
            );
            CREATE INDEX IF NOT EXISTS shard_journal_by_organization ON shard_journal (organization_id, recorded_ms, shard, sequence);
            CREATE TABLE IF NOT EXISTS shard_snapshots (
                shard TEXT NOT NULL,
                sequence {integer} NOT NULL,
                created_ms {integer} NOT NULL,
                state {blob} NOT NULL,
                PRIMARY KEY (shard, sequence)
            );
            CREATE TABLE IF NOT EXISTS cluster_nodes (
                silo TEXT PRIMARY KEY,
                url TEXT NOT NULL,
                started_ms {integer} NOT NULL
            );
            CREATE TABLE IF NOT EXISTS pools (
                id TEXT PRIMARY KEY,
                provider_id TEXT NOT NULL,
                site_id TEXT NULL,
                sku TEXT NOT NULL,
                region TEXT NOT NULL,
                created_sequence {integer} NOT NULL
            );
            CREATE TABLE IF NOT EXISTS pool_capacity (
                pool_id TEXT NOT NULL REFERENCES pools(id),
                start_hour {integer} NOT NULL,
                end_hour {integer} NOT NULL,
                gpus {integer} NOT NULL,
                PRIMARY KEY (pool_id, start_hour)
            );
            CREATE TABLE IF NOT EXISTS orders (
                id TEXT PRIMARY KEY,
                organization_id TEXT NOT NULL,
                side TEXT NOT NULL,
                sku TEXT NOT NULL,
                region TEXT NULL,
                pool_id TEXT NULL,
                gpus {integer} NOT NULL,
                start_hour {integer} NOT NULL,
                end_hour {integer} NOT NULL,
                price_ticks {integer} NOT NULL,
                tif TEXT NULL,
                status TEXT NOT NULL,
                traded_gpu_hours {integer} NOT NULL,
                placed_sequence {integer} NOT NULL,
                placed_ms {integer} NOT NULL,
                updated_ms {integer} NOT NULL,
                alternatives TEXT NULL
            );
            CREATE INDEX IF NOT EXISTS orders_by_organization ON orders (organization_id, placed_sequence);
            CREATE TABLE IF NOT EXISTS portfolios (
                id TEXT PRIMARY KEY,
                organization_id TEXT NOT NULL,
                status TEXT NOT NULL,
                cancelled_leg {integer} NULL,
                legs TEXT NOT NULL,
                placed_sequence {integer} NOT NULL,
                placed_ms {integer} NOT NULL
            );
            CREATE INDEX IF NOT EXISTS portfolios_by_organization ON portfolios (organization_id, placed_sequence);
            CREATE TABLE IF NOT EXISTS trades (
                trade_no {integer} PRIMARY KEY,
                sequence {integer} NOT NULL,
                bid_id TEXT NOT NULL,
                ask_id TEXT NOT NULL,
                buyer_id TEXT NOT NULL,
                seller_id TEXT NOT NULL,
                pool_id TEXT NOT NULL,
                sku TEXT NOT NULL,
                region TEXT NOT NULL,
                gpus {integer} NOT NULL,
                start_hour {integer} NOT NULL,
                end_hour {integer} NOT NULL,
                price_ticks {integer} NOT NULL,
                executed_ms {integer} NOT NULL
            );
            CREATE INDEX IF NOT EXISTS trades_by_buyer ON trades (buyer_id, trade_no);
            CREATE INDEX IF NOT EXISTS trades_by_seller ON trades (seller_id, trade_no);
            CREATE INDEX IF NOT EXISTS trades_by_sku ON trades (sku, trade_no);
            CREATE TABLE IF NOT EXISTS idempotency (
                organization_id TEXT NOT NULL,
                idempotency_key TEXT NOT NULL,
                request_hash TEXT NOT NULL,
                status_code {integer} NOT NULL,
                response TEXT NOT NULL,
                created_ms {integer} NOT NULL,
                PRIMARY KEY (organization_id, idempotency_key)
            );
            CREATE TABLE IF NOT EXISTS rfqs (
                id TEXT PRIMARY KEY,
                buyer_id TEXT NOT NULL,
                status TEXT NOT NULL,
                closes_ms {integer} NOT NULL,
                created_ms {integer} NOT NULL,
                terms TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS offers (
                id TEXT PRIMARY KEY,
                rfq_id TEXT NOT NULL REFERENCES rfqs(id),
                seller_id TEXT NOT NULL,
                status TEXT NOT NULL,
                created_ms {integer} NOT NULL,
                terms TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS offers_by_rfq ON offers (rfq_id, id);
            CREATE TABLE IF NOT EXISTS offtakes (
                id TEXT PRIMARY KEY,
                rfq_id TEXT NULL,
                offer_id TEXT NULL,
                buyer_id TEXT NOT NULL,
                seller_id TEXT NOT NULL,
                sku TEXT NOT NULL,
                region TEXT NOT NULL,
                status TEXT NOT NULL,
                terminated_month TEXT NULL,
                created_ms {integer} NOT NULL,
                terms TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS offtake_deliveries (
                contract_id TEXT NOT NULL REFERENCES offtakes(id),
                tranche {integer} NOT NULL,
                month TEXT NOT NULL,
                reported_ms {integer} NOT NULL,
                PRIMARY KEY (contract_id, tranche)
            );
            CREATE TABLE IF NOT EXISTS offtake_sla (
                contract_id TEXT NOT NULL REFERENCES offtakes(id),
                month TEXT NOT NULL,
                availability TEXT NOT NULL,
                reported_ms {integer} NOT NULL,
                PRIMARY KEY (contract_id, month)
            );
            """;
    }
}
