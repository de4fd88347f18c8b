using System.Net.Http.Json;
using Neocloud.Domain.Time;
using Neocloud.Testing;

namespace Neocloud.Cli.Tests.Client;

/// <summary>A market that gives the forward curve a price: a GB300 pool of IREN's, an ask at 3.00 and a bid at 2.00 over three months (mid 2.50).</summary>
internal static class CurveMarket
{
    /// <summary>Creates pool <paramref name="pool"/> and rests the ask (seller) and the bid (buyer) through the CLI.</summary>
    public static async Task RestAsync(TestServer server, string seller, string buyer, string pool, CalendarMonth first)
    {
        using var iren = server.Client(seller);
        var window = first.Window(3);
        var created = await iren.PostAsJsonAsync("/api/v1/pools", new
        {
            id = pool, sku = "GB300", region = "us-tx", capacity = new[] { new { start = window.Start.Value, end = window.End.Value, gpus = 200 } },
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        CliRun As(string token, params string[] args) => CliRun.Of([.. args, "--url", server.Address.ToString(), "--token", token]);
        var ask = As(seller, "order", "ask", "--pool", pool, "--gpus", "72", "--start", $"{window.Start}", "--end", $"{window.End}", "--price", "3.00");
        Assert.True(ask.ExitCode == 0, ask.Error);
        var bid = As(buyer, "order", "bid", "--sku", "GB300", "--gpus", "8", "--start", $"{window.Start}", "--end", $"{window.End}", "--limit", "2.00");
        Assert.True(bid.ExitCode == 0, bid.Error);
    }
}
