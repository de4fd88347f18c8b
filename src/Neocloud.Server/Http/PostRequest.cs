using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Neocloud.Server.Auth;
using Neocloud.Storage;

namespace Neocloud.Server.Http;

/// <summary>
/// A POST body read at the edge: at most 1 MiB of JSON, plus its Idempotency-Key. Either the body is ready to be
/// read field by field, or the request is already answered (a problem, or the stored answer to a retry).
/// </summary>
public sealed class PostRequest : IDisposable
{
    /// <summary>The largest accepted body.</summary>
    public const int MaxBodyBytes = 1 << 20;

    /// <summary>The longest accepted Idempotency-Key.</summary>
    public const int MaxKeyLength = 200;

    private PostRequest(JsonDocument? body, IdempotencyRecord? idempotency, ApiResponse? answer, bool replayed)
    {
        Body = body;
        Idempotency = idempotency;
        Answer = answer;
        Replayed = replayed;
    }

    /// <summary>The parsed body, when the request still needs handling.</summary>
    public JsonDocument? Body { get; }

    /// <summary>The record to store with this request's effect (status and response filled in later), or null without a key.</summary>
    public IdempotencyRecord? Idempotency { get; }

    /// <summary>The answer when the request is already handled: a problem, or the first answer to a retried key.</summary>
    public ApiResponse? Answer { get; }

    /// <summary>True when <see cref="Answer"/> is a stored answer being replayed.</summary>
    public bool Replayed { get; }

    /// <summary>The idempotency record to store for <paramref name="response"/>, or null without a key.</summary>
    public IdempotencyRecord? Record(ApiResponse response) =>
        Idempotency is null ? null : Idempotency with { StatusCode = response.Status, Response = response.Json };

    /// <summary>Reads and checks the body and the Idempotency-Key; looks up a previous answer for the key.</summary>
    public static async Task<PostRequest> ReadAsync(HttpContext context, ExchangeStore store, TimeProvider clock, bool requireBody = true)
    {
        var bytes = await ReadBodyAsync(context);
        if (bytes is null)
            return Answered(ApiResponse.Problem(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"the request body must be at most {MaxBodyBytes} bytes"));

        IdempotencyRecord? idempotency = null;
        if (context.Request.Headers.TryGetValue("Idempotency-Key", out var keys))
        {
            var key = keys.ToString();
            if (key.Length is 0 or > MaxKeyLength || keys.Count != 1)
                return Answered(ApiResponse.Invalid("Idempotency-Key", $"must be one value of 1 to {MaxKeyLength} characters"));
            var organization = context.User.OrganizationId();
            var hash = RequestHash(context.Request, bytes);
            var prior = await store.FindIdempotencyAsync(organization, key, context.RequestAborted);
            if (prior is not null)
            {
                return prior.RequestHash == hash
                    ? new PostRequest(null, null, new ApiResponse((int)prior.StatusCode, prior.Response), replayed: true)
                    : Answered(ApiResponse.Problem(StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused",
                        "this Idempotency-Key was used for a different request; use a new key for a new request"));
            }
            idempotency = new IdempotencyRecord(organization, key, hash, 0, "", clock.GetUtcNow().ToUnixTimeMilliseconds());
        }

        if (bytes.Length == 0)
        {
            if (!requireBody) return new PostRequest(JsonDocument.Parse("{}"), idempotency, null, false);
            return Answered(ApiResponse.Problem(StatusCodes.Status400BadRequest, "Missing body", "the request needs a JSON body"));
        }
        var contentType = context.Request.ContentType ?? "";
        if (!contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) && !contentType.Contains("+json", StringComparison.OrdinalIgnoreCase))
            return Answered(ApiResponse.Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "send the body as Content-Type: application/json"));
        try
        {
            var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 32 });
            return new PostRequest(document, idempotency, null, false);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, position {e.BytePositionInLine + 1}" : "";
            return Answered(ApiResponse.Problem(StatusCodes.Status400BadRequest, "Malformed JSON", $"the body is not valid JSON{where}"));
        }
    }

    public void Dispose() => Body?.Dispose();

    private static PostRequest Answered(ApiResponse problem) => new(null, null, problem, replayed: false);

    private static async Task<byte[]?> ReadBodyAsync(HttpContext context)
    {
        if (context.Request.ContentLength > MaxBodyBytes) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes) return null;
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
        return buffer.ToArray();
    }

    private static string RequestHash(HttpRequest request, byte[] body)
    {
        var head = Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n");
        return Convert.ToHexStringLower(SHA256.HashData([.. head, .. body]));
    }
}
