using Neocloud.Testing;

namespace Neocloud.Storage.Tests;

/// <summary>The webhook store's promises, on a real SQLite file and a real PostgreSQL server.</summary>
public abstract class WebhookStoreContract : StoreContractBase
{
    private static WebhookRecord Hook(string id, string organization = "msft") =>
        new(id, organization, $"https://example.com/{id}", "", "", "whsec_test", WebhookRecord.Active, 1, 0, 0, 0, null, null, null, null, null);

    private static WebhookDeliveryRecord Attempt(string hook, long seq, long attempt, long atMs, long? status) =>
        new(hook, 0, seq, $"evt_{seq}", "order.rested", attempt, atMs, status, 5, status is >= 200 and < 300 ? null : "answered 500");

    [Fact]
    public async Task A_new_hook_starts_after_its_organizations_newest_event()
    {
        await Store.PublishAsync([new EventRecord("msft", "evt_a", "order.rested", 1, "{}"), new EventRecord("msft", "evt_b", "order.rested", 2, "{}")], null);

        await CommitFactAsync(new WebhookCreated(Hook("wh_1")));
        await CommitFactAsync(new WebhookCreated(Hook("wh_2")));
        await CommitFactAsync(new WebhookCreated(Hook("wh_4", "meta")));

        Assert.Equal(2, (await Store.GetWebhookAsync("wh_1"))!.CursorSeq);
        Assert.Equal(0, (await Store.GetWebhookAsync("wh_4"))!.CursorSeq);
        Assert.Equal(["wh_1", "wh_2"], (await Store.WebhooksAsync("msft")).Select(h => h.Id));
    }

    [Fact]
    public async Task Only_the_lease_holder_at_the_hooks_generation_records_attempts_and_a_delivery_moves_the_cursor()
    {
        await CommitFactAsync(new WebhookCreated(Hook("wh_1")));
        Assert.True(await Store.ClaimWebhookLeaseAsync("wh_1", "node-a", 0, 1_000, 31_000));

        Assert.True(await Store.RecordWebhookAttemptAsync(Attempt("wh_1", 1, 1, 2_000, 500), "node-a", 0, delivered: false));
        var failing = (await Store.GetWebhookAsync("wh_1"))!;
        Assert.True(await Store.RecordWebhookAttemptAsync(Attempt("wh_1", 1, 2, 3_000, 200), "node-a", 0, delivered: true));
        var delivered = (await Store.GetWebhookAsync("wh_1"))!;
        Assert.False(await Store.RecordWebhookAttemptAsync(Attempt("wh_1", 2, 1, 4_000, 200), "node-a", 7, delivered: true));
        await CommitFactAsync(new WebhookRedelivered("wh_1", "msft", 0));
        Assert.False(await Store.RecordWebhookAttemptAsync(Attempt("wh_1", 2, 1, 5_000, 200), "node-a", 0, delivered: true));

        Assert.Equal((0L, 2_000L), (failing.CursorSeq, failing.FailingSinceMs!.Value));
        Assert.Equal((1L, (long?)null), (delivered.CursorSeq, delivered.FailingSinceMs));
        var after = (await Store.GetWebhookAsync("wh_1"))!;
        Assert.Equal((0L, 1L, 2L), (after.CursorSeq, after.Generation, after.Attempts));
        var attempts = await Store.WebhookDeliveriesAsync("wh_1", 10);
        Assert.Equal([(2L, 200L), (1L, 500L)], attempts.Select(a => (a.N, a.StatusCode!.Value)));
    }

    [Fact]
    public async Task Disabling_publishes_its_event_in_the_same_commit_and_redelivery_enables_again()
    {
        await CommitFactAsync(new WebhookCreated(Hook("wh_1")));
        await Store.ClaimWebhookLeaseAsync("wh_1", "node-a", 0, 1_000, 31_000);
        var disabled = new EventRecord("msft", "evt_off", "webhook.disabled", 9, """{"webhook":"wh_1"}""");

        await CommitFactAsync(new WebhookDisabled("wh_1", 0, "gave up", 9) { Events = [disabled] });
        Assert.False(await Store.ClaimWebhookLeaseAsync("wh_1", "node-a", 0, 2_000, 32_000));
        var off = (await Store.GetWebhookAsync("wh_1"))!;
        Assert.Empty(await Store.ActiveWebhooksAsync());
        await CommitFactAsync(new WebhookRedelivered("wh_1", "msft", 0));
        var on = (await Store.GetWebhookAsync("wh_1"))!;

        Assert.Equal((WebhookRecord.Disabled, "gave up", 9L, (string?)null), (off.Status, off.DisabledReason, off.DisabledMs!.Value, off.LeaseOwner));
        Assert.Equal(["evt_off"], (await Store.EventsAsync("msft", 0, null, 10)).Select(e => e.Id));
        Assert.Equal((WebhookRecord.Active, (string?)null, 1L), (on.Status, on.DisabledReason, on.Generation));
        Assert.True(await Store.ClaimWebhookLeaseAsync("wh_1", "node-a", 1, 2_000, 32_000));
        await Store.RecordWebhookAttemptAsync(Attempt("wh_1", 1, 1, 3_000, 500), "node-a", 1, delivered: false);
        await CommitFactAsync(new WebhookDeleted("wh_1", "msft"));
        Assert.Null(await Store.GetWebhookAsync("wh_1"));
        Assert.Empty(await Store.WebhookDeliveriesAsync("wh_1", 10));
    }

    [Fact]
    public async Task A_hook_keeps_its_newest_thousand_attempts()
    {
        await CommitFactAsync(new WebhookCreated(Hook("wh_1")));
        await Store.ClaimWebhookLeaseAsync("wh_1", "node-a", 0, 1_000, 31_000);
        for (var i = 1; i <= ExchangeStore.KeptDeliveries + 5; i++)
            await Store.RecordWebhookAttemptAsync(Attempt("wh_1", 1, i, i, 500), "node-a", 0, delivered: false);

        var kept = await Store.WebhookDeliveriesAsync("wh_1", 2000);

        Assert.Equal(ExchangeStore.KeptDeliveries, kept.Count);
        Assert.Equal(ExchangeStore.KeptDeliveries + 5L, kept[0].Attempt);
        Assert.Equal(6L, kept[^1].Attempt);
    }

    /// <summary>On PostgreSQL a lease held by another node holds until it runs out; on SQLite (one process) it is always the caller's.</summary>
    protected abstract bool LeasesAreShared { get; }

    [Fact]
    public async Task A_lease_held_by_another_node_is_free_only_once_it_runs_out()
    {
        await CommitFactAsync(new WebhookCreated(Hook("wh_1")));
        Assert.True(await Store.ClaimWebhookLeaseAsync("wh_1", "node-a", 0, 1_000, 31_000));

        var whileHeld = await Store.ClaimWebhookLeaseAsync("wh_1", "node-b", 0, 2_000, 32_000);
        var afterExpiry = await Store.ClaimWebhookLeaseAsync("wh_1", "node-c", 0, 40_000, 70_000);

        Assert.Equal(!LeasesAreShared, whileHeld);
        Assert.True(afterExpiry);
        Assert.Equal("node-c", (await Store.GetWebhookAsync("wh_1"))!.LeaseOwner);
    }
}

public sealed class SqliteWebhookStoreTests : WebhookStoreContract, IDisposable
{
    private readonly TempDirectory _directory = new("neocloud-hooks-store-");

    protected override bool LeasesAreShared => false;

    protected override StoreOptions CreateOptions() => StoreOptions.SqliteFile(_directory.File("exchange.db"));

    public void Dispose() => _directory.Dispose();
}

public sealed class PostgresWebhookStoreTests : WebhookStoreContract
{
    protected override bool LeasesAreShared => true;

    protected override StoreOptions CreateOptions() => StoreOptions.Postgres(PostgresServer.CreateDatabase("hooks_store"));
}
