using System.Text.Json;
using Neocloud.Market.Engine;

namespace Neocloud.Market.Tests;

/// <summary>Every rejection reason falls in one of a few buckets (the label of the rejections metric), whatever ids it names.</summary>
public class ReasonBucketTests
{
    private const string Pool = """{"op":"pool","id":"p1","provider":"iren","region":"us-tx","sku":"GB300","capacity":[{"start":0,"end":1000,"gpus":100}]}""";

    private static string Ask(string id, int gpus, string pool = "p1", string account = "iren", int start = 0, int end = 100) =>
        $$"""{"op":"ask","id":"{{id}}","account":"{{account}}","pool":"{{pool}}","gpus":{{gpus}},"start":{{start}},"end":{{end}},"price":"2.0000"}""";

    public static TheoryData<string, string, string> Cases => new()
    {
        { "duplicate_id", Ask("a1", 10), Ask("a1", 10) },
        { "duplicate_id", Pool, Pool },
        { "unknown_pool", Pool, Ask("a1", 10, pool: "nowhere") },
        { "not_provider", Pool, Ask("a1", 10, account: "crusoe") },
        { "over_capacity", Pool, Ask("a1", 101) },
        { "not_cancellable", Pool, """{"op":"cancel","id":"ghost"}""" },
        { "nothing_to_release", Pool, """{"op":"release","id":"r1","from":0}""" },
        { "invalid_fields", Pool, Ask("a1", 0) },
        { "invalid_fields", Pool, Ask("a#1", 10) },
        { "invalid_fields", Pool, Ask("a1", 10, start: 0, end: 90_000) },
        { "invalid_fields", Pool, """{"op":"capacity","pool":"p1","start":500,"end":600,"gpus":5}""" },
        { "invalid_fields", Pool, """{"op":"bid","id":"b1","account":"m","gpus":1,"start":0,"end":10,"tif":"GTC","alternatives":[{"sku":"GB300","limit":"3.0000"},{"sku":"H100","limit":"2.0000"}]}""" },
    };

    [Theory, MemberData(nameof(Cases))]
    public void A_rejection_reason_falls_in_its_bucket(string bucket, string first, string rejected)
    {
        var events = RuleTests.Run("indexed", first.Contains("\"op\":\"pool\"", StringComparison.Ordinal) || first == Pool ? [first, rejected] : [Pool, first, rejected]);

        var last = JsonDocument.Parse(events[^1]).RootElement;
        Assert.Equal("rejected", last.GetProperty("event").GetString());
        var reason = last.GetProperty("reason").GetString()!;
        Assert.Equal(bucket, Rules.Bucket(reason));
        Assert.Contains(bucket, Rules.ReasonBuckets);
    }

    [Fact]
    public void A_reason_from_elsewhere_is_other() => Assert.Equal("other", Rules.Bucket("something the table never says"));
}
