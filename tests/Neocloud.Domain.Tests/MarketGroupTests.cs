using Neocloud.Domain.Catalog;

namespace Neocloud.Domain.Tests;

public sealed class MarketGroupTests
{
    [Theory]
    [InlineData("GB200", "rack-blackwell")]
    [InlineData("gb300", "rack-blackwell")]
    [InlineData("B200", "hgx-blackwell")]
    [InlineData("B300", "hgx-blackwell")]
    [InlineData("H100", "hopper")]
    [InlineData("H200", "hopper")]
    [InlineData("MI300X", "instinct")]
    [InlineData("MI325X", "instinct")]
    [InlineData("MI355X", "instinct")]
    [InlineData("TPU7", "tpu7")]
    public void Every_sku_trades_in_one_group(string sku, string group) => Assert.Equal(group, MarketGroups.Of(sku));

    [Fact]
    public void Every_catalog_sku_is_in_a_named_group_and_ordinals_are_distinct_and_stable()
    {
        var groups = MarketGroups.All(ReferenceCatalog.Embedded);
        Assert.Equal(["rack-blackwell", "hgx-blackwell", "hopper", "instinct"], groups);
        Assert.All(ReferenceCatalog.Embedded.Skus, s => Assert.Contains(s.MarketGroup, groups));
        Assert.Equal([1, 2, 3, 4], groups.Select(MarketGroups.OrdinalOf));
        var alone = MarketGroups.OrdinalOf("tpu7");
        Assert.Equal(alone, MarketGroups.OrdinalOf("tpu7"));
        Assert.InRange(alone, 5, MarketGroups.OrdinalSpace - 1);
        Assert.Equal(["TPU7"], MarketGroups.SkusOf("tpu7"));
        Assert.Equal(["H100", "H200"], MarketGroups.SkusOf("hopper"));
    }
}
