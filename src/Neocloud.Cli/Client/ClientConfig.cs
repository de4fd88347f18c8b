using System.Text.Json;

namespace Neocloud.Cli.Client;

/// <summary>
/// Where the CLI finds the exchange and its token: <c>--url</c>/<c>--token</c>, else <c>NEOCLOUD_URL</c>/<c>NEOCLOUD_TOKEN</c>,
/// else what <c>neocloud login</c> stored in the user's config folder (mode 0600).
/// </summary>
public sealed record ClientConfig(string Url, string Token)
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The config file: <c>$NEOCLOUD_CONFIG</c>, or <c>neocloud/config.json</c> under the user's config folder.</summary>
    public static string DefaultPath() =>
        Environment.GetEnvironmentVariable("NEOCLOUD_CONFIG") is { Length: > 0 } path
            ? path
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.Create), "neocloud", "config.json");

    /// <summary>Resolves the URL and token, or says how to provide them.</summary>
    public static ClientConfig Resolve(string? url, string? token, string path)
    {
        var stored = url is not null && token is not null ? null : Load(path);
        url ??= Environment.GetEnvironmentVariable("NEOCLOUD_URL") ?? stored?.Url;
        token ??= Environment.GetEnvironmentVariable("NEOCLOUD_TOKEN") ?? stored?.Token;
        if (url is null || token is null)
            throw new UsageException("not logged in: run 'neocloud login --url <exchange> --token <token>' or pass --url and --token");
        return new ClientConfig(url, token);
    }

    /// <summary>Writes the config file at <paramref name="path"/>, readable by its owner only.</summary>
    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var writer = new StreamWriter(path, options);
        writer.Write(JsonSerializer.Serialize(this, s_json));
    }

    private static ClientConfig? Load(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<ClientConfig>(File.ReadAllText(path), s_json);
        }
        catch (JsonException e)
        {
            throw new UsageException($"config file {path} is not valid JSON ({e.Message}); run 'neocloud login' again");
        }
    }
}
