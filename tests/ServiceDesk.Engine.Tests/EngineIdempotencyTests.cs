using NodaTime;
using ServiceDesk.Engine;
using ServiceDesk.Events;
using ServiceDesk.Storage;
using ServiceDesk.Testing;
using ServiceDesk.Workflow;

namespace ServiceDesk.Engine.Tests;

/// <summary>Issue 19, class 6: an idempotency key names one command. Retrying it with the same parameters replays; reusing it
/// with different parameters (or for another ticket kind) is an <see cref="IdempotencyConflictException"/> naming the key,
/// never a silent replay that drops the second command. On every store.</summary>
public abstract class EngineIdempotencyTests(StoreKind kind) : StoreBackedTests(kind)
{
    private CommandContext Caller(string? key = null) => new(Tenant, Actor.OfRequester("Jane Doe")) { IdempotencyKey = key };

    private CommandContext Agent(string? key = null) => new(Tenant, Actor.OfAgent(Desk.Alice)) { IdempotencyKey = key };

    [ConformanceFact]
    public async Task Open_SameKeySameRequest_ReplaysWithoutAllocatingANumber()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        var first = await engine.OpenTicketAsync(Caller("open-1"), Desk.Incident("VPN down"));
        Clock.AdvanceMinutes(5);

        var retry = await engine.OpenTicketAsync(Caller("open-1"), Desk.Incident("VPN down"));
        var next = await engine.OpenTicketAsync(Caller(), Desk.Incident("Printer"));

        Assert.Equal(CommandOutcome.Replayed, retry.Outcome);
        Assert.Equal(first.Ticket!.Id, retry.Ticket!.Id);
        Assert.Equal(first.Ticket.Number.Sequence + 1, next.Ticket!.Number.Sequence);
    }

    [ConformanceFact]
    public async Task Open_SameKeyDifferentSubject_ThrowsConflictNamingTheKey()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        var first = await engine.OpenTicketAsync(Caller("open-1"), Desk.Incident("VPN down"));

        var ex = await Assert.ThrowsAsync<IdempotencyConflictException>(() => engine.OpenTicketAsync(Caller("open-1"), Desk.Incident("Printer jam")));
        var next = await engine.OpenTicketAsync(Caller(), Desk.Incident("Printer"));

        Assert.True(ex.DifferentParameters);
        Assert.Contains("'open-1'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(first.Ticket!.Number.Sequence + 1, next.Ticket!.Number.Sequence); // the refused opening burnt no number
        Assert.Equal("VPN down", (await Store.GetAsync(Tenant, first.Ticket.Id))!.Subject);
    }

    [ConformanceFact]
    public async Task Open_SameKeyForAnotherKind_ThrowsConflictNotANumberPrefixError()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        await engine.OpenTicketAsync(Caller("open-1"), Desk.Incident("VPN down"));
        var request = Desk.Incident("VPN down") with { Kind = TicketKind.ServiceRequest };

        var ex = await Assert.ThrowsAsync<IdempotencyConflictException>(() => engine.OpenTicketAsync(Caller("open-1"), request));

        Assert.DoesNotContain("prefix", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("open-1", ex.Key);
    }

    [ConformanceFact]
    public async Task Comment_SameKeyDifferentText_ThrowsConflictAndKeepsTheFirst()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        var id = (await engine.OpenTicketAsync(Caller(), Desk.Incident("VPN down"))).Ticket!.Id;
        Assert.Equal(CommandOutcome.Applied, (await engine.CommentAsync(Agent("c-1"), id, CommentVisibility.Public, "Looking into it")).Outcome);

        var retry = await engine.CommentAsync(Agent("c-1"), id, CommentVisibility.Public, "Looking into it");
        var ex = await Assert.ThrowsAsync<IdempotencyConflictException>(() => engine.CommentAsync(Agent("c-1"), id, CommentVisibility.Public, "Fixed it"));

        Assert.Equal(CommandOutcome.Replayed, retry.Outcome);
        Assert.True(ex.DifferentParameters);
        var comments = (await Store.ReadHistoryAsync(Tenant, id)).OfType<CommentAdded>().Select(c => c.Text).ToList();
        Assert.Equal(["Looking into it"], comments);
    }

    [ConformanceFact]
    public async Task Transition_RetryAfterTicketMovedOn_ReplaysButDifferentReasonConflicts()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        var id = (await engine.OpenTicketAsync(Caller(), Desk.Incident("VPN down"))).Ticket!.Id;
        await engine.TransitionAsync(Agent("start"), id, IncidentLifecycle.Start);
        Assert.Equal(CommandOutcome.Applied, (await engine.TransitionAsync(Agent(), id, IncidentLifecycle.Resolve, "SolvedPermanently", "Rebooted.")).Outcome);

        // Start is no longer possible from Resolved: the decision is "rejected", and the key tells a retry from a new command.
        var retry = await engine.TransitionAsync(Agent("start"), id, IncidentLifecycle.Start);
        var ex = await Assert.ThrowsAsync<IdempotencyConflictException>(() => engine.TransitionAsync(Agent("start"), id, IncidentLifecycle.Start, "another reason"));

        Assert.Equal(CommandOutcome.Replayed, retry.Outcome);
        Assert.True(ex.DifferentParameters);
    }

    [ConformanceFact]
    public async Task LogTime_SameKeyDifferentDuration_ThrowsConflictAndBillsOnce()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        var id = (await engine.OpenTicketAsync(Caller(), Desk.Incident("VPN down"))).Ticket!.Id;
        var started = Clock.GetCurrentInstant();
        await engine.LogTimeAsync(Agent("t-1"), id, Desk.Alice, started, Duration.FromMinutes(30), billable: true);

        await Assert.ThrowsAsync<IdempotencyConflictException>(() => engine.LogTimeAsync(Agent("t-1"), id, Desk.Alice, started, Duration.FromMinutes(45), billable: true));

        Assert.Equal([Duration.FromMinutes(30)], (await Store.ReadHistoryAsync(Tenant, id)).OfType<TimeLogged>().Select(t => t.Duration));
    }

    [ConformanceFact]
    public async Task Batch_SameKeyDifferentText_ThrowsConflict()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        var id = (await engine.OpenTicketAsync(Caller(), Desk.Incident("VPN down"))).Ticket!.Id;
        var batch = engine.BeginBatch(Tenant);
        await batch.Engine.CommentAsync(Agent("c-1"), id, CommentVisibility.Public, "first");

        await Assert.ThrowsAsync<IdempotencyConflictException>(() => batch.Engine.CommentAsync(Agent("c-1"), id, CommentVisibility.Public, "second"));
        Assert.Equal(CommandOutcome.Replayed, (await batch.Engine.CommentAsync(Agent("c-1"), id, CommentVisibility.Public, "first")).Outcome);
        await batch.CommitAsync();

        await Assert.ThrowsAsync<IdempotencyConflictException>(() => engine.CommentAsync(Agent("c-1"), id, CommentVisibility.Public, "second"));
        Assert.Single((await Store.ReadHistoryAsync(Tenant, id)).OfType<CommentAdded>());
    }
}

/// <summary>On the in-memory store.</summary>
public sealed class InMemoryEngineIdempotencyTests() : EngineIdempotencyTests(StoreKind.InMemory);

/// <summary>On a fresh SQLite file.</summary>
public sealed class SqliteEngineIdempotencyTests() : EngineIdempotencyTests(StoreKind.Sqlite);

/// <summary>On a real PostgreSQL server, in a schema of each test's own (skipped with the reason when none is configured
/// outside CI).</summary>
[ConformanceSkip(typeof(EnginePostgres), nameof(EnginePostgres.SkipReason))]
public sealed class PostgreSqlEngineIdempotencyTests() : EngineIdempotencyTests(StoreKind.PostgreSql);
