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

    /// <summary>Stores a new RFQ with the request's idempotency record, in one transaction.</summary>
    public Task InsertRfqAsync(RfqRecord rfq, IdempotencyRecord? idempotency, IReadOnlyList<EventRecord> events, CancellationToken cancellationToken = default) =>
        InsertWithKeyAsync("INSERT INTO rfqs (id, buyer_id, status, closes_ms, created_ms, terms) VALUES (@Id, @BuyerId, @Status, @ClosesMs, @CreatedMs, @Terms)",
            new { rfq.Id, rfq.BuyerId, Status = rfq.Status.Text(), rfq.ClosesMs, rfq.CreatedMs, rfq.Terms }, idempotency, events, cancellationToken);

    /// <summary>Stores a new offer with the request's idempotency record, in one transaction.</summary>
    public Task InsertOfferAsync(OfferRecord offer, IdempotencyRecord? idempotency, IReadOnlyList<EventRecord> events, CancellationToken cancellationToken = default) =>
        InsertWithKeyAsync("INSERT INTO offers (id, rfq_id, seller_id, status, created_ms, terms) VALUES (@Id, @RfqId, @SellerId, @Status, @CreatedMs, @Terms)",
            new { offer.Id, offer.RfqId, offer.SellerId, Status = offer.Status.Text(), offer.CreatedMs, offer.Terms }, idempotency, events, cancellationToken);

    /// <summary>Stores an SLA report with the request's idempotency record; false when the month was already reported.</summary>
    public async Task<bool> TryInsertSlaAsync(SlaRecord report, IdempotencyRecord? idempotency, IReadOnlyList<EventRecord> events,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(
            "INSERT INTO offtake_sla (contract_id, month, availability, reported_ms) VALUES (@ContractId, @Month, @Availability, @ReportedMs) " +
            "ON CONFLICT (contract_id, month) DO NOTHING", report, transaction);
        if (inserted == 0) return false;
        if (idempotency is not null) await InsertIdempotencyAsync(connection, transaction, [idempotency]);
        await AppendEventsAsync(connection, transaction, events);
        await transaction.CommitAsync(cancellationToken);
        Published(events);
        return true;
    }

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

    /// <summary>The writes an award makes: the contracts, and the offers' and RFQ's new statuses.</summary>
    public static IEnumerable<StoreWrite> AwardWrites(string? rfqId, IReadOnlyList<OfftakeRecord> contracts, IReadOnlyList<string> losingOffers)
    {
        foreach (var contract in contracts)
        {
            yield return new StoreWrite(
                "INSERT INTO offtakes (id, rfq_id, offer_id, buyer_id, seller_id, sku, region, status, terminated_month, created_ms, terms) " +
                "VALUES (@Id, @RfqId, @OfferId, @BuyerId, @SellerId, @Sku, @Region, @Status, @TerminatedMonth, @CreatedMs, @Terms)",
                new { contract.Id, contract.RfqId, contract.OfferId, contract.BuyerId, contract.SellerId, contract.Sku, contract.Region,
                    Status = contract.Status.Text(), contract.TerminatedMonth, contract.CreatedMs, contract.Terms });
            if (contract.OfferId is { } offer) yield return new StoreWrite("UPDATE offers SET status = 'awarded' WHERE id = @offer", new { offer });
        }
        foreach (var offer in losingOffers) yield return new StoreWrite("UPDATE offers SET status = 'not-awarded' WHERE id = @offer", new { offer });
        if (rfqId is not null) yield return new StoreWrite("UPDATE rfqs SET status = 'awarded' WHERE id = @rfqId", new { rfqId });
    }

    /// <summary>The write that records a tranche delivered.</summary>
    public static StoreWrite DeliveryWrite(DeliveryRecord delivery) =>
        new("INSERT INTO offtake_deliveries (contract_id, tranche, month, reported_ms) VALUES (@ContractId, @Tranche, @Month, @ReportedMs)", delivery);

    /// <summary>The write that marks a contract terminated in a month.</summary>
    public static StoreWrite TerminationWrite(string contractId, string month) =>
        new("UPDATE offtakes SET status = 'terminated', terminated_month = @month WHERE id = @contractId", new { contractId, month });

    /// <summary>Withdraws an open RFQ of the buyer's; false when it is not open.</summary>
    public async Task<bool> WithdrawRfqAsync(string id, string buyerId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE rfqs SET status = 'withdrawn' WHERE id = @id AND buyer_id = @buyerId AND status = 'open'", new { id, buyerId }, cancellationToken: cancellationToken)) == 1;
    }

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
