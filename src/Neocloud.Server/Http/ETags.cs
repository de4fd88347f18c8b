using System.Security.Cryptography;
using System.Text;

namespace Neocloud.Server.Http;

/// <summary>Conditional GETs: a strong ETag from the response's bytes, and 304 when the client already has them.</summary>
public static class ETags
{
    /// <summary>Answers with the JSON and its ETag, or 304 Not Modified when If-None-Match matches.</summary>
    public static IResult Respond(HttpContext context, ApiResponse response)
    {
        var tag = "\"" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(response.Json)))[..32] + "\"";
        context.Response.Headers.ETag = tag;
        context.Response.Headers.CacheControl = "private, no-cache";
        var match = context.Request.Headers.IfNoneMatch;
        if (match.Count > 0 && match.Any(m => m is not null && (m == "*" || m.Split(',').Select(t => t.Trim()).Contains(tag))))
            return Results.StatusCode(StatusCodes.Status304NotModified);
        return response.ToResult();
    }
}
