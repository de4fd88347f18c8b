using System.Net;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Neocloud.Exchange.Audit;
using Neocloud.Storage;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>
/// The admin token of a new exchange is made when the server is built (shown at once) and journaled, by its hash, once
/// the market is up: a stop in between loses nothing, and the next start journals the same token without making another.
/// </summary>
public class BootstrapTests
{
    [Fact]
    public async Task An_admin_token_made_before_a_stop_is_journaled_at_the_next_start_and_not_made_again()
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = await TestServer.StartAsync(options => options with { HoldRecovery = hold.Task });
        var token = first.AdminToken;
        Assert.Null(await first.Services.GetRequiredService<ExchangeStore>().GetOrganizationAsync("admin"));

        // Stopped before the market came up: the token was announced and written, not journaled.
        await using var second = await first.RestartAsync();
        hold.SetResult();
        using var admin = second.Admin();
        await Eventually.UntilAsync(async () => (await admin.GetAsync("/api/v1/me")).StatusCode, status => status == HttpStatusCode.OK,
            "the admin token made before the stop to work");

        Assert.Equal(token, second.AdminToken);
        Assert.Equal(token, (await File.ReadAllTextAsync(Path.Combine(second.DataDirectory, "admin.token"))).Trim());
        await using var connection = await second.Services.GetRequiredService<ExchangeStore>().OpenConnectionAsync();
        var issued = (await connection.QueryAsync<string>("SELECT organization_id FROM journal WHERE command LIKE '{\"book\":\"token.issued\"%'")).ToList();
        Assert.Equal(["exchange"], issued);
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM api_tokens"));
        Assert.Null(await second.Services.GetRequiredService<ExchangeStore>().PendingAdminTokenAsync());
        var verified = await JournalVerifier.VerifyAsync(connection, null);
        Assert.True(verified.Ok, string.Join("; ", verified.ReadModels.Select(p => $"{p.Table} {p.Key} {p.Column}: {p.Problem}")));
    }
}
