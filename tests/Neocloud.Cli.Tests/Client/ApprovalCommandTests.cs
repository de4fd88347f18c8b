using System.Text.Json;
using Neocloud.Server.Auth;
using Neocloud.Server.Identity;
using Neocloud.Testing;

namespace Neocloud.Cli.Tests.Client;

/// <summary>
/// <c>neocloud approvals …</c> against a real exchange on 127.0.0.1 that takes people's tokens from a real OpenID Connect
/// provider: a token's bid above the threshold is held, a person's access token (passed as <c>--token</c>) approves it.
/// </summary>
public sealed class ApprovalCommandTests : IAsyncLifetime
{
    private DevelopmentIdentityProvider _idp = null!;
    private TestServer _server = null!;
    private string _trader = null!;

    public async Task InitializeAsync()
    {
        _idp = await DevelopmentIdentityProvider.StartAsync(new DevelopmentIdentityProviderOptions(), CancellationToken.None);
        _server = await TestServer.StartAsync(o => o with { Oidc = new OidcSettings(_idp.Issuer, _idp.Audience) });
        _trader = await _server.NewOrganizationAsync("meta", "market:read", "market:trade");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _idp.DisposeAsync();
    }

    [Fact]
    public async Task A_held_bid_is_listed_and_approved_by_a_person_from_the_command_line()
    {
        // Microsoft's admin sets the threshold; its trader token's bid of 8 × 10 × 2.50 = 200.00 is held.
        var carol = await _idp.PasswordTokenAsync("carol@microsoft");
        var set = As(carol, "approvals", "threshold", "100.00", "--json");
        Assert.True(set.ExitCode == 0, set.Error);
        var microsoft = await _server.NewOrganizationAsync("microsoft", "market:read", "market:trade");
        var held = As(microsoft, "order", "bid", "--sku", "GB300", "--gpus", "8", "--start", "2027-01-01", "--end", "2027-01-01T10:00Z", "--limit", "2.5000");
        Assert.True(held.ExitCode == 0, held.Error);
        Assert.Contains("held for approval apr_", held.Output);
        var approval = held.Output[held.Output.IndexOf("apr_", StringComparison.Ordinal)..].Split(':', ' ')[0];

        var pending = As(microsoft, "approvals", "--status", "pending");
        Assert.Contains(approval, pending.Output);
        Assert.Contains("200.00", pending.Output);
        var byToken = As(microsoft, "approvals", "approve", approval);
        Assert.Equal(2, byToken.ExitCode);
        Assert.Contains("error: 403", byToken.Error);

        var approved = As(await _idp.PasswordTokenAsync("bob@microsoft"), "approvals", "approve", approval, "--json");
        Assert.True(approved.ExitCode == 0, approved.Error);
        Assert.Equal("executed", JsonDocument.Parse(approved.Output).RootElement.GetProperty("status").GetString());
        var shown = As(microsoft, "approvals", "show", approval);
        Assert.Contains("Bob Okafor (person)", shown.Output);
        Assert.Equal(0, As(_trader, "approvals").ExitCode);
    }

    private CliRun As(string token, params string[] args) => CliRun.Of([.. args, "--url", _server.Address.ToString(), "--token", token]);
}
