namespace Neocloud.Storage.Schema;

/// <summary>
/// The table of price indices, in the SQL both providers share: one value a series a month (<c>yyyy-MM</c>), kept as
/// invariant decimal text so no provider rounds it, with when it was last written.
/// </summary>
internal static class IndexSchema
{
    public static string Tables(string integer) => $"""

        CREATE TABLE IF NOT EXISTS price_indices (
            name TEXT NOT NULL,
            month TEXT NOT NULL,
            value TEXT NOT NULL,
            updated_ms {integer} NOT NULL,
            PRIMARY KEY (name, month)
        );
        """;
}
