using System.CommandLine;
using System.Globalization;
using Neocloud.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Neocloud.Cli.Client;

/// <summary><c>neocloud contract marks</c> and <c>neocloud book</c>: contracts and spot holdings marked to the forward curves.</summary>
public static partial class ClientCommands
{
    /// <summary>Adds <c>marks</c> to the <c>contract</c> command.</summary>
    public static void AddMarks(Command contract, CliContext context)
    {
        var id = new Argument<string>("id") { Description = "The contract's id (otc-…)." };
        var marks = new Command("marks",
            "Your side of a contract marked to its SKU's forward curve: for each month after this one, (curve − billed price) × your GPUs × hours, " +
            "discounted at the buyer's rate (the RFQ's, else 10%); the seller's mark is the buyer's negative.")
        { id };
        Run(marks, context, (api, parsed, ct) => api.GetOfftakeMarksAsync(parsed.GetValue(id)!, ct), ContractMarks);
        contract.Subcommands.Add(marks);
    }

    /// <summary><c>neocloud book</c>: your contracts and spot holdings marked to the forward curves, by SKU and by year.</summary>
    public static Command Book(CliContext context)
    {
        var book = new Command("book",
            "Your book marked to the forward curves: every contract (your side) and every spot holding with hours after now, by SKU and by calendar year.");
        Run(book, context, (api, _, ct) => api.GetBookMarksAsync(ct), BookMarks);
        return book;
    }

    private static IRenderable ContractMarks(ContractMarksView marks)
    {
        var heading = new Text($"{marks.Contract} ({marks.Sku}) as {Cells.Name(marks.Side)}, " +
            $"as of {marks.AsOf.UtcDateTime:yyyy-MM-dd HH:mm}Z, discounted at {marks.RatePerYear:0.####} a year");
        var total = new Text($"total {Usd(marks.TotalUsd)}");
        return marks.Months.Count == 0
            ? new Rows(heading, new Text("no months left after this one"), total)
            : new Rows(heading, Table(marks.Months,
            [
                new("month", m => m.Month), new("gpus", m => Cells.Number(m.Gpus)), new("hours", m => Cells.Number(m.Hours)), new("curvePrice", m => Cells.Number(m.CurvePrice)),
                new("billedPrice", m => Cells.Number(m.BilledPrice)), new("valueUsd", m => Cells.Number(m.ValueUsd)), new("discountedUsd", m => Cells.Number(m.DiscountedUsd)),
            ]), total);
    }

    private static IRenderable BookMarks(BookMarksView book)
    {
        var heading = new Text($"Book marked to the forward curves as of {book.AsOf.UtcDateTime:yyyy-MM-dd HH:mm}Z, USD");
        return new Rows(heading,
            new Text("By SKU"), Table(book.BySku,
            [
                new("sku", s => s.Sku), new("contractsUsd", s => Cells.Number(s.ContractsUsd)), new("spotUsd", s => Cells.Number(s.SpotUsd)),
                new("totalUsd", s => Cells.Number(s.TotalUsd)),
            ]),
            new Text("By year"), Table(book.ByYear,
            [
                new("year", y => Cells.Number(y.Year)), new("contractsUsd", y => Cells.Number(y.ContractsUsd)), new("spotUsd", y => Cells.Number(y.SpotUsd)),
                new("totalUsd", y => Cells.Number(y.TotalUsd)),
            ]),
            new Text("Contracts"), Table(book.Contracts,
            [
                new("id", c => c.Id), new("sku", c => c.Sku), new("side", c => Cells.Name(c.Side)), new("totalUsd", c => Cells.Number(c.TotalUsd)),
            ]),
            new Text($"total {Usd(book.TotalUsd)} (contracts {Usd(book.ContractsUsd)}, spot {Usd(book.SpotUsd)})"));
    }

    private static string Usd(decimal value) => value.ToString("N2", CultureInfo.InvariantCulture);
}
