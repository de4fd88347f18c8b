using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Dapper;
using Microsoft.Data.Sqlite;
using Neocloud.Storage.Schema;
using Npgsql;

namespace Neocloud.Storage;

/// <summary>
/// The exchange's durable state: the journal of accepted commands, engine snapshots, and the read models
/// (organizations, tokens, pools, orders, trades, idempotency records) — in SQLite or PostgreSQL, same SQL.
/// </summary>
public sealed partial class ExchangeStore : IAsyncDisposable
{
    private const string OrderColumns =
        "id AS Id, organization_id AS OrganizationId, side AS Side, sku AS Sku, region AS Region, pool_id AS PoolId, gpus AS Gpus, " +
        "start_hour AS StartHour, end_hour AS EndHour, price_ticks AS PriceTicks, tif AS Tif, status AS Status, " +
        "traded_gpu_hours AS TradedGpuHours, placed_sequence AS PlacedSequence, placed_ms AS PlacedMs, updated_ms AS UpdatedMs";

    private const string TradeColumns =
        "trade_no AS TradeNo, sequence AS Sequence, bid_id AS BidId, ask_id AS AskId, buyer_id AS BuyerId, seller_id AS SellerId, " +
        "pool_id AS PoolId, sku AS Sku, region AS Region, gpus AS Gpus, start_hour AS StartHour, end_hour AS EndHour, " +
        "price_ticks AS PriceTicks, executed_ms AS ExecutedMs";

    private const string TokenColumns =
        "id AS Id, organization_id AS OrganizationId, token_hash AS TokenHash, scopes AS Scopes, label AS Label, created_ms AS CreatedMs, revoked_ms AS RevokedMs";

    private const string PoolColumns =
        "id AS Id, provider_id AS ProviderId, site_id AS SiteId, sku AS Sku, region AS Region, created_sequence AS CreatedSequence";

    /// <summary>What every SQLite connection sets: each commit flushed to disk before it returns, and a wait for the write lock.</summary>
    internal const string SqliteConnectionPragmas = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;";

    private readonly NpgsqlDataSource? _postgres;
    private readonly Lock _writerLock = new();
    private SqliteBatchWriter? _sqliteWriter;

    private ExchangeStore(StoreOptions options)
    {
        Options = options;
        if (options.Provider == StoreProvider.Postgres) _postgres = NpgsqlDataSource.Create(options.ConnectionString);
    }

    /// <summary>Where this store keeps its data.</summary>
    public StoreOptions Options { get; }

    /// <summary>Opens the store and creates any missing tables.</summary>
    public static async Task<ExchangeStore> OpenAsync(StoreOptions options, CancellationToken cancellationToken = default)
    {
        var store = new ExchangeStore(options);
        await using var connection = await store.OpenConnectionAsync(cancellationToken);
        if (options.Provider == StoreProvider.Sqlite)
        {
            // WAL lets readers run beside the single writer; the setting is stored in the file.
            await connection.ExecuteAsync("PRAGMA journal_mode=WAL;");
        }
        await connection.ExecuteAsync(SchemaScript.For(options.Provider));
        return store;
    }

    /// <summary>Opens a connection; for SQLite, with every commit flushed to disk before it returns.</summary>
    public async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        if (_postgres is not null) return await _postgres.OpenConnectionAsync(cancellationToken);
        var connection = new SqliteConnection(Options.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(SqliteConnectionPragmas);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null) await _postgres.DisposeAsync();
        lock (_writerLock)
        {
            _sqliteWriter?.Dispose();
            _sqliteWriter = null;
        }
        if (_postgres is null) SqliteConnection.ClearAllPools();
    }

    // ---- Organizations and tokens -------------------------------------------------------------------------------

    /// <summary>Creates an organization (with the request's idempotency record, in one transaction); false if the id is taken.</summary>
    public async Task<bool> TryCreateOrganizationAsync(OrganizationRecord organization, IdempotencyRecord? idempotency, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(
            "INSERT INTO organizations (id, name, created_ms) VALUES (@Id, @Name, @CreatedMs) ON CONFLICT (id) DO NOTHING",
            organization, transaction);
        if (inserted == 0) return false;
        if (idempotency is not null) await InsertIdempotencyAsync(connection, transaction, [idempotency]);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Creates organizations that do not exist yet (seeding); existing ones are left as they are.</summary>
    public async Task EnsureOrganizationsAsync(IEnumerable<OrganizationRecord> organizations, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(
            "INSERT INTO organizations (id, name, created_ms) VALUES (@Id, @Name, @CreatedMs) ON CONFLICT (id) DO NOTHING",
            organizations, transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<OrganizationRecord?> GetOrganizationAsync(string id, CancellationToken cancellationToken = default) =>
        await SingleAsync<OrganizationRecord>("SELECT id AS Id, name AS Name, created_ms AS CreatedMs FROM organizations WHERE id = @id", new { id }, cancellationToken);

    public async Task<Page<OrganizationRecord>> ListOrganizationsAsync(string? after, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<OrganizationRecord>(new CommandDefinition(
            "SELECT id AS Id, name AS Name, created_ms AS CreatedMs FROM organizations WHERE id > @after ORDER BY id LIMIT @take",
            new { after = after ?? "", take = limit + 1 }, cancellationToken: cancellationToken))).ToList();
        return PageOf(rows, limit, r => r.Id);
    }

    /// <summary>Stores a new token (only its hash), with the request's idempotency record, in one transaction.</summary>
    public async Task InsertTokenAsync(TokenRecord token, IdempotencyRecord? idempotency, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(
            "INSERT INTO api_tokens (id, organization_id, token_hash, scopes, label, created_ms, revoked_ms) " +
            "VALUES (@Id, @OrganizationId, @TokenHash, @Scopes, @Label, @CreatedMs, @RevokedMs)",
            token, transaction);
        if (idempotency is not null) await InsertIdempotencyAsync(connection, transaction, [idempotency]);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<TokenRecord?> FindTokenByHashAsync(byte[] hash, CancellationToken cancellationToken = default) =>
        await SingleAsync<TokenRecord>($"SELECT {TokenColumns} FROM api_tokens WHERE token_hash = @hash", new { hash }, cancellationToken);

    public async Task<TokenRecord?> GetTokenAsync(string id, CancellationToken cancellationToken = default) =>
        await SingleAsync<TokenRecord>($"SELECT {TokenColumns} FROM api_tokens WHERE id = @id", new { id }, cancellationToken);

    public async Task<IReadOnlyList<TokenRecord>> ListTokensAsync(string organizationId, CancellationToken cancellationToken = default) =>
        await QueryAsync<TokenRecord>($"SELECT {TokenColumns} FROM api_tokens WHERE organization_id = @organizationId ORDER BY created_ms, id",
            new { organizationId }, cancellationToken);

    /// <summary>Marks a token revoked; false if it does not exist or was already revoked.</summary>
    public async Task<bool> RevokeTokenAsync(string id, long revokedMs, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_tokens SET revoked_ms = @revokedMs WHERE id = @id AND revoked_ms IS NULL",
            new { id, revokedMs }, cancellationToken: cancellationToken)) == 1;
    }

    // ---- Journal and snapshots ----------------------------------------------------------------------------------

    /// <summary>Writes one group commit — journal rows and every read-model change they cause — in one transaction.</summary>
    public async Task CommitAsync(CommitBatch batch, CancellationToken cancellationToken = default)
    {
        if (batch.IsEmpty) return;
        if (_postgres is null)
        {
            CommitSqlite(batch);
            return;
        }
        await using var connection = await _postgres.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await PostgresBatchRows.WriteAsync(connection, transaction, batch, cancellationToken);
        foreach (var write in batch.Writes) await connection.ExecuteAsync(write.Sql, write.Parameters, transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    private void CommitSqlite(CommitBatch batch)
    {
        lock (_writerLock)
        {
            _sqliteWriter ??= SqliteBatchWriter.Open(Options.ConnectionString);
            try
            {
                _sqliteWriter.Commit(batch);
            }
            catch
            {
                // The batch was rolled back; a writer whose connection failed is not trusted with the next one.
                _sqliteWriter.Dispose();
                _sqliteWriter = null;
                throw;
            }
        }
    }

    /// <summary>The journal after <paramref name="afterSequence"/>, in order.</summary>
    public async IAsyncEnumerable<JournalEntry> ReadJournalAsync(long afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var rows = connection.QueryUnbufferedAsync<JournalEntry>(
            "SELECT sequence AS Sequence, recorded_ms AS RecordedMs, organization_id AS OrganizationId, command AS Command " +
            "FROM journal WHERE sequence > @afterSequence ORDER BY sequence",
            new { afterSequence });
        await foreach (var row in rows.WithCancellation(cancellationToken)) yield return row;
    }

    /// <summary>The last journal sequence, or 0 for an empty journal.</summary>
    public async Task<long> LastSequenceAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT MAX(sequence) FROM journal", cancellationToken: cancellationToken)) ?? 0;
    }

    public async Task SaveSnapshotAsync(SnapshotRecord snapshot, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(
            "INSERT INTO snapshots (sequence, created_ms, state) VALUES (@Sequence, @CreatedMs, @State) ON CONFLICT (sequence) DO NOTHING",
            snapshot, transaction);
        // Two snapshots are enough: the newest, and one before it in case the newest is being written when we stop.
        await connection.ExecuteAsync(
            "DELETE FROM snapshots WHERE sequence < (SELECT MIN(sequence) FROM (SELECT sequence FROM snapshots ORDER BY sequence DESC LIMIT 2) AS newest)",
            transaction: transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<SnapshotRecord?> LatestSnapshotAsync(CancellationToken cancellationToken = default) =>
        await SingleAsync<SnapshotRecord>("SELECT sequence AS Sequence, created_ms AS CreatedMs, state AS State FROM snapshots ORDER BY sequence DESC LIMIT 1",
            null, cancellationToken);

    // ---- Read models --------------------------------------------------------------------------------------------

    public async Task<Page<PoolRecord>> ListPoolsAsync(string? sku, string? providerId, string? after, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<PoolRecord>(new CommandDefinition(
            $"SELECT {PoolColumns} FROM pools WHERE id > @after AND (@sku IS NULL OR sku = @sku) AND (@providerId IS NULL OR provider_id = @providerId) " +
            "ORDER BY id LIMIT @take",
            new { after = after ?? "", sku, providerId, take = limit + 1 }, cancellationToken: cancellationToken))).ToList();
        return PageOf(rows, limit, r => r.Id);
    }

    public async Task<PoolRecord?> GetPoolAsync(string id, CancellationToken cancellationToken = default) =>
        await SingleAsync<PoolRecord>($"SELECT {PoolColumns} FROM pools WHERE id = @id", new { id }, cancellationToken);

    public async Task<IReadOnlyList<CapacitySegmentRecord>> CapacityAsync(string poolId, CancellationToken cancellationToken = default) =>
        await QueryAsync<CapacitySegmentRecord>("SELECT pool_id AS PoolId, start_hour AS StartHour, end_hour AS EndHour, gpus AS Gpus FROM pool_capacity WHERE pool_id = @poolId ORDER BY start_hour",
            new { poolId }, cancellationToken);

    public async Task<OrderRecord?> GetOrderAsync(string id, CancellationToken cancellationToken = default) =>
        await SingleAsync<OrderRecord>($"SELECT {OrderColumns} FROM orders WHERE id = @id", new { id }, cancellationToken);

    /// <summary>An organization's orders, oldest first; <paramref name="open"/> true for resting ones, false for finished ones.</summary>
    public async Task<Page<OrderRecord>> ListOrdersAsync(string organizationId, bool? open, string? after, int limit, CancellationToken cancellationToken = default)
    {
        var status = open switch { true => "AND status = 'open'", false => "AND status <> 'open'", null => "" };
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<OrderRecord>(new CommandDefinition(
            $"SELECT {OrderColumns} FROM orders WHERE organization_id = @organizationId AND placed_sequence > @after {status} ORDER BY placed_sequence LIMIT @take",
            new { organizationId, after = ParseCursor(after), take = limit + 1 }, cancellationToken: cancellationToken))).ToList();
        return PageOf(rows, limit, r => r.PlacedSequence.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Trades where the organization is buyer or seller, oldest first.</summary>
    public async Task<Page<TradeRecord>> ListTradesForAsync(string organizationId, string? after, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<TradeRecord>(new CommandDefinition(
            $"SELECT {TradeColumns} FROM trades WHERE (buyer_id = @organizationId OR seller_id = @organizationId) AND trade_no > @after ORDER BY trade_no LIMIT @take",
            new { organizationId, after = ParseCursor(after), take = limit + 1 }, cancellationToken: cancellationToken))).ToList();
        return PageOf(rows, limit, r => r.TradeNo.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>One trade, if the organization is its buyer or seller.</summary>
    public async Task<TradeRecord?> GetTradeForAsync(string organizationId, long tradeNo, CancellationToken cancellationToken = default) =>
        await SingleAsync<TradeRecord>($"SELECT {TradeColumns} FROM trades WHERE trade_no = @tradeNo AND (buyer_id = @organizationId OR seller_id = @organizationId)",
            new { organizationId, tradeNo }, cancellationToken);

    /// <summary>The newest trades of a SKU, newest first.</summary>
    public async Task<IReadOnlyList<TradeRecord>> RecentTradesAsync(string sku, int limit, CancellationToken cancellationToken = default) =>
        await QueryAsync<TradeRecord>($"SELECT {TradeColumns} FROM trades WHERE sku = @sku ORDER BY trade_no DESC LIMIT @limit",
            new { sku, limit }, cancellationToken);

    /// <summary>Trades of a SKU executed in <c>[fromMs, toMs)</c>, oldest first: the input of the daily index.</summary>
    public async Task<IReadOnlyList<TradeRecord>> TradesBetweenAsync(string sku, long fromMs, long toMs, CancellationToken cancellationToken = default) =>
        await QueryAsync<TradeRecord>($"SELECT {TradeColumns} FROM trades WHERE sku = @sku AND executed_ms >= @fromMs AND executed_ms < @toMs ORDER BY trade_no",
            new { sku, fromMs, toMs }, cancellationToken);

    /// <summary>Every trade, oldest first (for checks and exports).</summary>
    public async Task<IReadOnlyList<TradeRecord>> AllTradesAsync(CancellationToken cancellationToken = default) =>
        await QueryAsync<TradeRecord>($"SELECT {TradeColumns} FROM trades ORDER BY trade_no", null, cancellationToken);

    /// <summary>Open interest: GPUs of a SKU under contract in the given hour.</summary>
    public async Task<long> OpenInterestAsync(string sku, long hour, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT SUM(gpus) FROM trades WHERE sku = @sku AND start_hour <= @hour AND end_hour > @hour",
            new { sku, hour }, cancellationToken: cancellationToken)) ?? 0;
    }

    public async Task<long> LastTradeNoAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT MAX(trade_no) FROM trades", cancellationToken: cancellationToken)) ?? 0;
    }

    public async Task<IdempotencyRecord?> FindIdempotencyAsync(string organizationId, string key, CancellationToken cancellationToken = default) =>
        await SingleAsync<IdempotencyRecord>("SELECT organization_id AS OrganizationId, idempotency_key AS IdempotencyKey, request_hash AS RequestHash, status_code AS StatusCode, " +
            "response AS Response, created_ms AS CreatedMs FROM idempotency WHERE organization_id = @organizationId AND idempotency_key = @key",
            new { organizationId, key }, cancellationToken);

    private async Task<List<T>> QueryAsync<T>(string sql, object? parameters, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).ToList();
    }

    private async Task<T?> SingleAsync<T>(string sql, object? parameters, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await connection.QueryFirstOrDefaultAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
    }

    private static Task<int> InsertIdempotencyAsync(DbConnection connection, DbTransaction transaction, IEnumerable<IdempotencyRecord> records) =>
        connection.ExecuteAsync(
            "INSERT INTO idempotency (organization_id, idempotency_key, request_hash, status_code, response, created_ms) " +
            "VALUES (@OrganizationId, @IdempotencyKey, @RequestHash, @StatusCode, @Response, @CreatedMs)",
            records, transaction);

    private static long ParseCursor(string? after) =>
        after is null ? 0 : long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : long.MaxValue;

    private static Page<T> PageOf<T>(List<T> rows, int limit, Func<T, string> cursor)
    {
        if (rows.Count <= limit) return new Page<T>(rows, null);
        rows.RemoveAt(rows.Count - 1);
        return new Page<T>(rows, cursor(rows[^1]));
    }
}
