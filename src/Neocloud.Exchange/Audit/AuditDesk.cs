using Neocloud.Domain.Paging;
using Neocloud.Exchange.Shard;
using Neocloud.Storage;

namespace Neocloud.Exchange.Audit;

/// <summary>
/// The audit trail (DESIGN.md "People, roles and approvals"): an organization's journaled commands, oldest first, each
/// with who acted, read from the journal itself. The API (and, through it, the CLI) comes here.
/// </summary>
public sealed class AuditDesk(IMarket market, ExchangeStore store)
{
    /// <summary>
    /// The journal rows of <paramref name="organization"/>'s requests after the cursor <paramref name="after"/> (a page's
    /// <c>next</c>): on one machine the journal's sequence, in a cluster every market group's journal merged by time.
    /// </summary>
    public async Task<Page<AuditEntryView>> EntriesAsync(string organization, string? after, int limit, CancellationToken ct = default) =>
        (await store.AuditRowsAsync(organization, after, limit, cluster: market is not LocalMarket, ct)).Select(AuditEntryView.Of);
}

/// <summary>One journaled command as the audit trail shows it.</summary>
/// <param name="Seq">Its sequence in its journal.</param>
/// <param name="Shard">The market group whose journal holds it in a cluster; null on one machine.</param>
/// <param name="Time">When it was applied (UTC).</param>
/// <param name="Actor">Who acted.</param>
/// <param name="Kind">The command's kind: <c>bid</c>, <c>ask</c>, <c>cancel</c>, <c>contract.awarded</c>, <c>organization.created</c>, ….</param>
/// <param name="Summary">One line about it, e.g. <c>bid 8 GB300 us-east 2026-12-08T00→2026-12-09T00 at 3.10</c>.</param>
public sealed record AuditEntryView(long Seq, string? Shard, DateTimeOffset Time, AuditActorView Actor, string Kind, string Summary)
{
    /// <summary>The view of a journal row.</summary>
    public static AuditEntryView Of(AuditRow row)
    {
        var line = JournalLines.Describe(row.Command);
        return new AuditEntryView(row.Sequence, row.Shard.Length == 0 ? null : row.Shard, DateTimeOffset.FromUnixTimeMilliseconds(row.RecordedMs),
            AuditActorView.Of(row.Actor), line.Kind, line.Summary);
    }
}

/// <summary>Who acted for a journaled command.</summary>
/// <param name="Kind"><c>person</c>, <c>token</c> or <c>exchange</c> (<c>unknown</c> for an actor this build cannot read).</param>
/// <param name="Id">The person's subject, the token's id, or <c>exchange</c>.</param>
/// <param name="Name">The person's name or email, the token's label, or <c>exchange</c>.</param>
public sealed record AuditActorView(string Kind, string Id, string Name)
{
    /// <summary>The actor a row's column holds; a row that names none is the exchange's.</summary>
    public static AuditActorView Of(string? text) =>
        JournalActor.Parse(text) is { } actor ? new AuditActorView(actor.Kind, actor.Id, actor.Name) : new AuditActorView(JournalLines.Unknown, "", text ?? "");
}
