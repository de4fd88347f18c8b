using Npgsql;

namespace Neocloud.Storage;

/// <summary>A group commit's rows as one <see cref="NpgsqlBatch"/>: every row a command with positional parameters, all sent in one round trip.</summary>
internal sealed class PostgresBatchRows : BatchRows.ISink
{
    private static readonly string[] s_sql = BatchRows.Statements.Select(statement => statement.Sql("$")).ToArray();

    private readonly NpgsqlBatch _batch;

    private PostgresBatchRows(NpgsqlBatch batch) => _batch = batch;

    /// <summary>Writes the batch's rows in the transaction, in one round trip.</summary>
    public static async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CommitBatch batch, ChainHead head, CancellationToken cancellationToken)
    {
        await using var rows = new NpgsqlBatch(connection, transaction);
        if (batch.Fence is { } fence)
        {
            // First, so a stale activation's batch fails on the fence before any of its rows meets the owner's.
            var move = new NpgsqlBatchCommand("SELECT neocloud_move_fence($1, $2, $3, $4)");
            foreach (var value in new object[] { fence.Shard, fence.Epoch, fence.After, fence.Through }) move.Parameters.Add(new NpgsqlParameter { Value = value });
            rows.BatchCommands.Add(move);
        }
        BatchRows.Write(batch, new PostgresBatchRows(rows), head);
        if (batch.Events.Count > 0)
        {
            var (counterSql, counterValues, insertSql, insertValues) = EventRows.Bulk(batch.Events);
            rows.BatchCommands.Add(Command(counterSql, counterValues));
            rows.BatchCommands.Add(Command(insertSql, insertValues));
            // Delivered to the listening nodes when (and only if) the transaction commits.
            var notify = new NpgsqlBatchCommand("SELECT pg_notify($1, $2)");
            notify.Parameters.Add(new NpgsqlParameter { Value = ExchangeStore.EventChannel });
            notify.Parameters.Add(new NpgsqlParameter { Value = ExchangeStore.NotifyPayload(batch.Events) });
            rows.BatchCommands.Add(notify);
        }
        if (rows.BatchCommands.Count > 0) await rows.ExecuteNonQueryAsync(cancellationToken);
    }

    bool BatchRows.ISink.WritesEventsInBulk => true;

    private static NpgsqlBatchCommand Command(string sql, object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command;
    }

    void BatchRows.ISink.Row(int statement, ReadOnlySpan<BatchRows.Value> values)
    {
        var command = new NpgsqlBatchCommand(s_sql[statement]);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value.Boxed });
        _batch.BatchCommands.Add(command);
    }
}
