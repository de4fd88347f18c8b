using System.Net.Http.Json;
using System.Text.Json;
using Neocloud.Domain.Time;
using Neocloud.Testing;

namespace Neocloud.Cli.Tests.Client;

/// <summary><c>neocloud rfq …</c> and <c>neocloud contract …</c> against a real exchange on 127.0.0.1.</summary>
public sealed class OfftakeCommandTests : IAsyncLifetime
{
    private readonly TestClock _clock = new();
    private TestServer _server = null!;
    private string _buyer = null!, _seller = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(options => options with { Clock = _clock });
        _buyer = await _server.NewOrganizationAsync("microsoft", "market:read", "market:trade");
        _seller = await _server.NewOrganizationAsync("iren", "market:read", "market:trade", "pools:write");
        using var iren = _server.Client(_seller);
        var pool = await iren.PostAsJsonAsync("/api/v1/pools", new
        {
            id = "iren-cli", sku = "GB300", region = "us-tx",
            capacity = new[] { new { start = CalendarMonth.Parse("2026-01").FirstHour.Value, end = CalendarMonth.Parse("2031-01").FirstHour.Value, gpus = 2000 } },
        });
        Assert.True(pool.IsSuccessStatusCode, await pool.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private CliRun As(string token, params string[] args) => CliRun.Of([.. args, "--url", _server.Address.ToString(), "--token", token]);

    [Fact]
    public async Task A_buyer_and_a_seller_run_an_rfq_to_a_contract_from_the_command_line()
    {
        var open = As(_buyer, "rfq", "open", "--sku", "GB300", "--gpus", "1000", "--region", "us-tx", "--earliest", "2026-02", "--latest", "2026-06",
            "--term", "24", "--max-price", "3.50", "--prepayment", "0.1", "--closes", _clock.GetUtcNow().AddMinutes(5).ToString("O"), "--json");
        Assert.True(open.ExitCode == 0, open.Error);
        var rfq = JsonDocument.Parse(open.Output).RootElement.GetProperty("id").GetString()!;

        var list = As(_seller, "rfq", "list");
        Assert.Contains(rfq, list.Output);
        var offer = As(_seller, "rfq", "offer", rfq, "--sku", "GB300", "--price", "3.10", "--prepayment", "0.1", "--availability", "99.9",
            "--tranche", "iren-cli:500:2026-02:24", "--tranche", "iren-cli:500:2026-04:24", "--json");
        Assert.True(offer.ExitCode == 0, offer.Error);
        var offerId = JsonDocument.Parse(offer.Output).RootElement.GetProperty("id").GetString()!;
        // A seller sees its own offers, not a ranking: the other shape the answer may take.
        var own = As(_seller, "rfq", "offers", rfq);
        Assert.True(own.ExitCode == 0, own.Error);
        Assert.Matches($@"│\s*│\s*{offerId}\s*│\s*[^│\s]+\s*│\s*3\.1", own.Output);

        var sealedRun = As(_buyer, "rfq", "offers", rfq);
        Assert.Equal(2, sealedRun.ExitCode);
        Assert.StartsWith("error: 409 Offers sealed", sealedRun.Error);
        // The RFQ closes five minutes after it opened: move the exchange's clock past it instead of waiting.
        _clock.Advance(TimeSpan.FromMinutes(6));

        var ranked = As(_buyer, "rfq", "offers", rfq);
        Assert.True(ranked.ExitCode == 0, ranked.Error);
        Assert.Contains(offerId, ranked.Output);
        var award = As(_buyer, "rfq", "award", rfq, "--offer", offerId, "--json");
        Assert.True(award.ExitCode == 0, award.Error);
        var contract = JsonDocument.Parse(award.Output).RootElement[0].GetProperty("id").GetString()!;

        var delivered = As(_seller, "contract", "deliver", contract, "--tranche", "1", "--month", "2026-02");
        Assert.True(delivered.ExitCode == 0, delivered.Error);
        Assert.Contains("delivered", delivered.Output);
        var sla = As(_seller, "contract", "sla", contract, "--report", "2026-03=97.5", "--json");
        Assert.True(sla.ExitCode == 0, sla.Error);
        Assert.Equal(0.25m, JsonDocument.Parse(sla.Output).RootElement[0].GetProperty("creditFraction").GetDecimal());
        using var folder = new TempDirectory("neocloud-sla-");
        File.WriteAllText(folder.File("sla.csv"), "month,availabilityPercent\n2026-05,99.95\n2026-04,94.0\n");
        var imported = As(_seller, "contract", "sla", contract, "--import", folder.File("sla.csv"), "--json");
        Assert.True(imported.ExitCode == 0, imported.Error);
        Assert.Equal([0.5m, 0m], JsonDocument.Parse(imported.Output).RootElement.EnumerateArray().Select(r => r.GetProperty("creditFraction").GetDecimal()));
        var invoices = As(_buyer, "contract", "invoices", contract, "--json");
        var march = JsonDocument.Parse(invoices.Output).RootElement.EnumerateArray().Single(i => i.GetProperty("month").GetString() == "2026-03");
        Assert.Equal(500 * 730 * 3.10m, march.GetProperty("serviceUsd").GetDecimal());
        var show = As(_buyer, "contract", "show", contract);
        Assert.True(show.ExitCode == 0, show.Error);
        Assert.Contains("termination right: tranche 2", show.Output);
        Assert.Contains(contract, As(_seller, "contract", "list").Output);
    }

    [Fact]
    public async Task A_buyer_plans_with_the_live_offers_on_its_closed_rfq()
    {
        var open = As(_buyer, "rfq", "open", "--sku", "GB300", "--gpus", "2000", "--region", "us-tx", "--earliest", "2026-02", "--latest", "2026-06",
            "--term", "36", "--max-price", "3.50", "--closes", _clock.GetUtcNow().AddMinutes(5).ToString("O"), "--json");
        Assert.True(open.ExitCode == 0, open.Error);
        var rfq = JsonDocument.Parse(open.Output).RootElement.GetProperty("id").GetString()!;
        var offer = As(_seller, "rfq", "offer", rfq, "--sku", "GB300", "--price", "2.40", "--availability", "99.9", "--tranche", "iren-cli:2000:2026-03:36", "--json");
        Assert.True(offer.ExitCode == 0, offer.Error);
        var offerId = JsonDocument.Parse(offer.Output).RootElement.GetProperty("id").GetString()!;
        // The RFQ closes five minutes after it opened: move the exchange's clock past it instead of waiting.
        _clock.Advance(TimeSpan.FromMinutes(6));

        // The preset has a us-tx region: the live offer, cheaper than anything else there, joins its options and is signed.
        var solved = As(_buyer, "plan", "solve", "hyperscaler-2026-2030", "--rfq", rfq, "--time-limit", "30", "--json");
        Assert.True(solved.ExitCode == 0, solved.Error);
        var plan = JsonDocument.Parse(solved.Output).RootElement;
        var live = plan.GetProperty("offers").EnumerateArray().Single(o => o.GetProperty("offerId").GetString() == offerId);
        Assert.Equal(("iren", "us-tx"), (live.GetProperty("provider").GetString(), live.GetProperty("region").GetString()));
        Assert.True(live.GetProperty("fraction").GetDecimal() > 0m);
        var report = As(_buyer, "plan", "solve", "hyperscaler-2026-2030", "--rfq", rfq, "--time-limit", "30");
        Assert.True(report.ExitCode == 0, report.Error);
        Assert.Contains(offerId, report.Output);
        Assert.Contains("by year", report.Output);

        var compared = As(_buyer, "plan", "compare", "hyperscaler-2026-2030", "--rfq", rfq, "--without", offerId, "--time-limit", "30", "--json");
        Assert.True(compared.ExitCode == 0, compared.Error);
        Assert.True(JsonDocument.Parse(compared.Output).RootElement.GetProperty("valueUsd").GetDecimal() > 0m);

        // The seller is not the RFQ's buyer: one line naming the field, exit 2.
        var notYours = As(_seller, "plan", "solve", "hyperscaler-2026-2030", "--rfq", rfq);
        Assert.Equal(2, notYours.ExitCode);
        Assert.Contains("rfq", notYours.Error);
        Assert.Single(notYours.Error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("rfq", "offer", "rfq-x", "--sku", "GB300", "--price", "3", "--availability", "99", "--tranche", "iren-cli:lots:2026-02:24")]
    [InlineData("rfq", "award", "rfq-x", "--offer", "off-1=half")]
    [InlineData("contract", "sla", "otc-x", "--report", "March")]
    public void A_malformed_spec_is_one_line_and_exit_2(params string[] args)
    {
        var run = As(_seller, args);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: --", run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    [Fact]
    public void An_unknown_contract_is_a_404_in_one_line()
    {
        var run = As(_buyer, "contract", "show", "otc-nope");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: 404 Not found: no offtake contract 'otc-nope'", run.Error.Trim());
    }

    [Fact]
    public async Task Contract_book_terms_and_an_assignment_from_the_command_line()
    {
        var lab = await _server.NewOrganizationAsync("lab", "market:read", "market:trade");
        var open = As(_buyer, "rfq", "open", "--sku", "GB300", "--gpus", "400", "--region", "us-tx", "--earliest", "2026-02", "--latest", "2026-06",
            "--term", "24", "--max-price", "3.50", "--closes", _clock.GetUtcNow().AddMinutes(5).ToString("O"), "--billing", "calendar", "--credit-from-month", "2",
            "--escalator", "fixed:0.04:6", "--escalator-cap", "1.03", "--ld-percent", "2", "--ld-cap-percent", "10", "--json");
        Assert.True(open.ExitCode == 0, open.Error);
        var rfq = JsonDocument.Parse(open.Output).RootElement;
        Assert.Equal(0.04m, rfq.GetProperty("terms").GetProperty("priceIndex").GetProperty("ratePerYear").GetDecimal());
        var badEscalator = As(_buyer, "rfq", "open", "--sku", "GB300", "--gpus", "400", "--earliest", "2026-02", "--latest", "2026-06", "--term", "24",
            "--max-price", "3.50", "--closes", _clock.GetUtcNow().AddMinutes(5).ToString("O"), "--escalator", "moon:1");
        Assert.Equal(2, badEscalator.ExitCode);
        Assert.Equal("error: --escalator kind must be fixed, series or exchange, got \"moon\"", badEscalator.Error.Trim());

        var rfqId = rfq.GetProperty("id").GetString()!;
        var weaker = As(_seller, "rfq", "offer", rfqId, "--sku", "GB300", "--price", "3.10", "--availability", "99.9", "--tranche", "iren-cli:400:2026-02:24",
            "--ld-percent", "1");
        Assert.Equal(2, weaker.ExitCode);
        Assert.Contains("ldPercentPerMonth", weaker.Error);
        var offer = As(_seller, "rfq", "offer", rfqId, "--sku", "GB300", "--price", "3.10", "--availability", "99.9", "--tranche", "iren-cli:400:2026-02:24", "--json");
        Assert.True(offer.ExitCode == 0, offer.Error);
        _clock.Advance(TimeSpan.FromMinutes(6));
        var award = As(_buyer, "rfq", "award", rfqId, "--offer", JsonDocument.Parse(offer.Output).RootElement.GetProperty("id").GetString()!, "--json");
        Assert.True(award.ExitCode == 0, award.Error);
        var contract = JsonDocument.Parse(award.Output).RootElement[0];
        Assert.Equal("calendar", contract.GetProperty("billing").GetString());
        var id = contract.GetProperty("id").GetString()!;

        var from = CalendarMonth.Of(_clock.GetUtcNow()).AddMonths(1).ToString();
        var assign = As(_buyer, "contract", "assign", id, "--to", "lab", "--share", "0.5", "--from-month", from, "--json");
        Assert.True(assign.ExitCode == 0, assign.Error);
        var assignment = JsonDocument.Parse(assign.Output).RootElement;
        Assert.Equal(200, assignment.GetProperty("tranches")[0].GetProperty("gpus").GetInt32());
        var assignmentId = assignment.GetProperty("id").GetString()!;
        Assert.True(As(_seller, "contract", "accept-assignment", id, assignmentId).ExitCode == 0);
        var accepted = As(lab, "contract", "accept-assignment", id, assignmentId, "--json");
        Assert.True(accepted.ExitCode == 0, accepted.Error);
        Assert.Equal("accepted", JsonDocument.Parse(accepted.Output).RootElement.GetProperty("status").GetString());
        var listed = As(lab, "contract", "assignments", id);
        Assert.Contains(assignmentId, listed.Output);
        var again = As(lab, "contract", "decline-assignment", id, assignmentId);
        Assert.Equal(2, again.ExitCode);
        Assert.StartsWith("error: 409", again.Error);
        var invoices = JsonDocument.Parse(As(lab, "contract", "invoices", id, "--json").Output).RootElement.EnumerateArray().ToList();
        Assert.Equal(from, invoices[0].GetProperty("month").GetString());
        Assert.All(invoices, i => Assert.Equal("lab", i.GetProperty("billedTo").GetString()));
        var both = As(_buyer, "contract", "assign", id, "--to", "lab", "--tranche", "1", "--share", "0.5", "--from-month", from);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("tranches", both.Error);
    }
}
