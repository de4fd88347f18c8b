using System.Data.Common;
using Dapper;
using Neocloud.Domain.Offtake;

namespace Neocloud.Storage;

/// <summary>
/// The contract book's read models as projections of its facts: each fact becomes the rows it writes, keyed by id, set
/// whole (no state is checked here: the core decided the transition before the fact was journaled). The same statements
/// run in the live commit and when a replay rebuilds or verifies a store.
/// </summary>
internal static class BookProjection
{
    private const string InsertRfq = "INSERT INTO rfqs (id, buyer_id, status, closes_ms, created_ms, terms) VALUES (@Id, @BuyerId, @Status, @ClosesMs, @CreatedMs, @Terms)";
    private const string InsertOffer = "INSERT INTO offers (id, rfq_id, seller_id, status, created_ms, terms) VALUES (@Id, @RfqId, @SellerId, @Status, @CreatedMs, @Terms)";
    private const string InsertContract =
        "INSERT INTO offtakes (id, rfq_id, offer_id, buyer_id, seller_id, sku, region, status, terminated_month, created_ms, terms) " +
        "VALUES (@Id, @RfqId, @OfferId, @BuyerId, @SellerId, @Sku, @Region, @Status, @TerminatedMonth, @CreatedMs, @Terms)";
    private const string InsertDelivery = "INSERT INTO offtake_deliveries (contract_id, tranche, month, reported_ms) VALUES (@ContractId, @Tranche, @Month, @ReportedMs)";
    private const string InsertSla = "INSERT INTO offtake_sla (contract_id, month, availability, reported_ms) VALUES (@ContractId, @Month, @Availability, @ReportedMs)";
    private const string InsertAssignment =
        "INSERT INTO offtake_assignments (id, contract_id, assignor_id, assignee_id, from_month, tranches, status, created_ms, seller_accepted_ms, " +
        "assignee_accepted_ms, decided_ms, declined_by) VALUES (@Id, @ContractId, @AssignorId, @AssigneeId, @FromMonth, @Tranches, @Status, @CreatedMs, " +
        "@SellerAcceptedMs, @AssigneeAcceptedMs, @DecidedMs, @DeclinedBy)";
    private const string UpsertIndexValue =
        "INSERT INTO price_indices (name, month, value, updated_ms) VALUES (@name, @month, @value, @updatedMs) " +
        "ON CONFLICT (name, month) DO UPDATE SET value = excluded.value, updated_ms = excluded.updated_ms";

    /// <summary>The statements that write a fact's rows, in order.</summary>
    public static IEnumerable<(string Sql, object Parameters)> Rows(BookFact fact)
    {
        switch (fact)
        {
            case RfqOpened opened:
                yield return (InsertRfq, Rfq(opened.Rfq));
                break;
            case RfqWithdrawn withdrawn:
                yield return ("UPDATE rfqs SET status = @status WHERE id = @id", new { id = withdrawn.RfqId, status = RfqStatus.Withdrawn.Text() });
                break;
            case OfferMade made:
                yield return (InsertOffer, Offer(made.Offer));
                break;
            case ContractAwarded awarded:
                foreach (var contract in awarded.Contracts)
                {
                    yield return (InsertContract, Contract(contract));
                    if (contract.OfferId is { } offer) yield return (SetOfferStatus, new { id = offer, status = OfferStatus.Awarded.Text() });
                }
                foreach (var offer in awarded.LosingOffers) yield return (SetOfferStatus, new { id = offer, status = OfferStatus.NotAwarded.Text() });
                if (awarded.RfqId is { } rfq) yield return ("UPDATE rfqs SET status = @status WHERE id = @id", new { id = rfq, status = RfqStatus.Awarded.Text() });
                break;
            case TrancheDelivered delivered:
                yield return (InsertDelivery, delivered.Delivery);
                break;
            case SlaReported reported:
                yield return (InsertSla, reported.Report);
                break;
            case ContractTerminated terminated:
                yield return ("UPDATE offtakes SET status = @status, terminated_month = @month WHERE id = @id",
                    new { id = terminated.ContractId, month = terminated.Month, status = ContractStatus.Terminated.Text() });
                break;
            case AssignmentProposed proposed:
                yield return (InsertAssignment, proposed.Assignment);
                break;
            case AssignmentAccepted accepted:
                yield return (accepted.BySeller ? "UPDATE offtake_assignments SET seller_accepted_ms = @at WHERE id = @id"
                    : "UPDATE offtake_assignments SET assignee_accepted_ms = @at WHERE id = @id", new { id = accepted.AssignmentId, at = accepted.AtMs });
                if (accepted.Completes)
                    yield return ("UPDATE offtake_assignments SET status = @status, decided_ms = @at WHERE id = @id",
                        new { id = accepted.AssignmentId, at = accepted.AtMs, status = AssignmentStatus.Accepted });
                break;
            case AssignmentDeclined declined:
                yield return ("UPDATE offtake_assignments SET status = @status, decided_ms = @at, declined_by = @by WHERE id = @id",
                    new { id = declined.AssignmentId, at = declined.AtMs, by = declined.DeclinedBy, status = AssignmentStatus.Declined });
                break;
            case IndexValuesSet set:
                foreach (var value in set.Values) yield return (UpsertIndexValue, new { name = set.Name, month = value.Month, value = value.Value, updatedMs = set.AtMs });
                break;
            case BookImported imported:
                // The rows were already in the store that was upgraded; a rebuild writes them.
                foreach (var row in imported.Rfqs) yield return (Conflicting(InsertRfq), Rfq(row));
                foreach (var row in imported.Offers) yield return (Conflicting(InsertOffer), Offer(row));
                foreach (var row in imported.Contracts) yield return (Conflicting(InsertContract), Contract(row));
                foreach (var delivery in imported.Deliveries) yield return (Conflicting(InsertDelivery), delivery);
                foreach (var report in imported.Sla) yield return (Conflicting(InsertSla), report);
                foreach (var assignment in imported.Assignments) yield return (Conflicting(InsertAssignment), assignment);
                foreach (var value in imported.IndexValues)
                    yield return ("INSERT INTO price_indices (name, month, value, updated_ms) VALUES (@Name, @Month, @Value, @UpdatedMs) ON CONFLICT DO NOTHING", value);
                yield return ("DELETE FROM event_marks WHERE mark = @mark", new { mark = Schema.SchemaScript.BookImportPending });
                break;
            case ConfigFact config:
                foreach (var row in ConfigProjection.Rows(config)) yield return row;
                break;
            case RfqClosed or ContractMonthClosed or InvoicesIssued:
                foreach (var row in ClockProjection.Rows(fact)) yield return row;
                break;
            case OrderRejected:
                // Its event only.
                break;
            case AlertSet set:
                yield return ("INSERT INTO alerts (id, organization_id, sku, region, kind, price_ticks, month, created_ms, state, triggered_ms, value_ticks, triggers) " +
                    "VALUES (@Id, @OrganizationId, @Sku, @Region, @Kind, @PriceTicks, @Month, @CreatedMs, @State, @TriggeredMs, @ValueTicks, @Triggers)", set.Alert);
                break;
            case AlertRemoved removed:
                yield return ("DELETE FROM alerts WHERE id = @AlertId", removed);
                break;
            case AlertsCrossed crossed:
                // One statement an alert, however often it crossed at this moment (prints in one commit may cross it down and up again).
                foreach (var crossings in crossed.Crossings.GroupBy(c => c.AlertId, StringComparer.Ordinal))
                {
                    var state = crossings.Last().Triggered ? AlertRecord.Triggered : AlertRecord.Armed;
                    var triggers = crossings.Count(c => c.Triggered);
                    yield return triggers > 0
                        ? ("UPDATE alerts SET state = @state, triggered_ms = @at, value_ticks = @value, triggers = triggers + @triggers WHERE id = @id",
                            new { id = crossings.Key, state, at = crossed.AtMs, value = crossings.Last(c => c.Triggered).ValueTicks, triggers })
                        : ("UPDATE alerts SET state = @state WHERE id = @id", new { id = crossings.Key, state });
                }
                break;
            case AccountFact:
                break;
            default:
                throw new ArgumentException($"no projection for {fact.GetType().Name}", nameof(fact));
        }
    }

    /// <summary>Every statement a fact writes: its own rows, then its account rows.</summary>
    private static IEnumerable<(string Sql, object Parameters)> AllRows(BookFact fact) => Rows(fact).Concat(AccountProjection.Rows(fact));

    /// <summary>Writes a fact's rows and its events on an open transaction.</summary>
    public static async Task WriteAsync(DbConnection connection, DbTransaction transaction, BookFact fact)
    {
        foreach (var (sql, parameters) in AllRows(fact)) await connection.ExecuteAsync(sql, parameters, transaction);
    }

    /// <summary>Writes a fact's rows on an open transaction (SQLite's writer, which runs synchronously).</summary>
    public static void Write(DbConnection connection, DbTransaction transaction, BookFact fact)
    {
        foreach (var (sql, parameters) in AllRows(fact)) connection.Execute(sql, parameters, transaction);
    }

    private const string SetOfferStatus = "UPDATE offers SET status = @status WHERE id = @id";

    private static string Conflicting(string insert) => insert + " ON CONFLICT DO NOTHING";

    private static object Rfq(RfqRecord rfq) => new { rfq.Id, rfq.BuyerId, Status = rfq.Status.Text(), rfq.ClosesMs, rfq.CreatedMs, rfq.Terms };

    private static object Offer(OfferRecord offer) => new { offer.Id, offer.RfqId, offer.SellerId, Status = offer.Status.Text(), offer.CreatedMs, offer.Terms };

    private static object Contract(OfftakeRecord contract) => new
    {
        contract.Id, contract.RfqId, contract.OfferId, contract.BuyerId, contract.SellerId, contract.Sku, contract.Region, Status = contract.Status.Text(),
        contract.TerminatedMonth, contract.CreatedMs, contract.Terms,
    };
}
