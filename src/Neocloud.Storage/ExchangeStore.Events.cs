using System.Data.Common;
using Dapper;
using Npgsql;

namespace Neocloud.Storage;

/// <summary>
/// The event outbox: events are written by the transaction of the command that causes them (a group commit, or the
/// offtake desk's own writes), numbered per organization without gaps, and read back by sequence. After each commit
/// that wrote events the store says whose they were (<see cref="EventsCommitted"/>); on PostgreSQL the commit also
/// notifies every node listening (<see cref="ListenForEventsAsync"/>), so a reader on another node wakes at once.
/// </summary>
public sealed partial class ExchangeStore
{
    /// <summary>The PostgreSQL channel a commit with events notifies, its payload the organizations' ids (or <see cref="Everyone"/>).</summary>
    internal const string EventChannel = "neocloud_events";

    /// <summary>The organization list that stands for all of them (a notification too long to list them, or a listener reconnected).</summary>
    public const string Everyone = "*";

    /// <summary>Raised after a commit that wrote events, with the organizations they were for (keep handlers short).</summary>
    public event Action<IReadOnlyCollection<string>>? EventsCommitted;

    /// <summary>
    /// Writes events that no command causes (a webhook disabled; before time's ticks were journaled, an RFQ closed or a
    /// month invoiced), in one transaction. With a <paramref name="mark"/>, only once: false when an earlier call with the same mark wrote them.
    /// </summary>
    public async Task<bool> PublishAsync(IReadOnlyList<EventRecord> events, string? mark, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (mark is not null)
        {
            var marked = await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO event_marks (mark, created_ms) VALUES (@mark, @now) ON CONFLICT (mark) DO NOTHING",
                new { mark, now = events.Count > 0 ? events[0].AtMs : 0 }, transaction, cancellationToken: cancellationToken));
            if (marked == 0) return false;
        }
        await AppendEventsAsync(connection, transaction, events);
        await transaction.CommitAsync(cancellationToken);
        Published(events);
        return true;
    }

    /// <summary>The marks already written among <paramref name="marks"/>.</summary>
    public async Task<HashSet<string>> MarkedAsync(IReadOnlyList<string> marks, CancellationToken cancellationToken = default)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var page in marks.Chunk(500))
        {
            var rows = _postgres is null
                ? await QueryAsync<string>("SELECT mark FROM event_marks WHERE mark IN @page", new { page }, cancellationToken)
                : await QueryAsync<string>("SELECT mark FROM event_marks WHERE mark = ANY(@page)", new { page }, cancellationToken);
            found.UnionWith(rows);
        }
        return found;
    }

    /// <summary>
    /// A cheap summary of what the contracts' time-caused events depend on (contracts, deliveries, SLA reports,
    /// terminations): when it and the month are unchanged, a sweep has nothing new to find in them.
    /// </summary>
    public async Task<string> OfftakeFingerprintAsync(CancellationToken cancellationToken = default) =>
        await SingleAsync<string>(
            "SELECT CAST((SELECT COUNT(*) FROM offtakes) AS TEXT) || '/' || CAST((SELECT COUNT(*) FROM offtakes WHERE terminated_month IS NOT NULL) AS TEXT) || '/' || " +
            "CAST((SELECT COUNT(*) FROM offtake_deliveries) AS TEXT) || '/' || CAST((SELECT COALESCE(MAX(reported_ms), 0) FROM offtake_deliveries) AS TEXT) || '/' || " +
            "CAST((SELECT COUNT(*) FROM offtake_sla) AS TEXT) || '/' || CAST((SELECT COALESCE(MAX(reported_ms), 0) FROM offtake_sla) AS TEXT) || '/' || " +
            "CAST((SELECT COUNT(*) FROM offtake_assignments WHERE status = 'accepted') AS TEXT)",
            null, cancellationToken) ?? "";

    /// <summary>An organization's events after <paramref name="after"/> (of the given types, or all), oldest first, at most <paramref name="limit"/>.</summary>
    public async Task<List<StoredEvent>> EventsAsync(string organizationId, long after, IReadOnlyList<string>? types, int limit,
        CancellationToken cancellationToken = default)
    {
        const string Columns = "seq AS Seq, id AS Id, type AS Type, at_ms AS AtMs, data AS Data";
        var filter = types is not { Count: > 0 } ? "" : _postgres is null ? " AND type IN @types" : " AND type = ANY(@types)";
        return await QueryAsync<StoredEvent>(
            $"SELECT {Columns} FROM events WHERE organization_id = @organizationId AND seq > @after{filter} ORDER BY seq LIMIT @limit",
            new { organizationId, after, types = types?.ToArray(), limit }, cancellationToken);
    }

    /// <summary>An organization's newest <paramref name="count"/> events, newest first.</summary>
    public async Task<List<StoredEvent>> LatestEventsAsync(string organizationId, int count, CancellationToken cancellationToken = default) =>
        await LatestEventsAsync(organizationId, null, count, cancellationToken);

    /// <summary>The organization's newest <paramref name="count"/> events of one type (of any, with null), newest first.</summary>
    public async Task<List<StoredEvent>> LatestEventsAsync(string organizationId, string? type, int count, CancellationToken cancellationToken = default) =>
        await QueryAsync<StoredEvent>(
            "SELECT seq AS Seq, id AS Id, type AS Type, at_ms AS AtMs, data AS Data FROM events WHERE organization_id = @organizationId " +
            (type is null ? "" : "AND type = @type ") + "ORDER BY seq DESC LIMIT @count",
            new { organizationId, type, count }, cancellationToken);

    /// <summary>The sequence number of an organization's newest event, 0 before its first.</summary>
    public async Task<long> LastEventSeqAsync(string organizationId, CancellationToken cancellationToken = default) =>
        await SingleAsync<long?>("SELECT seq FROM event_counters WHERE organization_id = @organizationId", new { organizationId }, cancellationToken) ?? 0;

    /// <summary>
    /// Until cancelled, listens on PostgreSQL for the commits of every node that wrote events and passes on whose they
    /// were; after a lost connection it reconnects and passes on <see cref="Everyone"/> (it may have missed some).
    /// Returns at once on SQLite, where only this process writes and <see cref="EventsCommitted"/> says it all.
    /// </summary>
    public async Task ListenForEventsAsync(Action<IReadOnlyCollection<string>> onCommitted, CancellationToken cancellationToken)
    {
        if (_postgres is null) return;
        var first = true;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _postgres.OpenConnectionAsync(cancellationToken);
                connection.Notification += (_, e) => onCommitted(e.Payload.Split(','));
                await connection.ExecuteAsync($"LISTEN {EventChannel}");
                if (!first) onCommitted([Everyone]);
                first = false;
                while (true) await connection.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is DbException or IOException or TimeoutException or InvalidOperationException)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Writes events in an open transaction: on PostgreSQL in two statements (<see cref="EventRows.Bulk"/>) and a
    /// notification; on SQLite an organization at a time (in id order), its counter moved first.
    /// </summary>
    internal static async Task AppendEventsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<EventRecord> events)
    {
        if (events.Count == 0) return;
        if (connection is NpgsqlConnection postgres)
        {
            var (counterSql, counterValues, insertSql, insertValues) = EventRows.Bulk(events);
            foreach (var (sql, values) in new[] { (counterSql, counterValues), (insertSql, insertValues) })
            {
                await using var command = new NpgsqlCommand(sql, postgres, (NpgsqlTransaction)transaction);
                foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
                await command.ExecuteNonQueryAsync();
            }
            await connection.ExecuteAsync("SELECT pg_notify(@channel, @payload)", new { channel = EventChannel, payload = NotifyPayload(events) }, transaction);
            return;
        }
        var counter = EventRows.CounterSql("@p");
        var insert = EventRows.InsertSql("@p");
        foreach (var (organization, indexes) in EventRows.ByOrganization(events))
        {
            await connection.ExecuteAsync(counter, new { p1 = organization, p2 = (long)indexes.Count }, transaction);
            for (var i = 0; i < indexes.Count; i++)
            {
                var e = events[indexes[i]];
                await connection.ExecuteAsync(insert, new { p1 = organization, p2 = (long)(indexes.Count - 1 - i), p3 = e.Id, p4 = e.Type, p5 = e.AtMs, p6 = e.Data },
                    transaction);
            }
        }
    }

    /// <summary>The organizations of <paramref name="events"/> as a notification's payload (PostgreSQL takes under 8,000 bytes).</summary>
    internal static string NotifyPayload(IReadOnlyList<EventRecord> events)
    {
        var payload = string.Join(',', events.Select(e => e.OrganizationId).Distinct(StringComparer.Ordinal));
        return payload.Length < 7000 ? payload : Everyone;
    }

    /// <summary>Tells <see cref="EventsCommitted"/> whose events a commit wrote.</summary>
    private void Published(IReadOnlyList<EventRecord> events)
    {
        if (events.Count == 0 || EventsCommitted is not { } handler) return;
        var organizations = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events) organizations.Add(e.OrganizationId);
        handler(organizations);
    }
}
