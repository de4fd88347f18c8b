using System.Text.Json;
using Neocloud.Domain.Time;
using Neocloud.Market.Commands;
using Neocloud.Market.Replay;

namespace Neocloud.Exchange.Approvals;

/// <summary>
/// A command held for approval, as it will run once approved: its kind and its JSON (a market order's replay line; an
/// award's RFQ and offers; an assignment's contract and terms), which the approval row keeps and the journal covers.
/// </summary>
public sealed record HeldCommand(string Kind, string Json)
{
    /// <summary>A bid (or ask).</summary>
    public const string BidKind = "bid";

    /// <summary>An all-or-none portfolio of bids.</summary>
    public const string PortfolioKind = "portfolio";

    /// <summary>An award of offers on an RFQ.</summary>
    public const string AwardKind = "award";

    /// <summary>An assignment of a contract to another organization.</summary>
    public const string AssignmentKind = "assignment";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    /// <summary>A market order (a bid or a portfolio), by its replay line.</summary>
    public static HeldCommand Order(MarketCommand order) =>
        new(order is PortfolioCommand ? PortfolioKind : BidKind, JsonSerializer.Serialize(new OrderShape(ReplayCodec.Format(order)), s_json));

    /// <summary>An award of <paramref name="awards"/> on RFQ <paramref name="rfqId"/>.</summary>
    public static HeldCommand Award(string rfqId, IReadOnlyList<(string Offer, decimal Share)> awards) =>
        new(AwardKind, JsonSerializer.Serialize(new AwardShape(rfqId, awards.Select(a => new AwardItem(a.Offer, a.Share)).ToList()), s_json));

    /// <summary>An assignment of contract <paramref name="contractId"/>.</summary>
    public static HeldCommand Assignment(string contractId, string to, IReadOnlyList<int>? tranches, decimal? share, CalendarMonth fromMonth) =>
        new(AssignmentKind, JsonSerializer.Serialize(new AssignmentShape(contractId, to, tranches, share, fromMonth.ToString()), s_json));

    /// <summary>The market order a bid or portfolio holds.</summary>
    public MarketCommand ReadOrder() =>
        ReplayCodec.Parse(JsonSerializer.Deserialize<OrderShape>(Json, s_json)!.Line).Command ?? throw new InvalidDataException($"approval command is not an order: {Json}");

    /// <summary>The award an award holds.</summary>
    public (string RfqId, IReadOnlyList<(string Offer, decimal Share)> Awards) ReadAward()
    {
        var shape = JsonSerializer.Deserialize<AwardShape>(Json, s_json)!;
        return (shape.Rfq, shape.Awards.Select(a => (a.Offer, a.Share)).ToList());
    }

    /// <summary>The assignment an assignment holds.</summary>
    public (string ContractId, string To, IReadOnlyList<int>? Tranches, decimal? Share, CalendarMonth FromMonth) ReadAssignment()
    {
        var shape = JsonSerializer.Deserialize<AssignmentShape>(Json, s_json)!;
        return (shape.Contract, shape.To, shape.Tranches, shape.Share, CalendarMonth.Parse(shape.FromMonth));
    }

    private sealed record OrderShape(string Line);

    private sealed record AwardItem(string Offer, decimal Share);

    private sealed record AwardShape(string Rfq, List<AwardItem> Awards);

    private sealed record AssignmentShape(string Contract, string To, IReadOnlyList<int>? Tranches, decimal? Share, string FromMonth);
}
