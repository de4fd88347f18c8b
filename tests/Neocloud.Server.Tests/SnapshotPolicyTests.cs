using Microsoft.Data.Sqlite;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>When the exchange takes snapshots: never more often than the book's size allows, so their cost per command stays flat.</summary>
public sealed class SnapshotPolicyTests
{
    [Fact]
    public async Task A_snapshot_waits_for_at_least_as_many_commands_as_the_last_one_held_resting_orders()
    {
        await using var server = await TestServer.StartAsync(options => options with { SnapshotEvery = 5 });
        var market = await Market.OpenAsync(server);
        // Every bid rests (nothing is offered that cheap), so the book grows by one order per command.
        for (var i = 0; i < 60; i++) await Market.BidAsync(market.Microsoft, 8, Market.Start, Market.Start + 10, "0.0100");

        var (previous, last) = await TwoNewestSnapshotsAsync(server.DataDirectory);
        using var connection = new SqliteConnection($"Data Source={Path.Combine(server.DataDirectory, "exchange.db")}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM journal WHERE sequence <= $previous AND command LIKE '{\"op\":\"bid\"%'";
        command.Parameters.AddWithValue("$previous", previous);
        var restingAtPrevious = (long)command.ExecuteScalar()!;

        Assert.True(restingAtPrevious > 5, $"the test needs more resting orders than --snapshot-every, got {restingAtPrevious}");
        Assert.True(last - previous >= restingAtPrevious,
            $"snapshots at {previous} and {last} are {last - previous} commands apart, the first with {restingAtPrevious} orders resting");
    }

    private static async Task<(long Previous, long Last)> TwoNewestSnapshotsAsync(string data)
    {
        // Snapshots are written beside the exchange loop: wait for the store to hold two.
        for (var attempt = 0; ; attempt++)
        {
            using var connection = new SqliteConnection($"Data Source={Path.Combine(data, "exchange.db")}");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT sequence FROM snapshots ORDER BY sequence DESC LIMIT 2";
            var sequences = new List<long>();
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read()) sequences.Add(reader.GetInt64(0));
            }
            if (sequences.Count == 2) return (sequences[1], sequences[0]);
            if (attempt == 100) throw new InvalidOperationException($"expected two snapshots, found {sequences.Count}");
            await Task.Delay(50);
        }
    }
}
