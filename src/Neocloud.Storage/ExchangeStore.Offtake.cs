using Dapper;

namespace Neocloud.Storage;

/// <summary>Requests for quotes, offers and offtake contracts with their deliveries and SLA reports.</summary>
public sealed partial class ExchangeStore
{
    private const string RfqColumns = "id AS Id, buyer_id AS BuyerId, status AS Status, closes_ms AS ClosesMs, created_ms AS CreatedMs, terms AS Terms";
    private const string OfferColumns = "id AS Id, rfq_id AS RfqId, seller_id AS SellerId, status AS Status, created_ms AS CreatedMs, terms AS Terms";
    private const string OfftakeColumns =
        "id AS Id, rfq_id AS RfqId, offer_id AS OfferId, buyer_id AS BuyerId, seller_id AS SellerId, sku AS Sku, region AS Region, status AS Status, " +
        "terminated_month AS TerminatedMonth, created_ms AS CreatedMs, terms AS Terms";

    public async Task<RfqRecord?> GetRfqAsync(string id, CancellationToken cancellationToken = default) =>
        await SingleAsync<RfqRecord>($"SELECT {RfqColumns} FROM rfqs WHERE id = @id", new { id }, cancellationToken);

    /// <summary>The RFQs an organization may see: its own, and others' still open at <paramref name="nowMs"/>; newest first.</summary>
    public async Task<IReadOnlyList<RfqRecord>> VisibleRfqsAsync(string organizationId, long nowMs, CancellationToken cancellationToken = default) =>
        await QueryAsync<RfqRecord>(
            $"SELECT {RfqColumns} FROM rfqs WHERE buyer_id = @organizationId OR (status = 'open' AND closes_ms > @nowMs) ORDER BY created_ms DESC, id",
            new { organizationId, nowMs }, cancellationToken);

    public async Task<OfferRecord?> GetOfferAsync(string id, CancellationToken cancellationToken = default) =>
        (await SingleAsync<OfferRow>($"SELECT {OfferColumns} FROM offers WHERE id = @id", new { id }, cancellationToken))?.ToRecord();

    /// <summary>An RFQ's offers (all, or one seller's), oldest first.</summary>
    public async Task<IReadOnlyList<OfferRecord>> OffersAsync(string rfqId, string? sellerId, CancellationToken cancellationToken = default) =>
        (await QueryAsync<OfferRow>($"SELECT {OfferColumns} FROM offers WHERE rfq_id = @rfqId AND (@sellerId IS NULL OR seller_id = @sellerId) ORDER BY created_ms, id",
            new { rfqId, sellerId }, cancellationToken)).Select(r => r.ToRecord()).ToList();

    public async Task<OfftakeRecord?> GetOfftakeAsync(string id, CancellationToken cancellationToken = default) =>
        await SingleAsync<OfftakeRecord>($"SELECT {OfftakeColumns} FROM offtakes WHERE id = @id", new { id }, cancellationToken);

    /// <summary>Offtake contracts where the organization is buyer or seller (all of them for <c>null</c>), oldest first.</summary>
    public async Task<IReadOnlyList<OfftakeRecord>> OfftakesForAsync(string? organizationId, CancellationToken cancellationToken = default) =>
        await QueryAsync<OfftakeRecord>(
            $"SELECT {OfftakeColumns} FROM offtakes WHERE @organizationId IS NULL OR buyer_id = @organizationId OR seller_id = @organizationId " +
            "OR id IN (SELECT contract_id FROM offtake_assignments WHERE assignee_id = @organizationId AND status <> 'declined') ORDER BY created_ms, id",
            new { organizationId }, cancellationToken);

    public async Task<IReadOnlyList<DeliveryRecord>> DeliveriesAsync(string contractId, CancellationToken cancellationToken = default) =>
        await QueryAsync<DeliveryRecord>("SELECT contract_id AS ContractId, tranche AS Tranche, month AS Month, reported_ms AS ReportedMs FROM offtake_deliveries " +
            "WHERE contract_id = @contractId ORDER BY tranche", new { contractId }, cancellationToken);

    public async Task<IReadOnlyList<SlaRecord>> SlaReportsAsync(string contractId, CancellationToken cancellationToken = default) =>
        await QueryAsync<SlaRecord>("SELECT contract_id AS ContractId, month AS Month, availability AS Availability, reported_ms AS ReportedMs FROM offtake_sla " +
            "WHERE contract_id = @contractId ORDER BY month", new { contractId }, cancellationToken);

    /// <summary>True while an upgraded store's older book rows wait to be journaled (<see cref="BookImported"/>).</summary>
    public async Task<bool> BookImportPendingAsync(CancellationToken cancellationToken = default) =>
        await SingleAsync<string>("SELECT mark FROM event_marks WHERE mark = @mark", new { mark = Schema.SchemaScript.BookImportPending }, cancellationToken) is not null;

    /// <summary>The book as its state machine needs it at a shard's start: every RFQ, offer, contract, delivery, SLA month and assignment.</summary>
    public async Task<BookRows> BookRowsAsync(CancellationToken cancellationToken = default) => new(
        await QueryAsync<RfqRecord>($"SELECT {RfqColumns} FROM rfqs", null, cancellationToken),
        (await QueryAsync<OfferRow>($"SELECT {OfferColumns} FROM offers", null, cancellationToken)).Select(r => r.ToRecord()).ToList(),
        await QueryAsync<OfftakeRecord>($"SELECT {OfftakeColumns} FROM offtakes", null, cancellationToken),
        await QueryAsync<DeliveryRecord>("SELECT contract_id AS ContractId, tranche AS Tranche, month AS Month, reported_ms AS ReportedMs FROM offtake_deliveries",
            null, cancellationToken),
        await QueryAsync<SlaRecord>("SELECT contract_id AS ContractId, month AS Month, availability AS Availability, reported_ms AS ReportedMs FROM offtake_sla",
            null, cancellationToken),
        await QueryAsync<AssignmentRecord>($"SELECT {AssignmentColumns} FROM offtake_assignments", null, cancellationToken),
        await QueryAsync<StoredIndexValue>("SELECT name AS Name, month AS Month, value AS Value, updated_ms AS UpdatedMs FROM price_indices", null, cancellationToken));

    private async Task InsertWithKeyAsync(string sql, object row, IdempotencyRecord? idempotency, IReadOnlyList<EventRecord> events,
        CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(sql, row, transaction);
        if (idempotency is not null) await InsertIdempotencyAsync(connection, transaction, [idempotency]);
        await AppendEventsAsync(connection, transaction, events);
        await transaction.CommitAsync(cancellationToken);
        Published(events);
    }

    /// <summary>An offer as read: its status as the stored text, which Dapper cannot parse ("not-awarded" is no member name).</summary>
    private sealed record OfferRow(string Id, string RfqId, string SellerId, string Status, long CreatedMs, string Terms)
    {
        public OfferRecord ToRecord() => new(Id, RfqId, SellerId, StateText.ParseOfferStatus(Status), CreatedMs, Terms);
    }
}
