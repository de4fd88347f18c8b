using Neocloud.Domain.Input;
using Neocloud.Server.Auth;
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

        admin.MapGet("/organizations", async (ExchangeStore store, string? after, int? limit, CancellationToken ct) =>
        {
            if (Paging.Limit(limit, out var problem) is not { } take) return problem!.ToResult();
            var page = await store.ListOrganizationsAsync(after, take, ct);
            return ApiResponse.Of(200, page.Select(View)).ToResult();
        }).WithSummary("List organizations");

        admin.MapPost("/organizations", async (HttpContext context, ExchangeStore store, TimeProvider clock) =>
        {
            using var request = await PostRequest.ReadAsync(context, store, clock);
            if (request.Answer is { } answer) return answer.ToResult(request.Replayed);
            var fields = JsonFields.Of(request.Body!.RootElement);
            var id = fields.Id("id");
            var name = fields.String("name");
            fields.RejectUnknown();
            if (!fields.IsValid) return ApiResponse.Invalid(fields.Errors).ToResult();

            var organization = new OrganizationRecord(id!, name!, clock.GetUtcNow().ToUnixTimeMilliseconds());
            var response = ApiResponse.Of(201, View(organization));
            if (!await store.TryCreateOrganizationAsync(organization, request.Record(response), context.RequestAborted))
                return ApiResponse.Problem(409, "Conflict", $"organization '{id}' already exists").ToResult();
            return response.ToResult();
        }).WithSummary("Create an organization").Accepts<CreateOrganizationBody>("application/json");

        admin.MapGet("/organizations/{id}/tokens", async (string id, ExchangeStore store, CancellationToken ct) =>
        {
            if (await store.GetOrganizationAsync(id, ct) is null) return NotFound(id);
            var tokens = await store.ListTokensAsync(id, ct);
            return ApiResponse.Of(200, new Page<TokenView>(tokens.Select(View).ToList(), null)).ToResult();
        }).WithSummary("List an organization's tokens (never their secrets)");

        admin.MapPost("/organizations/{id}/tokens", async (string id, HttpContext context, ExchangeStore store, TimeProvider clock) =>
        {
            using var request = await PostRequest.ReadAsync(context, store, clock);
            if (request.Answer is { } answer) return answer.ToResult(request.Replayed);
            var fields = JsonFields.Of(request.Body!.RootElement);
            var label = fields.String("label", required: false) ?? "api";
            var scopes = fields.StringSet("scopes", Scopes.All);
            fields.RejectUnknown();
            if (!fields.IsValid) return ApiResponse.Invalid(fields.Errors).ToResult();
            if (await store.GetOrganizationAsync(id, context.RequestAborted) is null) return NotFound(id);

            var (token, secret) = NewToken(id, label, scopes!, clock);
            // The stored answer for a retry leaves the secret out: secrets are kept only as hashes.
            var replay = ApiResponse.Of(201, View(token, secret: null));
            await store.InsertTokenAsync(token, request.Record(replay), context.RequestAborted);
            return ApiResponse.Of(201, View(token, secret)).ToResult();
        }).WithSummary("Create a token; its secret is shown once").Accepts<CreateTokenBody>("application/json");

        admin.MapDelete("/tokens/{id}", async (string id, ExchangeStore store, TokenDirectory tokens, TimeProvider clock, CancellationToken ct) =>
        {
            if (!await store.RevokeTokenAsync(id, clock.GetUtcNow().ToUnixTimeMilliseconds(), ct))
                return ApiResponse.Problem(404, "Not found", $"no live token '{id}'").ToResult();
            tokens.Forget(id);
            return Results.NoContent();
        }).WithSummary("Revoke a token");

        return api;
    }

    /// <summary>A new token record and its secret (the secret is never stored).</summary>
    public static (TokenRecord Token, string Secret) NewToken(string organizationId, string label, IEnumerable<string> scopes, TimeProvider clock)
    {
        var secret = TokenSecrets.NewSecret();
        var token = new TokenRecord(TokenSecrets.NewId(), organizationId, TokenSecrets.Hash(secret), string.Join(' ', scopes), label,
            clock.GetUtcNow().ToUnixTimeMilliseconds(), null);
        return (token, secret);
    }

    /// <summary>The body of POST /admin/organizations.</summary>
    public sealed record CreateOrganizationBody(string Id, string Name);

    /// <summary>The body of POST /admin/organizations/{id}/tokens.</summary>
    public sealed record CreateTokenBody(string? Label, IReadOnlyList<string> Scopes);

    private static IResult NotFound(string organization) => ApiResponse.Problem(404, "Not found", $"no organization '{organization}'").ToResult();

    private static OrganizationView View(OrganizationRecord o) => new(o.Id, o.Name, DateTimeOffset.FromUnixTimeMilliseconds(o.CreatedMs));

    private static TokenView View(TokenRecord t) =>
        new(t.Id, t.OrganizationId, t.Label, t.Scopes.Split(' '), DateTimeOffset.FromUnixTimeMilliseconds(t.CreatedMs),
            t.RevokedMs is { } revoked ? DateTimeOffset.FromUnixTimeMilliseconds(revoked) : null);

    private static NewTokenView View(TokenRecord t, string? secret) =>
        new(t.Id, t.OrganizationId, t.Label, t.Scopes.Split(' '), DateTimeOffset.FromUnixTimeMilliseconds(t.CreatedMs), secret,
            secret is null ? "this token was created by an earlier request with the same Idempotency-Key; its secret was shown then" : "store this token now: it is not shown again");
}
