using System.Net;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Audit;
using Neocloud.Storage;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>
/// A store written before the configuration was journaled (schema 6): at the exchange's first start on it, its
/// organizations and tokens are journaled once as one <c>config.imported</c> fact, the log says so, the tokens keep
/// working and <c>journal verify</c> checks them from then on.
/// </summary>
public class ConfigUpgradeTests
{
    [Fact]
    public async Task An_older_stores_configuration_is_journaled_once_at_the_first_start_and_the_log_says_so()
    {
        using var data = new TempDirectory("neocloud-config-upgrade-");
        var secret = TokenSecrets.NewSecret();
        await using (var older = await ExchangeStore.OpenAsync(StoreOptions.SqliteFile(data.File("exchange.db"))))
        await using (var connection = await older.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("INSERT INTO organizations (id, name, created_ms, rate_limit) VALUES ('lab', 'Lab', 1, 50)");
            await connection.ExecuteAsync("INSERT INTO api_tokens (id, organization_id, token_hash, scopes, label, created_ms) VALUES ('tok_old', 'lab', @hash, 'market:read', 'desk', 2)",
                new { hash = TokenSecrets.Hash(secret) });
            await connection.ExecuteAsync("UPDATE schema_version SET version = 6");
        }
        var log = new LogCapture();

        var server = await TestServer.StartAsync(options => options with { DataDirectory = data.Path, LogSink = log });
        try
        {
            using var lab = server.Client(secret);
            Assert.Equal(HttpStatusCode.OK, (await lab.GetAsync("/api/v1/me")).StatusCode);
            Assert.Single(log.Lines, l => l.Message.Contains("configuration rows", StringComparison.Ordinal) && l.Message.Contains("taken into the journal", StringComparison.Ordinal));
            server = await server.RestartAsync();
            // The same log across the restart: the second start found nothing pending.
            Assert.Single(log.Lines, l => l.Message.Contains("configuration rows", StringComparison.Ordinal));
            await using var connection = await server.Services.GetRequiredService<ExchangeStore>().OpenConnectionAsync();
            Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM journal WHERE command LIKE '{\"book\":\"config.imported\"%'"));
            var verified = await JournalVerifier.VerifyAsync(connection, null);
            Assert.True(verified.Ok, string.Join("; ", verified.ReadModels.Select(p => $"{p.Table} {p.Key} {p.Column}: {p.Problem}")));
            await connection.ExecuteAsync("UPDATE api_tokens SET scopes = 'admin' WHERE id = 'tok_old'");
            Assert.Equal(("api_tokens", "tok_old", "scopes"), (await JournalVerifier.VerifyAsync(connection, null)).ReadModels.Select(p => (p.Table, p.Key, p.Column)).Single());
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
