namespace Neocloud.Storage;

/// <summary>Where the exchange keeps its state.</summary>
public sealed record StoreOptions(StoreProvider Provider, string ConnectionString)
{
    /// <summary>A SQLite file at <paramref name="path"/> (created if missing).</summary>
    public static StoreOptions SqliteFile(string path) =>
        new(StoreProvider.Sqlite, $"Data Source={path};Pooling=True;Foreign Keys=True");

    /// <summary>A PostgreSQL database reached with an Npgsql connection string.</summary>
    public static StoreOptions Postgres(string connectionString) => new(StoreProvider.Postgres, connectionString);
}
