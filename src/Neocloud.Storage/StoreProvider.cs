namespace Neocloud.Storage;

/// <summary>Which database holds the journal and the read models.</summary>
public enum StoreProvider
{
    /// <summary>One SQLite file in WAL mode: a single machine, nothing else installed.</summary>
    Sqlite,
    /// <summary>A PostgreSQL server: for production and many machines.</summary>
    Postgres,
}
