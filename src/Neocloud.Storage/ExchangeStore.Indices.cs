using System.Globalization;
using Neocloud.Domain.Time;

namespace Neocloud.Storage;

/// <summary>One month's value of a price index.</summary>
public sealed record IndexValue(CalendarMonth Month, decimal Value);

/// <summary>A stored price index: its name, its first and last month, how many months it has, and when it was last written (Unix ms).</summary>
public sealed record IndexSummary(string Name, CalendarMonth FirstMonth, CalendarMonth LastMonth, int Months, long UpdatedMs);

/// <summary>
/// Price indices: monthly values an administrator uploads by name (DESIGN.md "The contract book", escalators), kept as
/// invariant decimal text so neither provider rounds them.
/// </summary>
public sealed partial class ExchangeStore
{
    /// <summary>The index's values, oldest month first; empty when no such index is stored.</summary>
    public async Task<IReadOnlyList<IndexValue>> IndexValuesAsync(string name, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync<(string Month, string Value)>(
            "SELECT month AS Month, value AS Value FROM price_indices WHERE name = @name ORDER BY month", new { name }, cancellationToken);
        return rows.Select(r => new IndexValue(CalendarMonth.Parse(r.Month), decimal.Parse(r.Value, NumberStyles.Number, CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>Every stored index with its month range, by name.</summary>
    public async Task<IReadOnlyList<IndexSummary>> IndicesAsync(CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync<(string Name, string First, string Last, long Months, long UpdatedMs)>(
            "SELECT name AS Name, MIN(month) AS First, MAX(month) AS Last, COUNT(*) AS Months, MAX(updated_ms) AS UpdatedMs " +
            "FROM price_indices GROUP BY name ORDER BY name", null, cancellationToken);
        return rows.Select(r => new IndexSummary(r.Name, CalendarMonth.Parse(r.First), CalendarMonth.Parse(r.Last), (int)r.Months, r.UpdatedMs)).ToList();
    }
}
