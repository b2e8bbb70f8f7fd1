using FsCheck.Xunit;
using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Storage;
using ServiceDesk.Storage.InMemory;
using ServiceDesk.Testing;
using ServiceDesk.Workflow;

namespace ServiceDesk.Engine.Tests;

/// <summary>Engine construction, options, contexts, and idempotency as a property.</summary>
public sealed class ServiceDeskEngineTests
{
    [Fact]
    public void Constructor_NullArguments_Throw()
    {
        var store = new InMemoryTicketStore();
        Assert.Throws<ArgumentNullException>(() => new ServiceDeskEngine(null!, new TestClock(), Desk.Options));
        Assert.Throws<ArgumentNullException>(() => new ServiceDeskEngine(store, null!, Desk.Options));
        Assert.Throws<ArgumentNullException>(() => new ServiceDeskEngine(store, new TestClock(), null!));
        using var engine = new ServiceDeskEngine(store, new TestClock(), Desk.Options);
        Assert.Equal("ServiceDesk.Engine", engine.Meter.Name);
    }

    [Fact]
    public void Options_WorkflowUnderWrongKindOrNone_ThrowsListingEveryFault()
    {
        var error = Assert.Throws<InvalidDefinitionException>(() => new ServiceDeskEngineOptions(new Dictionary<TicketKind, WorkflowDefinition>
        {
            [TicketKind.Problem] = IncidentLifecycle.Create(),
            [(TicketKind)9] = ChangeLifecycle.Create(),
        }));
        Assert.Equal(2, error.Errors.Count);
        Assert.Throws<InvalidDefinitionException>(() => new ServiceDeskEngineOptions(new Dictionary<TicketKind, WorkflowDefinition>()));
        Assert.Throws<ArgumentNullException>(() => new ServiceDeskEngineOptions(Desk.Options.Workflows) { PriorityMatrix = null! });
    }

    [Fact]
    public async Task Open_KindWithoutWorkflow_ThrowsArgumentExceptionAndAllocatesNothing()
    {
        var store = new InMemoryTicketStore();
        var options = new ServiceDeskEngineOptions(new Dictionary<TicketKind, WorkflowDefinition> { [TicketKind.Incident] = IncidentLifecycle.Create() });
        using var engine = new ServiceDeskEngine(store, new TestClock(), options);

        await Assert.ThrowsAsync<ArgumentException>(() => engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("x") with { Kind = TicketKind.Change }));

        Assert.Equal(new TicketNumber(TicketKind.Change, 1), await store.AllocateNumberAsync(Desk.Tenant, TicketKind.Change));
        var opened = await engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("y"));
        Assert.Null(opened.SlaPolicy); // no SLA policies: no clocks
        Assert.Null(opened.NextSlaTimerAt);
        Assert.Empty((await engine.GetTicketAsync(Desk.Tenant, opened.Ticket.Id))!.Clocks);
    }

    [Fact]
    public void CommandContext_InvalidValues_Throw()
    {
        Assert.Throws<ArgumentException>(() => new CommandContext(default, Actor.System));
        Assert.Throws<ArgumentException>(() => new CommandContext(Desk.Tenant, default));
        Assert.Throws<ArgumentException>(() => new CommandContext(Desk.Tenant, Actor.System) { IdempotencyKey = " " });
        Assert.Throws<ArgumentOutOfRangeException>(() => new CommandContext(Desk.Tenant, Actor.System) { ExpectedVersion = 0 });
        Assert.Throws<ArgumentNullException>(() => new CommandContext(Desk.Tenant, Actor.System) { Roles = null! });
    }

    [Fact]
    public async Task RetryOnConflict_InvalidArguments_Throw()
    {
        using var engine = new ServiceDeskEngine(new InMemoryTicketStore(), new TestClock(), Desk.Options);
        await Assert.ThrowsAsync<ArgumentNullException>(() => engine.RetryOnConflictAsync<int>(null!));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => engine.RetryOnConflictAsync(_ => Task.FromResult(1), maxAttempts: 0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => engine.RetryOnConflictAsync(_ => Task.FromResult(1), maxAttempts: ServiceDeskEngine.MaxAttempts + 1));
        Assert.Equal(7, await engine.RetryOnConflictAsync(_ => Task.FromResult(7), maxAttempts: 1));
    }

    /// <summary>Sending every command twice with its key leaves the same history as sending it once, and the second
    /// send is a replay exactly when the first was applied.</summary>
    [Property(MaxTest = 40)]
    public bool Commands_SentTwiceWithKeys_LeaveTheHistoryOfSendingOnce(byte[] operations)
    {
        ArgumentNullException.ThrowIfNull(operations);
        var ops = operations.Take(12).ToArray();
        var once = Run(ops, twice: false);
        var twice = Run(ops, twice: true);
        return once.History.SequenceEqual(twice.History) && twice.ReplaysMatch;
    }

    private static (IReadOnlyList<string> History, bool ReplaysMatch) Run(byte[] operations, bool twice)
    {
        var clock = new TestClock();
        using var engine = new ServiceDeskEngine(new InMemoryTicketStore(), clock, Desk.Options);
        var id = engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Property")).GetAwaiter().GetResult().Ticket.Id;
        var replaysMatch = true;
        for (var i = 0; i < operations.Length; i++)
        {
            clock.AdvanceMinutes(7);
            var key = $"op-{i}";
            var first = Send(engine, id, operations[i], key);
            if (twice)
            {
                var second = Send(engine, id, operations[i], key);
                replaysMatch &= (first.Outcome == CommandOutcome.Applied) == (second.Outcome == CommandOutcome.Replayed)
                    && (first.Outcome == CommandOutcome.Applied || second.Outcome == first.Outcome);
            }
        }

        var history = engine.GetHistoryAsync(Desk.Tenant, id).GetAwaiter().GetResult();
        return ([.. history.Select(e => $"{e.Version}:{e.GetType().Name}:{(e as StatusChanged)?.To}")], replaysMatch);
    }

    private static CommandResult Send(ServiceDeskEngine engine, TicketId id, byte operation, string key)
    {
        var agent = Desk.Agent(Desk.Alice, key);
        return (operation % 6) switch
        {
            0 => engine.CommentAsync(agent, id, CommentVisibility.Public, "reply").GetAwaiter().GetResult(),
            1 => engine.TransitionAsync(agent, id, IncidentLifecycle.Start).GetAwaiter().GetResult(),
            2 => engine.TransitionAsync(agent, id, IncidentLifecycle.Hold, IncidentLifecycle.AwaitingCaller).GetAwaiter().GetResult(),
            3 => engine.TransitionAsync(agent, id, IncidentLifecycle.Resume).GetAwaiter().GetResult(),
            4 => engine.ChangePriorityAsync(agent, id, new Impact((operation / 6 % 3) + 1), Urgency.Medium).GetAwaiter().GetResult(),
            _ => engine.AssignAsync(agent, id, Desk.ServiceDeskGroup, operation % 2 == 0 ? Desk.Alice : Desk.Bob).GetAwaiter().GetResult(),
        };
    }
}
