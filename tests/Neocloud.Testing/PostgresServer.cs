using System.Diagnostics;
using Npgsql;

namespace Neocloud.Testing;

/// <summary>
/// A real PostgreSQL server on 127.0.0.1, started once per test run by <c>scripts/postgres.sh</c>; each caller gets a
/// fresh database of its own.
/// </summary>
public static class PostgresServer
{
    private static readonly Lazy<string> s_admin = new(Start);

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public static string CreateDatabase(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)];
        using var connection = new NpgsqlConnection(s_admin.Value);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"CREATE DATABASE \"{name}\"";
        command.ExecuteNonQuery();
        return new NpgsqlConnectionStringBuilder(s_admin.Value) { Database = name }.ConnectionString;
    }

    /// <summary>
    /// Takes a database away, as a server restarting does (its open connections ended, new ones refused), or, with
    /// <paramref name="reachable"/> true, gives it back.
    /// </summary>
    public static void SetReachable(string connectionString, bool reachable)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        using var connection = new NpgsqlConnection(s_admin.Value);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"ALTER DATABASE \"{name}\" WITH ALLOW_CONNECTIONS {(reachable ? "true" : "false")}";
        command.ExecuteNonQuery();
        if (reachable) return;
        command.CommandText = "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @name";
        command.Parameters.AddWithValue("name", name!);
        command.ExecuteScalar();
    }

    private static string Start()
    {
        var script = System.IO.Path.Combine(RepositoryRoot.Path, "scripts", "postgres.sh");
        var start = new ProcessStartInfo("bash", [script, "start"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not run scripts/postgres.sh");
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"scripts/postgres.sh failed ({process.ExitCode}): {error.Trim()}");
        return output.Trim();
    }
}
