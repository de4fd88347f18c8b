using System.CommandLine;
using Neocloud.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Neocloud.Cli.Client;

/// <summary><c>neocloud account [entries]</c> and <c>neocloud admin credit|ledger|account|accounts</c>: accounts on a running exchange.</summary>
public static partial class ClientCommands
{
    private static readonly Column<AccountView>[] s_accountColumns =
    [
        new("organization", a => a.Organization), new("limitUsd", a => a.LimitUsd), new("collateralUsd", a => a.CollateralUsd), new("balanceUsd", a => a.BalanceUsd),
        new("committedUsd", a => a.CommittedUsd), new("marginUsd", a => a.MarginUsd), new("availableUsd", a => a.AvailableUsd),
    ];

    private static readonly Column<AccountEntryView>[] s_entryColumns =
    [
        new("id", e => e.Id), new("at", e => Cells.Instant(e.At)), new("kind", e => e.Kind), new("amountUsd", e => e.AmountUsd),
        new("counterparty", e => e.Counterparty), new("reference", e => e.Reference),
    ];

    /// <summary><c>neocloud account</c>: your account; <c>neocloud account entries</c>: its statement.</summary>
    public static Command Account(CliContext context)
    {
        var account = new Command("account", "Your account: limit, collateral, balance, committed (resting bids' maximum cost), margin and available, in USD.");
        Run(account, context, (api, _, ct) => api.GetAccountAsync(ct), AccountTable);
        {
            var after = new Option<string?>("--after") { Description = "The cursor a previous page gave (next)." };
            var limit = new Option<int>("--limit") { Description = "How many entries.", DefaultValueFactory = _ => 100 };
            var entries = new Command("entries", "Your account's entries, oldest first: trades, prepayments, invoice lines, payments, payouts, collateral (credit +, debit -).")
            {
                after, limit,
            };
            Run(entries, context, (api, parsed, ct) => api.ListAccountEntriesAsync(parsed.GetValue(after), parsed.GetValue(limit), ct), EntriesTable);
            account.Subcommands.Add(entries);
        }
        return account;
    }

    /// <summary><c>neocloud admin …</c>: what an administrator's token does to accounts.</summary>
    public static Command Admin(CliContext context)
    {
        var admin = new Command("admin", "Administer a running exchange (admin token): credit limits, money received, paid and held, accounts.");
        {
            var organization = new Argument<string>("organization") { Description = "The organization's id." };
            var amount = new Argument<string>("limit") { Description = "The limit in USD, e.g. 250000.00, or none for no limit." };
            var credit = new Command("credit", "Set an organization's credit limit (none: no limit).") { organization, amount };
            Run(credit, context, (api, parsed, ct) =>
            {
                var limit = parsed.GetValue(amount)!;
                return api.SetCreditLimitAsync(parsed.GetValue(organization)!, new CreditBody { LimitUsd = limit is "none" ? null : limit }, ct);
            }, AccountTable);
            admin.Subcommands.Add(credit);
        }
        {
            var organization = new Argument<string>("organization") { Description = "The organization's id." };
            var kind = new Argument<string>("kind") { Description = "payment (received from it), payout (paid to it), collateral (posted) or collateral_return." };
            kind.AcceptOnlyFromAmong("payment", "payout", "collateral", "collateral_return");
            var amount = new Argument<string>("amount") { Description = "USD, e.g. 1000000.00." };
            var reference = new Option<string>("--reference") { Description = "What it is: a wire reference, an agreement.", Required = true };
            var ledger = new Command("ledger", "Record money for an organization: a payment, payout, collateral posted or returned.") { organization, kind, amount, reference };
            Run(ledger, context, (api, parsed, ct) => api.RecordMoneyAsync(parsed.GetValue(organization)!, new LedgerBody
            {
                Kind = parsed.GetValue(kind)!, AmountUsd = parsed.GetValue(amount)!, Reference = parsed.GetValue(reference)!,
            }, ct), entry => new Rows(Table([entry], s_entryColumns), More(null)));
            admin.Subcommands.Add(ledger);
        }
        {
            var organization = new Argument<string>("organization") { Description = "The organization's id." };
            var account = new Command("account", "An organization's account.") { organization };
            Run(account, context, (api, parsed, ct) => api.GetOrganizationAccountAsync(parsed.GetValue(organization)!, ct), AccountTable);
            admin.Subcommands.Add(account);
        }
        {
            var accounts = new Command("accounts", "Every organization's account, and the exchange's cash account.");
            Run(accounts, context, (api, _, ct) => api.ListAccountsAsync(ct),
                all => new Rows(Table(all.Accounts, s_accountColumns), new Text($"exchange cash account: {all.ExchangeUsd} USD")));
            admin.Subcommands.Add(accounts);
        }
        return admin;
    }

    private static IRenderable AccountTable(AccountView account) => Table([account], s_accountColumns);

    private static IRenderable EntriesTable(PageOfAccountEntryView page) => new Rows(Table(page.Items, s_entryColumns), More(page.Next));
}
