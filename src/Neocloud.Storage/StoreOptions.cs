namespace Neocloud.Storage;

/// <summary>Where the exchange keeps its state.</summary>
public sealed record StoreOptions(StoreProvider Provider, string ConnectionString)
{
    /// <summary>
    /// PostgreSQL only: how long a session of this store may sit idle inside a transaction before the server ends it (and
    /// rolls the transaction back); null: no limit. A cluster node sets it: a node frozen between a batch's rows and its
    /// commit (a long pause, a stopped VM) otherwise keeps its shard's fence row and the event counters locked until it
    /// thaws, and the node that takes the shard over waits on that lock however soon the frozen one is declared dead.
    /// </summary>
    public TimeSpan? IdleTransactionTimeout { get; init; }

    /// <summary>A SQLite file at <paramref name="path"/> (created if missing).</summary>
    public static StoreOptions SqliteFile(string path) =>
        new(StoreProvider.Sqlite, $"Data Source={path};Pooling=True;Foreign Keys=True");

    /// <summary>A PostgreSQL database reached with an Npgsql connection string.</summary>
    public static StoreOptions Postgres(string connectionString) => new(StoreProvider.Postgres, connectionString);
}
