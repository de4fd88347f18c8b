using System.Security.Claims;
using Neocloud.Domain.Paging;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Accounts;
using Neocloud.Exchange.Outcomes;
using Neocloud.Server.Auth;
using Neocloud.Server.Http;
using Neocloud.Storage;

namespace Neocloud.Server.Accounts;

/// <summary>
/// Accounts (DESIGN.md "Accounts and counterparty risk"): an organization reads its own account and statement; an
/// administrator sets limits, records money, and reads any account or all of them with the exchange's own.
/// </summary>
public static class AccountsApi
{
    /// <summary>The body of PUT /admin/organizations/{id}/credit: the limit in dollars, or null for none.</summary>
    public sealed record CreditBody(string? LimitUsd);

    /// <summary>The body of POST /admin/organizations/{id}/ledger.</summary>
    public sealed record LedgerBody(string Kind, string AmountUsd, string Reference);

    public static RouteGroupBuilder MapAccountsApi(this RouteGroupBuilder api)
    {
        var account = api.MapGroup("/account").WithTags("Accounts").RequireAuthorization(Permissions.Read.Name);
        account.MapGet("", GetAccountAsync).WithName("GetAccount").Produces<AccountView>()
            .WithSummary("Your account: limit, collateral, balance, committed (resting bids' maximum cost), margin and available, in USD");
        account.MapGet("/entries", ListEntriesAsync).WithName("ListAccountEntries").Produces<Page<AccountEntryView>>()
            .WithSummary("Your account's entries, oldest first: trades, prepayments, invoice lines, payments, payouts and collateral (credit +, debit −)");

        var admin = api.MapGroup("/admin").RequireAuthorization(Permissions.Operator.Name).WithTags("Admin");
        admin.MapPut("/organizations/{id}/credit", SetCreditAsync).Accepts<CreditBody>("application/json").Produces<AccountView>().WithName("SetCreditLimit")
            .WithSummary("Set an organization's credit limit in USD (null: no limit); its account as it now stands");
        admin.MapPost("/organizations/{id}/ledger", RecordAsync).Accepts<LedgerBody>("application/json").Produces<AccountEntryView>(StatusCodes.Status201Created)
            .WithName("RecordMoney").WithSummary("Record money: a payment received, a payout made, collateral posted or returned; the entry as the organization's statement shows it");
        admin.MapGet("/organizations/{id}/account", GetAccountOfAsync).Produces<AccountView>().WithName("GetOrganizationAccount")
            .WithSummary("An organization's account");
        admin.MapGet("/accounts", ListAccountsAsync).Produces<AccountsView>().WithName("ListAccounts")
            .WithSummary("Every organization's account and the exchange's cash account (balances and collateral sum to zero with it)");
        return api;
    }

    private static async Task<IResult> GetAccountAsync(ClaimsPrincipal user, AccountDesk desk) =>
        ApiResponse.Of(200, await desk.AccountAsync(user.OrganizationId())).ToResult();

    private static async Task<IResult> ListEntriesAsync(ClaimsPrincipal user, AccountDesk desk, string? after, WholeQuery? limit, CancellationToken ct)
    {
        if (Paging.Limit(limit, out var problem) is not { } take) return problem!.ToResult();
        return ApiResponse.Of(200, await desk.EntriesAsync(user.OrganizationId(), after, take, ct)).ToResult();
    }

    private static async Task<IResult> GetAccountOfAsync(string id, AccountDesk desk, CancellationToken ct) => Answers.Result(await desk.AccountOfAsync(id, ct));

    private static async Task<IResult> ListAccountsAsync(AccountDesk desk, CancellationToken ct) => ApiResponse.Of(200, await desk.AccountsAsync(ct)).ToResult();

    private static async Task<IResult> SetCreditAsync(string id, PostBody body, ClaimsPrincipal user, AccountDesk desk)
    {
        var fields = body.Fields;
        var limit = fields.RequiredCentsOrNull("limitUsd", "250000.00", least: 0, "must not be negative");
        fields.RejectUnknown();
        if (!fields.IsValid) return Answers.Result(Failure.Invalid(fields.Errors));
        return Answers.Result(await desk.SetLimitAsync(user.OrganizationId(), id, limit));
    }

    private static async Task<IResult> RecordAsync(string id, PostBody body, ClaimsPrincipal user, AccountDesk desk)
    {
        var fields = body.Fields;
        var kind = fields.OneOf("kind", AccountKinds.Recorded);
        var amount = fields.String("amountUsd");
        var reference = fields.String("reference", maxLength: 200);
        long cents = 0;
        if (amount is not null)
        {
            (cents, var why) = AccountMoney.ParseUsd(amount);
            if (why is not null) fields.Error("amountUsd", why);
            else if (cents <= 0) fields.Error("amountUsd", "must be more than zero");
        }
        fields.RejectUnknown();
        if (!fields.IsValid) return Answers.Result(Failure.Invalid(fields.Errors));
        return Answers.Result(await desk.RecordAsync(user.OrganizationId(), id, kind!, cents, reference!, body.Key<AccountEntryView>(StatusCodes.Status201Created)),
            StatusCodes.Status201Created);
    }
}
