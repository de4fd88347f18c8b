using System.Diagnostics;
using System.Diagnostics.Metrics;
using Neocloud.Market.Engine;

namespace Neocloud.Exchange.Shard;

/// <summary>
/// The exchange core's metrics and traces, on <c>System.Diagnostics</c> only: the host decides whether anything
/// listens (the server exports them with OpenTelemetry: Prometheus at <c>/metrics</c>, OTLP traces). With no listener
/// an instrument's <c>Add</c> or <c>Record</c> is a flag test, and no span is made.
/// <para>
/// Names below are OpenTelemetry's; the Prometheus exporter writes them with underscores, the unit and, for counters,
/// <c>_total</c>: <c>neocloud_commands_total{shard,kind,outcome}</c>, <c>neocloud_rejections_total{shard,reason}</c>,
/// <c>neocloud_commit_duration_seconds</c>, <c>neocloud_commit_batch_size</c>, <c>neocloud_snapshot_duration_seconds</c>
/// (histograms by shard), <c>neocloud_queue_depth{shard}</c>, <c>neocloud_journal_sequence{shard}</c>. Every label
/// takes a small fixed set of values: shards are market groups (or <c>all</c> on one machine), kinds are the
/// commands' ops, reasons are <see cref="Rules.ReasonBuckets"/>.
/// </para>
/// </summary>
public static class ExchangeTelemetry
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string Name = "Neocloud.Exchange";

    /// <summary>The spans of a command: <c>neocloud.command</c> from its submission to its answer, and the <c>neocloud.commit</c> of its batch.</summary>
    public static readonly ActivitySource Source = new(Name);

    /// <summary>The meter every instrument of the core belongs to.</summary>
    public static readonly Meter Meter = new(Name);

    /// <summary>The span from a command's submission to its answer (a child of the caller's span, e.g. the HTTP request).</summary>
    public const string CommandSpan = "neocloud.command";

    /// <summary>The span of a group commit (a child of the first traced command in the batch, linked to the others).</summary>
    public const string CommitSpan = "neocloud.commit";

    /// <summary>The shard label of the one-machine shard that holds every market group.</summary>
    public const string AllGroups = "all";

    /// <summary>Outcome label values of <c>neocloud_commands_total</c>.</summary>
    public static class Outcomes
    {
        /// <summary>The market did it.</summary>
        public const string Accepted = "accepted";

        /// <summary>The market refused it with a reason (counted again, by reason, in <c>neocloud_rejections_total</c>).</summary>
        public const string Rejected = "rejected";

        /// <summary>A repeated idempotency key answered with the first answer.</summary>
        public const string Replayed = "replayed";

        /// <summary>Not applied: the store did not keep it, or the shard was fenced or stopping.</summary>
        public const string Unavailable = "unavailable";
    }

    internal static readonly Counter<long> Commands = Meter.CreateCounter<long>("neocloud.commands", "{command}",
        "Commands a shard answered, by kind (the command's op, or transaction) and outcome (accepted, rejected, replayed, unavailable)");

    internal static readonly Counter<long> Rejections = Meter.CreateCounter<long>("neocloud.rejections", "{command}",
        "Commands the market rejected, by reason bucket");

    internal static readonly Histogram<double> CommitDuration = Meter.CreateHistogram("neocloud.commit.duration", "s",
        "Time to write one group commit (journal rows and read models) to the store",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });

    internal static readonly Histogram<int> CommitBatchSize = Meter.CreateHistogram("neocloud.commit.batch_size", "{command}",
        "Commands in one group commit",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] });

    internal static readonly Histogram<double> SnapshotDuration = Meter.CreateHistogram("neocloud.snapshot.duration", "s",
        "Time to serialize and store one engine snapshot",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });

    private static readonly List<MarketShard> Shards = [];

    static ExchangeTelemetry()
    {
        Meter.CreateObservableGauge("neocloud.queue.depth", ObserveQueueDepth, "{item}", "Commands and queries waiting for a shard's loop");
        Meter.CreateObservableGauge("neocloud.journal.sequence", ObserveSequence, null, "The last journal sequence a shard applied");
    }

    /// <summary>Starts reporting a running shard's gauges.</summary>
    internal static void Track(MarketShard shard)
    {
        lock (Shards) Shards.Add(shard);
    }

    /// <summary>Stops reporting a shard's gauges (it stopped, or was fenced).</summary>
    internal static void Forget(MarketShard shard)
    {
        lock (Shards) Shards.Remove(shard);
    }

    /// <summary>The label of a shard: its market group, or <see cref="AllGroups"/>.</summary>
    internal static string ShardLabel(string? group) => group ?? AllGroups;

    private static List<Measurement<long>> ObserveQueueDepth()
    {
        lock (Shards) return Shards.ConvertAll(s => new Measurement<long>(s.QueueDepth, new KeyValuePair<string, object?>("shard", s.Label)));
    }

    private static List<Measurement<long>> ObserveSequence()
    {
        lock (Shards) return Shards.ConvertAll(s => new Measurement<long>(s.Sequence, new KeyValuePair<string, object?>("shard", s.Label)));
    }
}
