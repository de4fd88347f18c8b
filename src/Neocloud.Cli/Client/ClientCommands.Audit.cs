using System.CommandLine;
using Neocloud.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Neocloud.Cli.Client;

/// <summary><c>neocloud audit</c>: the organization's audit trail on a running exchange.</summary>
public static partial class ClientCommands
{
    /// <summary><c>neocloud audit [--after CURSOR] [--limit N] [--json]</c>: your organization's journaled commands and who made each.</summary>
    public static Command Audit(CliContext context)
    {
        var after = new Option<string?>("--after") { Description = "The cursor a previous page gave (next)." };
        var limit = new Option<int>("--limit") { Description = "How many commands.", DefaultValueFactory = _ => 100 };
        var audit = new Command("audit",
            "Your organization's journaled commands, oldest first: sequence, time, who acted (a person, a token or the exchange), kind and summary (admin token).")
        {
            after, limit,
        };
        Run(audit, context, (api, parsed, ct) => api.ListAuditAsync(parsed.GetValue(after), parsed.GetValue(limit), ct), AuditTable);
        return audit;
    }

    private static IRenderable AuditTable(PageOfAuditEntryView page) => new Rows(Table(page.Items,
    [
        new("seq", e => Cells.Number(e.Seq)), new("shard", e => e.Shard), new("time", e => Cells.Instant(e.Time)), new("actor", e => Actor(e.Actor)),
        new("kind", e => e.Kind), new("summary", e => e.Summary),
    ]), More(page.Next));

    /// <summary>Who acted: its kind and name, and its id when that differs from the name.</summary>
    private static string Actor(AuditActorView actor) =>
        actor.Id == actor.Name ? $"{actor.Kind} {actor.Name}" : $"{actor.Kind} {actor.Name} ({actor.Id})";
}
