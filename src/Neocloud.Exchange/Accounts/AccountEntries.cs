using System.Globalization;
using Neocloud.Offtake;
using Neocloud.Offtake.Contracts;
using Neocloud.Storage;

namespace Neocloud.Exchange.Accounts;

/// <summary>
/// The one place money becomes entries (DESIGN.md "Accounts and counterparty risk"): the prepayment at an award, an
/// issued invoice's lines, the money an administrator records. A trade's entry is its trade row
/// (<see cref="AccountEntry.TradeCents"/>). Each entry is balanced: what one account is debited, another is credited.
/// </summary>
public static class AccountEntries
{
    /// <summary>
    /// The entries a fact causes, named <c>{idPrefix}.{n}</c> (the prefix: the shard and the fact's journal line), or
    /// none. <paramref name="sellerOf"/> names a contract's seller (the invoices' other party).
    /// </summary>
    public static IReadOnlyList<AccountEntry> Of(BookFact fact, string shard, string idPrefix, long nowMs, Func<string, string?> sellerOf)
    {
        var entries = new List<AccountEntry>();
        void Add(string debit, string credit, string kind, long cents, string reference)
        {
            if (cents == 0) return;
            if (cents < 0) (debit, credit, cents) = (credit, debit, -cents);
            entries.Add(new AccountEntry($"{idPrefix}.{entries.Count.ToString(CultureInfo.InvariantCulture)}", shard, debit, credit, kind, cents, reference, nowMs));
        }

        switch (fact)
        {
            case ContractAwarded awarded:
                foreach (var contract in awarded.Contracts)
                    Add(contract.BuyerId, contract.SellerId, AccountKinds.Prepayment, Prepayment(contract), $"contract {contract.Id}");
                break;
            case ContractMonthClosed closed when sellerOf(closed.ContractId) is { } seller:
                foreach (var invoice in closed.Invoices) InvoiceLines(closed.ContractId, seller, invoice, Add);
                break;
            case InvoicesIssued issued when sellerOf(issued.ContractId) is { } seller:
                foreach (var invoice in issued.Invoices) InvoiceLines(issued.ContractId, seller, invoice, Add);
                break;
            case MoneyRecorded money:
                var (debit, credit) = money.Kind is AccountKinds.Payment or AccountKinds.Collateral
                    ? (AccountEntry.Exchange, money.OrganizationId)
                    : (money.OrganizationId, AccountEntry.Exchange);
                Add(debit, credit, money.Kind, money.Cents, money.Reference);
                break;
        }
        return entries;
    }

    /// <summary>A contract's prepayment in cents (the terms round it to the cent): what its buyer is debited at the award.</summary>
    public static long Prepayment(OfftakeRecord contract) => Cents(OfftakeJson.Read<ContractTerms>(contract.Terms).PrepaymentUsd);

    /// <summary>
    /// An invoice's lines as entries: its service debits the payer and credits the seller; the prepayment drawn down, the
    /// SLA credit, the damages and the refund go the other way. Its prepayment line is not one: the award debited it.
    /// </summary>
    private static void InvoiceLines(string contractId, string seller, IssuedInvoice issued, Action<string, string, string, long, string> add)
    {
        var invoice = OfftakeJson.Read<Invoice>(issued.Invoice);
        var reference = $"contract {contractId} {issued.Month}";
        add(issued.Payer, seller, AccountKinds.Service, Cents(invoice.ServiceUsd), reference);
        add(seller, issued.Payer, AccountKinds.Drawdown, Cents(invoice.PrepaymentAppliedUsd), reference);
        add(seller, issued.Payer, AccountKinds.SlaCredit, Cents(invoice.SlaCreditUsd), reference);
        add(seller, issued.Payer, AccountKinds.Damages, Cents(invoice.DamagesCreditUsd), reference);
        add(seller, issued.Payer, AccountKinds.Refund, Cents(invoice.RefundUsd), reference);
    }

    /// <summary>Dollars to whole cents, half to even: every amount of the ledger is rounded here.</summary>
    public static long Cents(decimal usd) => (long)decimal.Round(usd * 100m, 0, MidpointRounding.ToEven);
}
