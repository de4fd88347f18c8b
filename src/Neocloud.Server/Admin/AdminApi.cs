using System.Security.Claims;
using Neocloud.Domain.Paging;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Outcomes;
using Neocloud.Server.Auth;
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
        var admin = api.MapGroup("/admin").RequireAuthorization(Permissions.Operator.Name).WithTags("Admin");
        admin.MapGet("/organizations", ListOrganizationsAsync).Produces<Page<OrganizationView>>().WithSummary("List organizations");
        admin.MapPost("/organizations", CreateOrganizationAsync).Produces<OrganizationView>(StatusCodes.Status201Created).WithSummary("Create an organization").Accepts<CreateOrganizationBody>("application/json");
        admin.MapPut("/organizations/{id}/rate-limit", SetOrganizationRateLimitAsync).Accepts<RateLimitBody>("application/json")
            .WithSummary("Set an organization's rate limit: requests a second for all its tokens together (bursts of twice that)").Produces<OrganizationView>();
        admin.MapDelete("/organizations/{id}/rate-limit", ClearOrganizationRateLimitAsync)
            .WithSummary("Clear an organization's rate limit: each of its tokens gets the server's default again").Produces(StatusCodes.Status204NoContent);
        admin.MapGet("/organizations/{id}/tokens", ListTokensAsync).Produces<Page<TokenView>>().WithSummary("List an organization's tokens (never their secrets)");
        admin.MapPost("/organizations/{id}/tokens", CreateTokenAsync).Produces<NewTokenView>(StatusCodes.Status201Created).WithSummary("Create a token; its secret is shown once").Accepts<CreateTokenBody>("application/json");
        admin.MapDelete("/tokens/{id}", RevokeTokenAsync).Produces(StatusCodes.Status204NoContent).WithSummary("Revoke a token");
        admin.MapPost("/tokens/{id}/rotate", RotateTokenAsync).Produces<NewTokenView>(StatusCodes.Status201Created).Accepts<RotateTokenBody>("application/json")
            .WithSummary("Rotate a token: a new secret (shown once) with the same organization, scopes and expiry; the old secret works for graceSeconds more");
        return api;
    }

    private static async Task<IResult> ListOrganizationsAsync(AccessDesk desk, string? after, WholeQuery? limit, CancellationToken ct)
    {
        if (Paging.Limit(limit, out var problem) is not { } take) return problem!.ToResult();
        var page = await desk.OrganizationsAsync(after, take, ct);
        return ApiResponse.Of(200, page.Select(View)).ToResult();
    }

    private static async Task<IResult> CreateOrganizationAsync(PostBody body, ClaimsPrincipal user, AccessDesk desk, CancellationToken ct)
    {
        var fields = body.Fields;
        var id = fields.Id("id");
        var name = fields.String("name");
        fields.RejectUnknown();
        if (!fields.IsValid) return Answers.Result(Failure.Invalid(fields.Errors));
        var created = await desk.CreateOrganizationAsync(user.OrganizationId(), id!, name!, body.Key<OrganizationRecord>(StatusCodes.Status201Created, View), ct);
        return Answers.Result(created, StatusCodes.Status201Created, View);
    }

    private static async Task<IResult> SetOrganizationRateLimitAsync(string id, PostBody body, ClaimsPrincipal user, AccessDesk desk, CancellationToken ct)
    {
        var fields = body.Fields;
        var limit = fields.Integer("requestsPerSecond", 1, MaxRateLimit);
        fields.RejectUnknown();
        if (!fields.IsValid) return Answers.Result(Failure.Invalid(fields.Errors));
        return Answers.Result(await desk.SetRateLimitAsync(user.OrganizationId(), id, limit, ct), StatusCodes.Status200OK, View);
    }

    private static async Task<IResult> ClearOrganizationRateLimitAsync(string id, ClaimsPrincipal user, AccessDesk desk, CancellationToken ct)
    {
        var cleared = await desk.SetRateLimitAsync(user.OrganizationId(), id, null, ct);
        return cleared.IsAccepted ? Results.NoContent() : Answers.Result(cleared);
    }

    /// <summary>The highest rate limit an organization can be given, in requests a second.</summary>
    public const long MaxRateLimit = 1_000_000;

    /// <summary>The body of PUT /admin/organizations/{id}/rate-limit.</summary>
    public sealed record RateLimitBody(long RequestsPerSecond);

    private static async Task<IResult> ListTokensAsync(string id, AccessDesk desk, CancellationToken ct) =>
        Answers.Result(await desk.TokensAsync(id, ct), StatusCodes.Status200OK, tokens => new Page<TokenView>(tokens.Select(View).ToList(), null));

    private static async Task<IResult> CreateTokenAsync(string id, PostBody body, ClaimsPrincipal user, AccessDesk desk, TimeProvider clock, CancellationToken ct)
    {
        var fields = body.Fields;
        var label = fields.String("label", required: false) ?? "api";
        var scopes = fields.StringSet("scopes", Scopes.All);
        var expiresAt = fields.Instant("expiresAt", required: false);
        fields.RejectUnknown();
        if (expiresAt is { } expiry && expiry <= clock.GetUtcNow()) fields.Error("expiresAt", $"must be in the future, got {expiry:yyyy-MM-ddTHH:mm:ssZ}");
        if (!fields.IsValid) return Answers.Result(Failure.Invalid(fields.Errors));
        // The stored answer for a retry leaves the secret out: secrets are kept only as hashes.
        var key = body.Key<IssuedToken>(StatusCodes.Status201Created, made => View(made.Token, secret: null));
        var issued = await desk.IssueTokenAsync(user.OrganizationId(), id, label, scopes!, expiresAt?.ToUnixTimeMilliseconds(), key, ct);
        return Answers.Result(issued, StatusCodes.Status201Created, made => View(made.Token, made.Secret));
    }

    private static async Task<IResult> RevokeTokenAsync(string id, ClaimsPrincipal user, AccessDesk desk, CancellationToken ct)
    {
        var revoked = await desk.RevokeTokenAsync(user.OrganizationId(), id, ct);
        return revoked.IsAccepted ? Results.NoContent() : Answers.Result(revoked);
    }

    private static async Task<IResult> RotateTokenAsync(string id, PostBody body, ClaimsPrincipal user, AccessDesk desk, CancellationToken ct)
    {
        var fields = body.Fields;
        var grace = fields.Integer("graceSeconds", 0, MaxGraceSeconds, required: false) ?? 0;
        fields.RejectUnknown();
        if (!fields.IsValid) return Answers.Result(Failure.Invalid(fields.Errors));
        var key = body.Key<RotatedToken>(StatusCodes.Status201Created, made => View(made.Token, secret: null, Rotated(made.OldId, made.OldUntil)));
        var rotated = await desk.RotateTokenAsync(user.OrganizationId(), id, TimeSpan.FromSeconds(grace), key, ct);
        return Answers.Result(rotated, StatusCodes.Status201Created, made => View(made.Token, made.Secret, Rotated(made.OldId, made.OldUntil)));
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

    private static OrganizationView View(OrganizationRecord o) => new(o.Id, o.Name, DateTimeOffset.FromUnixTimeMilliseconds(o.CreatedMs), o.RateLimit);

    private static TokenView View(TokenRecord t) =>
        new(t.Id, t.OrganizationId, t.Label, t.Scopes.Split(' '), DateTimeOffset.FromUnixTimeMilliseconds(t.CreatedMs), Instant(t.RevokedMs), Instant(t.ExpiresMs),
            Instant(t.LastUsedMs));

    private static DateTimeOffset? Instant(long? ms) => ms is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;

    private static NewTokenView View(TokenRecord t, string? secret, string note = "store this token now: it is not shown again") =>
        new(t.Id, t.OrganizationId, t.Label, t.Scopes.Split(' '), DateTimeOffset.FromUnixTimeMilliseconds(t.CreatedMs), Instant(t.ExpiresMs), secret,
            secret is null ? "this token was created by an earlier request with the same Idempotency-Key; its secret was shown then" : note);
}
