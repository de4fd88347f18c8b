using System.CommandLine;
using System.Globalization;
using System.Text.Json;
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

    private static IRenderable ContractMarks(JsonElement marks)
    {
        var heading = new Text($"{marks.GetProperty("contract").GetString()} ({marks.GetProperty("sku").GetString()}) as {marks.GetProperty("side").GetString()}, " +
            $"as of {marks.GetProperty("asOf").GetDateTimeOffset().UtcDateTime:yyyy-MM-dd HH:mm}Z, discounted at {marks.GetProperty("ratePerYear").GetDecimal():0.####} a year");
        var months = marks.GetProperty("months");
        var total = new Text($"total {Usd(marks.GetProperty("totalUsd"))}");
        return months.GetArrayLength() == 0
            ? new Rows(heading, new Text("no months left after this one"), total)
            : new Rows(heading, Table(months, ["month", "gpus", "hours", "curvePrice", "billedPrice", "valueUsd", "discountedUsd"]), total);
    }

    private static IRenderable BookMarks(JsonElement book)
    {
        var heading = new Text($"Book marked to the forward curves as of {book.GetProperty("asOf").GetDateTimeOffset().UtcDateTime:yyyy-MM-dd HH:mm}Z, USD");
        return new Rows(heading,
            new Text("By SKU"), Table(book.GetProperty("bySku"), ["sku", "contractsUsd", "spotUsd", "totalUsd"]),
            new Text("By year"), Table(book.GetProperty("byYear"), ["year", "contractsUsd", "spotUsd", "totalUsd"]),
            new Text("Contracts"), Table(book.GetProperty("contracts"), ["id", "sku", "side", "totalUsd"]),
            new Text($"total {Usd(book.GetProperty("totalUsd"))} (contracts {Usd(book.GetProperty("contractsUsd"))}, spot {Usd(book.GetProperty("spotUsd"))})"));
    }

    private static string Usd(JsonElement value) => value.GetDecimal().ToString("N2", CultureInfo.InvariantCulture);
}
