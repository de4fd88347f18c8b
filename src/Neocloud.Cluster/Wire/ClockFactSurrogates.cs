using Neocloud.Storage;

namespace Neocloud.Cluster.Wire;

// Time's ticks (Neocloud.Storage's ClockFacts) on the Orleans wire, as the other book facts travel (BookFactSurrogates.cs):
// a [GenerateSerializer] surrogate each, through its own converter, with the events of BookFact.Events.

/// <summary>An issued invoice part on the wire (its invoice stays the ledger's JSON text).</summary>
[GenerateSerializer, Immutable, Alias("neocloud.row.issued-invoice")]
public readonly record struct IssuedInvoiceSurrogate([property: Id(0)] string Month, [property: Id(1)] string Payer, [property: Id(2)] string Invoice);

/// <summary>Converts <see cref="IssuedInvoice"/> for the wire.</summary>
[RegisterConverter]
public sealed class IssuedInvoiceConverter : IConverter<IssuedInvoice, IssuedInvoiceSurrogate>
{
    public IssuedInvoice ConvertFromSurrogate(in IssuedInvoiceSurrogate surrogate) => new(surrogate.Month, surrogate.Payer, surrogate.Invoice);

    public IssuedInvoiceSurrogate ConvertToSurrogate(in IssuedInvoice value) => new(value.Month, value.Payer, value.Invoice);
}

/// <summary>An RFQ's closing, with its events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.rfq-closed")]
public readonly record struct RfqClosedSurrogate(
    [property: Id(0)] string RfqId, [property: Id(1)] long ClosesMs, [property: Id(2)] int Offers, [property: Id(3)] EventRecord[] Events);

/// <summary>Converts <see cref="RfqClosed"/> for the wire.</summary>
[RegisterConverter]
public sealed class RfqClosedConverter : IConverter<RfqClosed, RfqClosedSurrogate>
{
    public RfqClosed ConvertFromSurrogate(in RfqClosedSurrogate surrogate) => new(surrogate.RfqId, surrogate.ClosesMs, surrogate.Offers) { Events = surrogate.Events };

    public RfqClosedSurrogate ConvertToSurrogate(in RfqClosed value) => new(value.RfqId, value.ClosesMs, value.Offers, [.. value.Events]);
}

/// <summary>A contract's month closed, with its events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.contract-month-closed")]
public readonly record struct ContractMonthClosedSurrogate(
    [property: Id(0)] string ContractId, [property: Id(1)] string Month, [property: Id(2)] long AtMs, [property: Id(3)] int[] LateTranches,
    [property: Id(4)] IssuedInvoice[] Invoices, [property: Id(5)] EventRecord[] Events);

/// <summary>Converts <see cref="ContractMonthClosed"/> for the wire.</summary>
[RegisterConverter]
public sealed class ContractMonthClosedConverter : IConverter<ContractMonthClosed, ContractMonthClosedSurrogate>
{
    public ContractMonthClosed ConvertFromSurrogate(in ContractMonthClosedSurrogate surrogate) => new(
        surrogate.ContractId, surrogate.Month, surrogate.AtMs, surrogate.LateTranches, surrogate.Invoices) { Events = surrogate.Events };

    public ContractMonthClosedSurrogate ConvertToSurrogate(in ContractMonthClosed value) => new(
        value.ContractId, value.Month, value.AtMs, [.. value.LateTranches], [.. value.Invoices], [.. value.Events]);
}

/// <summary>Invoices of closed months issued late, with their events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.invoices-issued")]
public readonly record struct InvoicesIssuedSurrogate(
    [property: Id(0)] string ContractId, [property: Id(1)] long AtMs, [property: Id(2)] IssuedInvoice[] Invoices, [property: Id(3)] EventRecord[] Events);

/// <summary>Converts <see cref="InvoicesIssued"/> for the wire.</summary>
[RegisterConverter]
public sealed class InvoicesIssuedConverter : IConverter<InvoicesIssued, InvoicesIssuedSurrogate>
{
    public InvoicesIssued ConvertFromSurrogate(in InvoicesIssuedSurrogate surrogate) => new(surrogate.ContractId, surrogate.AtMs, surrogate.Invoices)
    {
        Events = surrogate.Events,
    };

    public InvoicesIssuedSurrogate ConvertToSurrogate(in InvoicesIssued value) => new(value.ContractId, value.AtMs, [.. value.Invoices], [.. value.Events]);
}
