using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Neocloud.Testing;

namespace Neocloud.Dashboard.Tests;

/// <summary>
/// One real <c>neocloud serve</c> on 127.0.0.1 over a temp data folder, and Debian's Chromium driven by Playwright
/// (headless, no sandbox, no background networking), shared by the browser tests.
/// </summary>
public class BrowserFixture : IAsyncLifetime
{
    private readonly TempDirectory _data = new("neocloud-dashboard-");
    private readonly string[] _serverArguments;
    private ServerProcess? _server;
    private IPlaywright? _playwright;

    public BrowserFixture()
        : this([])
    {
    }

    /// <summary>A fixture whose server is started with <paramref name="serverArguments"/> after the usual ones.</summary>
    protected BrowserFixture(params string[] serverArguments) => _serverArguments = serverArguments;

    public ServerProcess Server => _server ?? throw new InvalidOperationException("not started");

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots of each page are written (test output).</summary>
    public static string ScreenshotFolder => Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <summary>How long an assertion waits for the page to get there: first renders on a busy 2-core machine take seconds.</summary>
    public const float ExpectTimeoutMs = 30_000;

    public async Task InitializeAsync()
    {
        // Playwright's assertions wait 5 s by default, which a busy machine exceeds (a chart once took longer).
        Assertions.SetDefaultExpectTimeout(ExpectTimeoutMs);
        _server = await ServerProcess.StartAsync(_data.Path, _serverArguments);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(LaunchOptions());
        Directory.CreateDirectory(ScreenshotFolder);
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright?.Dispose();
        _server?.Dispose();
        _data.Dispose();
    }

    /// <summary>Creates a token for an organization through the API and returns its secret.</summary>
    public async Task<string> TokenAsync(string organization, params string[] scopes)
    {
        using var http = new HttpClient { BaseAddress = Server.Address };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/admin/organizations/{organization}/tokens")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { label = "browser", scopes }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Server.AdminToken);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
    }

    /// <summary>Debian's Chromium, headless, without sandbox or background networking.</summary>
    public static BrowserTypeLaunchOptions LaunchOptions() => new()
    {
        ExecutablePath = ChromiumPath(),
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    };

    private static string ChromiumPath()
    {
        foreach (var candidate in new[] { Environment.GetEnvironmentVariable("NEOCLOUD_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser" })
        {
            if (candidate is { Length: > 0 } && File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException("Chromium is not installed: run scripts/install-test-deps.sh (apt-get install chromium)");
    }
}
