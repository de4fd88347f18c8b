using Neocloud.Domain.Catalog;
using Neocloud.Domain.Time;
using Neocloud.Offtake.Rfqs;

namespace Neocloud.Offtake.Tests;

/// <summary>The rules of an RFQ that span fields, the same for the API and the dashboard.</summary>
public sealed class RfqRequestTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private static RfqRequest Request(int? gpus = 1000, decimal? mw = null, IReadOnlyList<RampStep>? ramp = null, string latest = "2027-06") =>
        new(["GB300"], gpus, mw, [], CalendarMonth.Parse("2027-01"), CalendarMonth.Parse(latest), 36, ramp, 3.5m, s_now.AddDays(14));

    [Fact]
    public void Megawatts_of_critical_it_become_gpus_of_the_first_sku()
    {
        var terms = Request(gpus: null, mw: 26m).ToTerms(s_now, ReferenceCatalog.Embedded);
        var kwPerGpu = ReferenceCatalog.Embedded.FindSku("GB300")!.AllInKwPerGpu!.Value;

        Assert.Equal((int)decimal.Floor(26_000m / kwPerGpu), terms.ValueOrThrow().Gpus);
    }

    [Fact]
    public void Gpus_and_megawatts_together_are_refused_on_mw()
    {
        var terms = Request(gpus: 1000, mw: 26m).ToTerms(s_now, ReferenceCatalog.Embedded);

        Assert.Equal("give gpus or mw, not both", terms.Errors!.For("mw"));
    }

    [Fact]
    public void A_ramp_must_add_up_to_the_gpus_asked_for()
    {
        var terms = Request(ramp: [new RampStep(400, 0), new RampStep(500, 3)]).ToTerms(s_now, ReferenceCatalog.Embedded);

        Assert.Equal("the ramp adds up to 900 GPUs, the RFQ asks for 1000", terms.Errors!.For("ramp"));
    }

    [Fact]
    public void Delivery_may_not_end_before_it_starts_nor_offers_close_in_the_past()
    {
        var terms = (Request(latest: "2026-12") with { ClosesAt = s_now }).ToTerms(s_now, ReferenceCatalog.Embedded);

        Assert.Equal(["closesAt", "latestStart"], terms.Errors!.Keys.Order());
    }

    [Fact]
    public void Terms_out_of_range_are_refused_whoever_filled_them_in()
    {
        var terms = (Request(gpus: 0) with { TermMonths = 0, PrepaymentFraction = 1.5m, MinAvailabilityPercent = 101m, GraceMonths = -1 })
            .ToTerms(s_now, ReferenceCatalog.Embedded);

        Assert.Equal(["gpus", "graceMonths", "minAvailabilityPercent", "prepaymentFraction", "termMonths"], terms.Errors!.Keys.Order());
    }
}

