using CsCheck;
using Microsoft.Extensions.DependencyInjection;
using Neocloud.Cluster.Wire;
using Neocloud.Domain.Input;
using Neocloud.Domain.Money;
using Neocloud.Domain.Offtake;
using Neocloud.Domain.Orders;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;
using Neocloud.Market.Commands;
using Neocloud.Market.Generation;
using Neocloud.Market.Replay;
using Neocloud.Storage;
using Orleans.Serialization;

namespace Neocloud.Cluster.Tests;

/// <summary>
/// What crosses the Orleans wire comes back equal: every market command kind and every book fact kind, in a shard call,
/// and every kind of outcome, through Orleans' own serializer (as a silo-to-silo call writes them), fixed and random.
/// </summary>
public sealed class WireRoundTripTests
{
    private static readonly Serializer s_serializer = new ServiceCollection()
        .AddSerializer(builder => builder.AddAssembly(typeof(ShardCall).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    private static readonly WireKey s_key = new("openai", "key-1", "hash-1");

    [Fact]
    public void Every_market_command_kind_comes_back_equal_and_formats_the_same_journal_line()
    {
        var window = HourWindow.Of(500_000, 500_100);
        MarketCommand[] commands =
        [
            new PoolCommand("pool-1", "iren", "us-tx", "GB300", [new Segment(500_000, 500_500, 64), new Segment(500_500, 501_000, 128)]),
            new CapacityCommand("pool-1", new Segment(501_000, 502_000, 256)),
            new AskCommand("ask-1", "iren", "pool-1", 8, window, Price.FromTicks(2_4500)),
            new BidCommand("bid-1", "openai", "GB300", "us-tx", 8, window, Price.FromTicks(3_1000), ImmediateOrCancel: true),
            BidCommand.Of("bid-2", "openai", [new Alternative("B200", Price.FromTicks(2_0000)), new Alternative("B300", Price.FromTicks(3_0000))],
                null, 4, window, false),
            new BidCommand("bid-3", "openai", "GB300", null, 4, window, Price.FromTicks(3_0000), false) { PoolId = "pool-1" },
            new PortfolioCommand("folio-1", "openai",
            [
                new BidCommand("folio-1#0", "openai", "GB300", null, 2, window, Price.FromTicks(3_0000), true),
                BidCommand.Of("folio-1#1", "openai", [new Alternative("H100", Price.FromTicks(1_9000))], "eu-no", 2, window, true),
            ]),
            new CancelCommand("ask-1"),
            new ReserveCommand("res-1", "openai", "pool-1", 16, window),
            new ReleaseCommand("res-1", new Hour(500_050)),
        ];
        Assert.Equal(AllConcrete<MarketCommand>(), commands.Select(c => c.GetType()).ToHashSet());

        var call = new ShardCall("openai", true, commands, null, null, s_key, "GB300");
        var back = RoundTrip(call);

        Structural.AssertEqual(call, back);
        Assert.Equal(commands.Select(ReplayCodec.Format), back.Commands.Select(ReplayCodec.Format));
        Assert.IsType<MarketCommand[]>(back.Commands);
    }

    [Fact]
    public void Every_book_fact_kind_comes_back_equal_with_its_events()
    {
        var facts = s_facts.Select((make, kind) => make(new Random(kind))).ToList();
        Assert.Equal(AllConcrete<BookFact>(), facts.Select(f => f.GetType()).ToHashSet());

        foreach (var fact in facts)
        {
            var call = ShardCall.Of(new TransactionRequest("microsoft", [new ReserveCommand("res-9", "microsoft", "pool-9", 8, HourWindow.Of(1, 2))], fact, "GB300"), null);
            var back = RoundTrip(call);

            Structural.AssertEqual(call, back);
            Assert.NotEmpty(back.Fact!.Events);
            Assert.Equal(BookFacts.Format(fact), BookFacts.Format(back.Fact!));
        }
    }

    [Fact]
    public void A_call_carries_the_actor_its_request_was_made_under_and_the_grains_request_journals_it()
    {
        var person = new JournalActor(JournalActor.PersonKind, "sub-7", "Ana \"ops\" Souza");
        ShardRequest bid, award, unnamed;
        using (Acting.As(person))
        {
            bid = new MarketRequest("openai", new CancelCommand("bid-1"));
            award = new TransactionRequest("openai", [new ReserveCommand("res-1", "openai", "pool-1", 8, HourWindow.Of(1, 2))], null, "GB300");
        }
        unnamed = new MarketRequest("openai", new CancelCommand("bid-2"));

        var back = new[] { bid, award, unnamed }.Select(r => RoundTrip(ShardCall.Of(r, null))).ToList();

        Assert.Equal([person.Text, person.Text, null], back.Select(c => c.Actor));
        // On the grain's side the request names the caller's actor, whatever acts where the grain runs.
        using (Acting.As(JournalActor.Exchange))
            Assert.Equal([person.Text, person.Text, null], back.Select(c => c.ToRequest().Actor));
    }

    [Fact]
    public void A_new_webhook_keeps_the_limit_it_is_decided_against()
    {
        var fact = new WebhookCreated(Webhook(new Random(7))) { MaxPerOrganization = 20 };

        var back = RoundTrip(ShardCall.Of(new TransactionRequest("microsoft", [], fact, "GB300"), null));

        Assert.Equal(20, Assert.IsType<WebhookCreated>(back.Fact).MaxPerOrganization);
        Assert.DoesNotContain("maxPerOrganization", BookFacts.Format(fact), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void An_acceptance_keeps_the_events_its_completion_would_add()
    {
        var fact = new AssignmentAccepted("asg-1", BySeller: true, 1_700_000_000_000, Completes: false)
        {
            Events = [Event(new Random(1))],
            OnCompletion = [Event(new Random(2)), Event(new Random(3))],
        };

        var back = Assert.IsType<AssignmentAccepted>(RoundTrip(new ShardCall("iren", true, [], null, fact, null)).Fact);

        Structural.AssertEqual(fact.OnCompletion, back.OnCompletion);
    }

    [Fact]
    public void The_comparison_notices_a_difference_deep_inside_a_fact()
    {
        var fact = (AssignmentAccepted)s_facts[8](new Random(1));
        var changed = fact with { OnCompletion = [.. fact.OnCompletion.Select(e => e with { Data = "{}" })] };

        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Structural.AssertEqual(fact, changed));
    }

    [Fact]
    public void Random_shard_calls_come_back_equal()
    {
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            List<MarketCommand> commands = [.. StreamGenerator.Generate(3, 20, seed, mix: StreamMix.Everything)];
            commands.Add(new CapacityCommand(Text(random), new Segment(random.Next(1000), 1000 + random.Next(1000), random.Next(1, 500))));
            commands.Add(new ReserveCommand(Text(random), Text(random), Text(random), random.Next(1, 100), HourWindow.Of(random.Next(1000), 1000 + random.Next(1000))));
            commands.Add(new ReleaseCommand(Text(random), new Hour(random.Next())));
            var fact = random.Next(4) == 0 ? null : s_facts[random.Next(s_facts.Length)](random);
            var call = new ShardCall(Text(random), random.Next(2) == 0, commands, Maybe(random), fact, random.Next(2) == 0 ? null : s_key, Maybe(random),
                random.Next(2) == 0 ? null : new JournalActor(JournalActor.PersonKind, Text(random), Text(random)).Text);

            Structural.AssertEqual(call, RoundTrip(call));
        }, iter: 200);
    }

    [Fact]
    public void Every_kind_of_outcome_comes_back_equal()
    {
        var random = new Random(7);
        var fact = s_facts[3](random);
        var committed = new Committed(Order(random), [Trade(random), Trade(random)], Pool(random)) { Portfolio = Portfolio(random), Fact = fact };
        var errors = new FieldErrors();
        errors.Add("gpus", "must be positive");
        errors.Add("tranches[1].start", "must be after the first");
        Outcome<Committed>[] outcomes =
        [
            committed,
            Committed.Nothing,
            new Committed(Order(random) with { Tif = null, Region = null, PoolId = null, Alternatives = null }, [], null),
            Failure.Invalid(errors),
            Failure.MarketRejected("no ask crosses"),
            Failure.Unavailable,
            Outcome<Committed>.Replay(new StoredAnswer(201, """{"id":"bid-1"}""")),
        ];

        foreach (var outcome in outcomes)
        {
            var back = RoundTrip(WireOutcome.Of(outcome)).ToOutcome();

            Assert.Equal(outcome.IsAccepted, back.IsAccepted);
            Structural.AssertEqual(outcome.Value, back.Value);
            Structural.AssertEqual(outcome.Failure, back.Failure);
            Assert.Equal(outcome.Replayed, back.Replayed);
        }
        Assert.Equal(["gpus", "tranches[1].start"], RoundTrip(WireOutcome.Of(Failure.Invalid(errors))).Failure!.Errors!.Keys);
    }

    private static T RoundTrip<T>(T value) => s_serializer.Deserialize<T>(s_serializer.SerializeToArray(value)) ?? throw new InvalidOperationException("read back null");

    private static HashSet<Type> AllConcrete<T>() =>
        typeof(T).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(T)) && !t.IsAbstract).ToHashSet();

    /// <summary>One builder per book fact kind, each filling every member from the random source.</summary>
    private static readonly Func<Random, BookFact>[] s_facts =
    [
        r => new RfqOpened(Rfq(r)) { Events = Events(r) },
        r => new RfqWithdrawn(Text(r), Text(r), r.NextInt64()) { Events = Events(r) },
        r => new OfferMade(Offer(r)) { Events = Events(r) },
        r => new ContractAwarded(Maybe(r), [Offtake(r), Offtake(r)], [Text(r)]) { Events = Events(r) },
        r => new TrancheDelivered(new DeliveryRecord(Text(r), r.Next(1, 9), Text(r), r.NextInt64())) { Events = Events(r) },
        r => new SlaReported(new SlaRecord(Text(r), Text(r), "0.9971", r.NextInt64())) { Events = Events(r) },
        r => new ContractTerminated(Text(r), Text(r), r.NextInt64()) { Events = Events(r) },
        r => new AssignmentProposed(Assignment(r)) { Events = Events(r) },
        r => new AssignmentAccepted(Text(r), r.Next(2) == 0, r.NextInt64(), r.Next(2) == 0) { Events = Events(r), OnCompletion = Events(r) },
        r => new AssignmentDeclined(Text(r), Text(r), r.NextInt64()) { Events = Events(r) },
        r => new IndexValuesSet(Text(r), [new IndexValueRow("2026-01", "101.5"), new IndexValueRow(Text(r), Text(r))], r.NextInt64()) { Events = Events(r) },
        r => new BookImported([Rfq(r)], [Offer(r)], [Offtake(r)], [new DeliveryRecord(Text(r), 1, Text(r), r.NextInt64())],
            [new SlaRecord(Text(r), Text(r), Text(r), r.NextInt64())], [Assignment(r)], [new StoredIndexValue(Text(r), Text(r), Text(r), r.NextInt64())])
        {
            Events = Events(r),
        },
        r => new OrganizationCreated(Organization(r)) { Events = Events(r) },
        r => new OrganizationRateLimitSet(Text(r), MaybeLong(r)) { Events = Events(r) },
        r => new TokenIssued(Token(r), r.Next(2) == 0) { Events = Events(r) },
        r => new TokenRotated(Text(r), r.NextInt64(), Token(r)) { Events = Events(r) },
        r => new TokenRevoked(Text(r), r.NextInt64()) { Events = Events(r) },
        r => new WebhookCreated(Webhook(r)) { Events = Events(r), MaxPerOrganization = r.Next(1, 50) },
        r => new WebhookDeleted(Text(r), Text(r)) { Events = Events(r) },
        r => new WebhookRedelivered(Text(r), Text(r), r.NextInt64()) { Events = Events(r) },
        r => new WebhookDisabled(Text(r), r.NextInt64(), Text(r), r.NextInt64()) { Events = Events(r) },
        r => new ProcurementStarted(Procurement(r)) { Events = Events(r) },
        r => new ProcurementStopped(Text(r), Text(r), r.NextInt64()) { Events = Events(r) },
        r => new ConfigImported([Organization(r)], [Token(r), Token(r)], [Webhook(r)], [Procurement(r)]) { Events = Events(r) },
        r => new RfqClosed(Text(r), r.NextInt64(), r.Next(0, 9)) { Events = Events(r) },
        r => new ContractMonthClosed(Text(r), "2027-03", r.NextInt64(), [r.Next(1, 9), r.Next(1, 9)], [Issued(r), Issued(r)]) { Events = Events(r) },
        r => new InvoicesIssued(Text(r), r.NextInt64(), [Issued(r)]) { Events = Events(r) },
        r => new OrderRejected(Text(r), Text(r), r.NextInt64()) { Events = Events(r) },
        r => new CreditLimitSet(Text(r), MaybeLong(r), r.NextInt64()) { Events = Events(r), Entries = Entries(r) },
        r => new MoneyRecorded(Text(r), "collateral", r.NextInt64(1, 1_000_000), Text(r), r.NextInt64()) { Events = Events(r), Entries = Entries(r) },
        r => new MarginMarked(Text(r), [new MarginMark(Text(r), r.NextInt64()), new MarginMark(Text(r), r.NextInt64())], r.NextInt64()) { Events = Events(r), Entries = Entries(r) },
        r => new CreditGranted(Text(r), Text(r), r.NextInt64(), r.NextInt64()) { Events = Events(r), Entries = Entries(r) },
        r => new CreditReturned(Text(r), Text(r), r.NextInt64()) { Events = Events(r), Entries = Entries(r) },
        r => new ApprovalThresholdSet(Text(r), MaybeLong(r), r.NextInt64()) { Events = Events(r) },
        r => new ApprovalRequested(new ApprovalRecord(Text(r), Text(r), "bid", Text(r), r.NextInt64(), Text(r), Text(r), r.NextInt64(), "pending",
            r.Next(2) == 0 ? null : Text(r), MaybeLong(r), r.Next(2) == 0 ? null : Text(r))) { Events = Events(r) },
        r => new ApprovalDecided(Text(r), Text(r), "approved", Text(r), r.NextInt64()) { Events = Events(r) },
        r => new ApprovalCompleted(Text(r), Text(r), "executed", Text(r), r.NextInt64()) { Events = Events(r) },
        r => new AlertSet(new AlertRecord(Text(r), Text(r), "GB300", Maybe(r), "best_ask_below", r.NextInt64(), Maybe(r), r.NextInt64(),
            r.Next(2) == 0 ? AlertRecord.Armed : AlertRecord.Triggered, MaybeLong(r), MaybeLong(r), r.NextInt64(0, 9))) { Events = Events(r) },
        r => new AlertRemoved(Text(r), Text(r), "H100", r.NextInt64()) { Events = Events(r) },
        r => new AlertsCrossed("B200", [new AlertCrossing(Text(r), Text(r), true, MaybeLong(r)), new AlertCrossing(Text(r), Text(r), false, null)], r.NextInt64())
        {
            Events = Events(r),
        },
        r => new AlertCurveObserved("GB300", [new CurvePoint("2027-01", MaybeLong(r)), new CurvePoint("2027-02", MaybeLong(r))], r.NextInt64())
        {
            Events = Events(r),
        },
    ];

    private static AccountEntry[] Entries(Random r) =>
        [.. Enumerable.Range(0, r.Next(1, 3)).Select(_ => new AccountEntry(Text(r), Text(r), Text(r), Text(r), "payment", r.NextInt64(1, 1_000_000), Text(r), r.NextInt64()))];

    private static OrganizationRecord Organization(Random r) => new(Text(r), Text(r), r.NextInt64(), MaybeLong(r));

    private static TokenRecord Token(Random r) =>
        new(Text(r), Text(r), [.. Enumerable.Range(0, 32).Select(_ => (byte)r.Next(256))], "market:read admin", Text(r), r.NextInt64(), MaybeLong(r), MaybeLong(r),
            MaybeLong(r));

    private static WebhookRecord Webhook(Random r) =>
        new(Text(r), Text(r), "https://hooks.example.com/x", Text(r), Text(r), $"dp1:{Text(r)}", WebhookRecord.Active, r.NextInt64(), r.NextInt64(), r.NextInt64(),
            r.NextInt64(), MaybeLong(r), Maybe(r), MaybeLong(r), Maybe(r), MaybeLong(r));

    private static ProcurementRecord Procurement(Random r) =>
        new(Text(r), Text(r), "GB300", Maybe(r), r.Next(1, 100), 720, 168, r.NextInt64(1, 100_000), Pick<Neocloud.Domain.Procurement.ProcurementStatus>(r),
            r.NextInt64(), r.NextInt64(), MaybeLong(r), Maybe(r));

    private static IssuedInvoice Issued(Random r) => new(Text(r), Text(r), """{"month":"2027-03","dueUsd":219000.00}""");

    private static RfqRecord Rfq(Random r) => new(Text(r), Text(r), Pick<RfqStatus>(r), r.NextInt64(), r.NextInt64(), """{"gpus":1024}""");

    private static OfferRecord Offer(Random r) => new(Text(r), Text(r), Text(r), Pick<OfferStatus>(r), r.NextInt64(), Text(r));

    private static OfftakeRecord Offtake(Random r) =>
        new(Text(r), Maybe(r), Maybe(r), Text(r), Text(r), "GB300", "us-tx", Pick<ContractStatus>(r), Maybe(r), r.NextInt64(), Text(r));

    private static AssignmentRecord Assignment(Random r) =>
        new(Text(r), Text(r), Text(r), Text(r), "2027-03", """[{"tranche":1,"gpus":100}]""", AssignmentStatus.Proposed, r.NextInt64(),
            MaybeLong(r), MaybeLong(r), MaybeLong(r), Maybe(r));

    private static EventRecord Event(Random r) => new(Text(r), $"evt_{Text(r)}", "contract.awarded", r.NextInt64(), """{"contract":"c-1"}""");

    private static EventRecord[] Events(Random r) => [.. Enumerable.Range(0, r.Next(1, 4)).Select(_ => Event(r))];

    private static OrderRecord Order(Random r) =>
        new(Text(r), Text(r), Pick<OrderSide>(r), "GB300", Maybe(r), Maybe(r), r.Next(1, 1000), 500_000, 500_100, r.NextInt64(1, 100_000),
            Pick<TimeInForce>(r), Pick<OrderStatus>(r), r.NextInt64(), r.NextInt64(), r.NextInt64(), r.NextInt64(), Maybe(r));

    private static TradeRecord Trade(Random r) =>
        new(r.NextInt64(), r.NextInt64(), Text(r), Text(r), Text(r), Text(r), Text(r), "GB300", "us-tx", r.Next(1, 100), 500_000, 500_010,
            r.NextInt64(1, 100_000), r.NextInt64());

    private static PoolRecord Pool(Random r) => new(Text(r), Text(r), Maybe(r), "GB300", "us-tx", r.NextInt64());

    private static PortfolioRecord Portfolio(Random r) => new(Text(r), Text(r), "cancelled", MaybeLong(r), Text(r), r.NextInt64(), r.NextInt64());

    private static T Pick<T>(Random r) where T : struct, Enum => Enum.GetValues<T>()[r.Next(Enum.GetValues<T>().Length)];

    /// <summary>Any text: empty, ASCII, or with quotes, newlines and characters outside the BMP.</summary>
    private static string Text(Random r) => r.Next(5) switch
    {
        0 => "",
        1 => "line\n\"quoted\" \\ 𝄞 ünï",
        _ => $"id-{r.Next()}",
    };

    private static string? Maybe(Random r) => r.Next(3) == 0 ? null : Text(r);

    private static long? MaybeLong(Random r) => r.Next(3) == 0 ? null : r.NextInt64();
}
