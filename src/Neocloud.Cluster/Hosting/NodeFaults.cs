using System.Data.Common;
using System.Net.Sockets;
using Neocloud.Exchange.Shard;
using Npgsql;

namespace Neocloud.Cluster.Hosting;

/// <summary>
/// What a node's background work does with a failure. Nothing that goes wrong in a loop ends the node: a cancelled
/// activation, an unavailable silo, a shard moving, a deadlock or a lost connection pass, and the loop tries again
/// after <see cref="Backoff"/>; an unexpected error is logged as one and retried the same way. A node ends only when
/// the host stops it, when the cluster declares it dead (Orleans then ends the process), or at start on an error in
/// its configuration.
/// </summary>
public static class NodeFaults
{
    /// <summary>The first wait after a failure.</summary>
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between two tries.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>True when <paramref name="error"/> is the host stopping the loop (its own token cancelled): the one failure a loop ends on.</summary>
    public static bool IsStopping(Exception error, CancellationToken stopping) => stopping.IsCancellationRequested && error is OperationCanceledException;

    /// <summary>
    /// True for a failure that passes by itself: a call the runtime cancelled or timed out, a silo or shard that is not
    /// there now, a database error PostgreSQL (or SQLite) calls transient or that a dying connection causes, I/O.
    /// </summary>
    public static bool IsTransient(Exception error) => error switch
    {
        AggregateException { InnerExceptions: [var only] } => IsTransient(only),
        OperationCanceledException or TimeoutException or ShardStoppedException or Orleans.Runtime.OrleansException => true,
        PostgresException postgres => postgres.IsTransient || postgres.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
            || postgres.SqlState.StartsWith("08", StringComparison.Ordinal),
        DbException database => database.IsTransient || database is NpgsqlException,
        IOException or SocketException or HttpRequestException => true,
        _ => false,
    };

    /// <summary>The wait before try <paramref name="failures"/> + 1: <see cref="FirstBackoff"/> doubled each failure up to <see cref="MaxBackoff"/>, plus up to a quarter at random.</summary>
    public static TimeSpan Backoff(int failures)
    {
        var doubled = FirstBackoff.TotalMilliseconds * Math.Pow(2, Math.Clamp(failures - 1, 0, 16));
        var capped = Math.Min(doubled, MaxBackoff.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(Math.Min(capped * (1 + Random.Shared.NextDouble() / 4), MaxBackoff.TotalMilliseconds));
    }

    /// <summary>
    /// Runs <paramref name="work"/> until it returns or the host stops; any other failure is logged through
    /// <paramref name="failed"/> (with whether it is transient and the wait) and the work starts again after <see cref="Backoff"/>.
    /// </summary>
    /// <param name="work">One run of a background service's loop (it may run again from its start).</param>
    /// <param name="failed">Logs a failure: the error, true when it is transient, and how long until the next try.</param>
    /// <param name="clock">The clock the waits run on.</param>
    /// <param name="stopping">The host's stop: the one way out besides <paramref name="work"/> returning.</param>
    public static async Task RetryAsync(Func<CancellationToken, Task> work, Action<Exception, bool, TimeSpan> failed, TimeProvider clock, CancellationToken stopping)
    {
        var failures = 0;
        while (!stopping.IsCancellationRequested)
        {
            var started = clock.GetTimestamp();
            try
            {
                await work(stopping);
                return;
            }
            catch (Exception e) when (!IsStopping(e, stopping))
            {
                // A run that went well for a while starts the backoff over.
                failures = clock.GetElapsedTime(started) > MaxBackoff ? 1 : failures + 1;
                var wait = Backoff(failures);
                failed(e, IsTransient(e), wait);
                try
                {
                    await Task.Delay(wait, clock, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
