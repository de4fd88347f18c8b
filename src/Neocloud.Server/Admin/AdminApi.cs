using Neocloud.Domain.Paging;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Outcomes;
using Neocloud.Server.Http;
using Neocloud.Storage;

namespace Neocloud.Server.Admin;

/// <summary><c>/api/v1/admin</c>: organizations and their API tokens. Needs the <c>admin</c> scope.</summary>
public static class AdminApi
{
    /// <summary>An organization as the API shows it.</summary>
    /// <param name="Id">Its id.</param>
    /// <param name="Name">Its display name.</param>
    /// <param name="Created">When it was created.</param>
    /// <param name="RateLimit">Requests a second for all its tokens together; null: each token gets the server's default.</param>
    public sealed record OrganizationView(string Id, string Name, DateTimeOffset Created, long? RateLimit);

    /// <summary>A token as the API shows it: never the secret, except once in <see cref="NewTokenView"/>.</summary>
    public sealed record TokenView(string Id, string Organization, string Label, IReadOnlyList<string> Scopes, DateTimeOffset Created, DateTimeOffset? Revoked,
        DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsed);

    /// <summary>A token just created: the only time its secret is shown.</summary>
    public sealed record NewTokenView(string Id, string Organization, string Label, IReadOnlyList<string> Scopes, DateTimeOffset Created, DateTimeOffset? ExpiresAt,
        string? Token, string Note);

    public static RouteGroupBuilder MapAdminApi(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/admin").RequireAuthorization(Scopes.Admin).WithTags("Admin");
        admin.MapGet("/organizations", ListOrganizationsAsync).WithSummary("List organizations");
        admin.MapPost("/organizations", CreateOrganizationAsync).Produces(StatusCodes.Status201Created).WithSummary("Create an organization").Accepts<CreateOrganizationBody>("application/json");
        admin.MapPut("/organizations/{id}/rate-limit", SetOrganizationRateLimitAsync).Accepts<RateLimitBody>("application/json")
            .WithSummary("Set an organization's rate limit: requests a second for all its tokens together (bursts of twice that)").Produces<OrganizationView>();
        admin.MapDelete("/organizations/{id}/rate-limit", ClearOrganizationRateLimitAsync)
            .WithSummary("Clear an organization's rate limit: each of its tokens gets the server's default again").Produces(StatusCodes.Status204NoContent);
        admin.MapGet("/organizations/{id}/tokens", ListTokensAsync).WithSummary("List an organization's tokens (never their secrets)");
        admin.MapPost("/organizations/{id}/tokens", CreateTokenAsync).Produces(StatusCodes.Status201Created).WithSummary("Create a token; its secret is shown once").Accepts<CreateTokenBody>("application/json");
        admin.MapDelete("/tokens/{id}", RevokeTokenAsync).Produces(StatusCodes.Status204NoContent).WithSummary("Revoke a token");
        admin.MapPost("/tokens/{id}/rotate", RotateTokenAsync).Produces(StatusCodes.Status201Created).Accepts<RotateTokenBody>("application/json")
            .WithSummary("Rotate a token: a new secret (shown once) with the same organization, scopes and expiry; the old secret works for graceSeconds more");
        return api;
    }

    private static async Task<IResult> ListOrganizationsAsync(ExchangeStore store, string? after, WholeQuery? limit, CancellationToken ct)
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

    private static async Task<IResult> SetOrganizationRateLimitAsync(string id, PostBody body, ExchangeStore store, TokenDirectory tokens, CancellationToken ct)
    {
        var fields = body.Fields;
        var limit = fields.Integer("requestsPerSecond", 1, MaxRateLimit);
        fields.RejectUnknown();
        if (!fields.IsValid) return Answers.Result(Failure.Invalid(fields.Errors));
        if (!await store.SetOrganizationRateLimitAsync(id, limit, ct)) return NotFound(id);
        tokens.ForgetRateLimit(id);
        return ApiResponse.Of(200, View((await store.GetOrganizationAsync(id, ct))!)).ToResult();
    }

    private static async Task<IResult> ClearOrganizationRateLimitAsync(string id, ExchangeStore store, TokenDirectory tokens, CancellationToken ct)
    {
        if (!await store.SetOrganizationRateLimitAsync(id, null, ct)) return NotFound(id);
        tokens.ForgetRateLimit(id);
        return Results.NoContent();
    }

    /// <summary>The highest rate limit an organization can be given, in requests a second.</summary>
    public const long MaxRateLimit = 1_000_000;

    /// <summary>The body of PUT /admin/organizations/{id}/rate-limit.</summary>
    public sealed record RateLimitBody(long RequestsPerSecond);

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
        var expiresAt = fields.Instant("expiresAt", required: false);
        fields.RejectUnknown();
        if (expiresAt is { } expiry && expiry <= clock.GetUtcNow()) fields.Error("expiresAt", $"must be in the future, got {expiry:yyyy-MM-ddTHH:mm:ssZ}");
        if (!fields.IsValid) return Answers.Result(Failure.Invalid(fields.Errors));
        if (await store.GetOrganizationAsync(id, ct) is null) return NotFound(id);

        var (token, secret) = TokenSecrets.NewToken(id, label, scopes!, clock);
        token = token with { ExpiresMs = expiresAt?.ToUnixTimeMilliseconds() };
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

    private static async Task<IResult> RotateTokenAsync(string id, PostBody body, ExchangeStore store, TokenDirectory tokens, TimeProvider clock, CancellationToken ct)
    {
        var fields = body.Fields;
        var grace = fields.Integer("graceSeconds", 0, MaxGraceSeconds, required: false) ?? 0;
        fields.RejectUnknown();
        if (!fields.IsValid) return Answers.Result(Failure.Invalid(fields.Errors));
        var now = clock.GetUtcNow();
        if (await store.GetTokenAsync(id, ct) is not { RevokedMs: null } old || old.ExpiresMs <= now.ToUnixTimeMilliseconds())
            return Answers.Result(Failure.NotFound($"no live token '{id}'"));

        var (token, secret) = TokenSecrets.NewToken(old.OrganizationId, old.Label, old.Scopes.Split(' '), clock);
        token = token with { ExpiresMs = old.ExpiresMs };
        var oldUntil = now.AddSeconds(grace);
        var replay = body.Key<NewTokenView>(StatusCodes.Status201Created)?.Record(View(token, secret: null, Rotated(id, oldUntil)), token.CreatedMs);
        if (!await store.RotateTokenAsync(id, token, oldUntil.ToUnixTimeMilliseconds(), replay, ct)) return Answers.Result(Failure.NotFound($"no live token '{id}'"));
        tokens.Forget(id);
        return ApiResponse.Of(201, View(token, secret, Rotated(id, oldUntil))).ToResult();
    }

    /// <summary>The longest grace a rotated token's old secret may keep working: a week.</summary>
    public const long MaxGraceSeconds = 7 * 24 * 3600;

    private static string Rotated(string oldId, DateTimeOffset until) =>
        $"store this token now: it is not shown again; the old token {oldId} works until {until:yyyy-MM-ddTHH:mm:ssZ}";

    /// <summary>The body of POST /admin/tokens/{id}/rotate.</summary>
    public sealed record RotateTokenBody(long? GraceSeconds);

    /// <summary>The body of POST /admin/organizations.</summary>
    public sealed record CreateOrganizationBody(string Id, string Name);

    /// <summary>The body of POST /admin/organizations/{id}/tokens.</summary>
    public sealed record CreateTokenBody(IReadOnlyList<string> Scopes, string? Label = null, DateTimeOffset? ExpiresAt = null);

    private static IResult NotFound(string organization) => Answers.Result(Failure.NotFound($"no organization '{organization}'"));

    private static OrganizationView View(OrganizationRecord o) => new(o.Id, o.Name, DateTimeOffset.FromUnixTimeMilliseconds(o.CreatedMs), o.RateLimit);

    private static TokenView View(TokenRecord t) =>
        new(t.Id, t.OrganizationId, t.Label, t.Scopes.Split(' '), DateTimeOffset.FromUnixTimeMilliseconds(t.CreatedMs), Instant(t.RevokedMs), Instant(t.ExpiresMs),
            Instant(t.LastUsedMs));

    private static DateTimeOffset? Instant(long? ms) => ms is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;

    private static NewTokenView View(TokenRecord t, string? secret, string note = "store this token now: it is not shown again") =>
        new(t.Id, t.OrganizationId, t.Label, t.Scopes.Split(' '), DateTimeOffset.FromUnixTimeMilliseconds(t.CreatedMs), Instant(t.ExpiresMs), secret,
            secret is null ? "this token was created by an earlier request with the same Idempotency-Key; its secret was shown then" : note);
}
