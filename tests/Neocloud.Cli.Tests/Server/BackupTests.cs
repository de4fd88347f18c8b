using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Neocloud.Testing;

namespace Neocloud.Cli.Tests.Server;

/// <summary>
/// <c>neocloud backup</c> of a running exchange under load (its demo traders), <c>backup verify</c> and <c>restore</c>,
/// with the real binary: the restored exchange answers the orders the backup holds, and a restore never overwrites.
/// </summary>
public sealed class BackupTests : IDisposable
{
    private readonly TempDirectory _root = new("neocloud-backup-");

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task A_backup_taken_under_load_restores_to_an_exchange_that_answers_the_same_orders()
    {
        var data = Path.Combine(_root.Path, "data");
        string admin;
        JsonElement backup;
        var file = "";
        using (var server = await ServerProcess.StartAsync(data, "--demo"))
        {
            admin = server.AdminToken!;
            // Back up while the demo traders trade, until a backup holds a market worth comparing.
            (file, backup) = await Eventually.UntilAsync(async () =>
            {
                var path = Path.Combine(_root.Path, $"backup-{Guid.NewGuid():N}.db");
                var run = await ServerProcess.RunToEndAsync("backup", "--data", data, "--to", path, "--json");
                Assert.True(run.ExitCode == 0, run.Error);
                return (path, JsonDocument.Parse(run.Output).RootElement.Clone());
            }, taken => taken.Item2.GetProperty("orders").GetInt64() >= 20, "a backup holding 20 orders of the demo traders");
            Assert.False(server.HasExited);
        }

        var verified = await ServerProcess.RunToEndAsync("backup", "verify", file, "--json");
        var restoredData = Path.Combine(_root.Path, "restored");
        var restored = await ServerProcess.RunToEndAsync("restore", file, "--data", restoredData, "--json");
        var again = await ServerProcess.RunToEndAsync("restore", file, "--data", restoredData);

        Assert.Equal(backup.ToString(), JsonDocument.Parse(verified.Output).RootElement.ToString());
        Assert.Equal(backup.ToString(), JsonDocument.Parse(restored.Output).RootElement.ToString());
        Assert.Equal(2, again.ExitCode);
        Assert.StartsWith($"error: {restoredData} is not empty", again.Error);

        // The busiest trader's orders, as the backup holds them and as the restored exchange answers them.
        string trader;
        List<string> held;
        await using (var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False"))
        {
            trader = await connection.ExecuteScalarAsync<string>("SELECT organization_id FROM orders GROUP BY organization_id ORDER BY COUNT(*) DESC, organization_id LIMIT 1") ?? "";
            held = (await connection.QueryAsync<string>("SELECT id FROM orders WHERE organization_id = @trader ORDER BY placed_sequence", new { trader })).ToList();
        }
        using var restoredServer = await ServerProcess.StartAsync(restoredData);
        using var http = new HttpClient { BaseAddress = restoredServer.Address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        var token = await http.PostAsJsonAsync($"/api/v1/admin/organizations/{trader}/tokens", new { label = "audit", scopes = new[] { "market:read" } });
        Assert.True(token.IsSuccessStatusCode, await token.Content.ReadAsStringAsync());
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", JsonDocument.Parse(await token.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString());
        var orders = JsonDocument.Parse(await http.GetStringAsync("/api/v1/orders?limit=1000")).RootElement.GetProperty("items");

        Assert.Equal(held, orders.EnumerateArray().Select(o => o.GetProperty("id").GetString()!));
    }

    [Fact]
    public async Task Backing_up_what_is_not_a_store_or_over_a_file_is_one_line_and_exit_2()
    {
        var existing = Path.Combine(_root.Path, "exists.db");
        await File.WriteAllTextAsync(existing, "x");

        var noStore = await ServerProcess.RunToEndAsync("backup", "--data", Path.Combine(_root.Path, "nothing"), "--to", Path.Combine(_root.Path, "b.db"));
        var damaged = await ServerProcess.RunToEndAsync("backup", "verify", existing);
        var noTarget = await ServerProcess.RunToEndAsync("restore", Path.Combine(_root.Path, "missing.db"), "--data", Path.Combine(_root.Path, "r"));

        foreach (var (run, message) in new[] { (noStore, "error: no store at"), (damaged, "error: "), (noTarget, "error: no such file") })
        {
            Assert.Equal(2, run.ExitCode);
            Assert.StartsWith(message, run.Error);
            Assert.Single(run.Error.Trim().Split('\n'));
        }
    }
}
