using Neocloud.Domain.Offtake;
using Neocloud.Domain.Orders;

namespace Neocloud.Storage;

/// <summary>
/// The text the database keeps for each state, in the same columns as before the states were enums. Writes bind this
/// text (Dapper and the batch writers would bind an enum as its integer). Reads let Dapper parse the text, which it
/// does by member name ignoring case ("GTC" is <see cref="TimeInForce.Gtc"/>); the one spelling that is not a member
/// name, "not-awarded", is parsed here.
/// </summary>
public static class StateText
{
    public static string Text(this OrderSide side) => side switch
    {
        OrderSide.Bid => "bid",
        OrderSide.Ask => "ask",
        _ => throw Unknown(side),
    };

    public static string Text(this TimeInForce tif) => tif switch
    {
        TimeInForce.Gtc => "GTC",
        TimeInForce.Ioc => "IOC",
        _ => throw Unknown(tif),
    };

    public static string Text(this OrderStatus status) => status switch
    {
        OrderStatus.Open => "open",
        OrderStatus.Filled => "filled",
        OrderStatus.Cancelled => "cancelled",
        _ => throw Unknown(status),
    };

    /// <summary>The stored RFQ status; <see cref="RfqStatus.Closed"/> is derived from the closing time and never stored.</summary>
    public static string Text(this RfqStatus status) => status switch
    {
        RfqStatus.Open => "open",
        RfqStatus.Awarded => "awarded",
        RfqStatus.Withdrawn => "withdrawn",
        _ => throw Unknown(status),
    };

    public static string Text(this OfferStatus status) => status switch
    {
        OfferStatus.Submitted => "submitted",
        OfferStatus.Awarded => "awarded",
        OfferStatus.NotAwarded => "not-awarded",
        _ => throw Unknown(status),
    };

    public static string Text(this ContractStatus status) => status switch
    {
        ContractStatus.Active => "active",
        ContractStatus.Terminated => "terminated",
        _ => throw Unknown(status),
    };

    /// <summary>An offer status as stored.</summary>
    public static OfferStatus ParseOfferStatus(string text) => text switch
    {
        "submitted" => OfferStatus.Submitted,
        "awarded" => OfferStatus.Awarded,
        "not-awarded" => OfferStatus.NotAwarded,
        _ => throw new FormatException($"unknown offer status '{text}'"),
    };

    private static ArgumentOutOfRangeException Unknown<T>(T value) where T : struct, Enum =>
        new(nameof(value), value, $"no stored text for {typeof(T).Name} {value}");
}
