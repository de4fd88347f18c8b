using Neocloud.Domain.Paging;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;
using Neocloud.Storage;

namespace Neocloud.Exchange.Accounts;

/// <summary>
/// Accounts as organizations and administrators see them (DESIGN.md "Accounts and counterparty risk"): an account's
/// figures (from the shards' memory, where the credit check reads them), its statement (from the store), every account
/// with the exchange's own; and the administrator's limits and recorded money, journaled as account facts on the home
/// shard. The API, the CLI (through the API) and the dashboard all come here.
/// </summary>
public sealed class AccountDesk(IMarket market, ExchangeStore store, TimeProvider clock)
{
    /// <summary>The actor the exchange's own account facts name (margins marked, credit moved between shards).</summary>
    public const string Actor = "exchange";

    /// <summary>An organization's account.</summary>
    public async Task<AccountView> AccountAsync(string organization) => AccountView.Of(await market.AccountAsync(organization));

    /// <summary>An organization's account, for an administrator: not found when the organization does not exist.</summary>
    public async Task<Outcome<AccountView>> AccountOfAsync(string organization, CancellationToken ct = default) =>
        await store.GetOrganizationAsync(organization, ct) is null ? ConfigState.NoOrganization(organization) : await AccountAsync(organization);

    /// <summary>An organization's statement, oldest first.</summary>
    public async Task<Page<AccountEntryView>> EntriesAsync(string organization, string? after, int limit, CancellationToken ct = default) =>
        (await store.AccountLinesAsync(organization, after, limit, ct)).Select(AccountEntryView.Of);

    /// <summary>An organization's newest statement lines, newest first (the desk's view).</summary>
    public async Task<IReadOnlyList<AccountEntryView>> LatestEntriesAsync(string organization, int count, CancellationToken ct = default) =>
        (await store.LatestAccountLinesAsync(organization, count, ct)).Select(AccountEntryView.Of).ToList();

    /// <summary>Every organization's account and the exchange's cash account.</summary>
    public async Task<AccountsView> AccountsAsync(CancellationToken ct = default)
    {
        var (accounts, exchange) = await market.AccountsAsync();
        var organizations = new List<AccountFigures>();
        string? after = null;
        // Every organization shows, with or without entries.
        var known = accounts.ToDictionary(a => a.Organization, StringComparer.Ordinal);
        do
        {
            var page = await store.ListOrganizationsAsync(after, 500, ct);
            foreach (var organization in page.Items)
                organizations.Add(known.Remove(organization.Id, out var figures) ? figures : await market.AccountAsync(organization.Id));
            after = page.Next;
        }
        while (after is not null);
        organizations.AddRange(known.Values);
        return new AccountsView([.. organizations.OrderBy(a => a.Organization, StringComparer.Ordinal).Select(AccountView.Of)], AccountMoney.Usd(exchange));
    }

    /// <summary>Sets (or with null clears) an organization's credit limit; its account as it now stands.</summary>
    public async Task<Outcome<AccountView>> SetLimitAsync(string actor, string organization, long? limitCents)
    {
        var fact = new CreditLimitSet(organization, limitCents, clock.GetUtcNow().ToUnixTimeMilliseconds());
        var outcome = await market.SubmitAsync(new TransactionRequest(actor, [], fact, ConfigJournal.HomeSku));
        if (!outcome.IsAccepted) return outcome.Failure!;
        await market.LimitChangedAsync(organization);
        return await AccountAsync(organization);
    }

    /// <summary>
    /// Records money received from, paid to, or held as collateral for an organization: the entry as the organization's
    /// statement shows it. Under an idempotency key a retry is answered with the first entry and records nothing.
    /// </summary>
    public async Task<Outcome<AccountEntryView>> RecordAsync(string actor, string organization, string kind, long cents, string reference,
        Idempotency<AccountEntryView>? key = null)
    {
        var fact = new MoneyRecorded(organization, kind, cents, reference, clock.GetUtcNow().ToUnixTimeMilliseconds());
        Outcome<AccountEntryView> Recorded(Outcome<Committed> committed) => committed.Map(c => EntryOf(c.Fact!, organization));
        return Recorded(await market.SubmitAsync(new TransactionRequest(actor, [], fact, ConfigJournal.HomeSku), key?.Before<Committed>(Recorded)));
    }

    private static AccountEntryView EntryOf(BookFact fact, string organization)
    {
        var entry = fact.Entries[0];
        var credited = entry.Credit == organization;
        return AccountEntryView.Of(new AccountLine(entry.Id, organization, credited ? entry.Debit : entry.Credit, entry.Kind, credited ? entry.Cents : -entry.Cents,
            entry.Reference, entry.AtMs));
    }
}
