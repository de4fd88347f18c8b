namespace Neocloud.Storage;

/// <summary>The read models of time's ticks: RFQs closed, contracts' months closed, invoices issued (<see cref="ClockProjection"/>).</summary>
public sealed partial class ExchangeStore
{
    private const string IssuedInvoiceColumns = "contract_id AS ContractId, month AS Month, payer AS Payer, issued_ms AS IssuedMs, invoice AS Invoice";

    /// <summary>RFQs past their closing time at <paramref name="nowMs"/> (open, or awarded since) whose closing is not journaled yet, oldest first.</summary>
    public async Task<IReadOnlyList<RfqRecord>> RfqsToCloseAsync(long nowMs, CancellationToken cancellationToken = default) =>
        await QueryAsync<RfqRecord>(
            $"SELECT {RfqColumns} FROM rfqs r WHERE r.status IN ('open', 'awarded') AND r.closes_ms <= @nowMs " +
            "AND NOT EXISTS (SELECT 1 FROM rfq_closings c WHERE c.rfq_id = r.id) ORDER BY r.closes_ms, r.id",
            new { nowMs }, cancellationToken);

    /// <summary>Every contract's last closed month (<c>yyyy-MM</c>), by contract id.</summary>
    public async Task<Dictionary<string, string>> LastClosedMonthsAsync(CancellationToken cancellationToken = default) =>
        (await QueryAsync<(string ContractId, string Month)>("SELECT contract_id, MAX(month) FROM offtake_months GROUP BY contract_id", null, cancellationToken))
            .ToDictionary(r => r.ContractId, r => r.Month, StringComparer.Ordinal);

    /// <summary>The invoices issued for a contract (or every contract for <c>null</c>), by month, then payer.</summary>
    public async Task<IReadOnlyList<IssuedInvoiceRecord>> IssuedInvoicesAsync(string? contractId, CancellationToken cancellationToken = default) =>
        await QueryAsync<IssuedInvoiceRecord>(
            $"SELECT {IssuedInvoiceColumns} FROM offtake_invoices WHERE @contractId IS NULL OR contract_id = @contractId ORDER BY contract_id, month, payer",
            new { contractId }, cancellationToken);

    /// <summary>A contract's closed months, oldest first.</summary>
    public async Task<IReadOnlyList<ClosedMonthRecord>> ClosedMonthsAsync(string contractId, CancellationToken cancellationToken = default) =>
        await QueryAsync<ClosedMonthRecord>(
            "SELECT contract_id AS ContractId, month AS Month, closed_ms AS ClosedMs, late_tranches AS LateTranches FROM offtake_months " +
            "WHERE contract_id = @contractId ORDER BY month", new { contractId }, cancellationToken);

    /// <summary>The ticks journaled so far, as a shard's book state needs them at start.</summary>
    public async Task<ClockTicks> ClockTicksAsync(CancellationToken cancellationToken = default) => new(
        await QueryAsync<string>("SELECT rfq_id FROM rfq_closings", null, cancellationToken),
        await QueryAsync<ClosedMonthRecord>(
            "SELECT contract_id AS ContractId, month AS Month, closed_ms AS ClosedMs, late_tranches AS LateTranches FROM offtake_months", null, cancellationToken),
        // Only the keys: the book state keeps which invoices were issued, not what they said.
        await QueryAsync<IssuedInvoiceKey>("SELECT contract_id AS ContractId, month AS Month, payer AS Payer FROM offtake_invoices", null, cancellationToken));
}
