using System.Diagnostics;
using Neocloud.Exchange.Outcomes;
using Neocloud.Market.Engine;

namespace Neocloud.Exchange.Shard;

public sealed partial class MarketShard
{
    /// <summary>The label of an idempotency key used again for another request, beside <see cref="Rules.ReasonBuckets"/>.</summary>
    public const string KeyReusedReason = "key_reused";

    /// <summary>Answers a command's caller, after counting it (and ending its span, when traced).</summary>
    private void Answer(CommandItem item, Outcome<Committed> outcome)
    {
        var kind = Kind(item);
        string result;
        if (outcome.IsAccepted) result = ExchangeTelemetry.Outcomes.Accepted;
        else if (outcome.Replayed is not null) result = ExchangeTelemetry.Outcomes.Replayed;
        else if (outcome.Failure!.Kind == FailureKind.Unavailable) result = ExchangeTelemetry.Outcomes.Unavailable;
        else
        {
            result = ExchangeTelemetry.Outcomes.Rejected;
            // Only rejections pay for the bucketing (a few string searches); they are the rare path.
            var reason = ReferenceEquals(outcome.Failure, Failure.KeyReused) ? KeyReusedReason : Rules.Bucket(outcome.Failure.Detail);
            ExchangeTelemetry.Rejections.Add(1, new KeyValuePair<string, object?>("shard", Label), new KeyValuePair<string, object?>("reason", reason));
        }
        var tags = new TagList { { "shard", Label }, { "kind", kind }, { "outcome", result } };
        ExchangeTelemetry.Commands.Add(1, in tags);
        if (item.Span is { } span)
        {
            span.SetTag("neocloud.outcome", result);
            if (result == ExchangeTelemetry.Outcomes.Unavailable) span.SetStatus(ActivityStatusCode.Error, "not applied");
            span.Stop();
        }
        item.Done.TrySetResult(outcome);
    }

    /// <summary>The kind label of a command: its op in the replay format, or <c>transaction</c>.</summary>
    private static string Kind(CommandItem item) => item.Request is MarketRequest market ? market.Command.Op : "transaction";

    /// <summary>
    /// Starts the span of every traced command of the batch (from its submission, as a child of its caller's span) and
    /// the commit span: a child of the first, linked to the others. Only called while someone listens.
    /// </summary>
    private Activity? StartSpans(List<(CommandItem Item, Outcome<Committed> Outcome)> answers)
    {
        Activity? first = null;
        List<ActivityLink>? others = null;
        foreach (var (item, _) in answers)
        {
            if (item.Caller is not { } caller) continue;
            var span = ExchangeTelemetry.Source.CreateActivity(ExchangeTelemetry.CommandSpan, ActivityKind.Internal, caller);
            if (span is null) continue;
            span.SetStartTime(item.SubmittedAt);
            span.SetTag("neocloud.shard", Label);
            span.SetTag("neocloud.kind", Kind(item));
            span.Start();
            item.Span = span;
            if (first is null) first = span;
            else (others ??= []).Add(new ActivityLink(span.Context));
        }
        if (first is null)
        {
            Activity.Current = null;
            return null;
        }
        var commit = ExchangeTelemetry.Source.CreateActivity(ExchangeTelemetry.CommitSpan, ActivityKind.Internal, first.Context, links: others);
        commit?.SetTag("neocloud.shard", Label);
        commit?.SetTag("neocloud.batch_size", answers.Count);
        // Current while the store writes, so the store's own spans (Npgsql's) nest under the commit.
        commit?.Start();
        return commit;
    }

    private static void EndCommitSpan(Activity? commit, bool failed)
    {
        if (commit is not null)
        {
            if (failed) commit.SetStatus(ActivityStatusCode.Error, "commit failed");
            commit.Stop();
        }
        // The loop belongs to no request: nothing it does next is part of this batch's traces.
        if (Activity.Current is not null) Activity.Current = null;
    }
}
