using System.Data.Common;
using Dapper;

namespace Neocloud.Storage;

/// <summary>What a rebuild from the journal needs of the store beyond the commit: a check that it is new, what is not on the journal yet, and a count of rows.</summary>
public sealed partial class ExchangeStore
{
    /// <summary>
    /// Tables no journal line writes yet (the configuration: organizations, tokens, webhooks, standing procurements): a
    /// rebuild copies them from the source store when the journal wrote none of their rows, and says so.
    /// </summary>
    public static IReadOnlyList<string> NotJournaledTables { get; } = ["organizations", "api_tokens", "webhooks", "procurements", "procurement_blocks", "procurement_misses"];

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
    /// Copies each of <see cref="NotJournaledTables"/> whole from <paramref name="source"/> (a store of the same provider,
    /// read on the caller's transaction) when this store's table is empty; returns the tables copied and their rows.
    /// </summary>
    public async Task<List<(string Table, long Rows)>> CarryOverAsync(DbConnection source, DbTransaction? sourceTransaction, CancellationToken cancellationToken = default)
    {
        var copied = new List<(string, long)>();
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var table in NotJournaledTables)
        {
            var name = Quoted(table);
            if (await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM {name}", transaction: transaction, cancellationToken: cancellationToken)) > 0)
                continue;
            long rows = 0;
            await using var read = source.CreateCommand();
            read.Transaction = sourceTransaction;
            read.CommandText = $"SELECT * FROM {name}";
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
            var insert = $"INSERT INTO {name} ({string.Join(", ", columns.Select(Quoted))}) VALUES ({string.Join(", ", columns.Select((_, i) => $"@p{i}"))})";
            while (await reader.ReadAsync(cancellationToken))
            {
                var values = new DynamicParameters();
                for (var i = 0; i < columns.Length; i++) values.Add($"p{i}", reader.IsDBNull(i) ? null : reader.GetValue(i));
                await connection.ExecuteAsync(new CommandDefinition(insert, values, transaction, cancellationToken: cancellationToken));
                rows++;
            }
            if (rows > 0) copied.Add((table, rows));
        }
        await transaction.CommitAsync(cancellationToken);
        return copied;
    }

    private static string Quoted(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
