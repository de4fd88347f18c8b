using Neocloud.Exchange.Shard;
using Neocloud.Server.Http;
using Neocloud.Storage;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Neocloud.Server.Hosting;

/// <summary>
/// What an operator watches: <c>/healthz</c> (the process answers), <c>/readyz</c> (the market is recovered and the store
/// answers), <c>/metrics</c> (Prometheus text: the core's <c>neocloud_*</c> instruments and ASP.NET Core's), traces over
/// OTLP when an endpoint is given, and console logs as text or JSON. None of these is part of the API: they take no
/// token and stay out of the OpenAPI document.
/// </summary>
public static class Operations
{
    /// <summary>The name traces and metrics carry as <c>service.name</c>.</summary>
    public const string ServiceName = "neocloud-exchange";

    /// <summary>Sets up the console log format, and OpenTelemetry's metrics and traces as the options ask.</summary>
    public static void AddOperations(this WebApplicationBuilder builder, ServerOptions options)
    {
        builder.Services.AddSingleton<ExchangeReadiness>();
        if (options.LogFormat == LogFormat.Json)
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(json =>
            {
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        // The lines an operator wants at start (recovered, ready) are information; everything else stays at warning.
        builder.Logging.AddFilter(typeof(ExchangeHost).FullName, LogLevel.Information);
        builder.Logging.AddFilter(typeof(MarketShard).FullName, LogLevel.Information);

        if (!options.Metrics && options.OtlpEndpoint is null) return;
        var telemetry = builder.Services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService(ServiceName));
        if (options.Metrics)
        {
            // Of ASP.NET Core's meters only requests (duration by route and status, active) and Kestrel's connections:
            // the others (memory pool, authentication, authorization, rate limiting, routing) record several
            // measurements per request, a cost on the hot path for little an operator reads.
            telemetry.WithMetrics(metrics => metrics
                .AddMeter(ExchangeTelemetry.Name, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
                .AddPrometheusExporter());
        }
        if (options.OtlpEndpoint is { } endpoint)
        {
            telemetry.WithTracing(tracing => tracing
                // A share of the requests, and every request whose caller sent a sampled trace (traceparent flag 01).
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.TraceSampleRatio)))
                .AddSource(ExchangeTelemetry.Name)
                .AddAspNetCoreInstrumentation(http => http.Filter = context => !IsOperational(context.Request.Path))
                .AddOtlpExporter(otlp =>
                {
                    otlp.Endpoint = endpoint;
                    // A collector's HTTP receiver takes the full path; anything else is its gRPC receiver (port 4317).
                    otlp.Protocol = endpoint.AbsolutePath.EndsWith("/v1/traces", StringComparison.Ordinal) ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                }));
        }
    }

    /// <summary>
    /// Answers API requests with 503 (a problem document with <c>Retry-After</c>) until the market is recovered, rather
    /// than let them wait on a shard that is not running yet.
    /// </summary>
    public static void UseReadinessGate(this WebApplication app)
    {
        var readiness = app.Services.GetRequiredService<ExchangeReadiness>();
        app.Use(async (context, next) =>
        {
            if (readiness.IsRecovered || !context.Request.Path.StartsWithSegments("/api"))
            {
                await next(context);
                return;
            }
            context.Response.Headers.RetryAfter = "1";
            await ApiResponse.Problem(StatusCodes.Status503ServiceUnavailable, "Service unavailable",
                "the exchange is starting: it is recovering the market from its journal; retry shortly").ToResult().ExecuteAsync(context);
        });
    }

    /// <summary>Maps <c>/healthz</c>, <c>/readyz</c> and (unless metrics are off) <c>/metrics</c>, anonymous and outside the OpenAPI document.</summary>
    public static void MapOperations(this WebApplication app, ServerOptions options)
    {
        app.MapGet("/healthz", () => Results.Text("ok")).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/readyz", ReadyAsync).AllowAnonymous().ExcludeFromDescription();
        if (options.Metrics) app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous().ExcludeFromDescription();
    }

    private static async Task<IResult> ReadyAsync(ExchangeReadiness readiness, ExchangeStore store, CancellationToken cancellationToken)
    {
        if (!readiness.IsRecovered) return Results.Text("recovering the market\n", statusCode: StatusCodes.Status503ServiceUnavailable);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            if (await store.PingAsync(timeout.Token)) return Results.Text("ready\n");
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException or OperationCanceledException)
        {
            // The store does not answer: not ready, whatever the reason; the probe asks again.
        }
        return Results.Text("the store does not answer\n", statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static bool IsOperational(PathString path) =>
        path.StartsWithSegments("/metrics") || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz");
}
