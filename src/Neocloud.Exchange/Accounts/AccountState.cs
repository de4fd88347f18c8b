using Neocloud.Exchange.Offtake;
using Neocloud.Exchange.Outcomes;
using Neocloud.Market.Commands;
using Neocloud.Market.Engine;
using Neocloud.Storage;

namespace Neocloud.Exchange.Accounts;

/// <summary>
/// An account's figures as one shard holds them, in cents: the limit (null: none), collateral, balance (credits −
/// debits), committed (the resting bids' maximum cost), margin, and what is available (null without a limit).
/// </summary>
public sealed record AccountFigures(string Organization, long? LimitCents, long CollateralCents, long BalanceCents, long CommittedCents, long MarginCents,
    long? AvailableCents)
{
    /// <summary>The figures of two parts of one account (two shards' in a cluster) added.</summary>
    public AccountFigures Plus(AccountFigures other) => new(Organization, LimitCents ?? other.LimitCents, CollateralCents + other.CollateralCents,
        BalanceCents + other.BalanceCents, CommittedCents + other.CommittedCents, MarginCents + other.MarginCents,
        AvailableCents is { } a && other.AvailableCents is { } b ? a + b : AvailableCents ?? other.AvailableCents);
}

/// <summary>
/// The accounts as a shard's single writer holds them, in memory (DESIGN.md "Accounts and counterparty risk"): each
/// organization's limit, collateral, balance, committed and margin, moved by the commands and facts the shard applies,
/// so the credit check before an order rests reads no database.
/// <para>
/// On one machine the one shard holds the whole account. In a cluster an account is split in parts that add up to it:
/// the home shard (the first market group's, which journals limits and money) holds limit + collateral + its own
/// entries − the credit it granted out; every market group's shard holds the slices it was granted + its trades' and
/// contracts' entries − its committed − its margin. Each part is checked on its own, so no sum of orders across groups
/// exceeds the account (<see cref="Available"/> is this shard's part).
/// </para>
/// </summary>
public sealed class AccountState
{
    private readonly Dictionary<string, Account> _accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Organization, long Cents)> _resting = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Organization, string Shard), (long Granted, long Returned)> _grants = [];
    private readonly string _shard;
    private readonly bool _home;
    private readonly bool _requireCredit;

    public AccountState(string shard, bool home, bool requireCredit)
    {
        _shard = shard;
        _home = home;
        _requireCredit = requireCredit;
    }

    /// <summary>This shard's name in entries and slices: its market group, or empty on one machine.</summary>
    public string Shard => _shard;

    /// <summary>True when this shard journals limits and money (the one shard, or in a cluster the first group's).</summary>
    public bool Home => _home;

    /// <summary>
    /// The state the store and the engine hold at a shard's start: limits, this shard's entries, trades and margins, the
    /// slices, and the resting bids (their maximum cost committed).
    /// </summary>
    public static AccountState From(string shard, bool home, bool requireCredit, AccountRows rows, Dictionary<string, long> tradeNets,
        IEnumerable<MarketState.BidState> restingBids)
    {
        var state = new AccountState(shard, home, requireCredit);
        foreach (var (organization, limit) in rows.Limits)
        {
            var account = state.Get(organization);
            account.LimitSet = true;
            account.Limit = limit;
        }
        foreach (var (organization, kind, cents) in rows.EntrySums)
        {
            var account = state.Get(organization);
            if (AccountKinds.IsCollateral(kind)) account.Collateral += cents;
            else account.Balance += cents;
        }
        foreach (var (organization, cents) in tradeNets) state.Get(organization).Balance += cents;
        foreach (var (organization, cents) in rows.Margins) state.Get(organization).Margin = cents;
        foreach (var (organization, slice, granted, returned) in rows.Slices)
        {
            if (home) state.SetGrant(organization, slice, granted, returned);
            if (slice == shard)
            {
                var account = state.Get(organization);
                (account.SliceGranted, account.SliceReturned) = (granted, returned);
            }
        }
        foreach (var bid in restingBids)
        {
            var cents = BidCost(bid.Gpus, bid.End - bid.Start, bid.Alternatives?.Select(a => a.LimitTicks) ?? [bid.LimitTicks]);
            state.Rest(bid.Id, bid.Account, cents);
        }
        return state;
    }

    /// <summary>The most a bid can cost: GPUs × hours × its highest limit (an alternatives bid at its costliest leg), up to the cent.</summary>
    public static long BidCost(BidCommand bid)
    {
        // On every order's path: no allocation.
        var highest = bid.Limit.Ticks;
        if (bid.Alternatives is { } alternatives)
        {
            foreach (var alternative in alternatives) highest = Math.Max(highest, alternative.Limit.Ticks);
        }
        return AccountEntry.CostCents(bid.Gpus, bid.Window.Length, highest);
    }

    /// <summary>The most a portfolio can cost: the sum of its legs'.</summary>
    public static long PortfolioCost(PortfolioCommand portfolio) => portfolio.Legs.Sum(BidCost);

    private static long BidCost(int gpus, int hours, IEnumerable<long> limits) => AccountEntry.CostCents(gpus, hours, limits.Max());

    /// <summary>True when the organization's orders are checked: it has a limit, or none was set and credit is required.</summary>
    public bool Limited(string organization) =>
        _accounts.TryGetValue(organization, out var account) && account.LimitSet ? account.Limit is not null : _requireCredit;

    /// <summary>What this shard's part of the account has available, or null when the organization is not limited.</summary>
    public long? Available(string organization)
    {
        if (!Limited(organization)) return null;
        var account = Get(organization);
        var home = _home ? (account.Limit ?? 0) + account.Collateral - account.GrantedOut : 0;
        return home + account.SliceGranted - account.SliceReturned + account.Balance - account.Committed - account.Margin;
    }

    /// <summary>
    /// The refusal of something that would add <paramref name="cents"/> of exposure for <paramref name="organization"/>
    /// now, or null: more than is available, or anything at all while available is below zero (a margin call).
    /// </summary>
    public Failure? Check(string organization, long cents) =>
        Available(organization) is { } available && (available < 0 || cents > available) ? Failure.CreditShort(cents, available) : null;

    /// <summary>A bid rested: its maximum cost is committed until it fills or is cancelled.</summary>
    public void Rest(string bidId, string organization, long cents)
    {
        _resting[bidId] = (organization, cents);
        Get(organization).Committed += cents;
    }

    /// <summary>A resting bid filled or was cancelled: what it committed is given back (a fill's cost is then its trade's).</summary>
    public void Closed(string bidId)
    {
        if (_resting.Remove(bidId, out var resting)) Get(resting.Organization).Committed -= resting.Cents;
    }

    /// <summary>A trade: the buyer pays the seller its notional.</summary>
    public void Traded(string buyer, string seller, long cents)
    {
        Get(buyer).Balance -= cents;
        Get(seller).Balance += cents;
    }

    /// <summary>Decides whether an account fact may happen now; changes nothing.</summary>
    public BookDecision Decide(AccountFact fact, Access.ConfigState config)
    {
        Failure? refusal = fact switch
        {
            CreditLimitSet set => !config.HasOrganization(set.OrganizationId) ? Access.ConfigState.NoOrganization(set.OrganizationId) : NotHome(),
            MoneyRecorded money => !config.HasOrganization(money.OrganizationId) ? Access.ConfigState.NoOrganization(money.OrganizationId)
                : money.Kind == AccountKinds.CollateralReturn && money.Cents > Get(money.OrganizationId).Collateral
                    ? Failure.Conflict("Not enough collateral", $"{money.OrganizationId} holds {Usd(Get(money.OrganizationId).Collateral)} of collateral; {Usd(money.Cents)} cannot be returned")
                : NotHome(),
            CreditGranted granted => NotHome() ?? (Limited(granted.OrganizationId) ? Check(granted.OrganizationId, granted.Cents) : null),
            CreditReturned => NotHome(),
            MarginMarked marked => marked.Shard == _shard ? null : Failure.Conflict("Wrong shard", $"margins of {marked.Shard} were sent to {_shard}"),
            _ => throw new ArgumentException($"unknown account fact {fact.GetType().Name}", nameof(fact)),
        };
        if (refusal is not null) return new BookDecision(refusal, fact, RunSteps: false);
        if (fact is CreditGranted grant)
        {
            var (granted, _) = _grants.GetValueOrDefault((grant.OrganizationId, grant.Shard));
            return new BookDecision(null, grant with { GrantedTotalCents = granted + grant.Cents }, RunSteps: false);
        }
        return new BookDecision(null, fact, RunSteps: false);
    }

    private Failure? NotHome() => _home ? null : Failure.Conflict("Wrong shard", "limits and money are journaled by the home shard");

    /// <summary>Moves the accounts by a fact committed: its entries, and an account fact's own change.</summary>
    public void Apply(BookFact fact)
    {
        foreach (var entry in fact.Entries)
        {
            var collateral = AccountKinds.IsCollateral(entry.Kind);
            Move(entry.Debit, -entry.Cents, collateral && entry.Debit != AccountEntry.Exchange);
            Move(entry.Credit, entry.Cents, collateral && entry.Credit != AccountEntry.Exchange);
        }
        switch (fact)
        {
            case CreditLimitSet set:
            {
                var account = Get(set.OrganizationId);
                account.LimitSet = true;
                account.Limit = set.LimitCents;
                break;
            }
            case MarginMarked marked:
            {
                foreach (var account in _accounts.Values) account.Margin = 0;
                foreach (var mark in marked.Marks) Get(mark.OrganizationId).Margin = mark.Cents;
                break;
            }
            case CreditGranted granted:
            {
                var (_, returned) = _grants.GetValueOrDefault((granted.OrganizationId, granted.Shard));
                SetGrant(granted.OrganizationId, granted.Shard, granted.GrantedTotalCents, returned);
                break;
            }
            case CreditReturned returned:
            {
                var (granted, before) = _grants.GetValueOrDefault((returned.OrganizationId, returned.Shard));
                SetGrant(returned.OrganizationId, returned.Shard, granted, Math.Max(before, returned.ReturnedTotalCents));
                break;
            }
        }
    }

    private void Move(string account, long cents, bool collateral)
    {
        var held = Get(account);
        if (collateral) held.Collateral += cents;
        else held.Balance += cents;
    }

    /// <summary>
    /// Applies a committed fact (<see cref="Apply"/>) and returns the organizations whose available it took below zero
    /// (it was not before): the margin calls it causes.
    /// </summary>
    public IReadOnlyList<string> ApplyFindingFalls(BookFact fact)
    {
        var touched = fact.Entries.SelectMany(e => new[] { e.Debit, e.Credit }).Concat(fact switch
        {
            CreditLimitSet set => [set.OrganizationId],
            MarginMarked marked => marked.Marks.Select(m => m.OrganizationId),
            CreditGranted granted => [granted.OrganizationId],
            _ => [],
        }).Where(o => o != AccountEntry.Exchange).Distinct(StringComparer.Ordinal).ToList();
        var before = touched.ToDictionary(o => o, Available, StringComparer.Ordinal);
        Apply(fact);
        return touched.Where(o => before[o] is not < 0 && Available(o) is < 0).ToList();
    }

    /// <summary>An organization's figures in this shard's part.</summary>
    public AccountFigures Figures(string organization)
    {
        var account = _accounts.GetValueOrDefault(organization) ?? new Account();
        return new AccountFigures(organization, _home && Limited(organization) ? account.Limit ?? 0 : null, account.Collateral, account.Balance,
            account.Committed, account.Margin, Available(organization));
    }

    /// <summary>Every organization this shard has figures for, by id.</summary>
    public IReadOnlyList<AccountFigures> All() =>
        _accounts.Keys.Where(o => o != AccountEntry.Exchange).Order(StringComparer.Ordinal).Select(Figures).ToList();

    /// <summary>The exchange's cash account in this shard's part.</summary>
    public long ExchangeCents => _accounts.TryGetValue(AccountEntry.Exchange, out var exchange) ? exchange.Balance : 0;

    /// <summary>
    /// In a cluster: what the home shard journaled of an organization's limit and of this shard's slice, learned (a grant
    /// committed there, a limit set). Slices only grow by what the store holds, and what this shard gave back stays given.
    /// </summary>
    public void Learn(string organization, bool limitSet, long? limitCents, long grantedCents, long returnedCents)
    {
        var account = Get(organization);
        if (!_home) (account.LimitSet, account.Limit) = (limitSet, limitCents);
        account.SliceGranted = Math.Max(account.SliceGranted, grantedCents);
        account.SliceReturned = Math.Max(account.SliceReturned, returnedCents);
    }

    /// <summary>
    /// In a cluster: gives back the part of this shard's slice it does not need (granted, and neither committed, spent
    /// nor owed here); this shard stops counting it at once. The total it has given back, for the home shard to journal.
    /// </summary>
    public long Release(string organization)
    {
        var account = Get(organization);
        var unused = Math.Max(0, Math.Min(account.SliceGranted - account.SliceReturned, Available(organization) ?? 0));
        account.SliceReturned += unused;
        return account.SliceReturned;
    }

    /// <summary>Records a slice's totals and keeps the organization's credit granted out in step (read on every check).</summary>
    private void SetGrant(string organization, string shard, long granted, long returned)
    {
        var (grantedBefore, returnedBefore) = _grants.GetValueOrDefault((organization, shard));
        _grants[(organization, shard)] = (granted, returned);
        Get(organization).GrantedOut += granted - returned - (grantedBefore - returnedBefore);
    }

    private Account Get(string organization)
    {
        if (!_accounts.TryGetValue(organization, out var account)) _accounts[organization] = account = new Account();
        return account;
    }

    /// <summary>Money as the API and problems show it.</summary>
    public static string Usd(long cents) => AccountMoney.Usd(cents);

    private sealed class Account
    {
        public bool LimitSet;
        public long? Limit;
        public long Collateral;
        public long Balance;
        public long Committed;
        public long Margin;
        public long SliceGranted;
        public long GrantedOut;
        public long SliceReturned;
    }
}
