using System.Buffers.Binary;
using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Neocloud.Storage;

/// <summary>A read-model row that does not match the journal: its table, key, the column (null when the whole row is missing or added) and what is wrong.</summary>
public sealed record ReadModelProblem(string Table, string Key, string? Column, string Problem);

/// <summary>
/// Compares the read models the journal drives with the journal: its facts (the contract book's, the configuration's,
/// time's ticks) are projected into fresh tables (an in-memory SQLite store with the schema, written by the same
/// projection as the live commit), the market's rows come from a store its lines were written into again, and every row
/// is compared, column by column, with the stored one. An edited, deleted or added row is named by table, key and column.
/// </summary>
public static class ReadModelAudit
{
    /// <summary>The tables the book's and the configuration's facts drive, each with its key columns and the columns compared.</summary>
    private static readonly (string Table, string[] Key, string[] Columns)[] s_bookTables =
    [
        ("rfqs", ["id"], ["buyer_id", "status", "closes_ms", "created_ms", "terms"]),
        ("offers", ["id"], ["rfq_id", "seller_id", "status", "created_ms", "terms"]),
        ("offtakes", ["id"], ["rfq_id", "offer_id", "buyer_id", "seller_id", "sku", "region", "status", "terminated_month", "created_ms", "terms"]),
        ("offtake_deliveries", ["contract_id", "tranche"], ["month", "reported_ms"]),
        ("offtake_sla", ["contract_id", "month"], ["availability", "reported_ms"]),
        ("offtake_assignments", ["id"],
            ["contract_id", "assignor_id", "assignee_id", "from_month", "tranches", "status", "created_ms", "seller_accepted_ms", "assignee_accepted_ms",
                "decided_ms", "declined_by"]),
        ("price_indices", ["name", "month"], ["value", "updated_ms"]),
        // The configuration, without what changes with use (ConfigProjection): a token's last use, a hook's delivery
        // cursor, attempts, failure clock and lease, a procurement's next bid number.
        ("organizations", ["id"], ["name", "created_ms", "rate_limit"]),
        ("api_tokens", ["id"], ["organization_id", "token_hash", "scopes", "label", "created_ms", "revoked_ms", "expires_ms"]),
        ("webhooks", ["id"], ["organization_id", "url", "types", "description", "secret", "status", "created_ms", "generation", "disabled_reason", "disabled_ms"]),
        ("procurements", ["id"],
            ["organization_id", "sku", "region", "gpus", "horizon_hours", "block_hours", "max_price_ticks", "status", "created_ms", "stopped_ms", "alternatives"]),
        ("rfq_closings", ["rfq_id"], ["closes_ms", "offers"]),
        ("offtake_months", ["contract_id", "month"], ["closed_ms", "late_tranches"]),
        ("offtake_invoices", ["contract_id", "month", "payer"], ["issued_ms", "invoice"]),
        ("account_entries", ["id", "side"], ["organization_id", "counterparty", "kind", "amount_cents", "reference", "at_ms", "shard"]),
        ("credit_limits", ["organization_id"], ["limit_cents", "set_ms"]),
        ("account_margins", ["organization_id", "shard"], ["margin_cents", "marked_ms"]),
        ("credit_slices", ["organization_id", "shard"], ["granted_cents", "returned_cents"]),
        ("approval_thresholds", ["organization_id"], ["threshold_cents", "set_ms"]),
        ("approvals", ["id"],
            ["organization_id", "kind", "summary", "value_cents", "command", "requested_by", "requested_ms", "status", "decided_by", "decided_ms", "result"]),
        ("alerts", ["id"],
            ["organization_id", "sku", "region", "kind", "price_ticks", "month", "created_ms", "state", "triggered_ms", "value_ticks", "triggers"]),
    ];

    /// <summary>
    /// The tables the market's commands drive, each with its key columns and the columns compared; a pool's site is not
    /// compared (journal lines written before the site was journaled do not hold it).
    /// </summary>
    private static readonly (string Table, string[] Key, string[] Columns)[] s_marketTables =
    [
        ("pools", ["id"], ["provider_id", "sku", "region", "created_sequence"]),
        ("pool_capacity", ["pool_id", "start_hour"], ["end_hour", "gpus"]),
        ("orders", ["id"],
            ["organization_id", "side", "sku", "region", "pool_id", "gpus", "start_hour", "end_hour", "price_ticks", "tif", "status", "traded_gpu_hours",
                "placed_sequence", "placed_ms", "updated_ms", "alternatives"]),
        ("portfolios", ["id"], ["organization_id", "status", "cancelled_leg", "legs", "placed_sequence", "placed_ms"]),
        ("trades", ["trade_no"],
            ["sequence", "bid_id", "ask_id", "buyer_id", "seller_id", "pool_id", "sku", "region", "gpus", "start_hour", "end_hour", "price_ticks", "executed_ms"]),
    ];

    /// <summary>The tables <see cref="CompareMarketAsync"/> checks.</summary>
    public static IReadOnlyList<string> MarketTables { get; } = s_marketTables.Select(t => t.Table).ToList();

    /// <summary>
    /// Compares the market's tables on <paramref name="stored"/> with those the journal's lines wrote again on
    /// <paramref name="replayed"/> (a store rebuilt from the same journal); every difference, in table and key order.
    /// </summary>
    public static Task<List<ReadModelProblem>> CompareMarketAsync(DbConnection stored, DbTransaction? transaction, DbConnection replayed,
        CancellationToken cancellationToken = default) =>
        CompareAsync(s_marketTables, replayed, stored, transaction, cancellationToken);

    /// <summary>The tables <see cref="CompareBookAsync"/> checks.</summary>
    public static IReadOnlyList<string> BookTables { get; } = s_bookTables.Select(t => t.Table).ToList();

    /// <summary>
    /// Projects <paramref name="facts"/> (the journal's, in order) into fresh tables and compares them with the book's
    /// tables on <paramref name="stored"/>; every difference, in table and key order.
    /// </summary>
    public static async Task<List<ReadModelProblem>> CompareBookAsync(DbConnection stored, DbTransaction? transaction, IEnumerable<BookFact> facts,
        CancellationToken cancellationToken = default)
    {
        await using var replayed = new SqliteConnection("Data Source=:memory:");
        await replayed.OpenAsync(cancellationToken);
        await replayed.ExecuteAsync(Schema.SchemaScript.For(StoreProvider.Sqlite));
        await using (var writing = await replayed.BeginTransactionAsync(cancellationToken))
        {
            foreach (var fact in facts) BookProjection.Write(replayed, writing, fact);
            await writing.CommitAsync(cancellationToken);
        }

        return await CompareAsync(s_bookTables, replayed, stored, transaction, cancellationToken);
    }

    /// <summary>
    /// Every difference between the tables as the journal wrote them (<paramref name="replayed"/>) and as <paramref name="stored"/>
    /// holds them. Memory stays small whatever the store's size: the journal's rows are held as a hash per key, the stored
    /// rows stream past them, and only a row whose hash differs is read again, by its key, to name the columns.
    /// </summary>
    private static async Task<List<ReadModelProblem>> CompareAsync((string Table, string[] Key, string[] Columns)[] tables, DbConnection replayed,
        DbConnection stored, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        var problems = new List<ReadModelProblem>();
        foreach (var (table, key, columns) in tables)
        {
            var want = new Dictionary<string, UInt128>(StringComparer.Ordinal);
            await foreach (var row in RowsAsync(replayed, null, table, key, columns, cancellationToken)) want[row.Id] = Hash(row.Values);
            var found = new List<ReadModelProblem>();
            await foreach (var row in RowsAsync(stored, transaction, table, key, columns, cancellationToken))
            {
                if (!want.Remove(row.Id, out var hash))
                {
                    found.Add(new ReadModelProblem(table, row.Id, null, "added: no journal fact wrote this row"));
                    continue;
                }
                if (Hash(row.Values) == hash) continue;
                var written = await RowAsync(replayed, table, key, row.KeyValues, columns, cancellationToken);
                for (var i = 0; i < columns.Length; i++)
                {
                    if (!string.Equals(written[i], row.Values[i], StringComparison.Ordinal))
                        found.Add(new ReadModelProblem(table, row.Id, columns[i], $"edited: the store has {Shown(row.Values[i])}, the journal wrote {Shown(written[i])}"));
                }
            }
            found.AddRange(want.Keys.Select(id => new ReadModelProblem(table, id, null, "deleted: the journal wrote this row, the store does not have it")));
            problems.AddRange(found.OrderBy(p => p.Key, StringComparer.Ordinal));
        }
        return problems;
    }

    /// <summary>A row as compared: its key as text (parts joined by '/'), its key's values as read, and its columns as text.</summary>
    private sealed record AuditRow(string Id, object[] KeyValues, string?[] Values);

    private static async IAsyncEnumerable<AuditRow> RowsAsync(DbConnection connection, DbTransaction? transaction, string table, string[] key,
        string[] columns, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {string.Join(", ", key.Concat(columns))} FROM {table}";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var keyValues = new object[key.Length];
            for (var i = 0; i < key.Length; i++) keyValues[i] = reader.GetValue(i);
            yield return new AuditRow(string.Join('/', keyValues.Select(Text)), keyValues, ColumnTexts(reader, key.Length, columns.Length));
        }
    }

    /// <summary>One row of <paramref name="table"/> on <paramref name="connection"/>, by its key's values, as text.</summary>
    private static async Task<string?[]> RowAsync(DbConnection connection, string table, string[] key, object[] keyValues, string[] columns,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {string.Join(", ", columns)} FROM {table} WHERE {string.Join(" AND ", key.Select((column, i) => $"{column} = @k{i}"))}";
        for (var i = 0; i < key.Length; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = $"@k{i}";
            parameter.Value = keyValues[i];
            command.Parameters.Add(parameter);
        }
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ColumnTexts(reader, 0, columns.Length) : new string?[columns.Length];
    }

    private static string?[] ColumnTexts(DbDataReader reader, int first, int count)
    {
        var values = new string?[count];
        for (var i = 0; i < count; i++) values[i] = Text(reader.GetValue(first + i));
        return values;
    }

    /// <summary>A row's columns hashed (SHA-256, 128 bits kept), each length-prefixed so no two rows' columns run together alike.</summary>
    private static UInt128 Hash(string?[] values)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var value in values)
        {
            BinaryPrimitives.WriteInt32LittleEndian(length, value?.Length ?? -1);
            hash.AppendData(length);
            if (value is not null) hash.AppendData(Encoding.UTF8.GetBytes(value));
        }
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return BinaryPrimitives.ReadUInt128LittleEndian(digest);
    }

    /// <summary>A value as text the same way on SQLite and PostgreSQL (whole numbers without a type, text as it is).</summary>
    private static string? Text(object value) => value switch
    {
        DBNull => null,
        string text => text,
        byte[] bytes => Convert.ToHexStringLower(bytes),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static string Shown(string? value) => value is null ? "null" : value.Length > 60 ? $"'{value[..60]}…'" : $"'{value}'";
}
