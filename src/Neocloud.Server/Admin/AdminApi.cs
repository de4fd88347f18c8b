using Neocloud.Exchange.Access;
using Neocloud.Exchange.Outcomes;
using Neocloud.Server.Http;
using Neocloud.Storage;

namespace Neocloud.Server.Admin;

/// <summary><c>/api/v1/admin</c>: organizations and their API tokens. Needs the <c>admin</c> scope.</summary>
public static class AdminApi
{
    /// <summary>An organization as the API shows it.</summary>
    public sealed record OrganizationView(string Id, string Name, DateTimeOffset Created);

    /// <summary>A token as the API shows it: never the secret, except once in <see cref="NewTokenView"/>.</summary>
    public sealed record TokenView(string Id, string Organization, string Label, IReadOnlyList<string> Scopes, DateTimeOffset Created, DateTimeOffset? Revoked);

    /// <summary>A token just created: the only time its secret is shown.</summary>
    public sealed record NewTokenView(string Id, string Organization, string Label, IReadOnlyList<string> Scopes, DateTimeOffset Created, string? Token, string Note);

    public static RouteGroupBuilder MapAdminApi(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/admin").RequireAuthorization(Scopes.Admin).WithTags("Admin");
        admin.MapGet("/organizations", ListOrganizationsAsync).WithSummary("List organizations");
        admin.MapPost("/organizations", CreateOrganizationAsync).WithSummary("Create an organization").Accepts<CreateOrganizationBody>("application/json");
        admin.MapGet("/organizations/{id}/tokens", ListTokensAsync).WithSummary("List an organization's tokens (never their secrets)");
        admin.MapPost("/organizations/{id}/tokens", CreateTokenAsync).WithSummary("Create a token; its secret is shown once").Accepts<CreateTokenBody>("application/json");
        admin.MapDelete("/tokens/{id}", RevokeTokenAsync).WithSummary("Revoke a token");
        return api;
    }

    private static async Task<IResult> ListOrganizationsAsync(ExchangeStore store, string? after, int? limit, CancellationToken ct)
    {
        if (Paging.Limit(limit, out var problem) is not { } take) return problem!.ToResult();
        var page = await store.ListOrganizationsAsync(after, take, ct);
        return ApiResponse.Of(200, page.Select(View)).ToResult();
    }

    private static async Task<IResult> CreateOrganizationAsync(PostBody body, ExchangeStore store, TimeProvider clock, CancellationToken ct)
    {
        var fields = body.Fields;
        var id = fields.Id("id");
        var name = fields.String("name");
        fields.RejectUnknown();
        if (!fields.IsValid) return Answers.Result(Failure.Invalid(fields.Errors));

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var organization = new OrganizationRecord(id!, name!, now);
        var created = body.Key<OrganizationView>(StatusCodes.Status201Created);
        if (!await store.TryCreateOrganizationAsync(organization, created?.Record(View(organization), now), ct))
            return Answers.Result(Failure.Conflict("Conflict", $"organization '{id}' already exists"));
        return ApiResponse.Of(201, View(organization)).ToResult();
    }

    private static async Task<IResult> ListTokensAsync(string id, ExchangeStore store, CancellationToken ct)
    {
        if (await store.GetOrganizationAsync(id, ct) is null) return NotFound(id);
        var tokens = await store.ListTokensAsync(id, ct);
        return ApiResponse.Of(200, new Page<TokenView>(tokens.Select(View).ToList(), null)).ToResult();
    }

    private static async Task<IResult> CreateTokenAsync(string id, PostBody body, ExchangeStore store, TimeProvider clock, CancellationToken ct)
    {
        var fields = body.Fields;
        var label = fields.String("label", required: false) ?? "api";
        var scopes = fields.StringSet("scopes", Scopes.All);
        fields.RejectUnknown();
        if (!fields.IsValid) return Answers.Result(Failure.Invalid(fields.Errors));
        if (await store.GetOrganizationAsync(id, ct) is null) return NotFound(id);

        var (token, secret) = TokenSecrets.NewToken(id, label, scopes!, clock);
        // The stored answer for a retry leaves the secret out: secrets are kept only as hashes.
        var replay = body.Key<NewTokenView>(StatusCodes.Status201Created)?.Record(View(token, secret: null), token.CreatedMs);
        await store.InsertTokenAsync(token, replay, ct);
        return ApiResponse.Of(201, View(token, secret)).ToResult();
    }

    private static async Task<IResult> RevokeTokenAsync(string id, ExchangeStore store, TokenDirectory tokens, TimeProvider clock, CancellationToken ct)
    {
        if (!await store.RevokeTokenAsync(id, clock.GetUtcNow().ToUnixTimeMilliseconds(), ct)) return Answers.Result(Failure.NotFound($"no live token '{id}'"));
        tokens.Forget(id);
        return Results.NoContent();
    }

    /// <summary>The body of POST /admin/organizations.</summary>
    public sealed record CreateOrganizationBody(string Id, string Name);

    /// <summary>The body of POST /admin/organizations/{id}/tokens.</summary>
    public sealed record CreateTokenBody(string? Label, IReadOnlyList<string> Scopes);

    private static IResult NotFound(string organization) => Answers.Result(Failure.NotFound($"no organization '{organization}'"));

    private static OrganizationView View(OrganizationRecord o) => new(o.Id, o.Name, DateTimeOffset.FromUnixTimeMilliseconds(o.CreatedMs));

    private static TokenView View(TokenRecord t) =>
        new(t.Id, t.OrganizationId, t.Label, t.Scopes.Split(' '), DateTimeOffset.FromUnixTimeMilliseconds(t.CreatedMs),
            t.RevokedMs is { } revoked ? DateTimeOffset.FromUnixTimeMilliseconds(revoked) : null);

    private static NewTokenView View(TokenRecord t, string? secret) =>
        new(t.Id, t.OrganizationId, t.Label, t.Scopes.Split(' '), DateTimeOffset.FromUnixTimeMilliseconds(t.CreatedMs), secret,
            secret is null ? "this token was created by an earlier request with the same Idempotency-Key; its secret was shown then" : "store this token now: it is not shown again");
}
