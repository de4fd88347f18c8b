namespace Neocloud.Storage.Schema;

/// <summary>
/// The event outbox, in the SQL both providers share: each organization's events numbered without gaps (the counter
/// row is moved in the same transaction as the rows it numbers, so a rolled-back command leaves no hole), and the
/// marks of events that time rather than a command causes (an RFQ closing, a month invoiced), so each is published once.
/// </summary>
internal static class EventSchema
{
    public static string Tables(string integer) => $"""

        CREATE TABLE IF NOT EXISTS event_counters (
            organization_id TEXT PRIMARY KEY,
            seq {integer} NOT NULL
        );
        CREATE TABLE IF NOT EXISTS events (
            organization_id TEXT NOT NULL,
            seq {integer} NOT NULL,
            id TEXT NOT NULL,
            type TEXT NOT NULL,
            at_ms {integer} NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (organization_id, seq)
        );
        CREATE TABLE IF NOT EXISTS event_marks (
            mark TEXT PRIMARY KEY,
            created_ms {integer} NOT NULL
        );
        """;
}
