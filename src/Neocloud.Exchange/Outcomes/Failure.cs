using Neocloud.Domain.Input;

namespace Neocloud.Exchange.Outcomes;

/// <summary>Why the core did not do what was asked, in the domain's terms; a host decides how to show it.</summary>
public enum FailureKind
{
    /// <summary>The input breaks a field's rule (<see cref="Failure.Errors"/> names the fields).</summary>
    Invalid,
    /// <summary>Well-formed, but a rule of the market or the contract refuses it (the engine's reason, capacity not free, a reused key).</summary>
    Rejected,
    /// <summary>No such thing, or not the caller's to see.</summary>
    NotFound,
    /// <summary>The thing is in a state that does not allow it (already delivered, RFQ still open, …).</summary>
    Conflict,
    /// <summary>The caller is a party, but not the one who may do this.</summary>
    Forbidden,
    /// <summary>The exchange could not store the command, so it was not applied: retry it.</summary>
    Unavailable,
    /// <summary>Too many of the caller's requests of this kind are in flight: retry in a second.</summary>
    TooMany,
}

/// <summary>A refusal: its kind, a short title, one sentence of detail, and the bad fields when there are any.</summary>
public sealed record Failure(FailureKind Kind, string Title, string Detail, FieldErrors? Errors = null)
{
    /// <summary>Bad input, by field.</summary>
    public static Failure Invalid(FieldErrors errors) => new(FailureKind.Invalid, "The request is not valid", "one or more fields are not valid; see errors", errors);

    /// <summary>One bad field.</summary>
    public static Failure Invalid(string field, string message) => Invalid(FieldErrors.Of(field, message));

    /// <summary>The matching engine's refusal, with its reason.</summary>
    public static Failure MarketRejected(string reason) => new(FailureKind.Rejected, "Rejected by the market", reason);

    /// <summary>More than the organization's credit has available (or anything while it is below zero); the problem names <c>credit</c>.</summary>
    public static Failure CreditShort(long neededCents, long availableCents) => new(FailureKind.Rejected, CreditShortTitle,
        $"this needs {Accounts.AccountMoney.Usd(neededCents)} USD of credit and {Accounts.AccountMoney.Usd(availableCents)} USD is available",
        FieldErrors.Of("credit", $"needed {Accounts.AccountMoney.Usd(neededCents)}, available {Accounts.AccountMoney.Usd(availableCents)}"));

    /// <summary>The title of <see cref="CreditShort"/>'s refusals.</summary>
    public const string CreditShortTitle = "Not enough credit";

    /// <summary>True for a refusal for want of credit: it changed nothing, and is not kept under an idempotency key (a retry is checked again).</summary>
    public static bool IsCreditShort(Failure failure) => failure.Kind == FailureKind.Rejected && failure.Title == CreditShortTitle;

    /// <summary>Nothing by that id that the caller may see.</summary>
    public static Failure NotFound(string detail) => new(FailureKind.NotFound, "Not found", detail);

    /// <summary>Not allowed in the thing's present state.</summary>
    public static Failure Conflict(string title, string detail) => new(FailureKind.Conflict, title, detail);

    /// <summary>Only another party may do this.</summary>
    public static Failure Forbidden(string detail) => new(FailureKind.Forbidden, "Forbidden", detail);

    /// <summary>The command was not stored and not applied.</summary>
    public static Failure Unavailable { get; } =
        new(FailureKind.Unavailable, "Service unavailable", "the exchange could not store this command, so it was not applied; retry it");

    /// <summary>An idempotency key used before for a different request.</summary>
    public static Failure KeyReused { get; } =
        new(FailureKind.Rejected, "Idempotency-Key reused", "this Idempotency-Key was used for a different request; use a new key for a new request");

    /// <summary>The failure in one line: the bad fields, or the detail.</summary>
    public override string ToString() => Errors is { IsEmpty: false } errors ? errors.ToString() : Detail;
}
