using FsCheck.Xunit;
using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Routing;
using ServiceDesk.Serialization;
using ServiceDesk.Sla;
using ServiceDesk.Storage;
using ServiceDesk.Storage.InMemory;
using ServiceDesk.Testing;
using ServiceDesk.Workflow;
using Xunit;

namespace ServiceDesk.Engine.Tests;

/// <summary>The per-ticket memory (derived state) against decisions taken from the whole history, and its cost.</summary>
public sealed class EngineMemoryTests
{
    private static readonly GroupId SecondLine = new("second-line");

    private static readonly ContractId Gold = new("C-GOLD");

    /// <summary>The desk's policy, and <c>gold</c> (resolution 4 h) for contract C-GOLD, which edits may select.</summary>
    private static readonly SlaPolicySet Policies = new([Desk.Policy, BuildGold()]);

    private static readonly ServiceDeskEngineOptions Options = Desk.Options.With(Desk.Options.RoutingRules, Policies).With(new EscalationPolicyBuilder()
        .Rule("half", 1, EscalationTrigger.SlaPercent("resolution", 50), NotificationDelivery.Immediately, EscalationAction.Notify(NotifyTarget.Assignee))
        .Rule("breach", 2, EscalationTrigger.SlaPercent("resolution", 100), NotificationDelivery.Immediately, EscalationAction.ToGroup(SecondLine))
        .Build());

    /// <summary>
    /// The same random command sequence (with sweeps) runs on an engine that keeps its memory and on one whose store hides
    /// it (so every command rebuilds it from the history): every result, stored schedule, history and clock agrees, and the
    /// clocks also equal the SLA package's evaluation of the timeline built from the stored history.
    /// </summary>
    [Property(MaxTest = 40)]
    public void Commands_WithMemory_DecideAsFromHistory(int seed)
    {
        var failure = Run(seed).GetAwaiter().GetResult();
        Assert.True(failure is null, failure);
    }

    private static async Task<string?> Run(int seed)
    {
        var random = new Random(seed);
        var clock = new TestClock(TestClock.DefaultStart + Duration.FromMinutes(random.Next(0, 7 * 24 * 60)));
        var kept = new InMemoryTicketStore();
        var hidden = new HidingStore(new InMemoryTicketStore());
        using var a = new ServiceDeskEngine(kept, clock, Options);
        using var b = new ServiceDeskEngine(hidden, clock, Options);
        var sweepA = new EscalationSweeper(a);
        var sweepB = new EscalationSweeper(b);
        var ids = new List<TicketId>();
        var steps = random.Next(5, 60);
        for (var i = 0; i < steps; i++)
        {
            clock.Advance(Duration.FromMinutes(random.Next(0, 600)));
            var op = ids.Count == 0 ? 0 : random.Next(15);
            if (op == 0)
            {
                var key = "open-" + i;
                var request = Desk.Incident(random.Next(3) == 0 ? "vpn down" : "printer", new Impact(random.Next(1, 4)), new Urgency(random.Next(1, 4)));
                var ra = await a.OpenTicketAsync(Desk.Caller(key), request);
                var rb = await b.OpenTicketAsync(Desk.Caller(key), request);
                if (!Same(ra, rb))
                {
                    return $"step {i}: open differs: {ra.Ticket} / {rb.Ticket}";
                }

                ids.Add(ra.Ticket.Id);
                continue;
            }

            var id = ids[random.Next(ids.Count)];
            var impact = new Impact(random.Next(1, 4));
            var urgency = new Urgency(random.Next(1, 4));
            var other = ids[random.Next(ids.Count)];
            AgentId? agent = random.Next(2) == 0 ? Desk.Alice : null;
            var metric = random.Next(2) == 0 ? "resolution" : "first_response";
            var due = clock.Now + Duration.FromMinutes(random.Next(-60, 3000));
            var classification = new TicketClassification { Contract = random.Next(2) == 0 ? Gold : null, Service = random.Next(3) == 0 ? new ServiceId("mail") : null };
            SlaPriorityChange? reselection = random.Next(3) switch { 0 => null, 1 => SlaPriorityChange.Restart, _ => SlaPriorityChange.KeepElapsed };
            Func<ServiceDeskEngine, Task<CommandResult>>? command = op switch
            {
                1 => e => e.TransitionAsync(Desk.Agent(Desk.Alice), id, IncidentLifecycle.Start),
                2 => e => e.TransitionAsync(Desk.Agent(Desk.Alice), id, IncidentLifecycle.Hold, IncidentLifecycle.AwaitingCaller),
                3 => e => e.TransitionAsync(Desk.Agent(Desk.Alice), id, IncidentLifecycle.Resume),
                4 => e => e.TransitionAsync(Desk.Agent(Desk.Alice), id, IncidentLifecycle.Resolve, "SolvedPermanently", "Fixed."),
                5 => e => e.TransitionAsync(Desk.Caller(), id, IncidentLifecycle.Reopen, "Still broken"),
                6 => e => e.CommentAsync(Desk.Agent(Desk.Bob), id, CommentVisibility.Public, "Looking."),
                7 => e => e.CommentAsync(Desk.Caller(), id, CommentVisibility.Public, "Any news?"),
                8 => e => e.ChangePriorityAsync(Desk.Agent(Desk.Alice), id, impact, urgency),
                9 => e => e.LinkAsync(Desk.Agent(Desk.Alice), id, other, TicketLinkType.RelatedTo),
                10 => e => e.AssignAsync(Desk.Agent(Desk.Alice), id, Desk.Network, agent),
                11 => e => e.OverrideSlaDueAsync(Desk.Agent(Desk.Alice), id, metric, due),
                12 => e => e.ClearSlaDueOverrideAsync(Desk.Agent(Desk.Alice), id, metric),
                13 => e => e.ChangeClassificationAsync(Desk.Agent(Desk.Alice), id, classification, reselection),
                _ => null,
            };
            if (command is null)
            {
                var sa = await sweepA.SweepAllDueAsync();
                var sb = await sweepB.SweepAllDueAsync();
                if (sa != sb)
                {
                    return $"step {i}: sweep differs: {sa} / {sb}";
                }

                continue;
            }

            CommandResult? x = null, y = null;
            Exception? ex = null, ey = null;
            try { x = await command(a); } catch (ArgumentException e) { ex = e; }
            try { y = await command(b); } catch (ArgumentException e) { ey = e; }
            if ((ex is null) != (ey is null) || (x is not null && !Same(x, y!)))
            {
                return $"step {i} op {op}: {x?.Outcome} {ex?.Message} / {y?.Outcome} {ey?.Message}; {x?.NextSlaTimerAt} / {y?.NextSlaTimerAt}; {string.Join(",", x?.Events.Select(Describe) ?? [])} / {string.Join(",", y?.Events.Select(Describe) ?? [])}";
            }
        }

        foreach (var id in ids)
        {
            var va = await a.GetTicketAsync(Desk.Tenant, id);
            var vb = await b.GetTicketAsync(Desk.Tenant, id);
            var sa = await kept.GetScheduleAsync(Desk.Tenant, id);
            var sb = await hidden.Inner.GetScheduleAsync(Desk.Tenant, id);
            var history = await kept.ReadHistoryAsync(Desk.Tenant, id);
            var policy = Policies.Policies.Single(p => p.Name == va!.SlaPolicy);
            var reference = HistoryReference.Evaluate(policy, HistoryReference.Build(va!.Ticket, history, Options.GetWorkflow(TicketKind.Incident)), va.EvaluatedAt);
            if (!Same(va.Clocks, vb!.Clocks) || !Same(va.Clocks, reference) || !Equals(sa, sb)
                || !history.Select(Describe).SequenceEqual((await hidden.ReadHistoryAsync(Desk.Tenant, id)).Select(Describe)))
            {
                return $"end {id}: {string.Join(" | ", va.Clocks.Select(Describe))} // {string.Join(" | ", vb.Clocks.Select(Describe))} // {string.Join(" | ", reference.Select(Describe))} // {sa} / {sb}";
            }

            if (Compliance(history, va) is { } disagreement)
            {
                return $"compliance {id}: {disagreement}";
            }
        }

        return null;
    }

    /// <summary>The analytics package's compliance of one stored history (due overrides and policy re-selections
    /// included) against the engine's own clocks: every metric in the same outcome, with as many thresholds reached.</summary>
    private static string? Compliance(IReadOnlyList<TicketEvent> history, TicketView view)
    {
        // The policy the ticket opened with: what its first re-selection replaced, else the one still in force.
        var opening = history.OfType<SlaPolicyReselected>().FirstOrDefault()?.PreviousPolicy ?? view.SlaPolicy;
        var accumulator = new Analytics.SlaComplianceAccumulator(new Analytics.SlaComplianceOptions { Policies = Policies, AsOf = view.EvaluatedAt, EveryCycle = false });
        accumulator.Add(history, new Analytics.SlaTicketFacts(Policy: opening));
        var report = accumulator.ToReport();
        foreach (var clock in view.Clocks)
        {
            var expected = Classify(clock);
            var counts = report.Metrics.SingleOrDefault(m => m.Metric == clock.Metric)?.Total;
            var reached = clock.Thresholds.Count(t => t.IsReached);
            if (counts is null || Count(counts, expected) != 1 || counts.ThresholdsReached != reached)
            {
                return $"{clock.Metric}: engine {expected} ({reached} reached, due {clock.DueAt}), analytics {counts}";
            }
        }

        return report.Metrics.Count == view.Clocks.Count ? null : $"{report.Metrics.Count} metrics, engine {view.Clocks.Count}";
    }

    /// <summary>docs/analytics.md's outcome of a clock: met or breached when stopped, breached when past its due while running
    /// or paused (sticky), else in progress; cancelled and not started as they are.</summary>
    private static Analytics.SlaOutcome Classify(SlaClockState state) => state.Stage switch
    {
        SlaStage.Met => Analytics.SlaOutcome.Met,
        SlaStage.Breached => Analytics.SlaOutcome.Breached,
        SlaStage.Running or SlaStage.Paused => state.IsBreached ? Analytics.SlaOutcome.Breached : Analytics.SlaOutcome.InProgress,
        SlaStage.Cancelled => Analytics.SlaOutcome.Cancelled,
        _ => Analytics.SlaOutcome.NotStarted,
    };

    private static int Count(Analytics.SlaOutcomeCounts counts, Analytics.SlaOutcome outcome) => outcome switch
    {
        Analytics.SlaOutcome.Met => counts.Met,
        Analytics.SlaOutcome.Breached => counts.Breached,
        Analytics.SlaOutcome.InProgress => counts.InProgress,
        Analytics.SlaOutcome.NotStarted => counts.NotStarted,
        _ => counts.Cancelled,
    };

    [Fact]
    public async Task Comment_OnLongHistory_ReadsNoHistory()
    {
        var clock = new TestClock();
        var store = new CountingStore(new InMemoryTicketStore());
        using var engine = new ServiceDeskEngine(store, clock, Options);
        var id = (await engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Printer jams"))).Ticket.Id;
        for (var i = 0; i < 300; i++)
        {
            clock.AdvanceMinutes(1);
            await engine.CommentAsync(Desk.Agent(Desk.Alice), id, CommentVisibility.Internal, "note " + i);
        }

        await engine.TransitionAsync(Desk.Agent(Desk.Alice), id, IncidentLifecycle.Start);
        Assert.Equal(0, store.HistoryReads);
        Assert.Equal(303L, (await engine.GetTicketAsync(Desk.Tenant, id))!.Ticket.Version);
    }

    [Fact]
    public async Task Queue_TicketsWithMemory_ReadNoHistory()
    {
        var clock = new TestClock();
        var store = new CountingStore(new InMemoryTicketStore());
        using var engine = new ServiceDeskEngine(store, clock, Options);
        for (var i = 0; i < 5; i++)
        {
            var id = (await engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Printer " + i))).Ticket.Id;
            clock.AdvanceMinutes(1);
            await engine.CommentAsync(Desk.Agent(Desk.Alice), id, CommentVisibility.Public, "Looking.");
        }

        var queue = await engine.GetQueueAsync(Desk.Tenant);
        Assert.Equal(5, queue.Count);
        Assert.All(queue, v => Assert.Equal(Sla.SlaStage.Met, v.Clocks.Single(c => c.Metric == "first_response").Stage));
        Assert.Equal(0, store.HistoryReads);
    }

    [Fact]
    public async Task Command_MemoryMissingOrCorrupt_RebuildsFromHistoryAndWritesItBack()
    {
        var clock = new TestClock();
        var inner = new InMemoryTicketStore();
        using var engine = new ServiceDeskEngine(inner, clock, Options);
        var id = (await engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Printer jams"))).Ticket.Id;
        await engine.TransitionAsync(Desk.Agent(Desk.Alice), id, IncidentLifecycle.Start);

        // An append by another writer without a memory, then one with a corrupt memory.
        var stored = (await inner.GetStoredAsync(Desk.Tenant, id))!;
        Assert.NotNull(stored.DerivedState);
        var t = stored.Ticket;
        clock.AdvanceMinutes(5);
        await inner.AppendAsync(new TicketAppend(
            t with { Version = t.Version + 1, UpdatedAt = clock.Now },
            [new CommentAdded(Desk.Tenant, id, t.Version + 1, clock.Now, Actor.OfAgent(Desk.Bob), CommentVisibility.Public, "Hi")],
            t.Version));
        Assert.Null((await inner.GetStoredAsync(Desk.Tenant, id))!.DerivedState);

        var counting = new CountingStore(inner);
        using var second = new ServiceDeskEngine(counting, clock, Options);
        var view = await second.GetTicketAsync(Desk.Tenant, id);
        Assert.Equal(Sla.SlaStage.Met, view!.Clocks.Single(c => c.Metric == "first_response").Stage); // the agent's reply counted
        clock.AdvanceMinutes(5);
        await second.CommentAsync(Desk.Agent(Desk.Bob), id, CommentVisibility.Internal, "note");
        Assert.Equal(2, counting.HistoryReads);
        Assert.NotNull((await inner.GetStoredAsync(Desk.Tenant, id))!.DerivedState);
        await second.CommentAsync(Desk.Agent(Desk.Bob), id, CommentVisibility.Internal, "note 2");
        Assert.Equal(2, counting.HistoryReads);

        var current = (await inner.GetStoredAsync(Desk.Tenant, id))!.Ticket;
        clock.AdvanceMinutes(5);
        await inner.AppendAsync(new TicketAppend(
            current with { Version = current.Version + 1, UpdatedAt = clock.Now },
            [new CommentAdded(Desk.Tenant, id, current.Version + 1, clock.Now, Actor.OfAgent(Desk.Bob), CommentVisibility.Internal, "x")],
            current.Version) { DerivedState = "{\"s\":1,\"v\":\"garbage" });
        var resolved = await second.TransitionAsync(Desk.Agent(Desk.Alice), id, IncidentLifecycle.Resolve, "SolvedPermanently", "Done.");
        Assert.Equal(CommandOutcome.Applied, resolved.Outcome);
        Assert.Equal(3, counting.HistoryReads);
    }

    [Fact]
    public async Task Batch_Commands_StoredOnlyOnCommit_AndEqualSingleCommands()
    {
        var clock = new TestClock();
        var single = new InMemoryTicketStore();
        var batched = new InMemoryTicketStore();
        using var a = new ServiceDeskEngine(single, clock, Options);
        using var b = new ServiceDeskEngine(batched, clock, Options);
        var batch = b.BeginBatch(Desk.Tenant);
        var ids = new List<TicketId>();
        for (var i = 0; i < 20; i++)
        {
            clock.AdvanceMinutes(3);
            var ra = await a.OpenTicketAsync(Desk.Caller(), Desk.Incident("vpn " + i));
            var rb = await batch.Engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("vpn " + i));
            Assert.Equal(ra.Ticket.Number, rb.Ticket.Number);
            ids.Add(rb.Ticket.Id);
            clock.AdvanceMinutes(1);
            await a.TransitionAsync(Desk.Agent(Desk.Alice), ra.Ticket.Id, IncidentLifecycle.Start);
            var started = await batch.Engine.TransitionAsync(Desk.Agent(Desk.Alice), rb.Ticket.Id, IncidentLifecycle.Start);
            Assert.Equal(CommandOutcome.Applied, started.Outcome);
        }

        Assert.Null(await batched.GetAsync(Desk.Tenant, ids[0]));
        Assert.Equal(0, await batched.GetLastNumberAsync(Desk.Tenant, TicketKind.Incident));
        Assert.Equal(40, batch.Count);
        var stagedNextDue = batch.NextTimerDueAt;
        Assert.NotNull(stagedNextDue);
        Assert.Null(await batched.GetNextTimerDueAsync());
        var results = await batch.CommitAsync();
        Assert.Equal(stagedNextDue, await batched.GetNextTimerDueAsync());
        Assert.Equal(40, results.Count);
        Assert.Equal(20, await batched.GetLastNumberAsync(Desk.Tenant, TicketKind.Incident));
        var stored = await batched.GetStoredAsync(Desk.Tenant, ids[^1]);
        Assert.Equal((TicketStatus.InProgress, 5L), (stored!.Ticket.Status, stored.Ticket.Version)); // opened, routed, assigned, SLA policy, started
        Assert.NotNull(stored.DerivedState);
        Assert.Equal((await single.GetScheduleAsync(Desk.Tenant, (await single.GetByNumberAsync(Desk.Tenant, stored.Ticket.Number))!.Id))!.TimerDueAt,
            (await batched.GetScheduleAsync(Desk.Tenant, ids[^1]))!.TimerDueAt);
        await Assert.ThrowsAsync<InvalidOperationException>(() => batch.CommitAsync());
    }

    [Fact]
    public async Task Batch_AnotherWriterChangedATicket_CommitStoresNothing()
    {
        var clock = new TestClock();
        var store = new InMemoryTicketStore();
        using var engine = new ServiceDeskEngine(store, clock, Options);
        var id = (await engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Printer"))).Ticket.Id;
        var batch = engine.BeginBatch(Desk.Tenant);
        await batch.Engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Scanner"));
        await batch.Engine.CommentAsync(Desk.Agent(Desk.Alice), id, CommentVisibility.Public, "From the batch");
        await engine.CommentAsync(Desk.Agent(Desk.Bob), id, CommentVisibility.Public, "Outside the batch");
        await Assert.ThrowsAsync<ConcurrencyException>(() => batch.CommitAsync());
        Assert.Equal(1, await store.GetLastNumberAsync(Desk.Tenant, TicketKind.Incident));
        Assert.Equal(1, (await store.ReadHistoryAsync(Desk.Tenant, id)).Count(e => e is CommentAdded));
    }

    [Fact]
    public async Task Batch_NumbersTakenMeanwhile_CommitThrowsAndStoresNothing()
    {
        var clock = new TestClock();
        var store = new InMemoryTicketStore();
        using var engine = new ServiceDeskEngine(store, clock, Options);
        var batch = engine.BeginBatch(Desk.Tenant);
        var staged = await batch.Engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Scanner"));
        var direct = await engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Printer"));
        Assert.Equal(staged.Ticket.Number, direct.Ticket.Number);
        var ex = await Assert.ThrowsAsync<ConcurrencyException>(() => batch.CommitAsync());
        Assert.Contains("numbers", ex.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetAsync(Desk.Tenant, staged.Ticket.Id));
    }

    [Fact]
    public async Task Batch_WrongTenantOrStoreWithoutBatches_ClearErrors()
    {
        using var engine = new ServiceDeskEngine(new InMemoryTicketStore(), new TestClock(), Options);
        var batch = engine.BeginBatch(Desk.Tenant);
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => batch.Engine.OpenTicketAsync(
            new CommandContext(Desk.OtherTenant, Actor.OfRequester("Jane Doe")), Desk.Incident("Other")));
        Assert.Contains("globex", ex.Message, StringComparison.Ordinal);
        Assert.Empty(await batch.CommitAsync());
        using var plain = new ServiceDeskEngine(new CountingStore(new InMemoryTicketStore()), new TestClock(), Options);
        Assert.Throws<NotSupportedException>(() => plain.BeginBatch(Desk.Tenant));
    }

    private static bool Same(CommandResult a, CommandResult b)
        => a.Outcome == b.Outcome && a.Ticket == b.Ticket && a.NextSlaTimerAt == b.NextSlaTimerAt && a.SlaPolicy == b.SlaPolicy
            && a.Events.Select(Describe).SequenceEqual(b.Events.Select(Describe))
            && a.UnmetGuards.Count == b.UnmetGuards.Count;

    private static bool Same(IReadOnlyList<Sla.SlaClockState> a, IReadOnlyList<Sla.SlaClockState> b)
        => a.Count == b.Count && a.Zip(b).All(p => Describe(p.First) == Describe(p.Second));

    private static string Describe(Sla.SlaClockState s)
        => $"{s.Metric} {s.Stage} {s.Cycle} {s.IsBreached} {s.StartedAt} {s.StoppedAt} {s.Elapsed} {s.Paused} {s.DueAt} {s.BreachedAt} {s.NextTimerAt} "
            + string.Join(";", s.Thresholds.Select(t => $"{t.IsReached} {t.At}"));

    private static string Describe(TicketEvent e) => ServiceDeskJson.Serialize(e);

    /// <summary>A store that never returns derived state (as an adapter written before it existed), with timers and batches
    /// (so links and cascades reach both tickets as on the kept store).</summary>
    private static SlaPolicy BuildGold()
    {
        var gold = new SlaPolicyOptions { Name = "gold" };
        gold.Contracts.Add(Gold.Value);
        gold.Metrics.Add(SlaMetricOptions.FirstResponse(Desk.Calendar, Duration.FromMinutes(30)));
        gold.Metrics.Add(SlaMetricOptions.Resolution(Desk.Calendar, Duration.FromHours(4)));
        gold.Metrics.Add(SlaMetricOptions.NextResponse(Desk.Calendar, Duration.FromHours(2)));
        return gold.Build();
    }

    private sealed class HidingStore(InMemoryTicketStore inner) : OriginalMembersTicketStore(inner), ITimerStore, ITicketBatchStore
    {
        public new InMemoryTicketStore Inner => inner;

        public Task<long> GetLastNumberAsync(TenantId tenant, TicketKind kind, CancellationToken cancellationToken = default) => inner.GetLastNumberAsync(tenant, kind, cancellationToken);

        public Task<IReadOnlyList<AppendResult>> AppendBatchAsync(TicketBatch batch, CancellationToken cancellationToken = default) => inner.AppendBatchAsync(batch, cancellationToken);

        public Task<IReadOnlyList<TimerLease>> ClaimDueTimersAsync(Instant now, int maxCount, Duration leaseDuration, CancellationToken cancellationToken = default) => inner.ClaimDueTimersAsync(now, maxCount, leaseDuration, cancellationToken);

        public Task<bool> CompleteTimerAsync(TimerLease lease, TicketSchedule schedule, CancellationToken cancellationToken = default) => inner.CompleteTimerAsync(lease, schedule, cancellationToken);

        public Task<bool> ReleaseTimerAsync(TimerLease lease, CancellationToken cancellationToken = default) => inner.ReleaseTimerAsync(lease, cancellationToken);

        public Task<TicketSchedule?> GetScheduleAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default) => inner.GetScheduleAsync(tenant, id, cancellationToken);

        public Task<SchedulePage> QueryScheduleAsync(ScheduleQuery query, CancellationToken cancellationToken = default) => inner.QueryScheduleAsync(query, cancellationToken);
    }

    /// <summary>Counts history reads; passes the derived state through.</summary>
    private sealed class CountingStore(InMemoryTicketStore inner) : OriginalMembersTicketStore(inner), ITicketStore
    {
        public int HistoryReads { get; private set; }

        public Task<StoredTicket?> GetStoredAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default) => inner.GetStoredAsync(tenant, id, cancellationToken);

        public Task<IReadOnlyList<StoredTicket>> GetStoredManyAsync(TenantId tenant, IReadOnlyList<TicketId> ids, CancellationToken cancellationToken = default)
            => inner.GetStoredManyAsync(tenant, ids, cancellationToken);

        public override Task<IReadOnlyList<TicketEvent>> ReadHistoryAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
        {
            HistoryReads++;
            return base.ReadHistoryAsync(tenant, id, cancellationToken);
        }
    }
}
