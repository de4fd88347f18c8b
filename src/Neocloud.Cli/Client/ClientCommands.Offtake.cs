using System.CommandLine;
using System.Globalization;
using Neocloud.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Neocloud.Cli.Client;

/// <summary><c>neocloud rfq open|list|offer|offers|award</c> and <c>neocloud contract list|show|invoices|sla|deliver|terminate</c>.</summary>
public static partial class ClientCommands
{
    private static readonly Column<TrancheView>[] s_trancheColumns =
    [
        new("number", t => Cells.Number(t.Number)), new("pool", t => t.Pool), new("gpus", t => Cells.Number(t.Gpus)), new("state", t => Cells.Name(t.State)),
        new("due", t => t.Due), new("delivered", t => t.Delivered), new("monthsLate", t => Cells.Number(t.MonthsLate)), new("end", t => t.End),
        new("resalePool", t => t.ResalePool),
    ];

    private static readonly Column<RfqView>[] s_rfqColumns =
    [
        new("id", r => r.Id), new("buyer", r => r.Buyer), new("status", r => Cells.Name(r.Status)), new("closesAt", r => Cells.Instant(r.ClosesAt)),
        new("offers", r => Cells.Number(r.Offers)),
    ];

    private static readonly Column<OfftakeView>[] s_awardedColumns =
    [
        new("id", c => c.Id), new("seller", c => c.Seller), new("sku", c => c.Sku), new("region", c => c.Region), new("tcvUsd", c => Cells.Number(c.TcvUsd)),
        new("pricePerGpuHour", c => Cells.Number(c.PricePerGpuHour)), new("status", c => Cells.Name(c.Status)),
    ];

    private static readonly Column<OfftakeView>[] s_offtakeColumns =
    [
        new("id", c => c.Id), new("buyer", c => c.Buyer), new("seller", c => c.Seller), new("sku", c => c.Sku), new("region", c => c.Region),
        new("status", c => Cells.Name(c.Status)), new("signed", c => c.Signed), new("tcvUsd", c => Cells.Number(c.TcvUsd)),
        new("pricePerGpuHour", c => Cells.Number(c.PricePerGpuHour)),
    ];

    private static readonly Column<Invoice>[] s_invoiceColumns =
    [
        new("month", i => i.Month), new("billedTo", i => i.BilledTo), new("gpuHours", i => Cells.Number(i.GpuHours)),
        new("basePricePerGpuHour", i => Cells.Number(i.BasePricePerGpuHour)), new("factor", i => Cells.Number(i.Factor)),
        new("billedPricePerGpuHour", i => Cells.Number(i.BilledPricePerGpuHour)), new("prepaymentUsd", i => Cells.Number(i.PrepaymentUsd)),
        new("serviceUsd", i => Cells.Number(i.ServiceUsd)), new("prepaymentAppliedUsd", i => Cells.Number(i.PrepaymentAppliedUsd)),
        new("slaCreditUsd", i => Cells.Number(i.SlaCreditUsd)), new("damagesCreditUsd", i => Cells.Number(i.DamagesCreditUsd)),
        new("refundUsd", i => Cells.Number(i.RefundUsd)), new("dueUsd", i => Cells.Number(i.DueUsd)), new("availabilityPercent", i => Cells.Number(i.AvailabilityPercent)),
    ];

    private static readonly Column<SlaView>[] s_slaColumns =
    [
        new("month", r => r.Month), new("availabilityPercent", r => Cells.Number(r.AvailabilityPercent)), new("creditFraction", r => Cells.Number(r.CreditFraction)),
        new("creditUsd", r => Cells.Number(r.CreditUsd)),
    ];

    /// <summary>An offer as <c>rfq offers</c> lists it: ranked and scored for the buyer, plain for a seller seeing its own.</summary>
    private sealed record OfferRow(int? Rank, OfferView Offer, ScoredOffer? Score);

    /// <summary><c>neocloud rfq …</c>: requests for long-term capacity and the sealed offers on them.</summary>
    public static Command Rfq(CliContext context)
    {
        var rfq = new Command("rfq", "Requests for quotes for long-term capacity: open, list, offer, rank, award.");
        {
            var skus = new Option<string[]>("--sku") { Required = true, Description = "An acceptable SKU (repeat for several).", AllowMultipleArgumentsPerToken = true };
            var gpus = new Option<int?>("--gpus") { Description = "GPUs wanted (or --mw)." };
            var mw = new Option<decimal?>("--mw") { Description = "Megawatts of critical IT wanted (converted at the first SKU's kW per GPU)." };
            var regions = new Option<string[]>("--region") { Description = "An acceptable region (repeat; none means any).", AllowMultipleArgumentsPerToken = true };
            var earliest = new Option<string>("--earliest") { Required = true, Description = "Earliest first delivery, yyyy-MM." };
            var latest = new Option<string>("--latest") { Required = true, Description = "Latest first delivery, yyyy-MM." };
            var term = new Option<int>("--term") { Required = true, Description = "Term of every tranche, in months." };
            var maxPrice = new Option<string>("--max-price") { Required = true, Description = "Most the buyer pays per GPU-hour, e.g. 3.50." };
            var prepayment = new Option<decimal>("--prepayment") { Description = "Prepayment the buyer will make, as a fraction (0.2 = 20%).", DefaultValueFactory = _ => 0m };
            var availability = new Option<decimal>("--availability") { Description = "Availability needed, percent.", DefaultValueFactory = _ => 99m };
            var closes = new Option<string>("--closes") { Required = true, Description = "When offers close, ISO 8601 UTC (2026-12-15T17:00:00Z)." };
            var grace = new Option<int>("--grace") { Description = "Months a tranche may be late before the buyer may terminate.", DefaultValueFactory = _ => 3 };
            var ramp = new Option<string[]>("--ramp") { Description = "A ramp step GPUS@MONTH_OFFSET (repeat), e.g. 19000@0 19000@3.", AllowMultipleArgumentsPerToken = true };
            var billing = new Option<string?>("--billing") { Description = "Hours billed a month: 730 (default) or calendar." };
            billing.AcceptOnlyFromAmong("730", "calendar");
            var creditFrom = new Option<int?>("--credit-from-month") { Description = "Months of service before the prepayment is credited back (default 0)." };
            var book = BookOptions.Create();
            var open = new Command("open", "Open a sealed RFQ (as a buyer).")
                { skus, gpus, mw, regions, earliest, latest, term, maxPrice, prepayment, availability, closes, grace, ramp, billing, creditFrom };
            book.AddTo(open);
            Run(open, context, (api, parsed, ct) => api.OpenRfqAsync(new RfqBody
            {
                Skus = parsed.GetValue(skus)!, Gpus = parsed.GetValue(gpus), Mw = parsed.GetValue(mw), Regions = parsed.GetValue(regions) is { Length: > 0 } r ? r : null,
                EarliestStart = parsed.GetValue(earliest)!, LatestStart = parsed.GetValue(latest)!, TermMonths = parsed.GetValue(term), MaxPricePerGpuHour = parsed.GetValue(maxPrice)!,
                PrepaymentFraction = parsed.GetValue(prepayment), MinAvailabilityPercent = parsed.GetValue(availability), ClosesAt = Instant(parsed.GetValue(closes)!, "--closes"),
                GraceMonths = parsed.GetValue(grace), Ramp = parsed.GetValue(ramp) is { Length: > 0 } steps ? [.. steps.Select(RampStep)] : null,
                Billing = parsed.GetValue(billing), PrepaymentCreditFromMonth = parsed.GetValue(creditFrom), PriceIndex = book.Index(parsed),
                LdPercentPerMonth = parsed.GetValue(book.Ld), LdCapPercent = parsed.GetValue(book.LdCap),
            }, ct), opened => Table([opened], s_rfqColumns));
            rfq.Subcommands.Add(open);
        }
        {
            var list = new Command("list", "Your RFQs and the open RFQs of others.");
            Run(list, context, (api, _, ct) => api.ListRfqsAsync(ct), rfqs => Table(rfqs, s_rfqColumns));
            rfq.Subcommands.Add(list);
        }
        {
            var id = new Argument<string>("rfq") { Description = "The RFQ's id." };
            var sku = new Option<string>("--sku") { Required = true, Description = "The SKU offered." };
            var price = new Option<string>("--price") { Required = true, Description = "Price per GPU-hour, e.g. 2.95." };
            var prepayment = new Option<decimal>("--prepayment") { Description = "Prepayment asked, as a fraction.", DefaultValueFactory = _ => 0m };
            var availability = new Option<decimal>("--availability") { Required = true, Description = "Availability offered, percent." };
            var tranches = new Option<string[]>("--tranche") { Required = true, Description = "POOL:GPUS:yyyy-MM:TERM_MONTHS (repeat).", AllowMultipleArgumentsPerToken = true };
            var book = BookOptions.Create();
            var offer = new Command("offer", "Answer an open RFQ with a sealed offer (as a seller).") { id, sku, price, prepayment, availability, tranches };
            book.AddTo(offer);
            Run(offer, context, (api, parsed, ct) => api.SubmitOfferAsync(parsed.GetValue(id)!, new OfferBody
            {
                Sku = parsed.GetValue(sku)!, PricePerGpuHour = parsed.GetValue(price)!, PrepaymentFraction = parsed.GetValue(prepayment),
                AvailabilityPercent = parsed.GetValue(availability), Tranches = [.. parsed.GetValue(tranches)!.Select(TrancheSpec)], PriceIndex = book.Index(parsed),
                LdPercentPerMonth = parsed.GetValue(book.Ld), LdCapPercent = parsed.GetValue(book.LdCap),
            }, ct), submitted => Table([submitted],
                [new Column<OfferView>("id", o => o.Id), new("rfq", o => o.Rfq), new("seller", o => o.Seller), new("status", o => Cells.Name(o.Status))]));
            rfq.Subcommands.Add(offer);
        }
        {
            var id = new Argument<string>("rfq") { Description = "The RFQ's id." };
            var rank = new Option<string>("--rank") { Description = "effective-price, delivery, availability or region.", DefaultValueFactory = _ => "effective-price" };
            rank.AcceptOnlyFromAmong("effective-price", "delivery", "availability", "region");
            var offers = new Command("offers", "The offers on your closed RFQ, ranked, with lease-vs-build (or your own offers, as a seller).") { id, rank };
            RunSession(offers, context, async (session, parsed, ct) =>
            {
                var ranked = await session.CallAsync((api, c) => api.ListOffersAsync(parsed.GetValue(id)!, parsed.GetValue(rank), c), ct);
                // The answer is either the buyer's ranking or a seller's own offers (oneOf); the generated client reads every
                // answer as the ranking, so a seller's offers, which have no rank, are read as offers from the answer sent.
                List<OfferRow> rows = ranked.Count > 0 && ranked.All(r => r.Offer.Id is null)
                    ? [.. session.ReadAnswer<List<OfferView>>().Select(o => new OfferRow(null, o, null))]
                    : [.. ranked.Select(r => new OfferRow(r.Rank, r.Offer, r.Score))];
                return new Answer<List<OfferRow>>(rows, null);
            }, (rows, _) => RankedOffers(rows));
            rfq.Subcommands.Add(offers);
        }
        {
            var id = new Argument<string>("rfq") { Description = "The RFQ's id." };
            var awards = new Option<string[]>("--offer") { Required = true, Description = "OFFER_ID or OFFER_ID=SHARE (repeat), e.g. off-1 off-2=0.4.", AllowMultipleArgumentsPerToken = true };
            var award = new Command("award", "Award one or several offers of your closed RFQ; their tranches reserve the pools' capacity.") { id, awards };
            Run(award, context, (api, parsed, ct) => api.AwardOffersAsync(parsed.GetValue(id)!, new AwardBody
            {
                Awards = [.. parsed.GetValue(awards)!.Select(AwardSpec)],
            }, ct), awarded => Table(awarded, s_awardedColumns));
            rfq.Subcommands.Add(award);
        }
        return rfq;
    }

    /// <summary><c>neocloud contract …</c>: offtake contracts and their life.</summary>
    public static Command Contract(CliContext context)
    {
        var contract = new Command("contract", "Offtake contracts: show, invoices, SLA, deliveries, termination, assignment.");
        var id = () => new Argument<string>("id") { Description = "The contract's id (otc-…)." };
        {
            var list = new Command("list", "Your offtake contracts, as buyer or seller.");
            Run(list, context, (api, _, ct) => api.ListOfftakesAsync(ct),
                contracts => Table(contracts, s_offtakeColumns));
            contract.Subcommands.Add(list);
        }
        {
            var argument = id();
            var show = new Command("show", "A contract: terms, tranches, termination right, economics plan vs actual.") { argument };
            Run(show, context, (api, parsed, ct) => api.GetOfftakeAsync(parsed.GetValue(argument)!, ct), ContractDetail);
            contract.Subcommands.Add(show);
        }
        {
            var argument = id();
            var invoices = new Command("invoices", "Monthly invoices: service, prepayment drawn down, SLA credit, refunds, due.") { argument };
            Run(invoices, context, (api, parsed, ct) => api.ListOfftakeInvoicesAsync(parsed.GetValue(argument)!, ct),
                invoices => Table(invoices, s_invoiceColumns));
            contract.Subcommands.Add(invoices);
        }
        {
            var argument = id();
            var report = new Option<string?>("--report") { Description = "As the seller: report a month's availability, yyyy-MM=PERCENT (e.g. 2026-03=99.2)." };
            var import = new Option<FileInfo?>("--import") { Description = "As the seller: report every month of a CSV file of month,availabilityPercent lines (a header line is skipped)." };
            var sla = new Command("sla", "SLA reports and their credits; --report or --import adds them.") { argument, report, import };
            RunSession(sla, context, async (session, parsed, ct) =>
            {
                var contractId = parsed.GetValue(argument)!;
                var reports = new List<(string Month, decimal Percent)>();
                if (parsed.GetValue(report) is { } spec) reports.Add(SlaSpec(spec, '=', "--report must be yyyy-MM=PERCENT"));
                if (parsed.GetValue(import) is { } file)
                {
                    if (!file.Exists) throw new UsageException($"file '{file.FullName}' not found");
                    var lines = File.ReadAllLines(file.FullName).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
                    for (var i = 0; i < lines.Count; i++)
                    {
                        if (i == 0 && !char.IsAsciiDigit(lines[0][0])) continue;
                        reports.Add(SlaSpec(lines[i], ',', $"{file.Name} line {i + 1} must be yyyy-MM,PERCENT"));
                    }
                }
                if (reports.Count == 0) return await session.AnswerAsync((api, c) => api.ListSlaReportsAsync(contractId, c), ct);
                // Checked first, sent in month order; a month the exchange refuses stops the import and names it.
                var added = new List<SlaView>();
                foreach (var (month, percent) in reports.OrderBy(r => r.Month, StringComparer.Ordinal))
                    added.Add(await session.CallAsync((api, c) => api.ReportSlaAsync(contractId, new SlaBody { Month = month, AvailabilityPercent = percent }, c), ct));
                return new Answer<ICollection<SlaView>>(added, null);
            }, (reports, _) => Table(reports, s_slaColumns),
            // Reports added: their answers, in one array; else the list as the exchange sent it.
            json: (session, parsed) => parsed.GetValue(report) is null && parsed.GetValue(import) is null ? session.AnswerJson() : session.AnswersJson());
            contract.Subcommands.Add(sla);
        }
        {
            var argument = id();
            var tranche = new Option<int>("--tranche") { Required = true, Description = "The tranche's number." };
            var month = new Option<string>("--month") { Required = true, Description = "The month it was delivered, yyyy-MM." };
            var deliver = new Command("deliver", "As the seller: report a tranche delivered (the buyer gets a resale pool).") { argument, tranche, month };
            Run(deliver, context, (api, parsed, ct) => api.ReportDeliveryAsync(parsed.GetValue(argument)!,
                new DeliveryBody { Tranche = parsed.GetValue(tranche), Month = parsed.GetValue(month)! }, ct), ContractDetail);
            contract.Subcommands.Add(deliver);
        }
        {
            var argument = id();
            var terminate = new Command("terminate", "As the buyer: terminate for a tranche later than the grace period.") { argument };
            Run(terminate, context, (api, parsed, ct) => api.TerminateOfftakeAsync(parsed.GetValue(argument)!, ct), ContractDetail);
            contract.Subcommands.Add(terminate);
        }
        AddAssignmentCommands(contract, context);
        return contract;
    }

    private static (string Month, decimal Percent) SlaSpec(string spec, char separator, string usage)
    {
        var parts = spec.Split(separator);
        return parts.Length == 2 && decimal.TryParse(parts[1].Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percent)
            ? (parts[0].Trim(), percent)
            : throw new UsageException($"{usage}, got \"{spec}\"");
    }

    /// <summary>An instant option (ISO 8601, UTC unless it names an offset), read as the exchange reads it.</summary>
    private static DateTimeOffset Instant(string text, string option) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant)
            ? instant
            : throw new UsageException($"{option}: must be an ISO 8601 instant such as \"2026-12-01T17:00:00Z\", got \"{text}\"");

    private static RampStep RampStep(string spec)
    {
        var parts = spec.Split('@');
        return parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var gpus) && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var offset)
            ? new RampStep { Gpus = gpus, MonthOffset = offset }
            : throw new UsageException($"--ramp must be GPUS@MONTH_OFFSET, got \"{spec}\"");
    }

    private static TrancheBody TrancheSpec(string spec)
    {
        var parts = spec.Split(':');
        return parts.Length == 4 && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var gpus) && int.TryParse(parts[3], CultureInfo.InvariantCulture, out var term)
            ? new TrancheBody { Pool = parts[0], Gpus = gpus, Start = parts[2], TermMonths = term }
            : throw new UsageException($"--tranche must be POOL:GPUS:yyyy-MM:TERM_MONTHS, got \"{spec}\"");
    }

    private static AwardItem AwardSpec(string spec)
    {
        var parts = spec.Split('=');
        if (parts.Length == 1) return new AwardItem { Offer = parts[0] };
        return parts.Length == 2 && decimal.TryParse(parts[1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var share)
            ? new AwardItem { Offer = parts[0], Share = share }
            : throw new UsageException($"--offer must be OFFER_ID or OFFER_ID=SHARE, got \"{spec}\"");
    }

    private static IRenderable RankedOffers(List<OfferRow> rows)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in new[] { "rank", "offer", "seller", "price", "effective $/GPU-h", "first delivery", "availability %", "lease NPV", "build NPV" })
            table.AddColumn(column);
        foreach (var (rank, offer, score) in rows)
        {
            table.AddRow(
                Cells.Number(rank) ?? "", offer.Id, offer.Seller, Cells.Number(offer.Terms.PricePerGpuHour),
                Cells.Number(score?.EffectivePricePerGpuHour) ?? "", score?.FirstDelivery ?? "", Cells.Number(offer.Terms.AvailabilityPercent),
                score is null ? "" : $"{score.LeaseNpvCostUsd:#,0}", score is null ? "" : $"{score.BuildNpvCostUsd:#,0}");
        }
        return table;
    }

    private static IRenderable ContractDetail(OfftakeView contract)
    {
        var economics = new Table().Border(TableBorder.Rounded).AddColumn("").AddColumn("plan").AddColumn("actual");
        var (plan, actual) = (contract.Economics.Plan, contract.Economics.Actual);
        foreach (var (label, figure) in new (string, Func<PaymentSummary, string?>)[]
                 {
                     ("service billed $", p => Cells.Number(p.ServiceUsd)), ("SLA credits $", p => Cells.Number(p.SlaCreditUsd)), ("paid $", p => Cells.Number(p.PaidUsd)),
                     ("GPU-hours", p => Cells.Number(p.GpuHours)), ("NPV of payments $", p => Cells.Number(p.NpvUsd)),
                     ("effective $/GPU-h", p => Cells.Number(p.EffectivePricePerGpuHour)),
                 })
            economics.AddRow(label, figure(plan) ?? "", figure(actual) ?? "");
        var right = contract.TerminationRight;
        return new Rows(
            new Text($"{contract.Id}: {contract.Buyer} buys {contract.Sku} from {contract.Seller} " +
                $"in {contract.Region} at ${contract.PricePerGpuHour:0.0000}/GPU-h, TCV ${contract.TcvUsd:#,0}, " +
                $"{contract.PrepaymentFraction * 100:0.#}% prepaid, signed {contract.Signed}, {Cells.Name(contract.Status)}"),
            Table(contract.Tranches, s_trancheColumns),
            new Text(right.Count == 0 ? "no termination right" : $"termination right: tranche {string.Join(", ", right)} later than the {contract.GraceMonths}-month grace period"),
            economics);
    }
}
