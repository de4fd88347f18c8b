using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Neocloud.Server.Tests;

/// <summary>
/// A client placing random orders against a real server process until stopped or until the server dies under it (the
/// load of the crash tests): a third asks on <paramref name="Pool"/> from the provider, the rest bids from the buyers,
/// every window inside the pool's first 400 hours plus up to <paramref name="MaxHours"/>. Acknowledged orders (201) are
/// recorded with the token that placed them; a request the server died during was never acknowledged.
/// </summary>
public sealed record RandomOrders(string Pool, int PoolStart, string Provider, IReadOnlyList<string> Buyers, int MaxHours, int MaxAskGpus, int MaxBidGpus)
{
    public async Task PlaceAsync(Uri address, int seed, ConcurrentDictionary<string, string> acknowledged, CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = address };
        var random = new Random(seed);
        while (!stop.IsCancellationRequested)
        {
            var start = PoolStart + random.Next(0, 400);
            var end = start + random.Next(1, MaxHours);
            var isAsk = random.Next(3) == 0;
            var token = isAsk ? Provider : Buyers[random.Next(Buyers.Count)];
            var (path, body) = isAsk
                ? ("api/v1/orders/asks", $$"""{"pool":"{{Pool}}","gpus":{{random.Next(1, MaxAskGpus)}},"start":{{start}},"end":{{end}},"price":"2.{{random.Next(10, 99)}}"}""")
                : ("api/v1/orders/bids", $$"""{"sku":"GB300","gpus":{{random.Next(1, MaxBidGpus)}},"start":{{start}},"end":{{end}},"limit":"2.{{random.Next(10, 99)}}"}""");
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await http.SendAsync(request, CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    var placed = JsonDocument.Parse(await response.Content.ReadAsStringAsync(CancellationToken.None)).RootElement;
                    acknowledged[placed.GetProperty("order").GetProperty("id").GetString()!] = token;
                }
            }
            catch (HttpRequestException)
            {
                // The server died under us: this request was never acknowledged.
                return;
            }
        }
    }
}
