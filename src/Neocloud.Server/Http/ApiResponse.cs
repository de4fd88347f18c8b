using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace Neocloud.Server.Http;

/// <summary>
/// A response as a status and a JSON body, serialized once: what the endpoint returns and what an Idempotency-Key
/// record stores, so that a retry gets exactly the first answer.
/// </summary>
public sealed record ApiResponse(int Status, string Json)
{
    /// <summary>The JSON conventions of the API: camelCase, enums as strings.</summary>
    public static readonly JsonSerializerOptions JsonOptions = Neocloud.Exchange.Events.ApiJson.Options;

    /// <summary>A success response with <paramref name="body"/> serialized.</summary>
    public static ApiResponse Of<T>(int status, T body) => new(status, JsonSerializer.Serialize(body, JsonOptions));

    /// <summary>An RFC 9457 problem.</summary>
    public static ApiResponse Problem(int status, string title, string detail, IDictionary<string, string[]>? errors = null)
    {
        var problem = errors is null
            ? new ProblemDetails { Status = status, Title = title, Detail = detail }
            : new ValidationProblemDetails(errors) { Status = status, Title = title, Detail = detail };
        problem.Type = $"https://www.rfc-editor.org/rfc/rfc9110#status-{status}";
        return new ApiResponse(status, JsonSerializer.Serialize(problem, problem.GetType(), JsonOptions));
    }

    /// <summary>As an ASP.NET Core result.</summary>
    public IResult ToResult(bool replayed = false) => new JsonTextResult(this, replayed);

    private sealed class JsonTextResult(ApiResponse response, bool replayed) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = response.Status;
            httpContext.Response.ContentType = response.Status >= 400 ? "application/problem+json" : "application/json";
            if (replayed) httpContext.Response.Headers["Idempotent-Replayed"] = "true";
            // Unavailable means not applied (or, in a cluster failing over, not known): retry shortly, with the same key.
            if (response.Status == StatusCodes.Status503ServiceUnavailable) httpContext.Response.Headers.RetryAfter = "1";
            await httpContext.Response.WriteAsync(response.Json, httpContext.RequestAborted);
        }
    }
}
