using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Neocloud.Cli.Deals;
using Neocloud.Domain.Catalog;
using Neocloud.Economics.Mining;
using Spectre.Console;

namespace Neocloud.Cli.Sites;

/// <summary><c>neocloud site compare-mining</c>: a megawatt as bitcoin mining, AI GPU cloud or AI colocation.</summary>
public static class SiteCommands
{
    public static Command Create(CliContext context)
    {
        var site = new Command("site", "Sites: what their power is worth.");
        var siteId = new Option<string?>("--site") { Description = "A site of the catalog: its power price and PUE are used." };
        var mw = new Option<decimal?>("--mw") { Description = "Megawatts at the meter (default 1, or the site's secured MW with --site)." };
        var power = new Option<decimal?>("--power-price") { Description = "Power price in $/MWh (default $38, IREN FY25)." };
        var hashprice = new Option<decimal?>("--hashprice") { Description = "Hashprice in $/PH/day (default $43)." };
        var jth = new Option<decimal?>("--jth") { Description = "Miner efficiency in J/TH (default 15)." };
        var asic = new Option<decimal?>("--asic-usd-per-th") { Description = "Miner price in $/TH (default $15)." };
        var gpuPrice = new Option<decimal?>("--gpu-price") { Description = "GPU cloud price in $/GPU-hour (default $2.91)." };
        var kw = new Option<decimal?>("--kw-per-gpu") { Description = "Critical IT kW per GPU (default 2.63)." };
        var colocation = new Option<decimal?>("--colocation-usd-per-mw-year") { Description = "Colocation rent per IT-MW-year (default $1.85M)." };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var compare = new Command("compare-mining", "One megawatt as bitcoin mining vs AI hosting: revenue, opex, capex, payback.")
        { siteId, mw, power, hashprice, jth, asic, gpuPrice, kw, colocation, json };
        compare.SetAction(parsed =>
        {
            Site? chosen = null;
            if (parsed.GetValue(siteId) is { } id)
            {
                chosen = ReferenceCatalog.Embedded.FindSite(id)
                    ?? throw new UsageException($"--site: unknown site '{id}' (known: {string.Join(", ", ReferenceCatalog.Embedded.Sites.Select(s => s.Id))})");
            }
            var megawatts = Positive("--mw", parsed.GetValue(mw) ?? chosen?.SecuredMw?.Value ?? 1m);
            var price = NonNegative("--power-price", parsed.GetValue(power) ?? chosen?.PowerUsdPerMwh?.Value ?? 38m);
            var mining = MiningInputs.Default with
            {
                HashpriceUsdPerPhDay = NonNegative("--hashprice", parsed.GetValue(hashprice) ?? MiningInputs.Default.HashpriceUsdPerPhDay),
                JoulesPerTh = Positive("--jth", parsed.GetValue(jth) ?? MiningInputs.Default.JoulesPerTh),
                AsicUsdPerTh = NonNegative("--asic-usd-per-th", parsed.GetValue(asic) ?? MiningInputs.Default.AsicUsdPerTh),
            };
            var ai = AiHostingInputs.Default with
            {
                PricePerGpuHour = NonNegative("--gpu-price", parsed.GetValue(gpuPrice) ?? AiHostingInputs.Default.PricePerGpuHour),
                KwPerGpu = Positive("--kw-per-gpu", parsed.GetValue(kw) ?? AiHostingInputs.Default.KwPerGpu),
                Pue = chosen?.Pue?.Value ?? AiHostingInputs.Default.Pue,
                ColocationUsdPerItMwYear = NonNegative("--colocation-usd-per-mw-year", parsed.GetValue(colocation) ?? AiHostingInputs.Default.ColocationUsdPerItMwYear),
            };
            var perMw = MiningComparison.Compare(1m, price, mining, ai);
            if (parsed.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(new
                {
                    site = chosen?.Id, megawatts, powerUsdPerMwh = price,
                    perMegawattYear = perMw.Select(u => new
                    {
                        use = u.Use, revenueUsd = Round(u.RevenueUsd), powerUsd = Round(u.PowerUsd), otherOpexUsd = Round(u.OtherOpexUsd),
                        ebitdaUsd = Round(u.EbitdaUsd), capexUsd = Round(u.CapexUsd), paybackYears = u.PaybackYears is { } p ? decimal.Round(p, 2) : (decimal?)null, basis = u.Basis,
                    }),
                }, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
                return 0;
            }
            var title = chosen is null ? $"one MW at ${price:0.##}/MWh" : $"{chosen.Name} ({chosen.Location}): one MW at ${price:0.##}/MWh, {megawatts:#,0.##} MW secured";
            context.Console.Write(new Rule(title).LeftJustified());
            var table = new Table().Border(TableBorder.Rounded).AddColumns("per MW per year", "revenue", "power", "other opex", "EBITDA", "capex", "payback (years)", $"× {megawatts:#,0.##} MW: EBITDA");
            foreach (var use in perMw)
            {
                table.AddRow(new Text(use.Use), new Text(DealReport.Usd(use.RevenueUsd)), new Text(DealReport.Usd(use.PowerUsd)), new Text(DealReport.Usd(use.OtherOpexUsd)),
                    new Text(DealReport.Usd(use.EbitdaUsd)), new Text(DealReport.Usd(use.CapexUsd)),
                    new Text(use.PaybackYears?.ToString("0.0", CultureInfo.InvariantCulture) ?? "never"), new Text(DealReport.Usd(use.EbitdaUsd * megawatts)));
            }
            context.Console.Write(table);
            foreach (var use in perMw) context.Console.WriteLine($"{use.Use}: {use.Basis}");
            return 0;
        });
        site.Subcommands.Add(compare);
        return site;
    }

    private static decimal Positive(string option, decimal value) =>
        value > 0 ? value : throw new UsageException($"{option}: must be > 0, got {value.ToString(CultureInfo.InvariantCulture)}");

    private static decimal NonNegative(string option, decimal value) =>
        value >= 0 ? value : throw new UsageException($"{option}: must be >= 0, got {value.ToString(CultureInfo.InvariantCulture)}");

    private static decimal Round(decimal usd) => decimal.Round(usd, 2, MidpointRounding.AwayFromZero);
}
