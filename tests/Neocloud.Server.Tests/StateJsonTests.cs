using System.Text.Json;
using Neocloud.Domain.Input;
using Neocloud.Domain.Offtake;
using Neocloud.Domain.Orders;
using Neocloud.Offtake.Contracts;
using Neocloud.Server.Http;

namespace Neocloud.Server.Tests;

/// <summary>The states are enums inside; in the API's JSON each is the string it always was.</summary>
public sealed class StateJsonTests
{
    public static TheoryData<Enum, string> Spellings => new()
    {
        { OrderSide.Bid, "bid" }, { OrderSide.Ask, "ask" },
        { TimeInForce.Gtc, "GTC" }, { TimeInForce.Ioc, "IOC" },
        { OrderStatus.Open, "open" }, { OrderStatus.Filled, "filled" }, { OrderStatus.Cancelled, "cancelled" },
        { RfqStatus.Open, "open" }, { RfqStatus.Closed, "closed" }, { RfqStatus.Awarded, "awarded" }, { RfqStatus.Withdrawn, "withdrawn" },
        { OfferStatus.Submitted, "submitted" }, { OfferStatus.Awarded, "awarded" }, { OfferStatus.NotAwarded, "not-awarded" },
        { ContractStatus.Active, "active" }, { ContractStatus.Terminated, "terminated" },
        { TrancheState.Scheduled, "scheduled" }, { TrancheState.Late, "late" }, { TrancheState.Delivered, "delivered" },
        { TrancheState.DeliveredLate, "delivered-late" }, { TrancheState.Cancelled, "cancelled" },
    };

    [Theory]
    [MemberData(nameof(Spellings))]
    public void Each_state_is_written_as_the_api_always_wrote_it(Enum state, string text)
    {
        Assert.Equal($"\"{text}\"", JsonSerializer.Serialize(state, state.GetType(), ApiResponse.JsonOptions));
        Assert.Equal($"\"{text}\"", JsonSerializer.Serialize(state, state.GetType()));
        Assert.Equal(state, JsonSerializer.Deserialize($"\"{text}\"", state.GetType(), ApiResponse.JsonOptions));
        Assert.Equal(text, typeof(JsonNames).GetMethod(nameof(JsonNames.Of))!.MakeGenericMethod(state.GetType()).Invoke(null, [state]));
    }

    [Fact]
    public void The_table_spells_every_state()
    {
        Type[] states = [typeof(OrderSide), typeof(TimeInForce), typeof(OrderStatus), typeof(RfqStatus), typeof(OfferStatus), typeof(ContractStatus),
            typeof(TrancheState)];
        Assert.Equal(states.Sum(t => Enum.GetValues(t).Length), Spellings.Count);
    }

    [Fact]
    public void A_missing_time_in_force_is_still_null()
    {
        var json = JsonSerializer.Serialize(new { Tif = (TimeInForce?)null, Status = OrderStatus.Open }, ApiResponse.JsonOptions);
        Assert.Equal("""{"tif":null,"status":"open"}""", json);
    }
}
