using System.Text.Json;

namespace Neocloud.Exchange.Shard;

/// <summary>
/// The site a pool stands on, kept in the pool's journal line as a field <c>site</c> after the replay format's own
/// (which the replay format and the engine do not read): the site is in no command, only in the pool's read model, and
/// a rebuild from the journal writes it from here. A line without it (older journals, pools without a site) has none.
/// </summary>
public static class PoolSite
{
    private const string Field = "site";

    /// <summary>The pool's replay line with its site added as the last field.</summary>
    public static string With(string poolLine, string site) => string.Concat(poolLine.AsSpan(0, poolLine.LastIndexOf('}')), $",\"{Field}\":", JsonSerializer.Serialize(site), "}");

    /// <summary>The site a pool's journal line names, or null.</summary>
    public static string? Of(string poolLine)
    {
        using var document = JsonDocument.Parse(poolLine);
        return document.RootElement.TryGetProperty(Field, out var site) && site.ValueKind == JsonValueKind.String ? site.GetString() : null;
    }
}
