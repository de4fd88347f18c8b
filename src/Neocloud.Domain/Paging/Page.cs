namespace Neocloud.Domain.Paging;

/// <summary>One page of a list and the cursor for the next, or null at the end.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? Next)
{
    /// <summary>The page with its items mapped, keeping its cursor.</summary>
    public Page<TOut> Select<TOut>(Func<T, TOut> map) => new(Items.Select(map).ToList(), Next);
}
