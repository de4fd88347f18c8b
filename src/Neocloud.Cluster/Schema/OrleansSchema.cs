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
    /// Makes sure the database has the schema Orleans' ADO.NET clustering expects (invariant <c>"Npgsql"</c>).
    /// Safe to call on every start and from several nodes at once: the script is idempotent and runs in one
    /// transaction under a PostgreSQL advisory lock; a failure leaves the database as it was.
    /// </summary>
    /// <param name="connectionString">An Npgsql connection string for the database the silos use.</param>
    /// <param name="ct">Cancels waiting for the lock or running the script.</param>
    /// <returns>A task that completes once the schema is in place.</returns>
    public static async Task EnsureAsync(string connectionString, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var script = await ReadScriptAsync(ct);

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);

        // Taken inside the transaction, the lock is let go at commit or rollback, whatever happens in between.
        await using (var takeLock = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            takeLock.Parameters.AddWithValue("key", AdvisoryLockKey);
            takeLock.CommandTimeout = 0;
            await takeLock.ExecuteNonQueryAsync(ct);
        }

        await using (var run = new NpgsqlCommand(script, connection, transaction))
        {
            await run.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
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
