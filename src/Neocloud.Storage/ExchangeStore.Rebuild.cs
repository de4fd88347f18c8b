using System.Data.Common;
using Dapper;

namespace Neocloud.Storage;

/// <summary>What a rebuild from the journal needs of the store beyond the commit: a check that it is new, what is use rather than ledger, and a count of rows.</summary>
public sealed partial class ExchangeStore
{
    /// <summary>
    /// What the exchange writes as it works rather than as the ledger (use, not configuration or money): a procurement's
    /// blocks bought and misses, a hook's delivery attempts. No journal line writes them, so a rebuild carries them over
    /// from the source as they stand.
    /// </summary>
    public static IReadOnlyList<string> UseTables { get; } = ["procurement_blocks", "procurement_misses", "webhook_deliveries"];

    /// <summary>
    /// The columns of journaled rows that change with use (a token's last use, a hook's delivery cursor, attempt counter
    /// and failure clock, a procurement's next bid number), by table and key: a rebuild carries them over by key. A
    /// hook's lease is not carried: it names a node of the source's run.
    /// </summary>
    public static IReadOnlyList<(string Table, string Key, string[] Columns)> UseColumns { get; } =
    [
        ("api_tokens", "id", ["last_used_ms"]),
        ("webhooks", "id", ["cursor_seq", "attempts", "failing_since_ms"]),
        ("procurements", "id", ["next_bid"]),
    ];

    /// <summary>True when the store holds no journal line and no read-model row (a store just created).</summary>
    public async Task<bool> IsEmptyAsync(CancellationToken cancellationToken = default)
    {
        foreach (var (table, rows) in await RowCountsAsync(cancellationToken))
        {
            if (rows > 0 && table != "schema_version") return false;
        }
        return true;
    }

    /// <summary>Every table of the store with its number of rows, by name.</summary>
    public async Task<SortedDictionary<string, long>> RowCountsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var tables = _postgres is null
            ? await connection.QueryAsync<string>(new CommandDefinition("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                cancellationToken: cancellationToken))
            : await connection.QueryAsync<string>(new CommandDefinition(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'", cancellationToken: cancellationToken));
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in tables)
            counts[table] = await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM {Quoted(table)}", cancellationToken: cancellationToken));
        return counts;
    }

    /// <summary>
    /// Carries what is not on the journal over from <paramref name="source"/> (a store of the same provider, read on the
    /// caller's transaction): each of <see cref="UseTables"/> whole, and the <see cref="UseColumns"/> of the rows both
    /// stores hold, by key. Returns the tables written to and their rows.
    /// </summary>
    public async Task<List<(string Table, long Rows)>> CarryOverAsync(DbConnection source, DbTransaction? sourceTransaction, CancellationToken cancellationToken = default)
    {
        var copied = new List<(string, long)>();
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var table in UseTables)
        {
            var name = Quoted(table);
            long rows = 0;
            await foreach (var (columns, values) in ReadAsync(source, sourceTransaction, $"SELECT * FROM {name}", cancellationToken))
            {
                var insert = $"INSERT INTO {name} ({string.Join(", ", columns.Select(Quoted))}) VALUES ({string.Join(", ", columns.Select((_, i) => $"@p{i}"))})";
                rows += await connection.ExecuteAsync(new CommandDefinition(insert, values, transaction, cancellationToken: cancellationToken));
            }
            if (rows > 0) copied.Add((table, rows));
        }
        foreach (var (table, key, use) in UseColumns)
        {
            long rows = 0;
            var select = $"SELECT {Quoted(key)}, {string.Join(", ", use.Select(Quoted))} FROM {Quoted(table)}";
            var update = $"UPDATE {Quoted(table)} SET {string.Join(", ", use.Select((c, i) => $"{Quoted(c)} = @p{i + 1}"))} WHERE {Quoted(key)} = @p0";
            await foreach (var (_, values) in ReadAsync(source, sourceTransaction, select, cancellationToken))
                rows += await connection.ExecuteAsync(new CommandDefinition(update, values, transaction, cancellationToken: cancellationToken));
            if (rows > 0) copied.Add(($"{table} ({string.Join(", ", use)})", rows));
        }
        await transaction.CommitAsync(cancellationToken);
        return copied;
    }

    /// <summary>The rows a query reads, each as its column names and parameters <c>p0</c>, <c>p1</c>, … in column order.</summary>
    private static async IAsyncEnumerable<(string[] Columns, DynamicParameters Values)> ReadAsync(DbConnection source, DbTransaction? transaction, string sql,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var read = source.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = sql;
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
        while (await reader.ReadAsync(cancellationToken))
        {
            var values = new DynamicParameters();
            for (var i = 0; i < columns.Length; i++) values.Add($"p{i}", reader.IsDBNull(i) ? null : reader.GetValue(i));
            yield return (columns, values);
        }
    }

    private static string Quoted(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
