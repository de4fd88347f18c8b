using Neocloud.Domain.Catalog;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Seed;
using Neocloud.Offtake.Offers;
using Neocloud.Offtake.Rfqs;

namespace Neocloud.Exchange.Tests;

/// <summary>The offtake desk answers in domain terms: who may do what to a contract, and what capacity backs an offer.</summary>
public sealed class OfftakeDeskTests
{
    [Fact]
    public async Task Only_the_seller_reports_a_delivery_and_others_do_not_see_the_contract()
    {
        await using var rig = await ShardRig.StartAsync();
        var desk = rig.Desk();
        await FirstStart.SeedIfNewAsync(rig.Market, rig.Store, desk, TimeProvider.System, CancellationToken.None);
        var month = desk.ThisMonth;

        var byBuyer = await desk.DeliverAsync("microsoft", OfftakeSeed.ContractId, 1, month, null, CancellationToken.None);
        var byStranger = await desk.DeliverAsync("meta", OfftakeSeed.ContractId, 1, month, null, CancellationToken.None);

        Assert.Equal(FailureKind.Forbidden, byBuyer.Failure?.Kind);
        Assert.Equal(FailureKind.NotFound, byStranger.Failure?.Kind);
    }

    [Fact]
    public async Task A_tranche_is_delivered_once()
    {
        await using var rig = await ShardRig.StartAsync();
        var desk = rig.Desk();
        await FirstStart.SeedIfNewAsync(rig.Market, rig.Store, desk, TimeProvider.System, CancellationToken.None);
        // The seed delivers every tranche already due; the first is due in March 2026, so it was delivered then.
        var again = await desk.DeliverAsync("iren", OfftakeSeed.ContractId, 1, desk.ThisMonth, null, CancellationToken.None);

        Assert.Equal(FailureKind.Conflict, again.Failure?.Kind);
        Assert.Contains("was delivered in 2026-03", again.Failure!.Detail);
    }

    [Fact]
    public async Task An_offer_the_pool_cannot_back_names_the_tranche_and_the_hour()
    {
        await using var rig = await ShardRig.StartAsync();
        var desk = rig.Desk();
        await rig.AcceptAsync(ShardRig.Pool("p1", "iren", 576));
        var start = CalendarMonth.Of(new Hour(ShardRig.Start).StartUtc).AddMonths(1);
        var now = DateTimeOffset.UtcNow;
        var terms = new RfqRequest(["GB300"], 1000, null, [], start, start, 6, null, 3.5m, now.AddHours(1)).ToTerms(now, ReferenceCatalog.Embedded);
        var rfq = await desk.OpenRfqAsync("microsoft", terms.ValueOrThrow(), null, CancellationToken.None);

        var offer = await desk.SubmitOfferAsync("iren", rfq.Value!.Id,
            new OfferTerms("GB300", 3.0m, 0m, 99.9m, [new OfferTranche("p1", 1000, start, 6)]), null, CancellationToken.None);

        Assert.Equal(FailureKind.Rejected, offer.Failure?.Kind);
        Assert.Equal("Offer not backed by capacity", offer.Failure!.Title);
        Assert.Contains("576 free", offer.Failure.Errors!.For("tranches[0].gpus"));
    }
}
