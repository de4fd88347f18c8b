using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Neocloud.Storage;
using Npgsql;

namespace Neocloud.Server.Hosting;

/// <summary>
/// What an operator can fix when the exchange cannot start, in one line naming the option to look at: a port already in
/// use, a data directory that cannot be used, a PostgreSQL that cannot be reached or refuses, a store written by a newer
/// version. Anything else is a fault of the program and keeps its stack trace.
/// </summary>
public static class StartupFailure
{
    /// <summary>The one-line reason, or null when <paramref name="error"/> is not one an operator can fix.</summary>
    /// <param name="error">What building or starting the server threw.</param>
    /// <param name="options">The options it was started with (to name the store and the addresses).</param>
    /// <param name="listening">True when it was thrown while the server started listening, false while it opened the store.</param>
    public static string? Describe(Exception error, ServerOptions options, bool listening)
    {
        var store = options.PostgresConnectionString is null ? "--data" : "--db";
        if (Find<StoreVersionException>(error) is { } version) return $"{store}: {version.Message}";
        if (Find<PostgresException>(error) is { } refused) return $"--db: PostgreSQL refused: {refused.MessageText} (SQLSTATE {refused.SqlState})";
        if (Find<NpgsqlException>(error) is { } unreachable) return $"--db: cannot reach PostgreSQL at {Server(options)}: {Innermost(unreachable).Message}";
        if (error is ArgumentException { Source: "Npgsql" } badString) return $"--db: not a PostgreSQL connection string: {badString.Message}";
        if (Find<SqliteException>(error) is { } sqlite)
            return $"--data: cannot open {Path.Combine(options.DataDirectory, "exchange.db")}: {sqlite.Message}";
        if (Find<SocketException>(error) is { } socket)
        {
            var where = options.Cluster ? $"{options.Urls}, silo port {options.SiloPort} or gateway port {options.GatewayPort}" : options.Urls;
            return socket.SocketErrorCode == SocketError.AddressAlreadyInUse
                ? $"{(options.Cluster ? "--urls, --silo-port or --gateway-port" : "--urls")}: an address is already in use by another process ({where})"
                : $"--urls: cannot listen on {where}: {socket.Message}";
        }
        if (!listening && error is IOException or UnauthorizedAccessException)
            return $"--data: cannot use {options.DataDirectory}: {error.Message}";
        return null;
    }

    private static T? Find<T>(Exception? error) where T : Exception
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is T found) return found;
        }
        return null;
    }

    private static Exception Innermost(Exception error)
    {
        while (error.InnerException is not null) error = error.InnerException;
        return error;
    }

    private static string Server(ServerOptions options)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(options.PostgresConnectionString);
            return $"{builder.Host}:{builder.Port}";
        }
        catch (ArgumentException)
        {
            return "the --db address";
        }
    }
}
