using Neocloud.Exchange.Accounts;
using Neocloud.Storage;

namespace Neocloud.Cluster.Wire;

// Accounts on the Orleans wire: the account facts (with their events and entries, which the caller reads back from
// the committed fact), an entry, a margin mark, and an account's figures as one shard holds them.

/// <summary>An account entry on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.row.account-entry")]
public readonly record struct AccountEntrySurrogate([property: Id(0)] string Id, [property: Id(1)] string Shard, [property: Id(2)] string Debit,
    [property: Id(3)] string Credit, [property: Id(4)] string Kind, [property: Id(5)] long Cents, [property: Id(6)] string Reference, [property: Id(7)] long AtMs);

/// <summary>Converts <see cref="AccountEntry"/> for the wire.</summary>
[RegisterConverter]
public sealed class AccountEntryConverter : IConverter<AccountEntry, AccountEntrySurrogate>
{
    public AccountEntry ConvertFromSurrogate(in AccountEntrySurrogate s) => new(s.Id, s.Shard, s.Debit, s.Credit, s.Kind, s.Cents, s.Reference, s.AtMs);

    public AccountEntrySurrogate ConvertToSurrogate(in AccountEntry v) => new(v.Id, v.Shard, v.Debit, v.Credit, v.Kind, v.Cents, v.Reference, v.AtMs);
}

/// <summary>A margin mark on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.row.margin-mark")]
public readonly record struct MarginMarkSurrogate([property: Id(0)] string OrganizationId, [property: Id(1)] long Cents);

/// <summary>Converts <see cref="MarginMark"/> for the wire.</summary>
[RegisterConverter]
public sealed class MarginMarkConverter : IConverter<MarginMark, MarginMarkSurrogate>
{
    public MarginMark ConvertFromSurrogate(in MarginMarkSurrogate s) => new(s.OrganizationId, s.Cents);

    public MarginMarkSurrogate ConvertToSurrogate(in MarginMark v) => new(v.OrganizationId, v.Cents);
}

/// <summary>A credit limit set, with its events and entries, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.credit-limit")]
public readonly record struct CreditLimitSetSurrogate([property: Id(0)] string OrganizationId, [property: Id(1)] long? LimitCents, [property: Id(2)] long AtMs,
    [property: Id(3)] EventRecord[] Events, [property: Id(4)] AccountEntry[] Entries);

/// <summary>Converts <see cref="CreditLimitSet"/> for the wire.</summary>
[RegisterConverter]
public sealed class CreditLimitSetConverter : IConverter<CreditLimitSet, CreditLimitSetSurrogate>
{
    public CreditLimitSet ConvertFromSurrogate(in CreditLimitSetSurrogate s) => new(s.OrganizationId, s.LimitCents, s.AtMs) { Events = s.Events, Entries = s.Entries };

    public CreditLimitSetSurrogate ConvertToSurrogate(in CreditLimitSet v) => new(v.OrganizationId, v.LimitCents, v.AtMs, [.. v.Events], [.. v.Entries]);
}

/// <summary>Money recorded, with its events and entries, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.money-recorded")]
public readonly record struct MoneyRecordedSurrogate([property: Id(0)] string OrganizationId, [property: Id(1)] string Kind, [property: Id(2)] long Cents,
    [property: Id(3)] string Reference, [property: Id(4)] long AtMs, [property: Id(5)] EventRecord[] Events, [property: Id(6)] AccountEntry[] Entries);

/// <summary>Converts <see cref="MoneyRecorded"/> for the wire.</summary>
[RegisterConverter]
public sealed class MoneyRecordedConverter : IConverter<MoneyRecorded, MoneyRecordedSurrogate>
{
    public MoneyRecorded ConvertFromSurrogate(in MoneyRecordedSurrogate s) =>
        new(s.OrganizationId, s.Kind, s.Cents, s.Reference, s.AtMs) { Events = s.Events, Entries = s.Entries };

    public MoneyRecordedSurrogate ConvertToSurrogate(in MoneyRecorded v) => new(v.OrganizationId, v.Kind, v.Cents, v.Reference, v.AtMs, [.. v.Events], [.. v.Entries]);
}

/// <summary>Margins marked, with their events and entries, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.margin-marked")]
public readonly record struct MarginMarkedSurrogate([property: Id(0)] string Shard, [property: Id(1)] MarginMark[] Marks, [property: Id(2)] long AtMs,
    [property: Id(3)] EventRecord[] Events, [property: Id(4)] AccountEntry[] Entries);

/// <summary>Converts <see cref="MarginMarked"/> for the wire.</summary>
[RegisterConverter]
public sealed class MarginMarkedConverter : IConverter<MarginMarked, MarginMarkedSurrogate>
{
    public MarginMarked ConvertFromSurrogate(in MarginMarkedSurrogate s) => new(s.Shard, s.Marks, s.AtMs) { Events = s.Events, Entries = s.Entries };

    public MarginMarkedSurrogate ConvertToSurrogate(in MarginMarked v) => new(v.Shard, [.. v.Marks], v.AtMs, [.. v.Events], [.. v.Entries]);
}

/// <summary>A credit slice granted, with its events and entries, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.credit-granted")]
public readonly record struct CreditGrantedSurrogate([property: Id(0)] string OrganizationId, [property: Id(1)] string Shard, [property: Id(2)] long Cents,
    [property: Id(3)] long GrantedTotalCents, [property: Id(4)] EventRecord[] Events, [property: Id(5)] AccountEntry[] Entries);

/// <summary>Converts <see cref="CreditGranted"/> for the wire.</summary>
[RegisterConverter]
public sealed class CreditGrantedConverter : IConverter<CreditGranted, CreditGrantedSurrogate>
{
    public CreditGranted ConvertFromSurrogate(in CreditGrantedSurrogate s) =>
        new(s.OrganizationId, s.Shard, s.Cents, s.GrantedTotalCents) { Events = s.Events, Entries = s.Entries };

    public CreditGrantedSurrogate ConvertToSurrogate(in CreditGranted v) => new(v.OrganizationId, v.Shard, v.Cents, v.GrantedTotalCents, [.. v.Events], [.. v.Entries]);
}

/// <summary>A credit slice given back, with its events and entries, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.credit-returned")]
public readonly record struct CreditReturnedSurrogate([property: Id(0)] string OrganizationId, [property: Id(1)] string Shard, [property: Id(2)] long ReturnedTotalCents,
    [property: Id(3)] EventRecord[] Events, [property: Id(4)] AccountEntry[] Entries);

/// <summary>Converts <see cref="CreditReturned"/> for the wire.</summary>
[RegisterConverter]
public sealed class CreditReturnedConverter : IConverter<CreditReturned, CreditReturnedSurrogate>
{
    public CreditReturned ConvertFromSurrogate(in CreditReturnedSurrogate s) =>
        new(s.OrganizationId, s.Shard, s.ReturnedTotalCents) { Events = s.Events, Entries = s.Entries };

    public CreditReturnedSurrogate ConvertToSurrogate(in CreditReturned v) => new(v.OrganizationId, v.Shard, v.ReturnedTotalCents, [.. v.Events], [.. v.Entries]);
}

/// <summary>An account's figures as one shard holds them, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.wire-account")]
public sealed record WireAccount([property: Id(0)] string Organization, [property: Id(1)] long? LimitCents, [property: Id(2)] long CollateralCents,
    [property: Id(3)] long BalanceCents, [property: Id(4)] long CommittedCents, [property: Id(5)] long MarginCents, [property: Id(6)] long? AvailableCents)
{
    public static WireAccount Of(AccountFigures f) => new(f.Organization, f.LimitCents, f.CollateralCents, f.BalanceCents, f.CommittedCents, f.MarginCents, f.AvailableCents);

    public AccountFigures ToFigures() => new(Organization, LimitCents, CollateralCents, BalanceCents, CommittedCents, MarginCents, AvailableCents);
}

/// <summary>Every account's figures one shard holds, and its part of the exchange's cash account, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.wire-accounts")]
public sealed record WireAccounts([property: Id(0)] IReadOnlyList<WireAccount> Accounts, [property: Id(1)] long ExchangeCents);
