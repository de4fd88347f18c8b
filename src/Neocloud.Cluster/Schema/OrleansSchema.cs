using Npgsql;

namespace Neocloud.Cluster.Schema;

/// <summary>
/// Creates, in PostgreSQL, what Orleans' ADO.NET clustering needs (the <c>OrleansQuery</c> rows, the membership
/// tables and their functions), from Neocloud's own script embedded in this assembly.
/// </summary>
public static class OrleansSchema
{
    /// <summary>The name of the embedded script resource.</summary>
    public const string ScriptResourceName = "Neocloud.Cluster.Schema.OrleansClustering.PostgreSQL.sql";

    /// <summary>
    /// The key of the transaction-scoped advisory lock held while the script runs ("NCORLSCH" in ASCII), so that nodes
    /// starting at the same time create the schema one after another instead of racing on the same tables.
    /// </summary>
    public const long AdvisoryLockKey = 0x4E43_4F52_4C53_4348;

    /// <summary>
    /// Makes sure the database has the schema Orleans' ADO.NET clustering expects (invariant <c>"Npgsql"</c>), and
    /// returns true when it ran the script. Safe to call on every start and from several nodes at once: a database
    /// whose schema came from this very script (its fingerprint is the <c>OrleansQuery</c> table's comment) is only
    /// read, so a node joining a live cluster runs no DDL; otherwise the idempotent script runs in one transaction
    /// under a PostgreSQL advisory lock, and a failure leaves the database as it was.
    /// </summary>
    /// <param name="connectionString">An Npgsql connection string for the database the silos use.</param>
    /// <param name="ct">Cancels waiting for the lock or running the script.</param>
    /// <returns>True when the script ran; false when the database already had this script's schema.</returns>
    public static async Task<bool> EnsureAsync(string connectionString, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var script = await ReadScriptAsync(ct);
        var mark = $"neocloud orleans schema {Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(script)))}";

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (await MarkAsync(connection, null, ct) == mark) return false;
        await using var transaction = await connection.BeginTransactionAsync(ct);

        // Taken inside the transaction, the lock is let go at commit or rollback, whatever happens in between.
        await using (var takeLock = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            takeLock.Parameters.AddWithValue("key", AdvisoryLockKey);
            takeLock.CommandTimeout = 0;
            await takeLock.ExecuteNonQueryAsync(ct);
        }
        // Another node may have run it while this one waited for the lock.
        if (await MarkAsync(connection, transaction, ct) == mark)
        {
            await transaction.CommitAsync(ct);
            return false;
        }

        await using (var run = new NpgsqlCommand(script, connection, transaction))
        {
            await run.ExecuteNonQueryAsync(ct);
        }
        await using (var comment = new NpgsqlCommand($"COMMENT ON TABLE OrleansQuery IS '{mark}'", connection, transaction))
        {
            await comment.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
        return true;
    }

    /// <summary>The fingerprint of the script that last made the schema (the <c>OrleansQuery</c> table's comment), or null.</summary>
    private static async Task<string?> MarkAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken ct)
    {
        await using var read = new NpgsqlCommand("SELECT obj_description(to_regclass('orleansquery'), 'pg_class')", connection, transaction);
        return await read.ExecuteScalarAsync(ct) as string;
    }

    private static async Task<string> ReadScriptAsync(CancellationToken ct)
    {
        await using var stream = typeof(OrleansSchema).Assembly.GetManifestResourceStream(ScriptResourceName)
            ?? throw new InvalidOperationException(
                $"The embedded resource '{ScriptResourceName}' is missing from {typeof(OrleansSchema).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(ct);
    }
}
