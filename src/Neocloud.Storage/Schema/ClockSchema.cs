namespace Neocloud.Storage.Schema;

/// <summary>
/// The read models of time's ticks, in the SQL both providers share: RFQs closed (with their offer count), each
/// contract's months closed (with the tranches that became late), and the invoices issued, one row per contract, month
/// and payer, the invoice as the ledger computed it when it was issued (JSON).
/// </summary>
internal static class ClockSchema
{
    public static string Tables(string integer) => $"""

        CREATE TABLE IF NOT EXISTS rfq_closings (
            rfq_id TEXT PRIMARY KEY,
            closes_ms {integer} NOT NULL,
            offers {integer} NOT NULL
        );
        CREATE TABLE IF NOT EXISTS offtake_months (
            contract_id TEXT NOT NULL,
            month TEXT NOT NULL,
            closed_ms {integer} NOT NULL,
            late_tranches TEXT NOT NULL,
            PRIMARY KEY (contract_id, month)
        );
        CREATE TABLE IF NOT EXISTS offtake_invoices (
            contract_id TEXT NOT NULL,
            month TEXT NOT NULL,
            payer TEXT NOT NULL,
            issued_ms {integer} NOT NULL,
            invoice TEXT NOT NULL,
            PRIMARY KEY (contract_id, month, payer)
        );
        """;
}
