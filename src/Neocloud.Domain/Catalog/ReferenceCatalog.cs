using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Neocloud.Domain.Catalog;

/// <summary>
/// The reference data: SKUs, organizations (providers and buyers), sites and public deals, every figure with its
/// source URL. Loaded from the JSON files embedded in this assembly, or from a directory holding the same files.
/// </summary>
public sealed partial class ReferenceCatalog
{
    /// <summary>The files a catalog is made of, in load order.</summary>
    public static readonly IReadOnlyList<string> FileNames =
        ["sources.json", "skus.json", "organizations.json", "sites.json", "deals.json"];

    private static readonly Lazy<ReferenceCatalog> s_embedded = new(() => Load(OpenEmbedded));

    private ReferenceCatalog(
        IReadOnlyDictionary<string, string> sources,
        IReadOnlyList<Sku> skus,
        IReadOnlyList<Organization> organizations,
        IReadOnlyList<Site> sites,
        IReadOnlyList<PublicDeal> deals)
    {
        Sources = sources;
        Skus = skus;
        Organizations = organizations;
        Sites = sites;
        Deals = deals;
    }

    /// <summary>Source keys (S1, D7, …) and their URLs.</summary>
    public IReadOnlyDictionary<string, string> Sources { get; }

    /// <summary>GPU system models.</summary>
    public IReadOnlyList<Sku> Skus { get; }

    /// <summary>Providers and buyers.</summary>
    public IReadOnlyList<Organization> Organizations { get; }

    /// <summary>Campuses of the providers.</summary>
    public IReadOnlyList<Site> Sites { get; }

    /// <summary>Publicly announced capacity deals.</summary>
    public IReadOnlyList<PublicDeal> Deals { get; }

    /// <summary>Organizations that sell capacity.</summary>
    public IEnumerable<Organization> Providers => Organizations.Where(o => o.Role == OrganizationRole.Provider);

    /// <summary>Organizations that buy capacity.</summary>
    public IEnumerable<Organization> Buyers => Organizations.Where(o => o.Role == OrganizationRole.Buyer);

    /// <summary>The SKU with this id (case-insensitive), or null.</summary>
    public Sku? FindSku(string id) => Skus.FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>The site with this id, or null.</summary>
    public Site? FindSite(string id) => Sites.FirstOrDefault(s => s.Id == id);

    /// <summary>The organization with this id, or null.</summary>
    public Organization? FindOrganization(string id) => Organizations.FirstOrDefault(o => o.Id == id);

    /// <summary>The catalog shipped inside this assembly (loaded and validated once).</summary>
    public static ReferenceCatalog Embedded => s_embedded.Value;

    /// <summary>Loads and validates the catalog files from a directory.</summary>
    /// <exception cref="ReferenceDataException">A file is missing, malformed or inconsistent.</exception>
    public static ReferenceCatalog LoadDirectory(string directory) =>
        Load(name =>
        {
            var path = Path.Combine(directory, name);
            return File.Exists(path) ? File.OpenRead(path) : null;
        });

    private static Stream? OpenEmbedded(string name) =>
        typeof(ReferenceCatalog).Assembly.GetManifestResourceStream($"Neocloud.Domain.Catalog.Data.{name}");

    private static ReferenceCatalog Load(Func<string, Stream?> open)
    {
        var sources = Read<Dictionary<string, string>>(open, "sources.json");
        foreach (var (key, url) in sources)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "https" && uri.Scheme != "http"))
                throw new ReferenceDataException("sources.json", $"$.{key}", $"'{url}' is not an http(s) URL");
        }

        var validator = new Validator(sources);
        var skus = Read<List<Sku>>(open, "skus.json");
        var organizations = Read<List<Organization>>(open, "organizations.json");
        var sites = Read<List<Site>>(open, "sites.json");
        var deals = Read<List<PublicDeal>>(open, "deals.json");

        var resolvedSkus = validator.Skus(skus);
        var resolvedOrganizations = validator.Organizations(organizations);
        var resolvedSites = validator.Sites(sites, resolvedOrganizations);
        var resolvedDeals = validator.Deals(deals, resolvedOrganizations, resolvedSkus, resolvedSites);
        return new ReferenceCatalog(sources, resolvedSkus, resolvedOrganizations, resolvedSites, resolvedDeals);
    }

    private static T Read<T>(Func<string, Stream?> open, string file)
    {
        using var stream = open(file) ?? throw new ReferenceDataException(file, "$", "file not found");
        try
        {
            return JsonSerializer.Deserialize<T>(stream, CatalogJson.Options)
                ?? throw new ReferenceDataException(file, "$", "must not be null");
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" (line {line + 1})" : "";
            throw new ReferenceDataException(file, e.Path ?? "$", FirstSentence(e.Message) + where);
        }
    }

    private static string FirstSentence(string message)
    {
        // System.Text.Json appends "Path: … | LineNumber: …" which the exception already carries separately.
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9-]*$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")]
    private static partial Regex DatePattern();

    /// <summary>Checks values and cross-references, and resolves source keys to URLs.</summary>
    private sealed class Validator(IReadOnlyDictionary<string, string> sources)
    {
        public List<Sku> Skus(List<Sku> skus)
        {
            const string file = "skus.json";
            UniqueIds(file, skus, s => s.Id);
            var result = new List<Sku>(skus.Count);
            for (var i = 0; i < skus.Count; i++)
            {
                var s = skus[i];
                var at = $"$[{i}]";
                Text(file, $"{at}.name", s.Name);
                Text(file, $"{at}.vendor", s.Vendor);
                if (s.ScaleUpGpus <= 0) throw new ReferenceDataException(file, $"{at}.scaleUpGpus", $"must be > 0, got {s.ScaleUpGpus}");
                if (s.GpusPerRack is <= 0) throw new ReferenceDataException(file, $"{at}.gpusPerRack", $"must be > 0, got {s.GpusPerRack}");
                result.Add(s with
                {
                    HbmGb = Positive(file, $"{at}.hbmGb", s.HbmGb),
                    MemoryTbPerSecond = Positive(file, $"{at}.memoryTbPerSecond", s.MemoryTbPerSecond),
                    Bf16Tflops = Optional(file, $"{at}.bf16Tflops", s.Bf16Tflops),
                    Fp8Tflops = Positive(file, $"{at}.fp8Tflops", s.Fp8Tflops),
                    Fp4Tflops = Optional(file, $"{at}.fp4Tflops", s.Fp4Tflops),
                    TdpWatts = Positive(file, $"{at}.tdpWatts", s.TdpWatts),
                    GpuPriceUsd = Optional(file, $"{at}.gpuPriceUsd", s.GpuPriceUsd),
                    RackPriceUsd = Optional(file, $"{at}.rackPriceUsd", s.RackPriceUsd),
                    RackKw = Optional(file, $"{at}.rackKw", s.RackKw),
                });
            }
            return result;
        }

        public List<Organization> Organizations(List<Organization> organizations)
        {
            const string file = "organizations.json";
            UniqueIds(file, organizations, o => o.Id);
            var result = new List<Organization>(organizations.Count);
            for (var i = 0; i < organizations.Count; i++)
            {
                var o = organizations[i];
                Text(file, $"$[{i}].name", o.Name);
                Text(file, $"$[{i}].kind", o.Kind);
                result.Add(o with { SourceUrl = o.Source is null ? null : Url(file, $"$[{i}].source", o.Source) });
            }
            return result;
        }

        public List<Site> Sites(List<Site> sites, List<Organization> organizations)
        {
            const string file = "sites.json";
            UniqueIds(file, sites, s => s.Id);
            var result = new List<Site>(sites.Count);
            for (var i = 0; i < sites.Count; i++)
            {
                var s = sites[i];
                var at = $"$[{i}]";
                Text(file, $"{at}.name", s.Name);
                Text(file, $"{at}.region", s.Region);
                var provider = organizations.FirstOrDefault(o => o.Id == s.Provider)
                    ?? throw new ReferenceDataException(file, $"{at}.provider", $"unknown organization '{s.Provider}'");
                if (provider.Role != OrganizationRole.Provider)
                    throw new ReferenceDataException(file, $"{at}.provider", $"'{s.Provider}' is a buyer, not a provider");
                var site = s with
                {
                    SecuredMw = Optional(file, $"{at}.securedMw", s.SecuredMw),
                    CriticalItMw = Optional(file, $"{at}.criticalItMw", s.CriticalItMw),
                    PowerUsdPerMwh = Optional(file, $"{at}.powerUsdPerMwh", s.PowerUsdPerMwh),
                    Pue = Optional(file, $"{at}.pue", s.Pue),
                };
                if (site.Pue is { Value: < 1m } pue)
                    throw new ReferenceDataException(file, $"{at}.pue.value", $"a PUE is at least 1, got {Format(pue.Value)}");
                if (site is { SecuredMw: { } secured, CriticalItMw: { } it } && it.Value > secured.Value)
                    throw new ReferenceDataException(file, $"{at}.criticalItMw.value", $"critical IT {Format(it.Value)} MW exceeds secured power {Format(secured.Value)} MW");
                result.Add(site);
            }
            return result;
        }

        public List<PublicDeal> Deals(List<PublicDeal> deals, List<Organization> organizations, List<Sku> skus, List<Site> sites)
        {
            const string file = "deals.json";
            UniqueIds(file, deals, d => d.Id);
            var result = new List<PublicDeal>(deals.Count);
            for (var i = 0; i < deals.Count; i++)
            {
                var d = deals[i];
                var at = $"$[{i}]";
                if (organizations.All(o => o.Id != d.Buyer)) throw new ReferenceDataException(file, $"{at}.buyer", $"unknown organization '{d.Buyer}'");
                if (organizations.All(o => o.Id != d.Seller)) throw new ReferenceDataException(file, $"{at}.seller", $"unknown organization '{d.Seller}'");
                if (d.Sku is { } sku && skus.All(s => s.Id != sku)) throw new ReferenceDataException(file, $"{at}.sku", $"unknown SKU '{sku}'");
                if (d.Site is { } site && sites.All(s => s.Id != site)) throw new ReferenceDataException(file, $"{at}.site", $"unknown site '{site}'");
                if (!DatePattern().IsMatch(d.Announced)) throw new ReferenceDataException(file, $"{at}.announced", $"must be YYYY, YYYY-MM or YYYY-MM-DD, got '{d.Announced}'");
                var deal = d with
                {
                    ValueUsd = Optional(file, $"{at}.valueUsd", d.ValueUsd),
                    TermYears = Optional(file, $"{at}.termYears", d.TermYears),
                    Gpus = Optional(file, $"{at}.gpus", d.Gpus),
                    ItMw = Optional(file, $"{at}.itMw", d.ItMw),
                    PrepaymentFraction = Optional(file, $"{at}.prepaymentFraction", d.PrepaymentFraction),
                };
                if (deal.PrepaymentFraction is { Value: > 1m } p)
                    throw new ReferenceDataException(file, $"{at}.prepaymentFraction.value", $"a fraction is at most 1, got {Format(p.Value)}");
                result.Add(deal);
            }
            return result;
        }

        private Figure? Optional(string file, string at, Figure? figure) => figure is null ? null : Positive(file, at, figure);

        private Figure Positive(string file, string at, Figure figure)
        {
            if (figure.Value <= 0m) throw new ReferenceDataException(file, $"{at}.value", $"must be > 0, got {Format(figure.Value)}");
            if (figure.Low is { } low && low > figure.Value)
                throw new ReferenceDataException(file, $"{at}.low", $"low {Format(low)} is above the value {Format(figure.Value)}");
            if (figure.High is { } high && high < figure.Value)
                throw new ReferenceDataException(file, $"{at}.high", $"high {Format(high)} is below the value {Format(figure.Value)}");
            return figure with { SourceUrl = Url(file, $"{at}.source", figure.Source) };
        }

        private string Url(string file, string at, string key) =>
            sources.TryGetValue(key, out var url) ? url : throw new ReferenceDataException(file, at, $"unknown source key '{key}' (not in sources.json)");

        private static void UniqueIds<T>(string file, List<T> items, Func<T, string> id)
        {
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < items.Count; i++)
            {
                var value = id(items[i]);
                if (!IdPattern().IsMatch(value)) throw new ReferenceDataException(file, $"$[{i}].id", $"'{value}' is not an id (letters, digits and '-')");
                if (!seen.Add(value)) throw new ReferenceDataException(file, $"$[{i}].id", $"duplicate id '{value}'");
            }
        }

        private static void Text(string file, string at, string value)
        {
            if (string.IsNullOrWhiteSpace(value)) throw new ReferenceDataException(file, at, "must not be empty");
        }

        private static string Format(decimal value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
