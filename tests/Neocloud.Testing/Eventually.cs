using System.Diagnostics;

namespace Neocloud.Testing;

/// <summary>Waiting on a condition, never on a sleep: for what a server does in the background (a runner, a write behind).</summary>
public static class Eventually
{
    /// <summary>How long a test waits for something a busy two-core machine should do in well under a second.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Calls <paramref name="attempt"/> until <paramref name="done"/> accepts what it returns, and returns that; after
    /// <see cref="Patience"/> fails with <paramref name="what"/> and the last value.
    /// </summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> attempt, Func<T, bool> done, string what, TimeSpan? patience = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await attempt();
            if (done(value)) return value;
            if (clock.Elapsed > (patience ?? Patience)) throw new TimeoutException($"{what}: not within {(patience ?? Patience).TotalSeconds} s; last: {value}");
            await Task.Delay(50);
        }
    }
}
