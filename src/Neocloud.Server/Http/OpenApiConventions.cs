using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Neocloud.Domain.Time;

namespace Neocloud.Server.Http;

/// <summary>
/// What the generated OpenAPI document says beyond the endpoints themselves, so that client generators and linters can
/// work from it: the bearer-token security every operation needs, an operation id per handler, the problem documents the
/// API answers with, the server without a trailing slash, tag descriptions and the licence, enums typed as the strings they are, whole numbers as numbers only and
/// decimals as decimals; and every hour field (a body's
/// <see cref="Hour"/>, a query's <see cref="HourQuery"/>) as an integer hour or an RFC 3339 whole-hour time.
/// </summary>
public static class OpenApiConventions
{
    private const string BearerScheme = "bearer";
    private const string ProblemSchema = "Problem";
    private const string EventStream = "text/event-stream";

    private static readonly Dictionary<string, string> s_tags = new()
    {
        ["Me"] = "Who a token belongs to",
        ["Catalog"] = "Reference data: GPU SKUs, providers, buyers, sites and public deals",
        ["Pools"] = "GPU pools and their capacity over time",
        ["Orders"] = "An organization's bids and asks, its trades and spot contracts",
        ["Market data"] = "Public, anonymous market data: book, trades, quotes, daily index",
        ["Deals"] = "Deal economics: cash flows, NPV, IRR, lease vs build",
        ["Indices"] = "Price indices escalators follow: uploaded monthly series, and the exchange's monthly VWAP of a SKU",
        ["RFQs"] = "Requests for quotes for long-term capacity, sealed offers and awards",
        ["Offtake contracts"] = "Offtake contracts: tranches, deliveries, invoices, SLA, termination",
        ["Planning"] = "The buyer's least-cost capacity plan",
        ["Procurement"] = "Standing procurements: keep N GPUs held for the next H hours, bought in blocks as time passes",
        ["Admin"] = "Organizations, API tokens, the cluster, and the journal's signed heads",
        ["Events"] = "Your organization's events, in sequence order: a page at a time, long-polled, or streamed",
        ["Webhooks"] = "Your organization's events pushed to your HTTPS endpoints, signed, in sequence order, retried for a day",
    };

    /// <summary>Adds the conventions to the OpenAPI options.</summary>
    public static OpenApiOptions AddExchangeConventions(this OpenApiOptions options)
    {
        // Free-form JSON (an event's data) is any value, inline: as a component named JsonElement, a generated client
        // gets a class of that name, which clashes with System.Text.Json's in every file that uses both.
        // So is a free-form object (a preset scenario).
        options.CreateSchemaReferenceId = type =>
            (Nullable.GetUnderlyingType(type.Type) ?? type.Type) is var plain && (plain == typeof(System.Text.Json.JsonElement) || plain == typeof(System.Text.Json.Nodes.JsonObject))
                ? null
                : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
        options.AddOperationTransformer(async (operation, context, cancellationToken) =>
        {
            // The handler's name is the operation's id (PlaceBidAsync → PlaceBid); lambdas name theirs with WithName.
            if (operation.OperationId is null
                && context.Description.ActionDescriptor.EndpointMetadata.OfType<MethodInfo>().FirstOrDefault() is { } method
                && !method.IsDefined(typeof(CompilerGeneratedAttribute)) && !method.Name.Contains('<', StringComparison.Ordinal))
            {
                operation.OperationId = method.Name.EndsWith("Async", StringComparison.Ordinal) ? method.Name[..^"Async".Length] : method.Name;
            }
            // A query-string hour or number binds as text (so that a bad one is a problem naming it); say what it is.
            foreach (var query in context.Description.ParameterDescriptions)
            {
                var type = Nullable.GetUnderlyingType(query.Type) ?? query.Type;
                if (type != typeof(HourQuery) && type != typeof(WholeQuery) && type != typeof(NumberQuery)) continue;
                if (operation.Parameters?.OfType<OpenApiParameter>().FirstOrDefault(p => p.Name == query.Name) is not { } parameter) continue;
                var schema = new OpenApiSchema();
                if (type == typeof(HourQuery)) DescribeHour(schema);
                else if (type == typeof(NumberQuery)) (schema.Type, schema.Format) = (JsonSchemaType.Number, "double");
                else (schema.Type, schema.Format) = (JsonSchemaType.Integer, "int64");
                parameter.Schema = schema;
            }
            // Server-Sent Events (Produces without a type, which the generator leaves without content) are text read as it comes.
            foreach (var produces in context.Description.ActionDescriptor.EndpointMetadata.OfType<Microsoft.AspNetCore.Http.Metadata.IProducesResponseTypeMetadata>())
            {
                if (!produces.ContentTypes.Contains(EventStream)
                    || operation.Responses?.TryGetValue(produces.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture), out var streamed) != true
                    || streamed is not OpenApiResponse stream) continue;
                stream.Content = new Dictionary<string, OpenApiMediaType>
                {
                    [EventStream] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", Description = "Server-Sent Events, read as they come" } },
                };
            }
            // An answer whose shape depends on the caller is one of its shapes.
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<AnswersOneOf>().FirstOrDefault() is { } answers
                && operation.Responses?.TryGetValue(answers.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var answer) == true
                && answer is OpenApiResponse response)
            {
                var shapes = new List<IOpenApiSchema>();
                foreach (var type in answers.Types) shapes.Add(Referenced(await context.GetOrCreateSchemaAsync(type, cancellationToken: cancellationToken), context.Document!));
                response.Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = new OpenApiSchema { OneOf = shapes } } };
            }
        });
        options.AddSchemaTransformer((schema, context, _) =>
        {
            var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
            // A body's hour field is typed Hour in the documented body records (the readers take text or a number).
            if (type == typeof(Hour)) DescribeHour(schema);
            // A calendar month is written "2026-03" (its JSON converter); say so, or a generated client expects an object.
            if (type == typeof(CalendarMonth)) (schema.Type, schema.Pattern) = (JsonSchemaType.String, "^[0-9]{4}-(0[1-9]|1[0-2])$");
            // The body readers (JsonFields) take a whole number only as a JSON number, not as the web defaults' numeric text.
            if (schema.Type is { } kinds && kinds.HasFlag(JsonSchemaType.Integer) && kinds.HasFlag(JsonSchemaType.String))
            {
                schema.Type = kinds & ~JsonSchemaType.String;
                schema.Pattern = null;
            }
            // Money and fractions are decimals (a number, or its text): say so, or a generated client rounds them through double.
            if (type == typeof(decimal) && schema.Format == "double") schema.Format = "decimal";
            // A decimal's default (a record's optional parameter) is number-or-text, which a generated client writes as text: leave it out.
            if (type == typeof(decimal)) schema.Default = null;
            // Enums are written as strings (JsonStringEnumConverter); say so, or a generated client reads them as numbers.
            // A nullable enum's values include null, which its properties already allow (oneOf null): the enum is its strings.
            if (schema.Type is null && schema.Enum is { Count: > 0 } values && values.All(v => v is null || v.GetValueKind() == System.Text.Json.JsonValueKind.String))
            {
                schema.Type = JsonSchemaType.String;
                schema.Enum = values.Where(v => v is not null).ToList();
            }
            return Task.CompletedTask;
        });
        options.AddDocumentTransformer((document, context, _) =>
        {
            // The default title is the host's assembly name (neocloud, or testhost under a test): name the API instead.
            document.Info.Title = "Neocloud Exchange API";
            document.Info.License = new OpenApiLicense { Name = "Proprietary: Neocloud Exchange" };
            foreach (var server in document.Servers ?? []) server.Url = server.Url?.TrimEnd('/');
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API token (nc_…) from an administrator: Authorization: Bearer <token>",
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }];
            document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
            document.Components.Schemas[ProblemSchema] = Problem();
            document.Tags = new HashSet<OpenApiTag>(s_tags.Select(t => new OpenApiTag { Name = t.Key, Description = t.Value }));
            foreach (var path in document.Paths.Values)
            {
                foreach (var (method, operation) in path.Operations ?? [])
                {
                    operation.Responses ??= new OpenApiResponses();
                    foreach (var (status, description) in ProblemsOf(method))
                        operation.Responses.TryAdd(status, ProblemResponse(document, description));
                }
            }
            return Task.CompletedTask;
        });
        return options;
    }

    /// <summary>Says that an endpoint's <paramref name="status"/> answer is one of <paramref name="types"/>, which one depending on the caller.</summary>
    public static RouteHandlerBuilder ProducesOneOf(this RouteHandlerBuilder endpoint, int status, params Type[] types) =>
        endpoint.WithMetadata(new AnswersOneOf(status, types)).Produces(status);

    /// <summary>
    /// <paramref name="schema"/> with every named type in it (the generator inlines them here) as a reference to its component,
    /// added when missing: a generated client then reads the shapes as the classes every other answer uses.
    /// </summary>
    private static IOpenApiSchema Referenced(IOpenApiSchema schema, OpenApiDocument document)
    {
        if (schema is not OpenApiSchema inline) return schema;
        if (inline.Metadata?.TryGetValue("x-schema-id", out var value) == true && value is string id && id.Length > 0)
        {
            document.Components ??= new OpenApiComponents();
            document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
            if (!document.Components.Schemas.ContainsKey(id))
            {
                document.Components.Schemas[id] = inline;
                ReferenceChildren(inline, document);
            }
            return new OpenApiSchemaReference(id, document);
        }
        ReferenceChildren(inline, document);
        return inline;
    }

    private static void ReferenceChildren(OpenApiSchema schema, OpenApiDocument document)
    {
        if (schema.Items is { } items) schema.Items = Referenced(items, document);
        if (schema.AdditionalProperties is { } values) schema.AdditionalProperties = Referenced(values, document);
        foreach (var name in schema.Properties?.Keys.ToList() ?? []) schema.Properties![name] = Referenced(schema.Properties[name], document);
        for (var i = 0; i < (schema.OneOf?.Count ?? 0); i++) schema.OneOf![i] = Referenced(schema.OneOf[i], document);
        for (var i = 0; i < (schema.AnyOf?.Count ?? 0); i++) schema.AnyOf![i] = Referenced(schema.AnyOf[i], document);
    }

    /// <summary>The metadata <see cref="ProducesOneOf"/> leaves on an endpoint.</summary>
    private sealed record AnswersOneOf(int Status, Type[] Types);

    /// <summary>The problems every operation of a method may answer with.</summary>
    private static IEnumerable<(string Status, string Description)> ProblemsOf(HttpMethod method)
    {
        yield return ("400", "A field is not valid (errors names it)");
        yield return ("401", "No token, or an unknown or revoked one");
        yield return ("403", "The token lacks the scope, or the caller is not the party who may do this");
        yield return ("404", "No such thing that the caller may see");
        if (method != HttpMethod.Get)
        {
            yield return ("409", "Not allowed in the thing's present state");
            yield return ("413", "The body is larger than 1 MiB");
            yield return ("415", "The body is not JSON");
            yield return ("422", "Refused by a rule of the market or the contract, or an Idempotency-Key reused for another request");
            yield return ("503", "The command could not be stored and was not applied: retry it with the same Idempotency-Key");
        }
        yield return ("429", "Over the token's rate; retry after Retry-After seconds");
    }

    private static OpenApiResponse ProblemResponse(OpenApiDocument document, string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, document) },
        },
    };

    /// <summary>An hour field: an integer hour, or an RFC 3339 UTC time on a whole hour.</summary>
    private static void DescribeHour(OpenApiSchema schema)
    {
        schema.Type = null;
        schema.Format = null;
        schema.Properties = null;
        schema.Required = null;
        schema.Description = $"An hour: {HourText.Expected}. Answers carry both: the integer field (start) and its text sibling (startsAt).";
        schema.OneOf =
        [
            new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "0", Description = "Hours since 1970-01-01T00:00Z (unix seconds / 3600)" },
            new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Format = "date-time",
                Pattern = @"^\d{4}-\d{2}-\d{2}T\d{2}:00(:00(\.0+)?)?(Z|\+00:00)$",
                Description = "An RFC 3339 UTC time on a whole hour, e.g. 2027-01-01T00:00:00Z",
            },
        ];
    }

    private static OpenApiSchema Problem() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "An RFC 9457 problem document",
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "The bad fields, each with its messages",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
        },
    };
}
