using Microsoft.Data.Sqlite;
using Neocloud.Domain.Orders;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;
using Neocloud.Market.Commands;
using Neocloud.Market.Replay;
using Neocloud.Storage;

namespace Neocloud.Exchange.Tests;

/// <summary>The market shard: one writer, every accepted command journaled and committed before its outcome, typed outcomes.</summary>
public sealed class MarketShardTests
{
    [Fact]
    public async Task A_bid_trades_at_the_ask_price_and_both_orders_are_stored_with_their_state()
    {
        await using var rig = await ShardRig.StartAsync();
        await rig.AcceptAsync(ShardRig.Pool("p1", "iren", 576));
        await rig.AcceptAsync(ShardRig.Ask("a1", "iren", "p1", 72, "2.4500"));

        var committed = await rig.AcceptAsync(ShardRig.Bid("b1", "microsoft", 64, "3.1000"));

        var trade = Assert.Single(committed.Trades);
        Assert.Equal((24_500L, 64L, "microsoft", "iren"), (trade.PriceTicks, trade.Gpus, trade.BuyerId, trade.SellerId));
        Assert.Equal(OrderStatus.Filled, committed.Order!.Status);
        Assert.Equal(OrderStatus.Filled, (await rig.Store.GetOrderAsync("b1"))!.Status);
        // The ask keeps 8 GPUs in the bid's hours and all 72 after them: it stays open.
        Assert.Equal(OrderStatus.Open, (await rig.Store.GetOrderAsync("a1"))!.Status);
    }

    [Fact]
    public async Task A_rejected_command_answers_with_the_engines_reason_and_journals_only_its_event()
    {
        await using var rig = await ShardRig.StartAsync();
        await rig.AcceptAsync(ShardRig.Pool("p1", "iren", 576));
        var before = await rig.Store.LastSequenceAsync();

        var outcome = await rig.Shard.SubmitAsync(ShardRig.Ask("a1", "iren", "p1", 1000, "2.4500"));

        Assert.Equal(FailureKind.Rejected, outcome.Failure?.Kind);
        Assert.Contains("exceeds pool p1's capacity", outcome.Failure!.Detail);
        Assert.Null(await rig.Store.GetOrderAsync("a1"));
        // No market command: one fact line with the organization's order.rejected event, so a rebuild numbers its events alike.
        var journal = new List<JournalEntry>();
        await foreach (var entry in rig.Store.ReadJournalAsync(before)) journal.Add(entry);
        var rejected = Assert.IsType<OrderRejected>(BookFacts.Parse(Assert.Single(journal).Command));
        Assert.Equal(("a1", outcome.Failure.Detail), (rejected.OrderId, rejected.Reason));
        var stored = Assert.Single(await rig.Store.EventsAsync("iren", 0, null, 10));
        Assert.Equal((stored.Id, stored.Type), (Assert.Single(rejected.Events).Id, "order.rejected"));
    }

    [Fact]
    public async Task Every_row_a_request_causes_names_the_actor_it_was_made_under_and_a_rebuild_writes_it_again()
    {
        await using var rig = await ShardRig.StartAsync();
        var fleet = new JournalActor(JournalActor.TokenKind, "tok_iren", "fleet bot");
        var trader = new JournalActor(JournalActor.PersonKind, "sub-ana", "Ana");
        using (Acting.As(fleet))
        {
            await rig.AcceptAsync(ShardRig.Pool("p1", "iren", 576));
            // Refused: journaled as its order.rejected fact, which names the actor too.
            Assert.False((await rig.Shard.SubmitAsync(ShardRig.Ask("a0", "iren", "p1", 1000, "2.4500"))).IsAccepted);
            await rig.AcceptAsync(ShardRig.Ask("a1", "iren", "p1", 72, "2.4500"));
        }
        using (Acting.As(trader)) await rig.AcceptAsync(ShardRig.Bid("b1", "microsoft", 64, "3.1000"));
        // Made with no one acting: the row names no one (read as the exchange).
        await rig.AcceptAsync(ShardRig.Bid("b2", "microsoft", 1, "3.1000"));
        await rig.Shard.DisposeAsync();

        var journal = await rig.Store.ReadJournalAsync(0).ToListAsync();
        using var target = new Testing.TempDirectory("neocloud-actor-rebuilt-");
        await using (var rebuilt = await ExchangeStore.OpenAsync(StoreOptions.SqliteFile(target.File("exchange.db"))))
        await using (var source = new SqliteConnection($"Data Source={rig.DatabaseFile};Mode=ReadOnly;Pooling=False"))
        {
            await source.OpenAsync();
            Assert.True((await Audit.JournalRebuild.RunAsync(source, null, rebuilt, CancellationToken.None)).Verification.Ok);
            Assert.Equal(journal, await rebuilt.ReadJournalAsync(0).ToListAsync());
        }
        Assert.Equal([fleet.Text, fleet.Text, fleet.Text, trader.Text, null], journal.Select(j => j.Actor));
    }

    [Fact]
    public async Task Event_ids_are_named_after_the_journal_line_so_a_replay_names_them_alike()
    {
        await using var rig = await ShardRig.StartAsync();
        await rig.AcceptAsync(ShardRig.Pool("p1", "iren", 576));
        await rig.AcceptAsync(ShardRig.Ask("a1", "iren", "p1", 72, "2.4500"));
        await rig.AcceptAsync(ShardRig.Bid("b1", "microsoft", 64, "3.1000"));

        var bid = (await rig.Store.ReadJournalAsync(2).ToListAsync()).Single();
        var seed = Events.ExchangeEvent.IdSeed("", bid.Sequence, bid.RecordedMs, bid.Command);
        // The bid's events in the order the shard adds them: the buyer's fill and trade, then the seller's.
        var ids = (await rig.Store.EventsAsync("microsoft", 0, null, 10)).Select(e => e.Id)
            .Concat((await rig.Store.EventsAsync("iren", 0, null, 10)).Where(e => e.Type != "order.rested").Select(e => e.Id));
        Assert.Equal(Enumerable.Range(0, 4).Select(i => Events.ExchangeEvent.IdAt(seed, i)), ids);
        Assert.Matches("^evt_[0-9a-f]{16}$", Events.ExchangeEvent.IdAt(seed, 0));
    }

    [Fact]
    public async Task The_journal_holds_each_command_as_it_was_built()
    {
        await using var rig = await ShardRig.StartAsync();
        var pool = ShardRig.Pool("p1", "iren", 576);
        var ask = ShardRig.Ask("a1", "iren", "p1", 72, "2.4500");
        await rig.AcceptAsync(pool);
        await rig.AcceptAsync(ask);

        var journal = new List<string>();
        await foreach (var entry in rig.Store.ReadJournalAsync(0)) journal.Add(entry.Command);

        Assert.Equal([ReplayCodec.Format(pool.Command), ReplayCodec.Format(ask.Command)], journal);
    }

    [Fact]
    public async Task A_restarted_shard_has_the_same_book()
    {
        await using var rig = await ShardRig.StartAsync();
        await rig.AcceptAsync(ShardRig.Pool("p1", "iren", 576));
        await rig.AcceptAsync(ShardRig.Ask("a1", "iren", "p1", 72, "2.4500"));
        await rig.AcceptAsync(ShardRig.Ask("a2", "iren", "p1", 144, "2.6000"));
        await rig.AcceptAsync(ShardRig.Bid("b1", "microsoft", 64, "3.1000"));
        var before = await rig.Shard.QueryAsync(engine => engine.Asks("GB300", null));

        await rig.RestartAsync();

        Assert.Equal(before, await rig.Shard.QueryAsync(engine => engine.Asks("GB300", null)));
        // The restarted book goes on where it stopped: the next bid takes what is left of the cheapest ask.
        var next = await rig.AcceptAsync(ShardRig.Bid("b2", "meta", 8, "3.1000"));
        Assert.Equal("a1", Assert.Single(next.Trades).AskId);
    }

    [Fact]
    public async Task A_key_sent_twice_before_the_first_commit_gets_the_first_answer_and_applies_once()
    {
        await using var rig = await ShardRig.StartAsync();
        await rig.AcceptAsync(ShardRig.Pool("p1", "iren", 576));

        var first = rig.Shard.SubmitAsync(ShardRig.Ask("a1", "iren", "p1", 72, "2.4500"), ShardRig.Key("iren", "k1", "hash-1"));
        var second = rig.Shard.SubmitAsync(ShardRig.Ask("a2", "iren", "p1", 72, "2.4500"), ShardRig.Key("iren", "k1", "hash-1"));
        var (one, two) = (await first, await second);

        Assert.True(one.IsAccepted);
        Assert.Equal(new StoredAnswer(201, "a1"), two.Replayed);
        Assert.Null(await rig.Store.GetOrderAsync("a2"));
        Assert.Equal("a1", (await rig.Store.FindIdempotencyAsync("iren", "k1"))!.Response);
    }

    [Fact]
    public async Task A_key_reused_for_another_request_is_refused()
    {
        await using var rig = await ShardRig.StartAsync();
        await rig.AcceptAsync(ShardRig.Pool("p1", "iren", 576));

        var first = rig.Shard.SubmitAsync(ShardRig.Ask("a1", "iren", "p1", 72, "2.4500"), ShardRig.Key("iren", "k1", "hash-1"));
        var second = rig.Shard.SubmitAsync(ShardRig.Ask("a2", "iren", "p1", 72, "2.4500"), ShardRig.Key("iren", "k1", "hash-2"));
        await first;

        Assert.Equal(Failure.KeyReused, (await second).Failure);
        Assert.Null(await rig.Store.GetOrderAsync("a2"));
    }

    [Fact]
    public async Task A_transaction_that_cannot_reserve_everything_releases_what_it_reserved()
    {
        await using var rig = await ShardRig.StartAsync();
        await rig.AcceptAsync(ShardRig.Pool("p1", "iren", 100));
        var window = HourWindow.Of(ShardRig.Start, ShardRig.Start + 100);

        var outcome = await rig.Shard.SubmitAsync(new TransactionRequest("microsoft",
            [new ReserveCommand("r1", "microsoft", "p1", 60, window), new ReserveCommand("r2", "microsoft", "p1", 60, window)], null));

        Assert.Equal(FailureKind.Rejected, outcome.Failure?.Kind);
        Assert.Contains("r2", outcome.Failure!.Detail);
        // Nothing stays held: the whole pool can be reserved again.
        await rig.AcceptAsync(new TransactionRequest("microsoft", [new ReserveCommand("r3", "microsoft", "p1", 100, window)], null));
        // And a restart replays the release too.
        await rig.RestartAsync();
        var usage = await rig.Shard.QueryAsync(engine => engine.Usage("p1", window.Start.Value, window.End.Value));
        Assert.All(usage, step => Assert.Equal(100, step.Sold));
    }

    [Fact]
    public async Task A_snapshot_waits_for_at_least_as_many_commands_as_the_last_one_held_resting_orders()
    {
        await using var rig = await ShardRig.StartAsync(snapshotEvery: 5);
        await rig.AcceptAsync(ShardRig.Pool("p1", "iren", 576));
        // Every bid rests (nothing is offered), so the book grows by one order per command: after the pool, the snapshot
        // at sequence s holds s - 1 resting orders. The store keeps the two newest snapshots; bid on until the older of
        // them held more resting orders than the interval (snapshots are written beside the loop, so when varies).
        (long Previous, long Last)? pair = null;
        for (var i = 0; i < 5_000 && pair is null; i++)
        {
            await rig.AcceptAsync(ShardRig.Bid($"b{i}", "microsoft", 8, "0.0100"));
            if (i % 10 == 9 && TwoNewestSnapshots(rig.DatabaseFile) is { } newest && newest.Previous - 1 > 5) pair = newest;
        }
        var (previous, last) = pair ?? throw new InvalidOperationException("5,000 resting bids and no two snapshots past the interval");
        var resting = previous - 1;

        Assert.True(last - previous >= resting,
            $"snapshots at {previous} and {last} are {last - previous} commands apart, the first with {resting} orders resting");
    }

    private static (long Previous, long Last)? TwoNewestSnapshots(string file)
    {
        using var connection = new SqliteConnection($"Data Source={file}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sequence FROM snapshots ORDER BY sequence DESC LIMIT 2";
        var sequences = new List<long>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read()) sequences.Add(reader.GetInt64(0));
        }
        return sequences.Count == 2 ? (sequences[1], sequences[0]) : null;
    }
}
