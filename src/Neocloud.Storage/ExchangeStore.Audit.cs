using System.Globalization;
using Neocloud.Domain.Paging;

namespace Neocloud.Storage;

/// <summary>One row of an organization's audit trail: a journal row of its requests, and where it was journaled.</summary>
/// <param name="Shard">The cluster shard (market group) whose journal holds it, or empty for the one-machine journal.</param>
/// <param name="Sequence">Its sequence in that journal.</param>
/// <param name="RecordedMs">When it was applied (Unix milliseconds).</param>
/// <param name="Command">The command's line: a replay-format command or a fact.</param>
/// <param name="Actor">Who acted (<see cref="JournalActor.Text"/>), or null for a row that names no one (the exchange).</param>
public sealed record AuditRow(string Shard, long Sequence, long RecordedMs, string Command, string? Actor);

/// <summary>The audit trail: an organization's journal rows, oldest first, a page at a time.</summary>
public sealed partial class ExchangeStore
{
    /// <summary>
    /// The journal rows of <paramref name="organizationId"/>'s requests after the cursor <paramref name="after"/>, oldest
    /// first. On one machine they are the journal's, in sequence order, and the cursor is the last row's sequence; in a
    /// <paramref name="cluster"/> they are every shard's, in the order (time recorded, shard, sequence), and the cursor
    /// is <c>ms.shard.sequence</c>, so rows of two shards at the same millisecond are neither repeated nor skipped.
    /// </summary>
    public async Task<Page<AuditRow>> AuditRowsAsync(string organizationId, string? after, int limit, bool cluster, CancellationToken cancellationToken = default)
    {
        var take = limit + 1;
        if (!cluster)
        {
            var rows = (await QueryAsync<(long Sequence, long RecordedMs, string Command, string? Actor)>(
                    "SELECT sequence, recorded_ms, command, actor FROM journal WHERE organization_id = @organizationId AND sequence > @sequence ORDER BY sequence LIMIT @take",
                    new { organizationId, sequence = ParseCursor(after), take }, cancellationToken))
                .Select(r => new AuditRow(JournalChain.NoShard, r.Sequence, r.RecordedMs, r.Command, r.Actor)).ToList();
            return PageOf(rows, limit, r => r.Sequence.ToString(CultureInfo.InvariantCulture));
        }
        var (ms, shard, sequence) = AuditCursor.Parse(after);
        var shardRows = await QueryAsync<AuditRow>(
            "SELECT shard AS Shard, sequence AS Sequence, recorded_ms AS RecordedMs, command AS Command, actor AS Actor FROM shard_journal " +
            "WHERE organization_id = @organizationId AND (recorded_ms, shard, sequence) > (@ms, @shard, @sequence) ORDER BY recorded_ms, shard, sequence LIMIT @take",
            new { organizationId, ms, shard, sequence, take }, cancellationToken);
        return PageOf(shardRows, limit, r => AuditCursor.Format(r.RecordedMs, r.Shard, r.Sequence));
    }

    /// <summary>A cluster audit trail's cursor: the last row's time, shard and sequence, <c>ms.shard.sequence</c>.</summary>
    private static class AuditCursor
    {
        public static string Format(long ms, string shard, long sequence) =>
            $"{ms.ToString(CultureInfo.InvariantCulture)}.{shard}.{sequence.ToString(CultureInfo.InvariantCulture)}";

        public static (long Ms, string Shard, long Sequence) Parse(string? after)
        {
            if (after is null) return (-1, "", 0);
            // The shard sits between the first dot and the last, so a shard named with a dot still reads back.
            var (first, last) = (after.IndexOf('.', StringComparison.Ordinal), after.LastIndexOf('.'));
            if (first > 0 && last > first
                && long.TryParse(after.AsSpan(0, first), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
                && long.TryParse(after.AsSpan(last + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
                return (ms, after[(first + 1)..last], sequence);
            // An unreadable cursor reads past the end, as the other lists' do.
            return (long.MaxValue, "", long.MaxValue);
        }
    }
}
