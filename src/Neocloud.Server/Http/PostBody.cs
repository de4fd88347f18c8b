using System.Buffers;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Neocloud.Domain.Input;
using Neocloud.Exchange.Outcomes;
using Neocloud.Server.Auth;

namespace Neocloud.Server.Http;

/// <summary>
/// A POST's prelude, written once: at most 1 MiB of JSON, its Idempotency-Key checked and looked up. A handler takes
/// a <see cref="PostBody"/> parameter and reads <see cref="Fields"/>; when the request is already answered — a bad
/// body or key, or the stored answer to a retried key — <see cref="PostPrelude"/> sends that answer and the handler
/// never runs.
/// </summary>
public sealed class PostBody : IDisposable
{
    /// <summary>The largest accepted body.</summary>
    public const int MaxBodyBytes = 1 << 20;

    /// <summary>The longest accepted Idempotency-Key.</summary>
    public const int MaxKeyLength = 200;

    private readonly JsonDocument? _document;

    private PostBody(JsonDocument? document, IdempotencyKey? key, ApiResponse? answer, bool replayed)
    {
        _document = document;
        IdempotencyKey = key;
        Answer = answer;
        Replayed = replayed;
        Fields = JsonFields.Of(document?.RootElement ?? default);
    }

    /// <summary>The body's fields, to be read strictly (each read names its field when it is bad).</summary>
    public JsonFields Fields { get; }

    /// <summary>The body as JSON text (for readers that take a whole document, such as deal and scenario files).</summary>
    public string Text => _document?.RootElement.GetRawText() ?? "{}";

    /// <summary>The request's idempotency key and hash, or null without one.</summary>
    public IdempotencyKey? IdempotencyKey { get; }

    /// <summary>The answer when the request is already handled: a problem, or the first answer to a retried key.</summary>
    public ApiResponse? Answer { get; }

    /// <summary>True when <see cref="Answer"/> is a stored answer being replayed.</summary>
    public bool Replayed { get; }

    /// <summary>Reads the body and the key; minimal APIs call this to bind a <see cref="PostBody"/> parameter.</summary>
    public static async ValueTask<PostBody?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        var services = context.RequestServices;
        var optional = context.GetEndpoint()?.Metadata.GetMetadata<OptionalBody>() is not null;
        return await ReadAsync(context, services.GetRequiredService<StoredAnswers>(), optional);
    }

    private static async Task<PostBody> ReadAsync(HttpContext context, StoredAnswers answers, bool optional)
    {
        var bytes = await ReadBytesAsync(context);
        if (bytes is null)
            return Answered(ApiResponse.Problem(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"the request body must be at most {MaxBodyBytes} bytes"));

        IdempotencyKey? key = null;
        if (context.Request.Headers.TryGetValue("Idempotency-Key", out var keys))
        {
            var text = keys.ToString();
            if (text.Length is 0 or > MaxKeyLength || keys.Count != 1)
                return Answered(Answers.Problem(Failure.Invalid("Idempotency-Key", $"must be one value of 1 to {MaxKeyLength} characters")));
            var organization = context.User.OrganizationId();
            var hash = RequestHash(context.Request, bytes);
            var prior = await answers.FindAsync(organization, text, context.RequestAborted);
            if (prior is { StatusCode: 0 } pending && pending.RequestHash == hash)
            {
                // A cluster shard applied this request but the node that took it stopped before storing its answer:
                // the handler answers from the outcome the shard kept, applying nothing again.
                key = new IdempotencyKey(organization, text, hash, pending.Response);
            }
            else if (prior is not null)
            {
                return prior.RequestHash == hash
                    ? new PostBody(null, null, new ApiResponse((int)prior.StatusCode, prior.Response), replayed: true)
                    : Answered(Answers.Problem(Failure.KeyReused));
            }
            else
            {
                key = new IdempotencyKey(organization, text, hash);
            }
        }

        if (bytes.Length == 0)
        {
            if (optional) return new PostBody(JsonDocument.Parse("{}"), key, null, false);
            return Answered(ApiResponse.Problem(StatusCodes.Status400BadRequest, "Missing body", "the request needs a JSON body"));
        }
        var contentType = context.Request.ContentType ?? "";
        if (!contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) && !contentType.Contains("+json", StringComparison.OrdinalIgnoreCase))
            return Answered(ApiResponse.Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "send the body as Content-Type: application/json"));
        try
        {
            var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 32 });
            // The parser keeps a field named twice (the last wins) and strings that are not Unicode text (reading one
            // throws): refuse both here, naming the field, so that no handler sees them.
            if (StrictJson.Check(document.RootElement) is { IsEmpty: false } malformed)
            {
                document.Dispose();
                return Answered(Answers.Problem(Failure.Invalid(malformed)));
            }
            var body = new PostBody(document, key, null, false);
            context.Response.RegisterForDispose(body);
            return body;
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, position {e.BytePositionInLine + 1}" : "";
            return Answered(ApiResponse.Problem(StatusCodes.Status400BadRequest, "Malformed JSON", $"the body is not valid JSON{where}"));
        }
    }

    public void Dispose() => _document?.Dispose();

    private static PostBody Answered(ApiResponse problem) => new(null, null, problem, replayed: false);

    /// <summary>
    /// The whole body, or null when it is larger than <see cref="MaxBodyBytes"/>. Read through the request's pipe and
    /// copied out as it arrives (so the pipe's buffer limits never hold it back): with a Content-Length the only array
    /// allocated is the body's own; a chunked body grows one array and is trimmed at the end.
    /// </summary>
    private static async Task<byte[]?> ReadBytesAsync(HttpContext context)
    {
        var length = context.Request.ContentLength;
        if (length > MaxBodyBytes) return null;
        var reader = context.Request.BodyReader;
        var bytes = new byte[length ?? 256];
        var written = 0;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(context.RequestAborted);
                var arrived = result.Buffer;
                if (written + arrived.Length > MaxBodyBytes)
                {
                    reader.AdvanceTo(arrived.End);
                    return null;
                }
                if (written + arrived.Length > bytes.Length) Array.Resize(ref bytes, (int)Math.Max(bytes.Length * 2L, written + arrived.Length));
                arrived.CopyTo(bytes.AsSpan(written));
                written += (int)arrived.Length;
                reader.AdvanceTo(arrived.End);
                if (result.IsCompleted) return written == bytes.Length ? bytes : bytes[..written];
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
    }

    private static string RequestHash(HttpRequest request, byte[] body)
    {
        var head = Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n");
        return Convert.ToHexStringLower(SHA256.HashData([.. head, .. body]));
    }
}

/// <summary>Marks an endpoint whose POST body may be empty (read as <c>{}</c>).</summary>
public sealed class OptionalBody;

/// <summary>
/// The endpoint filter that ends a POST whose <see cref="PostBody"/> is already answered (bad body or key, or a
/// retried key's stored answer), so handlers only see requests still to be handled.
/// </summary>
public static class PostPrelude
{
    /// <summary>Adds the filter to every endpoint of the group that takes a <see cref="PostBody"/>.</summary>
    public static TBuilder WithPostPrelude<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory((factory, next) =>
        {
            var index = Array.FindIndex(factory.MethodInfo.GetParameters(), p => p.ParameterType == typeof(PostBody));
            if (index < 0) return next;
            return async invocation =>
            {
                var body = invocation.GetArgument<PostBody>(index);
                return body.Answer is { } answer ? answer.ToResult(body.Replayed) : await next(invocation);
            };
        });

    /// <summary>Lets this POST's body be empty.</summary>
    public static RouteHandlerBuilder AllowEmptyBody(this RouteHandlerBuilder builder) => builder.WithMetadata(new OptionalBody());
}
