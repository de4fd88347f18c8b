using System.Globalization;

namespace Neocloud.Dashboard.Shared;

/// <summary>Dollar amounts as the dashboard shows them.</summary>
public static class Money
{
    /// <summary>Millions with one decimal from $1M up (<c>$9,700.0M</c>, <c>-$129.1M</c>), whole dollars below (<c>$29,200</c>).</summary>
    public static string Millions(decimal usd) => Math.Abs(usd) >= 1_000_000m
        ? $"{(usd < 0 ? "-" : "")}${Math.Abs(usd / 1_000_000m).ToString("#,0.0", CultureInfo.InvariantCulture)}M"
        : $"{(usd < 0 ? "-" : "")}${Math.Abs(usd).ToString("#,0", CultureInfo.InvariantCulture)}";
}
