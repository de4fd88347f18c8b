namespace Neocloud.Cli.Client;

/// <summary>One column of a table of <typeparamref name="T"/>: its heading and the text its cell shows for an item (null: empty).</summary>
public sealed record Column<T>(string Name, Func<T, string?> Cell);
