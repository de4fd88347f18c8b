using System.Text.Json;
using Neocloud.Domain.Paging;
using Neocloud.Economics.Deals;
using Neocloud.Economics.Presets;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Outcomes;
using Neocloud.Server.Http;

namespace Neocloud.Server.Deals;

/// <summary><c>/api/v1/deals</c>: analyze a deal body, and the presets built from public figures.</summary>
public static class DealsApi
{
    /// <summary>A preset in a list.</summary>
    public sealed record PresetView(string Id, string Title, string Buyer, string Seller, string Sku, string Notes, decimal TcvUsd, int Gpus);

    /// <summary>A deal preset in full: its inputs as <c>/deals/analyze</c> takes them (<c>deal</c>), every figure's source, and its analysis.</summary>
    public sealed record PresetDetailView(string Id, string Title, string Buyer, string Seller, string Sku, string Notes, IReadOnlyList<PresetSourceView> Sources,
        JsonElement Deal, DealAnalysisView Analysis);

    /// <summary>Where one of a preset's figures comes from; <c>assumption</c> when it is ours, not a published number.</summary>
    public sealed record PresetSourceView(string Field, string? Source, string? Url, string Note, bool Assumption);

    public static RouteGroupBuilder MapDealsApi(this RouteGroupBuilder api)
    {
        var deals = api.MapGroup("/deals").RequireAuthorization(Permissions.Read.Name).WithTags("Deals");
        deals.MapPost("/analyze", AnalyzeDeal).Accepts<object>("application/json").Produces<DealAnalysisView>()
            .WithSummary("Analyze a deal: cash flows, NPV, IRR, payback, peak funding, EBITDA margin, lease vs build");
        deals.MapGet("/presets", ListDealPresets).Produces<Page<PresetView>>().WithSummary("List the deal presets");
        deals.MapGet("/presets/{id}", GetDealPreset).Produces<PresetDetailView>().WithSummary("A preset: its inputs with sources, and its analysis");
        return api;
    }

    private static IResult AnalyzeDeal(PostBody body)
    {
        var terms = DealJson.Parse(body.Text);
        if (!terms.Success) return Answers.Result(Failure.Invalid(terms.Errors!));
        return ApiResponse.Of(200, DealAnalysisJson.Of(DealAnalyzer.Analyze(terms.Value!))).ToResult();
    }

    private static IResult ListDealPresets(HttpContext context, string? after, WholeQuery? limit)
    {
        if (Paging.Limit(limit, out var problem) is not { } take) return problem!.ToResult();
        var views = DealPresets.All.Select(p => new PresetView(p.Id, p.Title, p.Buyer, p.Seller, p.Sku, p.Notes, p.Terms.TcvUsd, p.Terms.Tranches.Sum(t => t.Gpus)));
        return ETags.Respond(context, ApiResponse.Of(200, Paging.Of(views, v => v.Id, after, take)));
    }

    private static IResult GetDealPreset(string id, HttpContext context)
    {
        if (DealPresets.Find(id) is not { } preset) return Answers.Result(Failure.NotFound($"no deal preset '{id}'"));
        return ETags.Respond(context, ApiResponse.Of(200, new PresetDetailView(preset.Id, preset.Title, preset.Buyer, preset.Seller, preset.Sku, preset.Notes,
            preset.Sources.Select(s => new PresetSourceView(s.Field, s.Source, s.Url, s.Note, s.IsAssumption)).ToList(),
            JsonDocument.Parse(preset.Json).RootElement, DealAnalysisJson.Of(DealAnalyzer.Analyze(preset.Terms)))));
    }
}
