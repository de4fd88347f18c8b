using Neocloud.Storage;

namespace Neocloud.Exchange.Accounts;

/// <summary>
/// An organization's account as the API shows it (money as dollars with two decimals): its limit (null: none), collateral,
/// balance, committed, margin and available (null without a limit).
/// </summary>
public sealed record AccountView(string Organization, string? LimitUsd, string CollateralUsd, string BalanceUsd, string CommittedUsd, string MarginUsd,
    string? AvailableUsd)
{
    public static AccountView Of(AccountFigures figures) => new(figures.Organization, AccountMoney.Usd(figures.LimitCents), AccountMoney.Usd(figures.CollateralCents),
        AccountMoney.Usd(figures.BalanceCents), AccountMoney.Usd(figures.CommittedCents), AccountMoney.Usd(figures.MarginCents), AccountMoney.Usd(figures.AvailableCents));
}

/// <summary>Every account and the exchange's cash account: with collateral, they sum to zero.</summary>
public sealed record AccountsView(IReadOnlyList<AccountView> Accounts, string ExchangeUsd);

/// <summary>One line of an organization's statement: credit positive, debit negative, with the other party.</summary>
public sealed record AccountEntryView(string Id, string Kind, string AmountUsd, string Counterparty, string Reference, DateTimeOffset At)
{
    public static AccountEntryView Of(AccountLine line) =>
        new(line.Id, line.Kind, AccountMoney.Usd(line.Cents), line.Counterparty, line.Reference, DateTimeOffset.FromUnixTimeMilliseconds(line.AtMs));
}
