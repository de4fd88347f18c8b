using Neocloud.Exchange.Access;

namespace Neocloud.Server.Identity;

/// <summary>The people of the development identity provider: a few per organization of the reference data, and the operators.</summary>
public static class DemoPeople
{
    /// <summary>The password of every demo person.</summary>
    public const string Password = "demo";

    /// <summary>
    /// Two buyers (Microsoft, OpenAI: a trader, an approver, an admin, a contracts manager each), two neoclouds (IREN,
    /// CoreWeave: fleet, contracts and an approver who is also the admin) and one exchange operator.
    /// </summary>
    public static IReadOnlyList<DemoPerson> Default { get; } =
    [
        Person("alice", "Alice Chen", "microsoft", "trader", "viewer"),
        Person("bob", "Bob Okafor", "microsoft", "approver", "viewer"),
        Person("carol", "Carol Diaz", "microsoft", "admin", "viewer"),
        Person("dan", "Dan Weber", "microsoft", "contracts", "viewer"),
        Person("erin", "Erin Walsh", "openai", "trader", "viewer"),
        Person("frank", "Frank Moreau", "openai", "approver", "viewer"),
        Person("grace", "Grace Kim", "openai", "admin", "viewer"),
        Person("heidi", "Heidi Larsen", "openai", "contracts", "viewer"),
        Person("ivan", "Ivan Petrov", "iren", "fleet", "viewer"),
        Person("judy", "Judy Nguyen", "iren", "contracts", "viewer"),
        Person("ken", "Ken Tanaka", "iren", "approver", "admin", "viewer"),
        Person("liam", "Liam Byrne", "coreweave", "fleet", "viewer"),
        Person("mia", "Mia Rossi", "coreweave", "contracts", "viewer"),
        Person("noah", "Noah Fischer", "coreweave", "approver", "admin", "viewer"),
        Person("olivia", "Olivia Grant", Bootstrap.AdminOrganization, "admin", "viewer"),
    ];

    /// <summary>A person named <c>first@organization</c> (the username, also the subject's tail) with these roles.</summary>
    public static DemoPerson Person(string first, string name, string organization, params string[] roles) =>
        new($"{first}@{organization}", $"demo-{first}-{organization}", name, $"{first}@{organization}.example", organization, roles);
}
