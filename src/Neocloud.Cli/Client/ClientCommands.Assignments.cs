using System.CommandLine;
using System.Globalization;
using Neocloud.Client;

namespace Neocloud.Cli.Client;

/// <summary>
/// <c>neocloud contract assign|assignments|accept-assignment|decline-assignment</c>, and the contract-book options of
/// <c>rfq open</c> and <c>rfq offer</c> (escalator, delivery damages, billing convention, prepayment credit month).
/// </summary>
public static partial class ClientCommands
{
    private static readonly Column<AssignmentView>[] s_assignmentColumns =
    [
        new("id", a => a.Id), new("assignor", a => a.Assignor), new("assignee", a => a.Assignee), new("fromMonth", a => a.FromMonth), new("status", a => a.Status),
        new("sellerAccepted", a => Cells.Instant(a.SellerAccepted)), new("assigneeAccepted", a => Cells.Instant(a.AssigneeAccepted)), new("declinedBy", a => a.DeclinedBy),
    ];

    /// <summary>Adds the assignment subcommands to <c>neocloud contract</c>.</summary>
    private static void AddAssignmentCommands(Command contract, CliContext context)
    {
        {
            var argument = new Argument<string>("id") { Description = "The contract's id (otc-…)." };
            var to = new Option<string>("--to") { Required = true, Description = "The organization that takes the contract over." };
            var tranches = new Option<int[]>("--tranche") { Description = "A whole tranche to assign, by number (repeat); or --share.", AllowMultipleArgumentsPerToken = true };
            var share = new Option<decimal?>("--share") { Description = "The share (0 to 1] of every tranche to assign; or --tranche." };
            var from = new Option<string>("--from-month") { Required = true, Description = "The first month the assignee pays for, yyyy-MM (not yet billed)." };
            var assign = new Command("assign", "As the buyer: propose assigning tranches (or a share) to another organization; the seller and the assignee accept.")
                { argument, to, tranches, share, from };
            Run(assign, context, (api, parsed, ct) => api.ProposeAssignmentAsync(parsed.GetValue(argument)!, new AssignmentBody
            {
                To = parsed.GetValue(to)!, Tranches = parsed.GetValue(tranches) is { Length: > 0 } t ? t : null, Share = parsed.GetValue(share),
                FromMonth = parsed.GetValue(from)!,
            }, ct), assignment => Table([assignment], s_assignmentColumns));
            contract.Subcommands.Add(assign);
        }
        {
            var argument = new Argument<string>("id") { Description = "The contract's id (otc-…)." };
            var list = new Command("assignments", "A contract's assignments: proposed, accepted, declined.") { argument };
            Run(list, context, (api, parsed, ct) => api.ListAssignmentsAsync(parsed.GetValue(argument)!, ct), assignments => Table(assignments, s_assignmentColumns));
            contract.Subcommands.Add(list);
        }
        foreach (var (name, accept) in new[] { ("accept-assignment", true), ("decline-assignment", false) })
        {
            var argument = new Argument<string>("id") { Description = "The contract's id (otc-…)." };
            var assignment = new Argument<string>("assignment") { Description = "The assignment's id (asg-…)." };
            var command = new Command(name, accept
                ? "As the seller or the assignee: accept an assignment (the second acceptance completes it)."
                : "As the seller or the assignee: decline an assignment.") { argument, assignment };
            Run(command, context, (api, parsed, ct) => accept
                ? api.AcceptAssignmentAsync(parsed.GetValue(argument)!, parsed.GetValue(assignment)!, ct)
                : api.DeclineAssignmentAsync(parsed.GetValue(argument)!, parsed.GetValue(assignment)!, ct), answered => Table([answered], s_assignmentColumns));
            contract.Subcommands.Add(command);
        }
    }

    /// <summary>The contract-book options an RFQ and an offer share.</summary>
    private sealed record BookOptions(Option<string?> Escalator, Option<decimal?> Floor, Option<decimal?> Cap, Option<decimal?> Ld, Option<decimal?> LdCap)
    {
        public static BookOptions Create() => new(
            new Option<string?>("--escalator") { Description = "fixed:RATE, series:NAME or exchange:SKU, optionally :RESET_MONTHS (default 12), e.g. fixed:0.03." },
            new Option<decimal?>("--escalator-floor") { Description = "The lowest escalation factor, e.g. 1.0." },
            new Option<decimal?>("--escalator-cap") { Description = "The highest escalation factor, e.g. 1.25." },
            new Option<decimal?>("--ld-percent") { Description = "Delivery damages: percent of a late tranche's monthly value per month late." },
            new Option<decimal?>("--ld-cap-percent") { Description = "The cap on a tranche's delivery damages, percent of its value." });

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { Escalator, Floor, Cap, Ld, LdCap }) command.Options.Add(option);
        }

        public PriceIndexBody? Index(ParseResult parsed)
        {
            if (parsed.GetValue(Escalator) is not { } spec) return parsed.GetValue(Floor) is null && parsed.GetValue(Cap) is null ? null
                : throw new UsageException("--escalator-floor and --escalator-cap need --escalator");
            var parts = spec.Split(':');
            int? reset = null;
            if (parts.Length == 3)
                reset = int.TryParse(parts[2], CultureInfo.InvariantCulture, out var months) ? months : throw new UsageException($"--escalator: bad reset months in \"{spec}\"");
            if (parts.Length is < 2 or > 3 || parts[1].Length == 0)
                throw new UsageException($"--escalator must be fixed:RATE, series:NAME or exchange:SKU (optionally :RESET_MONTHS), got \"{spec}\"");
            var body = new PriceIndexBody { Kind = parts[0], ResetEveryMonths = reset, Floor = parsed.GetValue(Floor), Cap = parsed.GetValue(Cap) };
            switch (parts[0])
            {
                case "fixed":
                    body.RatePerYear = decimal.TryParse(parts[1], NumberStyles.Number, CultureInfo.InvariantCulture, out var rate)
                        ? rate : throw new UsageException($"--escalator: the rate must be a number such as 0.03, got \"{parts[1]}\"");
                    break;
                case "series": body.Series = parts[1]; break;
                case "exchange": body.Sku = parts[1]; break;
                default: throw new UsageException($"--escalator kind must be fixed, series or exchange, got \"{parts[0]}\"");
            }
            return body;
        }
    }
}
