using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Neocloud.Server.Hosting;

namespace Neocloud.Testing;

/// <summary>A real exchange server on 127.0.0.1 (a free port) over a fresh SQLite file, or a fresh PostgreSQL database.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempDirectory _data;

    private TestServer(WebApplication app, TempDirectory data, Uri address, string adminToken, ServerOptions options)
    {
        _app = app;
        _data = data;
        Address = address;
        AdminToken = adminToken;
        Options = options;
    }

    /// <summary>The server's base address.</summary>
    public Uri Address { get; }

    /// <summary>The admin token printed at first start.</summary>
    public string AdminToken { get; }

    /// <summary>The options the server runs with.</summary>
    public ServerOptions Options { get; }

    /// <summary>The data folder.</summary>
    public string DataDirectory => _data.Path;

    /// <summary>The server's services, for tests of what the exchange offers its own code (not over HTTP).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a server; <paramref name="configure"/> may change its options (limits, PostgreSQL).</summary>
    public static Task<TestServer> StartAsync(Func<ServerOptions, ServerOptions>? configure = null)
    {
        var data = new TempDirectory("neocloud-server-");
        var options = new ServerOptions { Urls = "http://127.0.0.1:0", DataDirectory = data.Path };
        return StartAsync(configure?.Invoke(options) ?? options, data, adminToken: null);
    }

    /// <summary>Stops this server and starts a new one on the same data (the admin token stays the same).</summary>
    public async Task<TestServer> RestartAsync()
    {
        await StopAsync();
        return await StartAgainAsync();
    }

    /// <summary>Stops this server and keeps its data (for a tool to read the store) until <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>After <see cref="StopAsync"/>, starts a new server on the same data (options changed by <paramref name="configure"/>), with the same admin token.</summary>
    public Task<TestServer> StartAgainAsync(Func<ServerOptions, ServerOptions>? configure = null) =>
        StartAsync(configure?.Invoke(Options) ?? Options, _data, AdminToken);

    /// <summary>
    /// Starts a server on a data directory made elsewhere (a store rebuilt from a journal), known by the admin token it
    /// has; disposing the server deletes the directory.
    /// </summary>
    public static Task<TestServer> StartOnAsync(ServerOptions options, TempDirectory data, string adminToken) =>
        StartAsync(options with { DataDirectory = data.Path }, data, adminToken);

    private static async Task<TestServer> StartAsync(ServerOptions options, TempDirectory data, string? adminToken)
    {
        string? token = adminToken;
        var app = await ExchangeServer.BuildAsync(options, line => token ??= line[(line.LastIndexOf(' ') + 1)..]);
        await app.StartAsync();
        // Listening is not ready: wait until the market is recovered, as every test expects (unless it holds recovery).
        if (options.HoldRecovery is null) await app.Services.GetRequiredService<ExchangeReadiness>().Recovered;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestServer(app, data, new Uri(address), token ?? throw new InvalidOperationException("no admin token announced"), options);
    }

    /// <summary>A client with a bearer token (or none).</summary>
    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient { BaseAddress = Address };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A client with the admin token.</summary>
    public HttpClient Admin() => Client(AdminToken);

    /// <summary>Creates the organization (unless it exists, like the seeded ones) and a token of it with the given scopes; returns the token's secret.</summary>
    public async Task<string> NewOrganizationAsync(string id, params string[] scopes)
    {
        using var admin = Admin();
        using var created = await admin.PostAsJsonAsync("/api/v1/admin/organizations", new { id, name = id });
        if (created.StatusCode != System.Net.HttpStatusCode.Created && created.StatusCode != System.Net.HttpStatusCode.Conflict)
            throw new InvalidOperationException(await created.Content.ReadAsStringAsync());
        using var token = await admin.PostAsJsonAsync($"/api/v1/admin/organizations/{id}/tokens", new { label = "test", scopes });
        var text = await token.Content.ReadAsStringAsync();
        if (!token.IsSuccessStatusCode) throw new InvalidOperationException(text);
        return System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("token").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        catch (ObjectDisposedException)
        {
            // Already stopped by RestartAsync; the new server owns the data now.
            return;
        }
        _data.Dispose();
    }
}
