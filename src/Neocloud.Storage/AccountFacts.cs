namespace Neocloud.Storage;

// Accounts (DESIGN.md "Accounts and counterparty risk"): every movement of money is an entry balanced between two
// accounts, carried by the journaled fact that causes it (a trade's entry is its trade row), so a replay writes the
// same entries whatever day it runs. Money is integer cents.

/// <summary>
/// One movement of money: <paramref name="Cents"/> (positive) from the <paramref name="Debit"/> account to the
/// <paramref name="Credit"/> account, an organization's or the exchange's cash account (<see cref="AccountEntry.Exchange"/>).
/// Collateral entries move money between the exchange and the organization's collateral, held apart from its balance.
/// </summary>
/// <param name="Id">Unique and decided where the fact was decided (its shard, journal line and place in it).</param>
/// <param name="Shard">The market group whose shard journaled it, or empty on one machine.</param>
/// <param name="Debit">Who pays.</param>
/// <param name="Credit">Who is paid.</param>
/// <param name="Kind">One of <see cref="AccountKinds"/>.</param>
/// <param name="Cents">The amount, positive.</param>
/// <param name="Reference">What it is for: a trade, contract and month, or the administrator's reference.</param>
/// <param name="AtMs">When it was recorded.</param>
public sealed record AccountEntry(string Id, string Shard, string Debit, string Credit, string Kind, long Cents, string Reference, long AtMs)
{
    /// <summary>The exchange's cash account.</summary>
    public const string Exchange = "exchange";

    /// <summary>A trade's notional in cents: GPUs × hours × price, rounded half-even to the cent (both sides of its entry).</summary>
    public static long TradeCents(long gpus, long hours, long priceTicks) =>
        (long)decimal.Round(gpus * hours * (decimal)priceTicks / 100m, 0, MidpointRounding.ToEven);

    /// <summary>The cost of <paramref name="gpus"/> × <paramref name="hours"/> at <paramref name="priceTicks"/>, rounded up to the cent: what a bid may commit.</summary>
    public static long CostCents(long gpus, long hours, long priceTicks) => (long)decimal.Ceiling(gpus * hours * (decimal)priceTicks / 100m);

    /// <summary>The statement id of a trade's entry.</summary>
    public static string TradeId(long tradeNo) => "t" + tradeNo.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The kinds of entries.</summary>
public static class AccountKinds
{
    public const string Trade = "trade";
    public const string Prepayment = "prepayment";
    public const string Service = "invoice.service";
    public const string Drawdown = "invoice.drawdown";
    public const string SlaCredit = "invoice.sla_credit";
    public const string Damages = "invoice.damages";
    public const string Refund = "invoice.refund";
    public const string Payment = "payment";
    public const string Payout = "payout";
    public const string Collateral = "collateral";
    public const string CollateralReturn = "collateral_return";

    /// <summary>The kinds an administrator records.</summary>
    public static readonly IReadOnlyList<string> Recorded = [Payment, Payout, Collateral, CollateralReturn];

    /// <summary>True for entries that move collateral, not the balance.</summary>
    public static bool IsCollateral(string kind) => kind is Collateral or CollateralReturn;
}

/// <summary>A fact about accounts, decided by the shard's account state (limits, recorded money, margin, credit slices).</summary>
public abstract record AccountFact : BookFact;

/// <summary>An administrator set an organization's credit limit (null: no limit).</summary>
public sealed record CreditLimitSet(string OrganizationId, long? LimitCents, long AtMs) : AccountFact;

/// <summary>An administrator recorded money received from, paid to, or held as collateral for an organization (its entry in <see cref="BookFact.Entries"/>).</summary>
public sealed record MoneyRecorded(string OrganizationId, string Kind, long Cents, string Reference, long AtMs) : AccountFact;

/// <summary>
/// The margin of every organization with contracts kept by the shard that journals it (<paramref name="Shard"/>: its
/// market group, or empty on one machine), as the marks stood at <paramref name="AtMs"/>; an organization not listed
/// has none there.
/// </summary>
public sealed record MarginMarked(string Shard, IReadOnlyList<MarginMark> Marks, long AtMs) : AccountFact;

/// <summary>An organization's margin: Σ max(0, −mark) over the contracts it pays for.</summary>
public sealed record MarginMark(string OrganizationId, long Cents);

/// <summary>
/// In a cluster: the home shard granted a market group's shard a slice of an organization's credit; the total granted
/// to that shard so far (decided by the home shard).
/// </summary>
public sealed record CreditGranted(string OrganizationId, string Shard, long Cents, long GrantedTotalCents) : AccountFact;

/// <summary>In a cluster: a market group's shard gave back unused credit; the total it has given back so far.</summary>
public sealed record CreditReturned(string OrganizationId, string Shard, long ReturnedTotalCents) : AccountFact;

/// <summary>An account's stored state for a shard: what the shard's account state starts from.</summary>
public sealed record AccountRows(
    IReadOnlyList<(string Organization, long? LimitCents)> Limits,
    IReadOnlyList<(string Organization, string Kind, long Cents)> EntrySums,
    IReadOnlyList<(string Organization, long Cents)> Margins,
    IReadOnlyList<(string Organization, string Shard, long GrantedCents, long ReturnedCents)> Slices);

/// <summary>An entry as an organization's statement shows it: signed for that organization (credit +, debit −).</summary>
public sealed record AccountLine(string Id, string Organization, string Counterparty, string Kind, long Cents, string Reference, long AtMs);

/// <summary>The rows accounts write (part of <see cref="BookProjection"/>).</summary>
internal static class AccountProjection
{
    private const string InsertEntry =
        "INSERT INTO account_entries (id, side, organization_id, counterparty, kind, amount_cents, reference, at_ms, shard) " +
        "VALUES (@id, @side, @organization, @counterparty, @kind, @cents, @reference, @atMs, @shard)";

    /// <summary>The statements that write a fact's account rows: its entries (both sides), and an account fact's own row.</summary>
    public static IEnumerable<(string Sql, object Parameters)> Rows(BookFact fact)
    {
        foreach (var e in fact.Entries)
        {
            yield return (InsertEntry, new { id = e.Id, side = "d", organization = e.Debit, counterparty = e.Credit, kind = e.Kind, cents = -e.Cents, reference = e.Reference, atMs = e.AtMs, shard = e.Shard });
            yield return (InsertEntry, new { id = e.Id, side = "c", organization = e.Credit, counterparty = e.Debit, kind = e.Kind, cents = e.Cents, reference = e.Reference, atMs = e.AtMs, shard = e.Shard });
        }
        switch (fact)
        {
            case CreditLimitSet set:
                yield return ("INSERT INTO credit_limits (organization_id, limit_cents, set_ms) VALUES (@id, @limit, @at) " +
                    "ON CONFLICT (organization_id) DO UPDATE SET limit_cents = excluded.limit_cents, set_ms = excluded.set_ms",
                    new { id = set.OrganizationId, limit = set.LimitCents, at = set.AtMs });
                break;
            case MarginMarked marked:
                yield return ("DELETE FROM account_margins WHERE shard = @shard", new { shard = marked.Shard });
                foreach (var mark in marked.Marks.Where(m => m.Cents != 0))
                {
                    yield return ("INSERT INTO account_margins (organization_id, shard, margin_cents, marked_ms) VALUES (@id, @shard, @cents, @at)",
                        new { id = mark.OrganizationId, shard = marked.Shard, cents = mark.Cents, at = marked.AtMs });
                }
                break;
            case CreditGranted granted:
                yield return ("INSERT INTO credit_slices (organization_id, shard, granted_cents, returned_cents) VALUES (@id, @shard, @total, 0) " +
                    "ON CONFLICT (organization_id, shard) DO UPDATE SET granted_cents = excluded.granted_cents",
                    new { id = granted.OrganizationId, shard = granted.Shard, total = granted.GrantedTotalCents });
                break;
            case CreditReturned returned:
                yield return ("UPDATE credit_slices SET returned_cents = @total WHERE organization_id = @id AND shard = @shard AND returned_cents < @total",
                    new { id = returned.OrganizationId, shard = returned.Shard, total = returned.ReturnedTotalCents });
                break;
        }
    }
}
