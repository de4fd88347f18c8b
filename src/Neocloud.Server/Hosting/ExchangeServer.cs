using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.DataProtection;
using Neocloud.Cluster.Hosting;
using Neocloud.Dashboard;
using Neocloud.Exchange;
using Neocloud.Exchange.Audit;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Shard;
using Neocloud.Server.Accounts;
using Neocloud.Server.Admin;
using Neocloud.Server.Alerts;
using Neocloud.Server.Approvals;
using Neocloud.Server.Audit;
using Neocloud.Server.Auth;
using Neocloud.Server.Book;
using Neocloud.Server.Catalog;
using Neocloud.Server.Deals;
using Neocloud.Server.Events;
using Neocloud.Server.Indices;
using Neocloud.Server.Http;
using Neocloud.Server.Identity;
using Neocloud.Server.MarketData;
using Neocloud.Server.Offtake;
using Neocloud.Server.Orders;
using Neocloud.Server.Planning;
using Neocloud.Server.Pools;
using Neocloud.Server.Procurement;
using Neocloud.Server.Webhooks;
using Neocloud.Exchange.Webhooks;
using Neocloud.Storage;
using Scalar.AspNetCore;

namespace Neocloud.Server.Hosting;

/// <summary>Builds the exchange's web application: REST API, OpenAPI document and docs, and the dashboard, over the exchange core and one store.</summary>
public static class ExchangeServer
{
    /// <summary>Opens the store, runs first-start bootstrap, and builds the application (not yet started).</summary>
    /// <param name="options">Where to listen and where to keep data.</param>
    /// <param name="announce">Receives lines for the operator: where it listens, and the admin token on first start.</param>
    /// <param name="cancellationToken">Stops the start-up.</param>
    public static async Task<WebApplication> BuildAsync(ServerOptions options, Action<string> announce, CancellationToken cancellationToken = default)
    {
        // The store, its backups' key ring and the admin token: the directory is its owner's only (0700).
        if (options.PostgresConnectionString is null) StoreFiles.PrivateDirectory(options.DataDirectory);
        ClusterSettings? cluster = null;
        if (options.Cluster)
        {
            if (options.PostgresConnectionString is not { } database)
                throw new ArgumentException("--cluster needs --db: every node shares one PostgreSQL database");
            cluster = new ClusterSettings
            {
                ConnectionString = database,
                SiloPort = options.SiloPort,
                GatewayPort = options.GatewayPort,
                AdvertisedAddress = options.NodeAddress,
                Url = options.Urls.Split(';')[0],
                SnapshotEvery = options.SnapshotEvery,
                RequireCredit = options.RequireCredit,
                Engine = options.Engine,
            };
            await ClusterHosting.PrepareDatabaseAsync(cluster, cancellationToken);
        }
        var store = await ExchangeStore.OpenAsync(options.Store, cancellationToken);
        var clock = options.Clock;
        // Made now so the operator sees it at once; journaled (by its hash) once the market is up (ExchangeHost).
        var secret = await Bootstrap.PrepareAsync(store, options.DataDirectory, clock, cancellationToken);
        if (secret is not null)
        {
            announce($"admin token (shown once, also in {Path.Combine(options.DataDirectory, "admin.token")}): {secret}");
        }
        // --demo without an identity provider of its own: the development one, in-process on loopback, with the demo people.
        DevelopmentIdentityProvider? demoPeople = null;
        if (options.Demo && options.Oidc is null)
        {
            demoPeople = await DevelopmentIdentityProvider.StartAsync(new DevelopmentIdentityProviderOptions { Port = options.DemoIdentityPort }, cancellationToken);
            options = options with { Oidc = new OidcSettings(demoPeople.Issuer, demoPeople.Audience, demoPeople.ClientId) };
            announce($"demo identity provider at {demoPeople.Issuer}: sign in on the dashboard as alice@microsoft (trader), bob@microsoft (approver), … password '{DemoPeople.Password}' (README lists them)");
        }
        // The key that signs the journal's heads, beside the admin token and never in the store (also with --db: a cluster's nodes share one key file).
        var signingKey = JournalSigningKey.Ensure(options.DataDirectory);

        // The entry assembly names the static web assets manifest (Blazor's and MudBlazor's files) built beside it.
        var application = System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name ?? typeof(ExchangeServer).Assembly.GetName().Name;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = application });
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = PostBody.MaxBodyBytes;
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // Keys live beside the data, readable by the server's user only; the warning about unencrypted keys is noise here.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        builder.AddOperations(options);
        if (options.LogSink is { } sink) builder.Logging.AddProvider(sink);

        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddDashboard(peopleSignIn: options.Oidc is not null);
        // The key ring (the dashboard's antiforgery tokens, the webhook secrets in the store) beside the admin token, 0700.
        var keys = Path.Combine(options.DataDirectory, "keys");
        StoreFiles.PrivateDirectory(keys);
        builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(keys)).SetApplicationName("neocloud-exchange");
        builder.Services.AddSingleton(options);
        builder.Services.AddExchangeCore(store, clock, new WebhookPolicy(options.WebhookAllowHosts, options.WebhookRetryFor));
        builder.Services.AddSingleton(signingKey);
        builder.Services.AddSingleton<JournalAnchor>();
        if (cluster is null)
        {
            // One machine: every market group in one in-process shard over the store.
            builder.Services.AddExchangeLocalMarket(options.SnapshotEvery, options.Urls.Split(';')[0], options.RequireCredit, options.Engine);
        }
        else
        {
            builder.AddExchangeCluster(cluster);
        }
        // Registered after the silo (in a cluster), so the market is up before the seed and the web front end start.
        builder.Services.AddHostedService<ExchangeHost>();
        // After the exchange host, so the market is up before standing procurements start buying.
        builder.Services.AddHostedService<ProcurementHost>();
        builder.Services.AddHostedService<EventsHost>();
        builder.Services.AddSingleton<WebhookSender>();
        builder.Services.AddSingleton(new WebhookTestGate(options.WebhookTestsPerOrganization, options.WebhookTestsInFlight));
        builder.Services.AddSingleton<Exchange.Webhooks.IWebhookTester, WebhookTester>();
        builder.Services.AddHostedService<WebhookDelivery>();
        if (options.Demo)
        {
            builder.Services.AddExchangeDemoTraders();
            builder.Services.AddHostedService<DemoTradersHost>();
        }
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi(openApi => openApi.AddExchangeConventions());
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = ApiResponse.JsonOptions.PropertyNamingPolicy;
            foreach (var converter in ApiResponse.JsonOptions.Converters) json.SerializerOptions.Converters.Add(converter);
        });
        builder.Services.AddExchangeAuthentication(options.Oidc);
        builder.Services.AddAuthorizationBuilder().AddPermissions();
        builder.Services.AddSingleton<IAuthorizationHandler, PermissionPolicies.Handler>();
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, AuthorizationProblems>();
        var rateLimits = PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            var (key, perSecond, burst) = RateLimitOf(context.User, context.Connection.RemoteIpAddress, options);
            return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst,
                TokensPerPeriod = perSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = rateLimits;
            limiter.OnRejected = (rejected, ct) => new ValueTask(TooManyRequestsAsync(rejected.HttpContext,
                rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1, options));
        });

        var app = builder.Build();
        // Webhook secrets are kept encrypted with the key ring, which is not in the store; an older store's are encrypted now.
        await store.ProtectWebhookSecretsAsync(new WebhookSecretProtector(app.Services.GetRequiredService<IDataProtectionProvider>()), cancellationToken);
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = async context =>
            {
                // A bug, not bad input: log it, answer 500 as a problem, and never leak the exception.
                var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
                if (error is ShardStoppedException stopped)
                {
                    // A shard moving between nodes (or the server stopping): nothing was applied, so a retry is safe.
                    context.Response.Headers.RetryAfter = "1";
                    await Answers.Problem(new Failure(FailureKind.Unavailable, "Service unavailable", stopped.Message)).ToResult().ExecuteAsync(context);
                    return;
                }
                if (error is BadHttpRequestException bad)
                {
                    // The client's fault, found by Kestrel while the body was read (too slow: 408; cut short: 400).
                    await ApiResponse.Problem(bad.StatusCode, bad.StatusCode == StatusCodes.Status408RequestTimeout ? "Request timeout" : "Bad request", bad.Message)
                        .ToResult().ExecuteAsync(context);
                    return;
                }
                app.Logger.LogError(error, "unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
                await ApiResponse.Problem(500, "Internal error", "the server failed; the request was not applied").ToResult().ExecuteAsync(context);
            },
            // A request the client broke off or sent too slowly is answered (or dropped) without an error in the log.
            SuppressDiagnosticsCallback = failed => failed.Exception is BadHttpRequestException,
        });
        app.UseStatusCodePages(async status =>
        {
            var response = status.HttpContext.Response;
            if (response.HasStarted || response.ContentLength > 0 || response.ContentType is not null) return;
            var title = response.StatusCode switch
            {
                404 => "Not found",
                405 => "Method not allowed",
                _ => "Error",
            };
            await ApiResponse.Problem(response.StatusCode, title, $"{status.HttpContext.Request.Method} {status.HttpContext.Request.Path} answered {response.StatusCode}")
                .ToResult().ExecuteAsync(status.HttpContext);
        });
        app.UseReadinessGate();
        // Before authentication: an address that used up its budget of requests without a working token gets 429 before
        // its next token is looked up, so a flood of made-up tokens costs neither store reads nor memory.
        app.Use(async (context, next) =>
        {
            // Whole permits left (the bucket refills continuously, so a zero-permit probe would pass on a fraction of one).
            if (rateLimits.GetStatistics(context) is not { CurrentAvailablePermits: < 1 })
            {
                await next(context);
                return;
            }
            await TooManyRequestsAsync(context, retryAfter: 1, options);
        });
        app.UseAuthentication();
        // Every journal row a request causes names who made it (DESIGN.md "One ledger"). Not an async method: the actor
        // flows into the rest of the pipeline's awaits from here, and is restored for the connection when it returns.
        app.Use((context, next) =>
        {
            if (context.User.Actor() is not { } actor) return next(context);
            using (Acting.As(actor)) return next(context);
        });
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference("/docs", docs => docs.WithTitle("Neocloud Exchange API")).AllowAnonymous();
        app.MapOperations(options);
        if (options.Oidc is not null) app.MapPeopleSignIn();

        var api = app.MapGroup("/api/v1").WithPostPrelude();
        api.MapGet("/me", (HttpContext context) => ApiResponse.Of(200, MeView.Of(context.User)).ToResult())
            .RequireAuthorization().WithTags("Me").WithName("GetMe").WithSummary("Who is calling: the person (its name and roles) or the token (its scopes), and its organization").Produces<MeView>();
        api.MapCatalogApi();
        api.MapPoolsApi();
        api.MapOrdersApi();
        api.MapMarketDataApi();
        api.MapDealsApi();
        api.MapIndicesApi();
        api.MapOfftakeApi();
        api.MapBookApi();
        api.MapPlanningApi();
        api.MapProcurementsApi();
        api.MapAdminApi();
        api.MapAccountsApi();
        api.MapApprovalsApi();
        api.MapAlertsApi();
        api.MapAuditApi();
        api.MapJournalHeadApi();
        api.MapEventsApi();
        api.MapWebhooksApi();
        api.MapGet("/cluster", async (ITopology topology, CancellationToken ct) => ApiResponse.Of(200, await topology.DescribeAsync(ct)).ToResult())
            .RequireAuthorization(Permissions.Operator.Name).WithTags("Admin").WithName("GetCluster")
            .WithSummary("The nodes, and which node hosts each market group's shard now (its epoch and journal sequence)")
            .Produces<TopologyView>();

        // The dashboard, where its static files were built (the neocloud executable; not a unit-test host).
        var manifest = Path.Combine(AppContext.BaseDirectory, $"{application}.staticwebassets.endpoints.json");
        if (File.Exists(manifest))
        {
            app.MapStaticAssets(manifest).AllowAnonymous();
            app.MapDashboard().AllowAnonymous();
        }

        app.Lifetime.ApplicationStopped.Register(rateLimits.Dispose);
        if (demoPeople is not null) app.Lifetime.ApplicationStopped.Register(() => demoPeople.DisposeAsync().AsTask().GetAwaiter().GetResult());
        app.Lifetime.ApplicationStopped.Register(() => store.DisposeAsync().AsTask().GetAwaiter().GetResult());
        return app;
    }

    /// <summary>
    /// The caller's rate-limit bucket: the organization's own, shared by its tokens, when the admin set one (its value is
    /// in the key, so a change starts a fresh bucket); otherwise one per token at the server's default; and for a request
    /// without a working token (and for every request, peeked at before authentication) its client address's.
    /// </summary>
    private static (string Key, int PerSecond, int Burst) RateLimitOf(System.Security.Claims.ClaimsPrincipal user, System.Net.IPAddress? address, ServerOptions options)
    {
        if (user.Identity?.IsAuthenticated != true) return ("ip:" + address, options.AddressRateLimitPerSecond, options.AddressRateLimitBurst);
        if (user.OrganizationRateLimit() is not { } limit) return (user.CallerKey(), options.RateLimitPerSecond, options.RateLimitBurst);
        var perSecond = (int)Math.Min(limit, int.MaxValue / 2);
        return ($"org:{user.OrganizationId()}:{perSecond}", perSecond, perSecond * 2);
    }

    /// <summary>Answers 429 with <c>Retry-After</c> and a problem naming the bucket that ran dry.</summary>
    private static async Task TooManyRequestsAsync(HttpContext context, int retryAfter, ServerOptions options)
    {
        context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var user = context.User;
        var who = user.Identity?.IsAuthenticated != true
            ? $"this address made more than {options.AddressRateLimitPerSecond} requests a second without a working token"
            : user.OrganizationRateLimit() is { } limit
                ? $"organization '{user.OrganizationId()}' made more than {limit} requests a second (its limit, shared by its tokens)"
                : user.IsPerson()
                    ? $"this person made more than {options.RateLimitPerSecond} requests a second"
                    : $"this token made more than {options.RateLimitPerSecond} requests a second";
        var problem = ApiResponse.Problem(StatusCodes.Status429TooManyRequests, "Too many requests", $"{who}; retry after {retryAfter} s");
        await problem.ToResult().ExecuteAsync(context);
    }
}
