using System.Globalization;
using System.Security.Claims;
using Neocloud.Domain.Catalog;
using Neocloud.Domain.Input;
using Neocloud.Domain.Time;
using Neocloud.Economics.Escalation;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Indices;
using Neocloud.Exchange.Outcomes;
using Neocloud.Server.Auth;
using Neocloud.Server.Http;
using Neocloud.Storage;

namespace Neocloud.Server.Indices;

/// <summary>
/// <c>/api/v1/indices</c>: the price indices escalators follow (DESIGN.md "The contract book"). An administrator
/// uploads a series' monthly values by name; every authenticated caller reads them, and reads this exchange's own
/// monthly VWAP of a SKU as the index <c>exchange:{sku}</c> (names starting <c>exchange:</c> are reserved for it).
/// </summary>
public static class IndicesApi
{
    /// <summary>One month's value in an upload: the month (<c>yyyy-MM</c>) and a positive decimal (a JSON number or a numeric string).</summary>
    public sealed record PriceIndexValueBody(string Month, string Value);

    /// <summary>The body of POST /indices/{name}: up to 1,200 monthly values, no month twice; months already stored are overwritten.</summary>
    public sealed record SetPriceIndexBody(IReadOnlyList<PriceIndexValueBody> Values);

    /// <summary>One month of an index: its value (exact decimal text); for an exchange index also the GPU-hours and trades behind it.</summary>
    public sealed record PriceIndexMonthView(string Month, string Value, long? GpuHours = null, int? Trades = null);

    /// <summary>An index: its name, <c>series</c> or <c>exchange</c>, and its months, oldest first.</summary>
    public sealed record PriceIndexView(string Name, string Kind, IReadOnlyList<PriceIndexMonthView> Values);

    /// <summary>A stored series: its name, first and last month, how many months it has, and when it was last written.</summary>
    public sealed record PriceIndexSummaryView(string Name, string FirstMonth, string LastMonth, int Months, DateTimeOffset Updated);

    /// <summary>The stored series, by name.</summary>
    public sealed record PriceIndexListView(IReadOnlyList<PriceIndexSummaryView> Items);

    public static RouteGroupBuilder MapIndicesApi(this RouteGroupBuilder api)
    {
        var indices = api.MapGroup("/indices").WithTags("Indices");
        indices.MapGet("", ListPriceIndicesAsync).RequireAuthorization().Produces<PriceIndexListView>()
            .WithName("ListPriceIndices").WithSummary("The uploaded price indices, with their month ranges (exchange:{sku} indices are computed, not listed)");
        indices.MapGet("/{name}", GetPriceIndexAsync).RequireAuthorization().Produces<PriceIndexView>()
            .WithName("GetPriceIndex").WithSummary("An index's monthly values: an uploaded series, or exchange:{sku}, this exchange's monthly VWAP of the SKU over all regions");
        indices.MapPost("/{name}", SetPriceIndexAsync).RequireAuthorization(Permissions.Operator.Name).Accepts<SetPriceIndexBody>("application/json").Produces<PriceIndexView>()
            .WithName("SetPriceIndex").WithSummary("Upload monthly values of a series (admin): months already stored are overwritten, the others kept");
        return api;
    }

    private static async Task<IResult> ListPriceIndicesAsync(IndexBook book, CancellationToken ct)
    {
        var items = (await book.ListAsync(ct)).Select(View).ToList();
        return ApiResponse.Of(200, new PriceIndexListView(items)).ToResult();
    }

    private static async Task<IResult> GetPriceIndexAsync(string name, IndexBook book, CancellationToken ct)
    {
        if (name.StartsWith(IndexBook.ExchangePrefix, StringComparison.Ordinal))
        {
            var sku = name[IndexBook.ExchangePrefix.Length..];
            if (ReferenceCatalog.Embedded.FindSku(sku)?.Id is not { } id) return Answers.Result(Failure.NotFound($"no SKU '{sku}'"));
            var months = await book.ExchangeMonthsAsync(id, ct);
            return ApiResponse.Of(200, new PriceIndexView(PriceIndex.ExchangeValuesName(id), "exchange",
                months.Select(m => new PriceIndexMonthView(m.Month.ToString(), Text(m.Vwap), m.GpuHours, m.Trades)).ToList())).ToResult();
        }
        var values = await book.SeriesAsync(name, ct);
        return values.Count == 0 ? Answers.Result(Failure.NotFound($"no index '{name}'")) : ApiResponse.Of(200, SeriesView(name, values)).ToResult();
    }

    private static async Task<IResult> SetPriceIndexAsync(string name, PostBody body, ClaimsPrincipal user, IndexBook book, CancellationToken ct)
    {
        var fields = body.Fields;
        if (IndexBook.NameProblem(name) is { } problem) fields.Error("name", problem);
        var values = fields.Array("values", ReadValue, IndexBook.MaxValuesPerUpload);
        fields.RejectUnknown();
        if (values is not null)
        {
            var seen = new HashSet<CalendarMonth>();
            for (var i = 0; i < values.Count; i++)
            {
                if (values[i] is { } value && !seen.Add(value.Month))
                    fields.Error($"values[{i}].month", $"{value.Month} is given more than once");
            }
        }
        if (!fields.IsValid) return Answers.Result(Failure.Invalid(fields.Errors));

        if ((await book.SetAsync(user.OrganizationId(), name, values!.Select(v => v!).ToList())).Failure is { } failure) return Answers.Result(failure);
        return ApiResponse.Of(200, SeriesView(name, await book.SeriesAsync(name, ct))).ToResult();
    }

    private static IndexValue? ReadValue(JsonFields item)
    {
        var month = item.Month("month");
        var value = item.Decimal("value", 0m, decimal.MaxValue);
        if (value is <= 0m)
        {
            item.Error("value", $"must be positive, got {Text(value.Value)}");
            return null;
        }
        return month is { } m && value is { } v ? new IndexValue(m, v) : null;
    }

    private static PriceIndexView SeriesView(string name, IReadOnlyList<IndexValue> values) =>
        new(name, "series", values.Select(v => new PriceIndexMonthView(v.Month.ToString(), Text(v.Value))).ToList());

    private static PriceIndexSummaryView View(IndexSummary index) =>
        new(index.Name, index.FirstMonth.ToString(), index.LastMonth.ToString(), index.Months, DateTimeOffset.FromUnixTimeMilliseconds(index.UpdatedMs));

    private static string Text(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
