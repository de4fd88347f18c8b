namespace Neocloud.Exchange.Access;

/// <summary>What a person signed in through the identity provider may do: the roles its roles claim names.</summary>
public static class Roles
{
    /// <summary>Reads: the catalog, market data, and the organization's own orders, trades, contracts and account.</summary>
    public const string Viewer = "viewer";

    /// <summary>Places and cancels orders and portfolios, and runs standing procurements.</summary>
    public const string Trader = "trader";

    /// <summary>Opens RFQs, submits offers, awards, assigns and terminates offtake contracts.</summary>
    public const string Contracts = "contracts";

    /// <summary>Registers pools and capacity, and reports deliveries and SLA.</summary>
    public const string Fleet = "fleet";

    /// <summary>Approves or rejects the organization's held commands (never one's own).</summary>
    public const string Approver = "approver";

    /// <summary>The organization's webhooks, approval threshold and audit trail; in the operator organization, the exchange's administration.</summary>
    public const string Admin = "admin";

    /// <summary>Every role there is.</summary>
    public static readonly IReadOnlyList<string> All = [Viewer, Trader, Contracts, Fleet, Approver, Admin];
}
