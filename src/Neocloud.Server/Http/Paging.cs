using Neocloud.Domain.Input;
using Neocloud.Domain.Paging;
using Neocloud.Exchange.Outcomes;

namespace Neocloud.Server.Http;

/// <summary>The <c>limit</c> and <c>after</c> query parameters every list takes, and the page shape every list returns.</summary>
public static class Paging
{
    /// <summary>Items per page when the caller does not say.</summary>
    public const int DefaultLimit = 100;

    /// <summary>The most items one page may hold.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Checks <c>limit</c> (1 to 1000); null with a problem naming it when it is not a whole number or out of range.</summary>
    public static int? Limit(WholeQuery? limit, out ApiResponse? problem) => Limit(limit, MaxLimit, out problem);

    /// <summary>Checks <c>limit</c> (1 to <paramref name="max"/>); null with a problem naming it when it is not a whole number or out of range.</summary>
    public static int? Limit(WholeQuery? limit, int max, out ApiResponse? problem)
    {
        problem = null;
        var errors = new FieldErrors();
        var value = limit is { } given ? given.Read("limit", errors) : DefaultLimit;
        if (value is >= 1 && value <= max) return (int)value;
        if (errors.IsEmpty) errors.Add("limit", $"must be between 1 and {max}, got {value}");
        problem = Answers.Problem(Failure.Invalid(errors));
        return null;
    }

    /// <summary>Pages an in-memory list ordered by a string key.</summary>
    public static Page<T> Of<T>(IEnumerable<T> items, Func<T, string> key, string? after, int limit)
    {
        var rows = items.Where(i => after is null || string.CompareOrdinal(key(i), after) > 0)
            .OrderBy(key, StringComparer.Ordinal)
            .Take(limit + 1)
            .ToList();
        if (rows.Count <= limit) return new Page<T>(rows, null);
        rows.RemoveAt(rows.Count - 1);
        return new Page<T>(rows, key(rows[^1]));
    }
}
