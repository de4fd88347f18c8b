namespace Neocloud.Server.Identity;

/// <summary>
/// A person the development identity provider can sign in (password <c>demo</c>): the <paramref name="Subject"/> becomes
/// the token's <c>sub</c>, <paramref name="Organization"/> its <c>org</c> and <paramref name="Roles"/> its <c>roles</c>.
/// </summary>
/// <param name="Username">What the person types to sign in, e.g. <c>alice@microsoft</c>.</param>
/// <param name="Subject">The stable identifier the tokens name the person by.</param>
/// <param name="Name">The display name.</param>
/// <param name="Email">The e-mail address.</param>
/// <param name="Organization">The organization id (of the reference data, or <c>admin</c>).</param>
/// <param name="Roles">The roles in that organization: viewer, trader, contracts, fleet, approver, admin.</param>
public sealed record DemoPerson(string Username, string Subject, string Name, string Email, string Organization, IReadOnlyList<string> Roles);
