using System.Text;
using Dapper;
using Microsoft.Extensions.Logging;
using Neocloud.Exchange.Audit;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;
using Neocloud.Storage;

namespace Neocloud.Exchange.Tests;

/// <summary>The journal's audit on a real shard's store: the chain continues across restarts and failed commits, and the journal replayed to the snapshot gives the snapshot.</summary>
public sealed class JournalVerifierTests
{
    [Fact]
    public async Task A_journal_replayed_to_the_newest_snapshot_matches_it_and_a_snapshot_that_differs_is_named()
    {
        await using var rig = await ShardRig.StartAsync();
        await rig.AcceptAsync(ShardRig.Pool("p1", "iren", 576));
        await rig.AcceptAsync(ShardRig.Ask("a1", "iren", "p1", 72, "2.4500"));
        await rig.AcceptAsync(ShardRig.Ask("a2", "iren", "p1", 144, "2.6000"));
        await rig.AcceptAsync(ShardRig.Bid("b1", "microsoft", 64, "3.1000"));
        await rig.RestartAsync();
        await rig.AcceptAsync(ShardRig.Bid("b2", "microsoft", 8, "3.1000"));

        var clean = await VerifyAsync(rig.Store);
        await using (var connection = await rig.Store.OpenConnectionAsync())
        {
            var state = Encoding.UTF8.GetString(await connection.ExecuteScalarAsync<byte[]>("SELECT state FROM snapshots WHERE sequence = 4") ?? []);
            Assert.Contains("\"gpus\":144", state);
            await connection.ExecuteAsync("UPDATE snapshots SET state = @state WHERE sequence = 4",
                new { state = Encoding.UTF8.GetBytes(state.Replace("\"gpus\":144", "\"gpus\":143", StringComparison.Ordinal)) });
        }
        var differs = await VerifyAsync(rig.Store);

        Assert.True(clean.Ok, string.Join("; ", clean.Problems));
        Assert.Equal((5L, 1L, 5L, 4L, true), (clean.Commands, clean.FirstSequence, clean.LastSequence, clean.SnapshotSequence, clean.SnapshotMatches));
        Assert.Equal(false, differs.SnapshotMatches);
        var problem = Assert.Single(differs.Problems);
        Assert.Equal((4L, "the snapshot at 4 differs from the journal replayed to 4"), (problem.Sequence, problem.Problem));
    }

    [Fact]
    public async Task After_a_commit_that_failed_the_chain_continues_from_the_stored_row()
    {
        await using var rig = await ShardRig.StartAsync();
        await rig.AcceptAsync(ShardRig.Pool("p1", "iren", 576));
        await rig.AcceptAsync(ShardRig.Ask("a1", "iren", "p1", 72, "2.4500"));
        await using (var connection = await rig.Store.OpenConnectionAsync())
            await connection.ExecuteAsync("CREATE TRIGGER full_disk BEFORE INSERT ON trades BEGIN SELECT RAISE(ABORT, 'disk full'); END");

        var failed = await rig.Shard.SubmitAsync(ShardRig.Bid("b1", "microsoft", 64, "3.1000"));

        await using (var connection = await rig.Store.OpenConnectionAsync())
            await connection.ExecuteAsync("DROP TRIGGER full_disk");
        await rig.AcceptAsync(ShardRig.Bid("b1", "microsoft", 64, "3.1000"));
        await rig.AcceptAsync(ShardRig.Ask("a2", "iren", "p1", 8, "2.5000"));
        var verified = await VerifyAsync(rig.Store);

        Assert.Equal(FailureKind.Unavailable, failed.Failure?.Kind);
        Assert.True(verified.Ok, string.Join("; ", verified.Problems));
        Assert.Equal(4L, verified.LastSequence);
    }

    [Fact]
    public async Task A_shard_starting_on_a_journal_edited_after_its_snapshot_logs_the_first_broken_sequence_and_starts()
    {
        await using var rig = await ShardRig.StartAsync();
        await rig.AcceptAsync(ShardRig.Pool("p1", "iren", 576));
        await rig.AcceptAsync(ShardRig.Ask("a1", "iren", "p1", 72, "2.4500"));
        await rig.RestartAsync();
        await rig.AcceptAsync(ShardRig.Ask("a2", "iren", "p1", 8, "2.5000"));
        await rig.AcceptAsync(ShardRig.Bid("b1", "microsoft", 8, "3.1000"));
        await using (var connection = await rig.Store.OpenConnectionAsync())
            await connection.ExecuteAsync("UPDATE journal SET organization_id = 'mallory' WHERE sequence = 4");
        var log = new ListLogger();

        await using var shard = new MarketShard(rig.Store, TimeProvider.System, log, 10_000);
        await shard.StartAsync(CancellationToken.None);

        Assert.Equal(4, shard.Sequence);
        Assert.Contains(log.Lines, line => line.StartsWith("the journal's hash chain breaks at sequence 4", StringComparison.Ordinal));
    }

    private sealed class ListLogger : ILogger<MarketShard>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines) Lines.Add(formatter(state, exception));
        }
    }

    private static async Task<JournalVerification> VerifyAsync(ExchangeStore store)
    {
        await using var connection = await store.OpenConnectionAsync();
        return Assert.Single((await JournalVerifier.VerifyAsync(connection, null)).Journals);
    }
}
