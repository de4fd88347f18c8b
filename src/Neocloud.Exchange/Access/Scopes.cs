namespace Neocloud.Exchange.Access;

/// <summary>What a token may do. A token carries one or more scopes; each endpoint requires one.</summary>
public static class Scopes
{
    /// <summary>Read the catalog, market data, and the organization's own orders, trades and contracts.</summary>
    public const string MarketRead = "market:read";

    /// <summary>Place and cancel orders.</summary>
    public const string MarketTrade = "market:trade";

    /// <summary>Create pools and add capacity (providers).</summary>
    public const string PoolsWrite = "pools:write";

    /// <summary>Manage organizations and tokens.</summary>
    public const string Admin = "admin";

    /// <summary>Every scope there is.</summary>
    public static readonly IReadOnlyList<string> All = [MarketRead, MarketTrade, PoolsWrite, Admin];

    /// <summary>The claim type that carries a scope.</summary>
    public const string ClaimType = "scope";

    /// <summary>The claim type that carries the organization's id.</summary>
    public const string OrganizationClaim = "org";

    /// <summary>The claim type that carries the token's id (the rate-limit partition).</summary>
    public const string TokenClaim = "token";

    /// <summary>The claim type that carries the organization's own rate limit, when the admin set one.</summary>
    public const string RateLimitClaim = "rate";

    /// <summary>The claim type that carries when the token expires (Unix milliseconds), when it does.</summary>
    public const string ExpiresClaim = "exp";

    /// <summary>The claim type that carries a person's subject (the identity provider's <c>sub</c>), when a person signed in.</summary>
    public const string PersonClaim = "person";

    /// <summary>The claim type that carries a person's name (or email).</summary>
    public const string NameClaim = "name";

    /// <summary>The claim type that carries one of a person's roles.</summary>
    public const string RoleClaim = "role";
}
