using System.Net;
using Microsoft.Data.Sqlite;
using Neocloud.Exchange.Access;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

public sealed class SecurityTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("/api/v1/me")]
    [InlineData("/api/v1/catalog/skus")]
    [InlineData("/api/v1/admin/organizations")]
    public async Task Every_endpoint_needs_a_token(string path)
    {
        using var anonymous = _server.Client();
        var problem = await (await anonymous.GetAsync(path)).ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("token", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("nc_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("garbage")]
    public async Task An_unknown_token_is_refused(string token)
    {
        using var client = _server.Client(token);
        await (await client.GetAsync("/api/v1/me")).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_without_the_scope_is_forbidden()
    {
        var reader = await _server.NewOrganizationAsync("readers", Scopes.MarketRead);
        using var client = _server.Client(reader);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/catalog/skus")).StatusCode);
        await (await client.GetAsync("/api/v1/admin/organizations")).ProblemAsync(HttpStatusCode.Forbidden);
        var me = await (await client.GetAsync("/api/v1/me")).JsonAsync();
        await (await client.PostJsonAsync($"/api/v1/admin/tokens/{me.GetProperty("token").GetString()}/rotate", """{"graceSeconds":600}"""))
            .ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_revoked_token_stops_working_at_once()
    {
        var secret = await _server.NewOrganizationAsync("lab", Scopes.MarketRead);
        using var client = _server.Client(secret);
        var me = await (await client.GetAsync("/api/v1/me")).JsonAsync();
        Assert.Equal("lab", me.GetProperty("organization").GetString());

        using var admin = _server.Admin();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/admin/tokens/{me.GetProperty("token").GetString()}")).StatusCode);

        await (await client.GetAsync("/api/v1/me")).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Tokens_are_256_bit_random_shown_once_and_stored_only_as_hashes()
    {
        var secret = await _server.NewOrganizationAsync("hashes", Scopes.MarketRead);
        Assert.True(TokenSecrets.LooksLikeSecret(secret));
        Assert.Equal(32, Convert.FromBase64String(secret[3..].Replace('-', '+').Replace('_', '/') + "=").Length);

        using var admin = _server.Admin();
        var listed = await (await admin.GetAsync("/api/v1/admin/organizations/hashes/tokens")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(secret, listed);

        var database = await File.ReadAllBytesAsync(Path.Combine(_server.DataDirectory, "exchange.db"));
        var wal = Path.Combine(_server.DataDirectory, "exchange.db-wal");
        var everything = database.Concat(File.Exists(wal) ? await File.ReadAllBytesAsync(wal) : []).ToArray();
        Assert.DoesNotContain(secret, System.Text.Encoding.UTF8.GetString(everything));
        Assert.Contains(Convert.ToHexString(TokenSecrets.Hash(secret)), Hashes());
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void The_admin_token_file_is_readable_by_its_owner_only()
    {
        var path = Path.Combine(_server.DataDirectory, "admin.token");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(_server.AdminToken, File.ReadAllText(path).Trim());
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task The_store_its_wal_and_shm_and_the_key_ring_are_owner_only_even_after_an_older_build_left_them_open()
    {
        const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        const UnixFileMode OwnerDirectory = OwnerFile | UnixFileMode.UserExecute;
        const UnixFileMode Open = OwnerFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        var server = await TestServer.StartAsync();
        try
        {
            var data = server.DataDirectory;
            string[] files = [Path.Combine(data, "exchange.db"), Path.Combine(data, "exchange.db-wal"), Path.Combine(data, "exchange.db-shm")];
            await server.NewOrganizationAsync("modes", Scopes.MarketRead);

            Assert.All(files, f => Assert.Equal(OwnerFile, File.GetUnixFileMode(f)));
            Assert.Equal(OwnerDirectory, File.GetUnixFileMode(data));
            Assert.Equal(OwnerDirectory, File.GetUnixFileMode(Path.Combine(data, "keys")));

            // As a build before this one left them: 0644 files in 0755 directories.
            foreach (var file in files) File.SetUnixFileMode(file, Open);
            File.SetUnixFileMode(data, Open | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            File.SetUnixFileMode(Path.Combine(data, "keys"), Open | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            server = await server.RestartAsync();

            Assert.All(files.Where(File.Exists), f => Assert.Equal(OwnerFile, File.GetUnixFileMode(f)));
            Assert.Equal(OwnerDirectory, File.GetUnixFileMode(data));
            Assert.Equal(OwnerDirectory, File.GetUnixFileMode(Path.Combine(data, "keys")));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Rate_limit_answers_429_with_retry_after()
    {
        await using var limited = await TestServer.StartAsync(o => o with { RateLimitPerSecond = 1, RateLimitBurst = 3 });
        using var client = limited.Admin();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 6; i++) last = await client.GetAsync("/api/v1/me");
        var refused = last!;
        await refused.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
    }

    private List<string> Hashes()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_server.DataDirectory, "exchange.db")};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT hex(token_hash) FROM api_tokens";
        using var reader = command.ExecuteReader();
        var hashes = new List<string>();
        while (reader.Read()) hashes.Add(reader.GetString(0));
        return hashes;
    }
}
