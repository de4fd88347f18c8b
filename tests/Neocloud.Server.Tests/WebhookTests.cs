using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Webhooks;
using Neocloud.Server.Hosting;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>
/// Webhooks against a real receiver on 127.0.0.1 that checks every signature itself: every event of the organization
/// arrives, in sequence order, signed with the hook's secret, and nothing of another organization; on SQLite and on
/// PostgreSQL.
/// </summary>
public abstract class WebhookDeliveryContract
{
    /// <summary>The store the server runs on.</summary>
    protected abstract ServerOptions Store(ServerOptions options);

    [Fact]
    public async Task Every_event_arrives_once_in_seq_order_signed_with_the_hooks_secret_and_nothing_of_another_organization()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await TestServer.StartAsync(o => Store(o with { WebhookAllowHosts = ["127.0.0.1"] }));
        var market = await Market.OpenAsync(server);
        var (microsoftHook, microsoftSecret, microsoftBefore) = await Hooks.CreateAsync(market.Microsoft, receiver.Url("/microsoft"));
        var (_, irenSecret, irenBefore) = await Hooks.CreateAsync(market.Iren, receiver.Url("/iren"), "order.filled", "trade.executed");

        await Market.AskAsync(market.Iren, 100, Market.Start, Market.Start + 100, "2.5000");
        for (var i = 0; i < 4; i++)
        {
            await Market.BidAsync(market.Microsoft, 10, Market.Start, Market.Start + 10, "3.0000");
            await Market.BidAsync(market.Meta, 10, Market.Start, Market.Start + 10, "3.0000");
        }
        await Market.BidAsync(market.Microsoft, 5, Market.Start, Market.Start + 10, "1.0000");

        var microsoftEvents = (await Hooks.EventsAsync(market.Microsoft)).Where(e => e.Seq > microsoftBefore).ToList();
        var irenEvents = (await Hooks.EventsAsync(market.Iren)).Where(e => e.Seq > irenBefore && e.Type is "order.filled" or "trade.executed").ToList();
        var metaEvents = await Hooks.EventsAsync(market.Meta);
        var toMicrosoft = await Eventually.UntilAsync(() => Task.FromResult(receiver.On("/microsoft")), r => r.Count >= microsoftEvents.Count,
            $"{microsoftEvents.Count} events delivered to microsoft's hook");
        var toIren = await Eventually.UntilAsync(() => Task.FromResult(receiver.On("/iren")), r => r.Count >= irenEvents.Count,
            $"{irenEvents.Count} events delivered to iren's hook");
        var listed = await Eventually.UntilAsync(() => market.Microsoft.GetFromJsonAsync<JsonElement>("/api/v1/webhooks"),
            l => l.GetProperty("items")[0].GetProperty("lastDeliveredSeq").GetInt64() == microsoftEvents[^1].Seq, "the hook's cursor at the last event");

        Assert.True(microsoftEvents.Count >= 9, $"expected at least 9 events for microsoft, got {microsoftEvents.Count}");
        Assert.Equal(microsoftEvents.Select(e => (e.Seq, e.Id, e.Type)), toMicrosoft.Select(d => (d.Seq, d.Id, d.Type)));
        Assert.Equal(irenEvents.Select(e => (e.Seq, e.Id)), toIren.Select(d => (d.Seq, d.Id)));
        Assert.All(toMicrosoft, d => Assert.True(WebhookReceiver.Verifies(d, microsoftSecret), $"bad signature on {d.Body}"));
        Assert.All(toIren, d => Assert.True(WebhookReceiver.Verifies(d, irenSecret), $"bad signature on {d.Body}"));
        Assert.All(toMicrosoft, d => Assert.False(WebhookReceiver.Verifies(d, irenSecret), "a wrong secret verified"));
        Assert.All(toMicrosoft, d => Assert.False(WebhookReceiver.Verifies(d with { Body = d.Body.Replace("\"seq\"", "\"seq\" ", StringComparison.Ordinal) }, microsoftSecret)));
        Assert.All(toMicrosoft, d =>
        {
            Assert.Equal(d.Id, d.EventId);
            Assert.Equal(d.Type, d.EventType);
            Assert.StartsWith("application/json", d.ContentType);
        });
        var metaIds = metaEvents.Select(e => e.Id).ToHashSet();
        Assert.DoesNotContain(receiver.Received, d => metaIds.Contains(d.Id));
        Assert.Equal(microsoftHook, listed.GetProperty("items")[0].GetProperty("id").GetString());
        Assert.False(listed.GetProperty("items")[0].TryGetProperty("secret", out _), "the list shows a secret");
    }

    [Fact]
    public async Task A_hooks_secret_is_stored_encrypted_with_a_key_outside_the_store_and_still_signs()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await TestServer.StartAsync(o => Store(o with { WebhookAllowHosts = ["127.0.0.1"] }));
        using var client = server.Client(await server.NewOrganizationAsync("microsoft", Scopes.MarketRead));
        var (hook, secret, _) = await Hooks.CreateAsync(client, receiver.Url("/sealed"));

        var stored = await StoredSecretAsync(server, hook);
        using var ping = await client.PostAsync($"/api/v1/webhooks/{hook}/test", null);

        Assert.StartsWith("whsec_", secret);
        Assert.DoesNotContain(secret, stored);
        Assert.DoesNotContain(secret["whsec_".Length..], stored);
        Assert.StartsWith("dp1:", stored);
        Assert.True((await ping.JsonAsync()).GetProperty("delivered").GetBoolean());
        Assert.True(WebhookReceiver.Verifies(Assert.Single(receiver.On("/sealed")), secret));
    }

    [Fact]
    public async Task An_older_stores_plain_secret_is_encrypted_at_start_and_deliveries_stay_signed_with_it()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var server = await TestServer.StartAsync(o => Store(o with { WebhookAllowHosts = ["127.0.0.1"] }));
        try
        {
            using (var client = server.Client(await server.NewOrganizationAsync("microsoft", Scopes.MarketRead)))
            {
                var (hook, _, _) = await Hooks.CreateAsync(client, receiver.Url("/upgraded"));
                // As a store written before secrets were encrypted holds it.
                const string Plain = "whsec_00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
                var store = server.Services.GetRequiredService<Storage.ExchangeStore>();
                await using (var connection = await store.OpenConnectionAsync())
                    await Dapper.SqlMapper.ExecuteAsync(connection, "UPDATE webhooks SET secret = @Plain WHERE id = @hook", new { Plain, hook });

                server = await server.RestartAsync();
                var stored = await StoredSecretAsync(server, hook);
                using var again = server.Client(client.DefaultRequestHeaders.Authorization!.Parameter);
                using var ping = await again.PostAsync($"/api/v1/webhooks/{hook}/test", null);

                Assert.StartsWith("dp1:", stored);
                Assert.DoesNotContain(Plain["whsec_".Length..], stored);
                Assert.True((await ping.JsonAsync()).GetProperty("delivered").GetBoolean());
                // The ping, and any event the hook heard meanwhile (the seeded contract's invoices to microsoft, once the time
                // sweep publishes them), each signed with the secret it had before the upgrade.
                var delivered = receiver.On("/upgraded");
                Assert.Contains(delivered, d => d.Type == "webhook.test");
                Assert.All(delivered, d => Assert.True(WebhookReceiver.Verifies(d, Plain), d.Type));
            }
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>The hook's secret column as the store holds it.</summary>
    private static async Task<string> StoredSecretAsync(TestServer server, string hook)
    {
        await using var connection = await server.Services.GetRequiredService<Storage.ExchangeStore>().OpenConnectionAsync();
        return await Dapper.SqlMapper.ExecuteScalarAsync<string>(connection, "SELECT secret FROM webhooks WHERE id = @hook", new { hook }) ?? "";
    }
}

public sealed class SqliteWebhookDeliveryTests : WebhookDeliveryContract
{
    protected override ServerOptions Store(ServerOptions options) => options;
}

public sealed class PostgresWebhookDeliveryTests : WebhookDeliveryContract
{
    protected override ServerOptions Store(ServerOptions options) => options with { PostgresConnectionString = PostgresServer.CreateDatabase("hooks") };
}

/// <summary>Webhooks' retries, disabling and redelivery, test pings, and what the API refuses.</summary>
public sealed class WebhookTests
{
    [Fact]
    public async Task A_receiver_failing_for_a_while_gets_the_events_once_it_recovers_and_the_deliveries_show_the_failures()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await TestServer.StartAsync(o => o with { WebhookAllowHosts = ["127.0.0.1"] });
        var market = await Market.OpenAsync(server);
        receiver.Status = 500;
        var (hook, secret, before) = await Hooks.CreateAsync(market.Microsoft, receiver.Url("/m"));

        await Market.BidAsync(market.Microsoft, 5, Market.Start, Market.Start + 10, "1.0000");
        await Eventually.UntilAsync(() => Hooks.DeliveriesAsync(market.Microsoft, hook), d => d.Count(a => a.StatusCode == 500) >= 2, "two failed attempts");
        receiver.Status = 200;
        await Market.BidAsync(market.Microsoft, 6, Market.Start, Market.Start + 10, "1.0000");
        var events = (await Hooks.EventsAsync(market.Microsoft)).Where(e => e.Seq > before).ToList();
        var received = await Eventually.UntilAsync(() => Task.FromResult(receiver.On("/m")), r => r.Select(d => d.Seq).Distinct().Count() >= events.Count,
            "every event once the receiver recovered");
        // Delivered attempts are recorded behind the delivery (every hook's together, a tenth of a second apart).
        var deliveries = await Eventually.UntilAsync(() => Hooks.DeliveriesAsync(market.Microsoft, hook),
            d => d.Any(a => a.Seq == events[^1].Seq && a.StatusCode == 200), "the last delivery recorded");

        Assert.Equal(events.Select(e => e.Seq), received.Select(d => d.Seq).Distinct());
        Assert.True(received.Select(d => d.Seq).Order().SequenceEqual(received.Select(d => d.Seq)), "delivered out of order");
        Assert.All(received, d => Assert.True(WebhookReceiver.Verifies(d, secret)));
        var first = deliveries.Where(d => d.Seq == events[0].Seq).OrderBy(d => d.Number).ToList();
        Assert.True(first.Count >= 3, $"expected failed attempts then a delivery, got {first.Count}");
        Assert.All(first.SkipLast(1), d =>
        {
            Assert.Equal(500, d.StatusCode);
            Assert.Contains("500", d.Error, StringComparison.Ordinal);
        });
        Assert.Equal(200, first[^1].StatusCode);
        Assert.Null(first[^1].Error);
        Assert.Equal(Enumerable.Range(1, first.Count).Select(i => (long)i), first.Select(d => d.Number));
    }

    [Fact]
    public async Task A_receiver_that_never_recovers_gets_its_hook_disabled_with_an_event_and_redelivery_enables_it_again()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await TestServer.StartAsync(o => o with { WebhookAllowHosts = ["127.0.0.1"], WebhookRetryFor = TimeSpan.FromSeconds(2) });
        var market = await Market.OpenAsync(server);
        receiver.Status = 503;
        var (hook, secret, before) = await Hooks.CreateAsync(market.Microsoft, receiver.Url("/dead"));

        await Market.BidAsync(market.Microsoft, 5, Market.Start, Market.Start + 10, "1.0000");
        var listed = await Eventually.UntilAsync(() => market.Microsoft.GetFromJsonAsync<JsonElement>("/api/v1/webhooks"),
            l => l.GetProperty("items")[0].GetProperty("status").GetString() == "disabled", "the hook disabled");
        var disabled = await market.Microsoft.GetFromJsonAsync<JsonElement>("/api/v1/events?types=webhook.disabled");
        receiver.Status = 200;
        var failed = receiver.On("/dead").Count;
        using var redelivered = await market.Microsoft.PostAsync($"/api/v1/webhooks/{hook}/redeliver?from=1", null);
        var events = await Hooks.EventsAsync(market.Microsoft);
        var received = await Eventually.UntilAsync(() => Task.FromResult(receiver.On("/dead").Skip(failed).ToList()),
            r => r.Select(d => d.Seq).Distinct().Count() >= events.Count, "every event after the redelivery");

        Assert.Contains("not delivered within 2 s", listed.GetProperty("items")[0].GetProperty("disabledReason").GetString());
        var data = Assert.Single(disabled.GetProperty("events").EnumerateArray()).GetProperty("data");
        Assert.Equal(hook, data.GetProperty("webhook").GetString());
        Assert.Equal(receiver.Url("/dead"), data.GetProperty("url").GetString());
        Assert.Contains("503", data.GetProperty("reason").GetString());
        Assert.Equal(before, data.GetProperty("lastSeq").GetInt64());
        Assert.Equal(before + 1, data.GetProperty("failedSeq").GetInt64());
        Assert.Equal(HttpStatusCode.OK, redelivered.StatusCode);
        Assert.Equal("active", (await redelivered.JsonAsync()).GetProperty("status").GetString());
        Assert.Equal(events.Select(e => e.Seq), received.Select(d => d.Seq).Distinct());
        Assert.Contains(received, d => d.Type == "webhook.disabled");
        Assert.All(received, d => Assert.True(WebhookReceiver.Verifies(d, secret)));
    }

    [Fact]
    public async Task A_test_ping_is_signed_answers_with_the_attempt_and_is_not_one_of_the_organizations_events()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await TestServer.StartAsync(o => o with { WebhookAllowHosts = ["127.0.0.1"] });
        var market = await Market.OpenAsync(server);
        var (hook, secret, _) = await Hooks.CreateAsync(market.Microsoft, receiver.Url("/ping"));
        var (deadHook, _, _) = await Hooks.CreateAsync(market.Microsoft, "http://127.0.0.1:1/nobody");

        using var ping = await market.Microsoft.PostAsync($"/api/v1/webhooks/{hook}/test", null);
        using var dead = await market.Microsoft.PostAsync($"/api/v1/webhooks/{deadHook}/test", null);
        var answer = await ping.JsonAsync();
        var deadAnswer = await dead.JsonAsync();

        Assert.True(answer.GetProperty("delivered").GetBoolean(), answer.ToString());
        Assert.Equal(200, answer.GetProperty("statusCode").GetInt32());
        var received = Assert.Single(receiver.On("/ping"));
        Assert.Equal(("webhook.test", 0L), (received.Type, received.Seq));
        Assert.True(WebhookReceiver.Verifies(received, secret));
        Assert.False(deadAnswer.GetProperty("delivered").GetBoolean());
        Assert.Equal(JsonValueKind.Null, deadAnswer.GetProperty("statusCode").ValueKind);
        Assert.False(string.IsNullOrEmpty(deadAnswer.GetProperty("error").GetString()));
        Assert.DoesNotContain(await Hooks.EventsAsync(market.Microsoft), e => e.Type == "webhook.test" || e.Id == received.Id);
    }

    [Fact]
    public async Task A_url_to_a_private_address_or_plain_http_to_a_host_not_allowed_is_422_naming_url()
    {
        await using var server = await TestServer.StartAsync(o => o with { WebhookAllowHosts = ["127.0.0.1"] });
        using var client = server.Client(await server.NewOrganizationAsync("microsoft", Scopes.MarketRead));
        string[] refused =
        [
            "https://10.0.0.1/hook", "https://192.168.1.20/hook", "https://169.254.169.254/latest/meta-data", "https://[::1]/hook",
            "https://[::ffff:127.0.0.1]/hook", "https://[fd12:3456::1]/hook", "https://[fe80::1]/hook", "https://0.0.0.0/hook", "https://localhost/hook",
            "http://example.com/hook", "http://93.184.216.34/hook",
        ];

        foreach (var url in refused)
        {
            var problem = await (await client.PostAsJsonAsync("/api/v1/webhooks", new { url })).ProblemAsync(HttpStatusCode.UnprocessableEntity);
            Assert.True(problem.ErrorFields() is ["url"], $"{url}: {problem}");
        }
        Assert.Empty((await client.GetFromJsonAsync<JsonElement>("/api/v1/webhooks")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Bad_input_is_400_naming_the_field_another_organizations_hook_is_404_and_an_organization_has_at_most_20()
    {
        await using var server = await TestServer.StartAsync(o => o with { WebhookAllowHosts = ["127.0.0.1"] });
        using var microsoft = server.Client(await server.NewOrganizationAsync("microsoft", Scopes.MarketRead));
        using var meta = server.Client(await server.NewOrganizationAsync("meta", Scopes.MarketRead));
        var (hook, _, _) = await Hooks.CreateAsync(microsoft, "http://127.0.0.1:1/a");

        async Task<IReadOnlyList<string>> Bad(HttpResponseMessage response) => (await response.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields();
        Assert.Equal(["url"], await Bad(await microsoft.PostJsonAsync("/api/v1/webhooks", """{"url":"not a url"}""")));
        Assert.Equal(["url"], await Bad(await microsoft.PostJsonAsync("/api/v1/webhooks", """{"url":"ftp://127.0.0.1/x"}""")));
        Assert.Equal(["url"], await Bad(await microsoft.PostJsonAsync("/api/v1/webhooks", """{"types":[]}""")));
        Assert.Equal(["types"], await Bad(await microsoft.PostJsonAsync("/api/v1/webhooks", """{"url":"http://127.0.0.1:1/b","types":["order.nope"]}""")));
        Assert.Equal(["types"], await Bad(await microsoft.PostJsonAsync("/api/v1/webhooks", """{"url":"http://127.0.0.1:1/b","types":"order.filled"}""")));
        Assert.Equal(["from"], await Bad(await microsoft.PostAsync($"/api/v1/webhooks/{hook}/redeliver?from=-1", null)));
        Assert.Equal(["from"], await Bad(await microsoft.PostAsync($"/api/v1/webhooks/{hook}/redeliver?from=999", null)));
        Assert.Equal(["from"], await Bad(await microsoft.PostAsync($"/api/v1/webhooks/{hook}/redeliver", null)));
        Assert.Equal(["from"], await Bad(await microsoft.PostAsync($"/api/v1/webhooks/{hook}/redeliver?from=soon", null)));
        Assert.Equal(["limit"], await Bad(await microsoft.GetAsync($"/api/v1/webhooks/{hook}/deliveries?limit=0")));

        await (await meta.DeleteAsync($"/api/v1/webhooks/{hook}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await meta.PostAsync($"/api/v1/webhooks/{hook}/test", null)).ProblemAsync(HttpStatusCode.NotFound);
        await (await meta.PostAsync($"/api/v1/webhooks/{hook}/redeliver?from=0", null)).ProblemAsync(HttpStatusCode.NotFound);
        await (await meta.GetAsync($"/api/v1/webhooks/{hook}/deliveries")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Empty((await meta.GetFromJsonAsync<JsonElement>("/api/v1/webhooks")).GetProperty("items").EnumerateArray());

        for (var i = 1; i < 20; i++) await Hooks.CreateAsync(microsoft, $"http://127.0.0.1:1/{i}");
        await (await microsoft.PostAsJsonAsync("/api/v1/webhooks", new { url = "http://127.0.0.1:1/21" })).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.NoContent, (await microsoft.DeleteAsync($"/api/v1/webhooks/{hook}")).StatusCode);
        await (await microsoft.DeleteAsync($"/api/v1/webhooks/{hook}")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(19, (await microsoft.GetFromJsonAsync<JsonElement>("/api/v1/webhooks")).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task The_sender_checks_the_address_at_every_connection_so_a_host_not_allowed_never_reaches_a_private_one()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var strict = new Webhooks.WebhookSender(new WebhookPolicy([], TimeSpan.FromHours(1)), new ServerOptions(), TimeProvider.System);
        using var allowing = new Webhooks.WebhookSender(new WebhookPolicy(["127.0.0.1"], TimeSpan.FromHours(1)), new ServerOptions(), TimeProvider.System);
        // As if the host resolved to a public address when the hook was added, and to loopback now.
        var hook = new Storage.WebhookRecord("wh_x", "microsoft", receiver.Url("/rebound"), "", "", "whsec_x", "active", 0, 0, 0, 0, null, null, null, null, null);

        var refused = await strict.PingAsync(hook, CancellationToken.None);
        var allowed = await allowing.PingAsync(hook, CancellationToken.None);

        Assert.Null(refused.StatusCode);
        Assert.Contains("no address a webhook may reach", refused.Error);
        Assert.Equal(200, allowed.StatusCode);
        Assert.Single(receiver.On("/rebound"));
    }

    [Fact]
    public async Task Test_pings_in_flight_are_bounded_per_organization_and_overall_beyond_which_429()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Delay = TimeSpan.FromSeconds(2);
        await using var server = await TestServer.StartAsync(o => o with { WebhookAllowHosts = ["127.0.0.1"], WebhookTestsPerOrganization = 2, WebhookTestsInFlight = 3 });
        using var microsoft = server.Client(await server.NewOrganizationAsync("microsoft", Scopes.MarketRead));
        using var meta = server.Client(await server.NewOrganizationAsync("meta", Scopes.MarketRead));
        var (microsoftHook, _, _) = await Hooks.CreateAsync(microsoft, receiver.Url("/slow-microsoft"));
        var (metaHook, _, _) = await Hooks.CreateAsync(meta, receiver.Url("/slow-meta"));

        var microsoftPings = Enumerable.Range(0, 10).Select(_ => microsoft.PostAsync($"/api/v1/webhooks/{microsoftHook}/test", null)).ToList();
        var metaPings = Enumerable.Range(0, 10).Select(_ => meta.PostAsync($"/api/v1/webhooks/{metaHook}/test", null)).ToList();
        var answers = await Task.WhenAll(microsoftPings.Concat(metaPings));

        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        var sent = answers.Where(a => a.StatusCode == HttpStatusCode.OK).ToList();
        Assert.Equal(20, refused.Count + sent.Count);
        Assert.InRange(sent.Count, 1, 3 * 4); // at most 3 at once; a ping that ended frees its slot for a later one
        Assert.True(receiver.On("/slow-microsoft").Count <= 2 * 4 && receiver.On("/slow-meta").Count <= 2 * 4);
        Assert.True(refused.Count >= 20 - 3 * 4, $"{refused.Count} refused");
        Assert.All(refused, r => Assert.Equal("1", r.Headers.RetryAfter?.ToString()));
        Assert.Contains("in flight", (await refused[0].ProblemAsync(HttpStatusCode.TooManyRequests)).GetProperty("detail").GetString());
        // Once the pings in flight ended, a new one is sent again.
        using var later = await microsoft.PostAsync($"/api/v1/webhooks/{microsoftHook}/test", null);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }

    [Fact]
    public void The_gate_holds_at_most_its_bounds_and_frees_a_slot_when_a_ping_ends()
    {
        var gate = new Webhooks.WebhookTestGate(perOrganization: 2, overall: 3);

        var a1 = gate.TryEnter("a");
        var a2 = gate.TryEnter("a");
        var a3 = gate.TryEnter("a");
        var b1 = gate.TryEnter("b");
        var b2 = gate.TryEnter("b");
        a1!.Dispose();
        a1.Dispose();
        var b3 = gate.TryEnter("b");
        var a4 = gate.TryEnter("a");

        Assert.NotNull(a2);
        Assert.Null(a3);
        Assert.NotNull(b1);
        Assert.Null(b2);
        Assert.NotNull(b3);
        Assert.Null(a4);
    }

    [Theory]
    [InlineData("64:ff9b::a00:1")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("64:ff9b::7f00:1")]
    [InlineData("64:ff9b:1::a00:1")]
    [InlineData("64:ff9b:1:a00:1::")]
    [InlineData("64:ff9b:1::808:808")]
    [InlineData("::ffff:0:a00:1")]
    [InlineData("::ffff:0:808:808")]
    [InlineData("::ffff:808:808")]
    [InlineData("::ffff:7f00:1")]
    [InlineData("::a00:1")]
    [InlineData("2002:a00:1::1")]
    [InlineData("2002:7f00:1::")]
    [InlineData("2002:808:808::1")]
    [InlineData("2001:0:a00:1::1")]
    [InlineData("2001::5ef5:79fd")]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2")]
    public void An_ipv6_address_that_carries_an_ipv4_one_is_never_reachable(string address) =>
        Assert.False(WebhookAddresses.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public async Task A_url_to_an_ipv6_address_carrying_an_ipv4_one_is_refused_422_naming_url()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.Client(await server.NewOrganizationAsync("microsoft", Scopes.MarketRead));

        foreach (var host in new[] { "64:ff9b:1::a00:1", "64:ff9b::7f00:1", "::ffff:0:7f00:1", "2002:7f00:1::1", "2001:0:a00:1::1" })
        {
            var problem = await (await client.PostAsJsonAsync("/api/v1/webhooks", new { url = $"https://[{host}]/hook" })).ProblemAsync(HttpStatusCode.UnprocessableEntity);
            Assert.True(problem.ErrorFields() is ["url"], $"{host}: {problem}");
        }
    }

    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("2606:4700:4700::1111", true)]
    [InlineData("::ffff:8.8.8.8", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("192.168.0.1", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("::", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("fc00::1", false)]
    [InlineData("ff02::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("64:ff9b::a00:1", false)]
    [InlineData("64:ff9b::808:808", false)]
    public void Only_public_unicast_addresses_are_reachable(string address, bool reachable) =>
        Assert.Equal(reachable, WebhookAddresses.IsPublic(IPAddress.Parse(address)));
}

/// <summary>
/// At least once, in order, across kill -9: the real server process killed while it delivers a stream of orders' events,
/// restarted on the same data, delivers every event of every acknowledged order, each hook's in sequence order once
/// repeats are dropped, and nothing of an organization without a hook.
/// </summary>
public sealed class WebhookCrashTests
{
    private const int PoolStart = 490_000;

    [Fact]
    public async Task Kill_9_mid_delivery_loses_no_event_and_keeps_each_hooks_order()
    {
        using var data = new TempDirectory("neocloud-hooks-crash-");
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Delay = TimeSpan.FromMilliseconds(5);
        var acknowledged = new ConcurrentDictionary<string, string>();
        var tokens = new Dictionary<string, string>();
        var secrets = new Dictionary<string, string>();
        var after = new Dictionary<string, long>();

        using (var server = await ServerProcess.StartAsync(data.Path, "--webhook-allow-host", "127.0.0.1"))
        {
            using var http = new HttpClient { BaseAddress = server.Address };
            tokens["iren"] = await ProcessApi.TokenAsync(http, server.AdminToken!, "iren", "hooks", "market:read", "market:trade", "pools:write");
            foreach (var buyer in new[] { "microsoft", "meta" }) tokens[buyer] = await ProcessApi.TokenAsync(http, server.AdminToken!, buyer, "hooks", "market:read", "market:trade");
            await ProcessApi.PostAsync(http, tokens["iren"], "api/v1/pools",
                $$"""{"id":"hooks","sku":"GB300","region":"us-tx","capacity":[{"start":{{PoolStart}},"end":{{PoolStart + 500}},"gpus":2000}]}""");
            foreach (var organization in new[] { "iren", "microsoft" })
            {
                var hook = await ProcessApi.PostAsync(http, tokens[organization], "api/v1/webhooks", JsonSerializer.Serialize(new { url = receiver.Url($"/{organization}") }));
                secrets[organization] = hook.GetProperty("secret").GetString()!;
                after[organization] = hook.GetProperty("lastDeliveredSeq").GetInt64();
            }

            using var load = new CancellationTokenSource();
            var orders = new RandomOrders("hooks", PoolStart, tokens["iren"], [tokens["microsoft"], tokens["meta"]], MaxHours: 50, MaxAskGpus: 40, MaxBidGpus: 20);
            var clients = Enumerable.Range(0, 8).Select(i => orders.PlaceAsync(server.Address, i, acknowledged, load.Token)).ToList();
            await Eventually.UntilAsync(() => Task.FromResult((acknowledged.Count, receiver.Received.Count)), c => c.Item1 >= 200 && c.Item2 >= 50,
                "orders acknowledged and events delivered before the kill");
            server.Kill();
            await load.CancelAsync();
            await Task.WhenAll(clients);
        }
        var deliveredBeforeKill = receiver.Received.Select(d => (d.Path, d.Seq)).ToHashSet();

        using (var restarted = await ServerProcess.StartAsync(data.Path, "--webhook-allow-host", "127.0.0.1"))
        {
            using var http = new HttpClient { BaseAddress = restarted.Address };
            foreach (var organization in new[] { "iren", "microsoft" })
            {
                var events = (await EventsAsync(http, tokens[organization])).Where(e => e.Seq > after[organization]).ToList();
                var received = await Eventually.UntilAsync(() => Task.FromResult(receiver.On($"/{organization}")),
                    r => r.Select(d => d.Seq).ToHashSet().IsSupersetOf(events.Select(e => e.Seq)), $"every event of {organization} after the restart");

                var firsts = received.Select(d => d.Seq).Distinct().ToList();
                Assert.True(firsts.Order().SequenceEqual(firsts), $"{organization}'s events arrived out of order: {string.Join(",", firsts)}");
                Assert.All(received, d => Assert.True(WebhookReceiver.Verifies(d, secrets[organization])));
                var ids = (await EventsAsync(http, tokens[organization])).ToDictionary(e => e.Seq, e => e.Id);
                Assert.All(received, d => Assert.Equal(ids[d.Seq], d.Id));
                foreach (var order in acknowledged.Where(a => a.Value == tokens[organization]).Select(a => a.Key))
                    Assert.Contains(received, d => d.Body.Contains(order, StringComparison.Ordinal));
            }
            var metaIds = (await EventsAsync(http, tokens["meta"])).Select(e => e.Id).ToHashSet();
            Assert.NotEmpty(metaIds);
            Assert.DoesNotContain(receiver.Received, d => metaIds.Contains(d.Id));
            Assert.Equal(receiver.Received.Count, receiver.On("/iren").Count + receiver.On("/microsoft").Count);
            Assert.True(receiver.Received.Any(d => !deliveredBeforeKill.Contains((d.Path, d.Seq))),
                "every event was delivered before the kill, so the restart had nothing to resume");
        }
    }

    private static async Task<List<Hooks.Event>> EventsAsync(HttpClient http, string token)
    {
        var events = new List<Hooks.Event>();
        long after = 0;
        while (true)
        {
            using var page = new HttpRequestMessage(HttpMethod.Get, $"api/v1/events?after={after}&limit=1000");
            page.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(page);
            var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            var items = json.GetProperty("events").EnumerateArray().Select(Hooks.Event.Of).ToList();
            if (items.Count == 0) return events;
            events.AddRange(items);
            after = items[^1].Seq;
        }
    }
}

/// <summary>Calls on the webhooks and events API the tests share.</summary>
internal static class Hooks
{
    public sealed record Event(long Seq, string Id, string Type)
    {
        public static Event Of(JsonElement e) => new(e.GetProperty("seq").GetInt64(), e.GetProperty("id").GetString()!, e.GetProperty("type").GetString()!);
    }

    public sealed record Attempt(long Seq, long Number, int? StatusCode, string? Error);

    /// <summary>Adds a hook and returns its id, secret, and the sequence it delivers after.</summary>
    public static async Task<(string Id, string Secret, long After)> CreateAsync(HttpClient client, string url, params string[] types)
    {
        var created = await Market.Created(await client.PostAsJsonAsync("/api/v1/webhooks", new { url, types, description = "test" }));
        Assert.StartsWith("wh_", created.GetProperty("id").GetString());
        Assert.Equal("active", created.GetProperty("status").GetString());
        return (created.GetProperty("id").GetString()!, created.GetProperty("secret").GetString()!, created.GetProperty("lastDeliveredSeq").GetInt64());
    }

    /// <summary>Every event of the client's organization, oldest first.</summary>
    public static async Task<List<Event>> EventsAsync(HttpClient client)
    {
        var events = new List<Event>();
        long after = 0;
        while (true)
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/api/v1/events?after={after}&limit=1000");
            var items = page.GetProperty("events").EnumerateArray().Select(Event.Of).ToList();
            if (items.Count == 0) return events;
            events.AddRange(items);
            after = items[^1].Seq;
        }
    }

    /// <summary>A hook's newest delivery attempts.</summary>
    public static async Task<List<Attempt>> DeliveriesAsync(HttpClient client, string hook)
    {
        var page = await client.GetFromJsonAsync<JsonElement>($"/api/v1/webhooks/{hook}/deliveries?limit=1000");
        return page.GetProperty("items").EnumerateArray().Select(d => new Attempt(d.GetProperty("seq").GetInt64(), d.GetProperty("attempt").GetInt64(),
            d.GetProperty("statusCode").ValueKind == JsonValueKind.Null ? null : d.GetProperty("statusCode").GetInt32(),
            d.GetProperty("error").ValueKind == JsonValueKind.Null ? null : d.GetProperty("error").GetString())).ToList();
    }
}
