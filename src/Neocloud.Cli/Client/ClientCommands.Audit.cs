using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Neocloud.Cli.Client;

/// <summary><c>neocloud audit</c>: the organization's audit trail on a running exchange.</summary>
public static partial class ClientCommands
{
    private static readonly string[] s_auditColumns = ["seq", "shard", "time", "actor", "kind", "summary"];

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

    private static IRenderable AuditTable(JsonElement json)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in s_auditColumns) table.AddColumn(new TableColumn(new Text(column)));
        foreach (var item in json.GetProperty("items").EnumerateArray())
        {
            var actor = item.GetProperty("actor");
            var (kind, id, name) = (actor.GetProperty("kind").GetString(), actor.GetProperty("id").GetString(), actor.GetProperty("name").GetString());
            var who = id == name ? $"{kind} {name}" : $"{kind} {name} ({id})";
            table.AddRow(s_auditColumns.Select(c => (IRenderable)new Text(c == "actor" ? who : Cell(item.GetProperty(c)))));
        }
        return new Rows(table, More(json));
    }

    /// <summary>A list's cursor for the next page, as the option that asks for it; nothing at the end.</summary>
    private static Text More(JsonElement page) =>
        page.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String ? new Text($"more: --after {next.GetString()}") : new Text("");
}
