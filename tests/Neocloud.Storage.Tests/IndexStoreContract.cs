using Neocloud.Domain.Time;
using Neocloud.Testing;

namespace Neocloud.Storage.Tests;

/// <summary>The price-index store's promises, on a real SQLite file and a real PostgreSQL server.</summary>
public abstract class IndexStoreContract : StoreContractBase
{
    private static IndexValue Value(string month, decimal value) => new(CalendarMonth.Parse(month), value);

    /// <summary>Sets months of an index as the book's fact does.</summary>
    private Task SetAsync(string name, IReadOnlyList<IndexValue> values, long atMs) =>
        CommitFactAsync(new IndexValuesSet(name, values.Select(v => new IndexValueRow(v.Month.ToString(), v.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList(), atMs));

    [Fact]
    public async Task Upserting_replaces_the_months_given_keeps_the_others_and_keeps_every_decimal_digit()
    {
        await SetAsync("cpi.us", [Value("2026-01", 100m), Value("2026-02", 101.5m), Value("2026-03", 102m)], 1_000);
        await SetAsync("cpi.us", [Value("2026-03", 102.123456789012345678m), Value("2025-12", 99.9m)], 2_000);

        var values = await Store.IndexValuesAsync("cpi.us");

        Assert.Equal(
            [Value("2025-12", 99.9m), Value("2026-01", 100m), Value("2026-02", 101.5m), Value("2026-03", 102.123456789012345678m)],
            values);
        Assert.Empty(await Store.IndexValuesAsync("cpi.eu"));
    }

    [Fact]
    public async Task Indices_are_listed_by_name_with_their_month_ranges()
    {
        await SetAsync("power.pjm", [Value("2026-05", 60m), Value("2026-01", 55m)], 1_000);
        await SetAsync("cpi.us", [Value("2024-01", 100m)], 3_000);
        await SetAsync("power.pjm", [Value("2026-02", 57m)], 2_000);

        var listed = await Store.IndicesAsync();

        Assert.Equal(
            [
                new IndexSummary("cpi.us", CalendarMonth.Parse("2024-01"), CalendarMonth.Parse("2024-01"), 1, 3_000),
                new IndexSummary("power.pjm", CalendarMonth.Parse("2026-01"), CalendarMonth.Parse("2026-05"), 3, 2_000),
            ],
            listed);
    }
}

public sealed class SqliteIndexStoreTests : IndexStoreContract, IDisposable
{
    private readonly TempDirectory _directory = new("neocloud-index-store-");

    protected override StoreOptions CreateOptions() => StoreOptions.SqliteFile(_directory.File("exchange.db"));

    public void Dispose() => _directory.Dispose();
}

public sealed class PostgresIndexStoreTests : IndexStoreContract
{
    protected override StoreOptions CreateOptions() => StoreOptions.Postgres(PostgresServer.CreateDatabase("index_store"));
}
