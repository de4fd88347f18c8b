namespace Neocloud.Storage;

/// <summary>
/// One event for one organization as the outbox stores it: its id (<c>evt_…</c>), type, time, and its data as JSON. The
/// organization's sequence number is given in the commit that writes it.
/// </summary>
public sealed record EventRecord(string OrganizationId, string Id, string Type, long AtMs, string Data);

/// <summary>A stored event of one organization, with its sequence number (from 1, without gaps).</summary>
public sealed record StoredEvent(long Seq, string Id, string Type, long AtMs, string Data);

/// <summary>
/// The outbox's two statements, in the positional form both stores prepare: the organization's counter moves by the
/// number of its events in the transaction, and each event takes its number counting back from the counter's new
/// value. The counter row stays locked until the commit, so concurrent commits for one organization (two shards in a
/// cluster) number their events one after the other, and a rollback returns the numbers it took.
/// </summary>
internal static class EventRows
{
    public static string CounterSql(string p) =>
        $"INSERT INTO event_counters (organization_id, seq) VALUES ({p}1, {p}2) " +
        "ON CONFLICT (organization_id) DO UPDATE SET seq = event_counters.seq + excluded.seq";

    public static string InsertSql(string p) =>
        $"INSERT INTO events (organization_id, seq, id, type, at_ms, data) SELECT {p}1, seq - {p}2, {p}3, {p}4, {p}5, {p}6 FROM event_counters WHERE organization_id = {p}1";

    /// <summary>
    /// On PostgreSQL, a batch's events in two statements whatever their number (a statement an event cost the group
    /// commit more than the rest of it): every organization's counter moved at once (in id order, so two commits lock
    /// counter rows in one order), then every event inserted from arrays, numbered back from its organization's new
    /// count. Parameters are positional arrays.
    /// </summary>
    public static (string CounterSql, object[] CounterValues, string InsertSql, object[] InsertValues) Bulk(IReadOnlyList<EventRecord> events)
    {
        var groups = ByOrganization(events);
        var organizations = groups.Keys.ToArray();
        var counts = groups.Values.Select(g => (long)g.Count).ToArray();
        var n = events.Count;
        var (orgs, back, ids, types, at, data) = (new string[n], new long[n], new string[n], new string[n], new long[n], new string[n]);
        var row = 0;
        foreach (var indexes in groups.Values)
        {
            for (var i = 0; i < indexes.Count; i++, row++)
            {
                var e = events[indexes[i]];
                (orgs[row], back[row], ids[row], types[row], at[row], data[row]) = (e.OrganizationId, indexes.Count - 1 - i, e.Id, e.Type, e.AtMs, e.Data);
            }
        }
        return (
            "INSERT INTO event_counters (organization_id, seq) SELECT * FROM unnest($1::text[], $2::bigint[]) " +
            "ON CONFLICT (organization_id) DO UPDATE SET seq = event_counters.seq + excluded.seq",
            [organizations, counts],
            "INSERT INTO events (organization_id, seq, id, type, at_ms, data) " +
            "SELECT t.organization_id, c.seq - t.back, t.id, t.type, t.at_ms, t.data " +
            "FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::text[]) AS t(organization_id, back, id, type, at_ms, data) " +
            "JOIN event_counters c ON c.organization_id = t.organization_id",
            [orgs, back, ids, types, at, data]);
    }

    /// <summary>The events' indexes by organization, organizations in ordinal order, each one's in the order given.</summary>
    public static SortedDictionary<string, List<int>> ByOrganization(IReadOnlyList<EventRecord> events)
    {
        var groups = new SortedDictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < events.Count; i++)
        {
            if (!groups.TryGetValue(events[i].OrganizationId, out var indexes)) groups[events[i].OrganizationId] = indexes = [];
            indexes.Add(i);
        }
        return groups;
    }
}
