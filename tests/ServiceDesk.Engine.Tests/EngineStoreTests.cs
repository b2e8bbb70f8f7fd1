using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Sla;
using ServiceDesk.Storage;
using ServiceDesk.Testing;
using ServiceDesk.Workflow;
using Xunit;

namespace ServiceDesk.Engine.Tests;

/// <summary>SLA repair and batches through the engine, on every store adapter (PostgreSQL on a real server).</summary>
public abstract class EngineStoreTests(StoreKind kind) : StoreBackedTests(kind)
{
    private static ServiceDeskEngineOptions WithResolution(Duration target, Duration? p1 = null)
    {
        var options = new SlaPolicyOptions { Name = "standard" };
        options.Metrics.Add(SlaMetricOptions.FirstResponse(Desk.Calendar, Duration.FromHours(1)));
        var resolution = SlaMetricOptions.Resolution(Desk.Calendar, target);
        resolution.TargetsByPriority[Priority.P1Critical] = p1 ?? Duration.FromHours(2);
        options.Metrics.Add(resolution);
        return Desk.Options.With(Desk.Options.RoutingRules, new SlaPolicySet([options.Build()]))
            .With(new Routing.EscalationPolicyBuilder()
                .Rule("half", 1, Routing.EscalationTrigger.SlaPercent("resolution", 50), Routing.NotificationDelivery.Immediately,
                    Routing.EscalationAction.Notify(Routing.NotifyTarget.Assignee))
                .Build());
    }

    private CommandContext Caller() => new(Tenant, Actor.OfRequester("Jane Doe"));

    private CommandContext Agent() => new(Tenant, Actor.OfAgent(Desk.Alice));

    [ConformanceFact]
    public async Task RepairSlas_AfterTargetChange_RewritesDeadlinesOnceAndKeepsFiredLevels()
    {
        using var before = new ServiceDeskEngine(Store, Clock, WithResolution(Duration.FromHours(8)));
        var ids = new List<TicketId>();
        for (var i = 0; i < 25; i++)
        {
            ids.Add((await before.OpenTicketAsync(Caller(), Desk.Incident("Printer " + i))).Ticket.Id);
            Clock.AdvanceMinutes(1);
        }

        await before.TransitionAsync(Agent(), ids[0], IncidentLifecycle.Start);
        await before.TransitionAsync(Agent(), ids[1], IncidentLifecycle.Cancel, "Duplicate");
        Clock.AdvanceHours(5); // past half of 8 h: level 1 fires for every open ticket
        var fired = await new EscalationSweeper(before).SweepAllDueAsync();
        Assert.Equal(24, fired.Escalations);
        var opened = (await Store.GetAsync(Tenant, ids[2]))!.OpenedAt;
        Assert.Equal(Desk.Calendar.AddBusinessTime(opened, Duration.FromHours(8)), (await before.GetTicketAsync(Tenant, ids[2]))!.Clocks.Single(c => c.Metric == "resolution").DueAt);

        using var after = new ServiceDeskEngine(Store, Clock, WithResolution(Duration.FromHours(4)));
        var reports = new List<SlaRepairProgress>();
        var result = await after.RepairSlasAsync(Tenant, new SlaRepairOptions { PageSize = 10 }, new SyncProgress<SlaRepairProgress>(reports.Add));
        Assert.Equal((25L, 24L, 0L, 1L, (string?)null), (result.Scanned, result.Repaired, result.UpToDate, result.Skipped, result.ContinuationToken));
        Assert.Equal(3, reports.Count);
        Assert.NotNull(reports[0].ContinuationToken);

        var schedule = await ((ITimerStore)Store).GetScheduleAsync(Tenant, ids[2]);
        Assert.True(schedule!.Queued);
        // The shorter target breached at 13:00 and no sweep recorded it yet: the breach is due now, so the sweeper records it.
        Assert.Equal(Desk.Calendar.AddBusinessTime(opened, Duration.FromHours(4)), schedule.TimerDueAt);
        var history = await Store.ReadHistoryAsync(Tenant, ids[2]);
        var repaired = Assert.Single(history.OfType<SlaRepaired>());
        var oldPolicy = WithResolution(Duration.FromHours(8)).SlaPolicies!.Policies[0];
        var newPolicy = after.Options.SlaPolicies!.Policies[0];
        Assert.Equal(("standard", oldPolicy.Fingerprint, newPolicy.Fingerprint), (repaired.Policy, repaired.FromFingerprint, repaired.ToFingerprint));

        var view = await after.GetTicketAsync(Tenant, ids[2]);
        var resolution = view!.Clocks.Single(c => c.Metric == "resolution");
        Assert.Equal((Duration.FromHours(4), Desk.Calendar.AddBusinessTime(opened, Duration.FromHours(4))), (resolution.Target, resolution.DueAt));
        Assert.True(resolution.IsBreached); // 4 h of 9-17 business time have passed since it was opened

        // Idempotent: a second run repairs nothing; the level already fired is not fired again by the next sweep.
        var again = await after.RepairSlasAsync(Tenant);
        Assert.Equal((0L, 24L), (again.Repaired, again.UpToDate));
        Clock.AdvanceMinutes(30);
        var swept = await new EscalationSweeper(after).SweepAllDueAsync();
        Assert.Equal(0, swept.Escalations);
        var swept2 = await Store.ReadHistoryAsync(Tenant, ids[2]);
        Assert.Single(swept2.OfType<Escalated>());
        Assert.Single(swept2.OfType<SlaThresholdReached>(), t => t is { Metric: "resolution", Threshold: "breach" });
        Assert.Null((await ((ITimerStore)Store).GetScheduleAsync(Tenant, ids[2]))!.TimerDueAt); // now nothing is left to time
    }

    [ConformanceFact]
    public async Task RepairSlas_InterruptedAndResumed_RepairsEveryTicketExactlyOnce()
    {
        using var before = new ServiceDeskEngine(Store, Clock, WithResolution(Duration.FromHours(8)));
        for (var i = 0; i < 30; i++)
        {
            await before.OpenTicketAsync(Caller(), Desk.Incident("Scanner " + i));
        }

        using var after = new ServiceDeskEngine(Store, Clock, WithResolution(Duration.FromHours(6)));
        using var cts = new CancellationTokenSource();
        string? token = null;
        var progress = new SyncProgress<SlaRepairProgress>(p =>
        {
            token = p.ContinuationToken;
            cts.Cancel(); // the "crash" after the first page
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => after.RepairSlasAsync(Tenant, new SlaRepairOptions { PageSize = 12 }, progress, cts.Token));
        Assert.NotNull(token);

        var resumed = await after.RepairSlasAsync(Tenant, new SlaRepairOptions { PageSize = 12, ContinuationToken = token });
        Assert.Equal((18L, 18L), (resumed.Scanned, resumed.Repaired));
        var all = await after.RepairSlasAsync(Tenant);
        Assert.Equal((30L, 0L, 30L), (all.Scanned, all.Repaired, all.UpToDate));
        var page = await Store.QueryAsync(new TicketQuery(Tenant) { PageSize = 100 });
        foreach (var ticket in page.Items)
        {
            Assert.Single((await Store.ReadHistoryAsync(Tenant, ticket.Id)).OfType<SlaRepaired>());
        }
    }

    [ConformanceFact]
    public async Task RepairSlas_BadInput_ClearErrors()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        await Assert.ThrowsAsync<ArgumentException>(() => engine.RepairSlasAsync(default));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlaRepairOptions { PageSize = 0 });
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => engine.RepairSlasAsync(Tenant, new SlaRepairOptions { ContinuationToken = "not-a-token" }));
        Assert.Contains("not-a-token", ex.Message, StringComparison.Ordinal);
    }

    [ConformanceFact]
    public async Task Batch_OpenAndTransitionMany_StoredAtomicallyWithGaplessNumbers()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, WithResolution(Duration.FromHours(8)));
        var first = await engine.OpenTicketAsync(Caller(), Desk.Incident("Before the batch"));
        var batch = engine.BeginBatch(Tenant);
        var ids = new List<TicketId>();
        for (var i = 0; i < 50; i++)
        {
            Clock.AdvanceSeconds(30);
            var opened = await batch.Engine.OpenTicketAsync(Caller(), Desk.Incident("vpn " + i));
            ids.Add(opened.Ticket.Id);
            await batch.Engine.TransitionAsync(Agent(), opened.Ticket.Id, IncidentLifecycle.Start);
            await batch.Engine.CommentAsync(Agent(), opened.Ticket.Id, CommentVisibility.Public, "On it.");
        }

        await batch.Engine.CommentAsync(Agent(), first.Ticket.Id, CommentVisibility.Internal, "Batched note");
        Assert.Null(await Store.GetAsync(Tenant, ids[0]));
        var results = await batch.CommitAsync();
        Assert.Equal(151, results.Count);
        var numbers = new List<long>();
        foreach (var id in ids)
        {
            var stored = await Store.GetStoredAsync(Tenant, id);
            Assert.Equal((TicketStatus.InProgress, 6L), (stored!.Ticket.Status, stored.Ticket.Version)); // with the routing decision
            Assert.NotNull(stored.DerivedState);
            numbers.Add(stored.Ticket.Number.Sequence);
        }

        Assert.Equal(Enumerable.Range(2, 50).Select(n => (long)n), numbers);
        var next = await engine.OpenTicketAsync(Caller(), Desk.Incident("After the batch"));
        Assert.Equal(52, next.Ticket.Number.Sequence);
        var view = await engine.GetTicketAsync(Tenant, ids[^1]);
        Assert.Equal(SlaStage.Met, view!.Clocks.Single(c => c.Metric == "first_response").Stage);
        Assert.Single((await Store.ReadHistoryAsync(Tenant, first.Ticket.Id)).OfType<CommentAdded>());
    }

    [ConformanceFact]
    public async Task Batch_ConflictWithAnotherWriter_StoresNothing()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        var id = (await engine.OpenTicketAsync(Caller(), Desk.Incident("Printer"))).Ticket.Id;
        var batch = engine.BeginBatch(Tenant);
        var staged = await batch.Engine.OpenTicketAsync(Caller(), Desk.Incident("Scanner"));
        await batch.Engine.CommentAsync(Agent(), id, CommentVisibility.Public, "From the batch");
        await engine.CommentAsync(Agent(), id, CommentVisibility.Public, "Outside the batch");
        await Assert.ThrowsAsync<ConcurrencyException>(() => batch.CommitAsync());
        Assert.Null(await Store.GetAsync(Tenant, staged.Ticket.Id));
        Assert.Single((await Store.ReadHistoryAsync(Tenant, id)).OfType<CommentAdded>());
        var reopened = await engine.OpenTicketAsync(Caller(), Desk.Incident("Scanner again"));
        Assert.Equal(2, reopened.Ticket.Number.Sequence);
    }

    [ConformanceFact]
    public async Task Sweep_ThresholdReachedThenHeldBeforeTheSweep_IsStillRecordedAndEscalatesOnResume()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, WithResolution(Duration.FromHours(8)));
        var id = (await engine.OpenTicketAsync(Caller(), Desk.Incident("Laptop"))).Ticket.Id;
        await engine.TransitionAsync(Agent(), id, IncidentLifecycle.Start);
        Clock.AdvanceMinutes(4 * 60 + 30); // 50 % of 8 h was reached at 13:00; no sweep ran since
        await engine.TransitionAsync(Agent(), id, IncidentLifecycle.Hold, IncidentLifecycle.AwaitingCaller);

        // The hold paused both clocks, which then have no next threshold; what they reached unrecorded must still be due:
        // the first response breached at 10:00 (a start is no response).
        var timers = (ITimerStore)Store;
        Assert.Equal(TestClock.DefaultStart + Duration.FromHours(1), (await timers.GetScheduleAsync(Tenant, id))!.TimerDueAt);
        var sweeper = new EscalationSweeper(engine);
        var swept = await sweeper.SweepAllDueAsync();
        Assert.Equal(0, swept.Escalations); // a paused clock escalates nothing (SlaClockStage.Paused)
        var history = await Store.ReadHistoryAsync(Tenant, id);
        var breach = Assert.Single(history.OfType<SlaThresholdReached>(), t => t.Metric == "first_response");
        Assert.Equal(("breach", TestClock.DefaultStart + Duration.FromHours(1)), (breach.Threshold, breach.ReachedAt));
        Assert.False((await timers.GetScheduleAsync(Tenant, id))!.TimerDueAt <= Clock.GetCurrentInstant()); // nothing left due now

        // Resumed, the resolution clock runs again past its 50 %: the level fires once, at the next sweep.
        Clock.AdvanceMinutes(10);
        await engine.TransitionAsync(Agent(), id, IncidentLifecycle.Resume);
        Clock.AdvanceMinutes(1);
        Assert.Equal(1, (await sweeper.SweepAllDueAsync()).Escalations);
        Assert.Equal(1, Assert.Single((await Store.ReadHistoryAsync(Tenant, id)).OfType<Escalated>()).Level);
    }

    [ConformanceFact]
    public async Task BatchSweep_StagesWhatTimersRecord_StoredOnceOnCommit()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, WithResolution(Duration.FromHours(8)));
        var stored = new List<TicketId>();
        for (var i = 0; i < 6; i++)
        {
            stored.Add((await engine.OpenTicketAsync(Caller(), Desk.Incident("Stored " + i))).Ticket.Id);
        }

        var batch = engine.BeginBatch(Tenant);
        var staged = new List<TicketId>();
        for (var i = 0; i < 4; i++)
        {
            staged.Add((await batch.Engine.OpenTicketAsync(Caller(), Desk.Incident("Staged " + i))).Ticket.Id);
        }

        Clock.AdvanceHours(5); // past half of 8 h for all ten
        await batch.Engine.TransitionAsync(Agent(), stored[0], IncidentLifecycle.Cancel, "Duplicate");
        var sweeper = new EscalationSweeper(engine);
        var swept = await sweeper.SweepAllDueAsync(batch);
        Assert.Equal(9, swept.Escalations); // five stored (one was cancelled in the batch) and four staged
        foreach (var id in stored)
        {
            Assert.Empty((await Store.ReadHistoryAsync(Tenant, id)).OfType<Escalated>()); // provisional until the commit
        }

        await batch.CommitAsync();
        foreach (var id in stored.Skip(1).Concat(staged))
        {
            Assert.Equal(1, Assert.Single((await Store.ReadHistoryAsync(Tenant, id)).OfType<Escalated>()).Level);
        }

        Assert.Empty((await Store.ReadHistoryAsync(Tenant, stored[0])).OfType<Escalated>());
        Clock.AdvanceMinutes(5);
        var again = await sweeper.SweepAllDueAsync();
        Assert.Equal(0, again.Escalations); // nothing fires twice: the commit stored the new schedules and ended the leases
    }

    [ConformanceFact]
    public async Task BatchSweep_BatchDropped_StoredTimersAreClaimedAgainAfterTheLease()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, WithResolution(Duration.FromHours(8)));
        var ids = new List<TicketId>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await engine.OpenTicketAsync(Caller(), Desk.Incident("Printer " + i))).Ticket.Id);
        }

        Clock.AdvanceHours(5);
        var sweeper = new EscalationSweeper(engine, new EscalationSweeperOptions { LeaseDuration = Duration.FromMinutes(1) });
        var batch = engine.BeginBatch(Tenant);
        Assert.Equal(3, (await sweeper.SweepAllDueAsync(batch)).Escalations);

        // The batch is never committed (a crash): nothing was stored, the leases run out, a sweep fires the levels once.
        Assert.Equal(0, (await sweeper.SweepAllDueAsync()).Claimed);
        Clock.AdvanceMinutes(2);
        Assert.Equal(3, (await sweeper.SweepAllDueAsync()).Escalations);
        foreach (var id in ids)
        {
            Assert.Single((await Store.ReadHistoryAsync(Tenant, id)).OfType<Escalated>());
        }
    }

    [ConformanceFact]
    public async Task BatchSweep_BadBatch_ClearErrors()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        var sweeper = new EscalationSweeper(engine);
        await Assert.ThrowsAsync<ArgumentNullException>(() => sweeper.SweepAsync(null!));
        using var other = new ServiceDeskEngine(new Storage.InMemory.InMemoryTicketStore(), Clock, Desk.Options);
        var foreign = other.BeginBatch(Tenant);
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => sweeper.SweepAllDueAsync(foreign));
        Assert.Contains("another store", ex.Message, StringComparison.Ordinal);
        var batch = engine.BeginBatch(Tenant);
        await batch.Engine.OpenTicketAsync(Caller(), Desk.Incident("Mouse"));
        await batch.CommitAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => sweeper.SweepAsync(batch));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => sweeper.SweepAllDueAsync(engine.BeginBatch(Tenant), 0));
    }

    /// <summary>Reports synchronously (Progress{T} posts to the thread pool, which would race the assertions).</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}

/// <summary>On the in-memory store.</summary>
public sealed class InMemoryEngineStoreTests() : EngineStoreTests(StoreKind.InMemory);

/// <summary>On a fresh SQLite file.</summary>
public sealed class SqliteEngineStoreTests() : EngineStoreTests(StoreKind.Sqlite);

/// <summary>On a real PostgreSQL server, in a schema of each test's own (skipped with the reason when none is configured
/// outside CI).</summary>
[ConformanceSkip(typeof(EnginePostgres), nameof(EnginePostgres.SkipReason))]
public sealed class PostgreSqlEngineStoreTests() : EngineStoreTests(StoreKind.PostgreSql);

/// <summary>The PostgreSQL server of the engine tests: <c>SERVICEDESK_POSTGRES</c>, required when <c>CI=true</c>.</summary>
public static class EnginePostgres
{
    /// <summary>The environment variable holding the connection string.</summary>
    public const string Variable = "SERVICEDESK_POSTGRES";

    /// <summary>Gets why the tests are skipped, or <see langword="null"/> to run them (always in CI).</summary>
    public static string? SkipReason
        => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } || string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
            ? null
            : $"No PostgreSQL server: set {Variable} to a connection string to run these tests; .ci/run starts one.";

    /// <summary>Returns a new schema name for one test (a sweeper sweeps every tenant of its schema, so tests that sweep must
    /// not share one with tests that leave timers due).</summary>
    /// <returns>The schema name.</returns>
    public static string NewSchema() => "sdengine_" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Drops a schema made by <see cref="NewSchema"/>.</summary>
    /// <param name="schema">The schema.</param>
    /// <returns>A task that completes when the schema is gone.</returns>
    public static async Task DropSchemaAsync(string schema)
    {
        await using var connection = new Npgsql.NpgsqlConnection(RequireConnectionString());
        await connection.OpenAsync();
        await using var drop = new Npgsql.NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>Returns the connection string or throws.</summary>
    /// <returns>The connection string.</returns>
    public static string RequireConnectionString()
        => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } cs ? cs : throw new InvalidOperationException($"CI=true but {Variable} is not set.");
}
