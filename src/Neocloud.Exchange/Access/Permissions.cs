namespace Neocloud.Exchange.Access;

/// <summary>
/// The one table of who may do what, for the API and the dashboard alike: a token meets a permission by its scope, a
/// person by a role (DESIGN.md "People, roles and approvals").
/// </summary>
public static class Permissions
{
    /// <summary>Reads of the catalog, market data and the organization's own records: any role.</summary>
    public static readonly Permission Read = new("read", Scopes.MarketRead, Roles.All);

    /// <summary>Orders, portfolios and standing procurements.</summary>
    public static readonly Permission Trade = new("trade", Scopes.MarketTrade, [Roles.Trader]);

    /// <summary>RFQs, offers, awards, assignments and terminations.</summary>
    public static readonly Permission Contracts = new("contracts", Scopes.MarketTrade, [Roles.Contracts]);

    /// <summary>Pools, capacity, deliveries and SLA reports.</summary>
    public static readonly Permission Fleet = new("fleet", Scopes.PoolsWrite, [Roles.Fleet]);

    /// <summary>The organization's webhooks.</summary>
    public static readonly Permission Webhooks = new("webhooks", Scopes.MarketRead, [Roles.Admin]);

    /// <summary>The organization's approval threshold and audit trail.</summary>
    public static readonly Permission OrganizationAdmin = new("organization-admin", Scopes.Admin, [Roles.Admin]);

    /// <summary>Approving or rejecting a held command: people only.</summary>
    public static readonly Permission Approve = new("approve", null, [Roles.Approver]);

    /// <summary>The exchange's administration (organizations, tokens, credit, journal, indices, cluster).</summary>
    public static readonly Permission Operator = new("operator", Scopes.Admin, [Roles.Admin], OperatorOnly: true);

    /// <summary>Every permission.</summary>
    public static readonly IReadOnlyList<Permission> All = [Read, Trade, Contracts, Fleet, Webhooks, OrganizationAdmin, Approve, Operator];
}
