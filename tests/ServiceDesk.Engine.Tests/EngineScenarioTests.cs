using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Sla;
using ServiceDesk.Storage;
using ServiceDesk.Testing;
using ServiceDesk.Workflow;

namespace ServiceDesk.Engine.Tests;

/// <summary>Engine scenarios every store adapter must support; derived classes supply the store.</summary>
public abstract partial class EngineScenarioTests : IAsyncLifetime
{
    private ITicketStore? _store;
    private ServiceDeskEngine? _engine;

    /// <summary>Gets the clock: Monday 2025-01-06 09:00 UTC at the start of each test.</summary>
    protected TestClock Clock { get; } = new();

    /// <summary>Gets the store of the test.</summary>
    protected ITicketStore Store => _store ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>Gets the engine of the test.</summary>
    protected ServiceDeskEngine Engine => _engine ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync()
    {
        _store = await CreateStoreAsync();
        _engine = new ServiceDeskEngine(_store, Clock, Desk.Options);
    }

    public async Task DisposeAsync()
    {
        _engine?.Dispose();
        switch (_store)
        {
            case IAsyncDisposable d:
                await d.DisposeAsync();
                break;
            case IDisposable d:
                d.Dispose();
                break;
        }

        await DisposeStoreAsync();
    }

    /// <summary>Creates an empty store for one test.</summary>
    /// <returns>The store.</returns>
    protected abstract Task<ITicketStore> CreateStoreAsync();

    /// <summary>Removes what <see cref="CreateStoreAsync"/> left behind, after the store is disposed.</summary>
    /// <returns>A task.</returns>
    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;

    [Fact]
    public async Task Lifecycle_OpenRouteAssignCommentHoldResumeResolveClose_RecordsEventsVersionsAndClocks()
    {
        var t0 = Clock.Now;
        var opened = await Engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("VPN is down for the whole floor"));
        Assert.Equal(CommandOutcome.Applied, opened.Outcome);
        var ticket = opened.Ticket;
        var id = ticket.Id;
        Assert.Equal(new TicketNumber(TicketKind.Incident, 1), ticket.Number);
        Assert.Equal(Desk.Network, ticket.AssignmentGroup);
        Assert.Null(ticket.Assignee);
        Assert.Equal(Priority.P3Moderate, ticket.Priority);
        Assert.Equal(TicketStatus.New, ticket.Status);
        Assert.Equal(4, ticket.Version);
        Assert.Collection(
            opened.Events,
            e => Assert.Equal(ticket.Number, Assert.IsType<TicketOpened>(e).Number),
            e =>
            {
                // The routing rules' decision stays in the history: group, tags and the explanation of the rule that matched.
                var routed = Assert.IsType<TicketRouted>(e);
                Assert.Equal(Desk.Network, routed.Group);
                Assert.Contains("matched", routed.Explanation, StringComparison.Ordinal);
            },
            e => Assert.Equal(Desk.Network, Assert.IsType<Assigned>(e).Group),
            e => Assert.Equal("standard", Assert.IsType<AttributeChanged>(e).Value!.Value.AsString()));
        Assert.Equal("standard", opened.SlaPolicy);
        Assert.Equal(t0 + Duration.FromHours(1), opened.NextSlaTimerAt); // first response due at 10:00

        Clock.AdvanceMinutes(5);
        var assigned = await Engine.AssignAsync(Desk.Agent(Desk.Alice), id, Desk.Network, Desk.Alice);
        var assignedEvent = Assert.IsType<Assigned>(Assert.Single(assigned.Events));
        Assert.Equal((5L, Desk.Network, Desk.Alice), (assignedEvent.Version, assignedEvent.PreviousGroup!.Value, assignedEvent.Agent!.Value));

        var started = await Engine.TransitionAsync(Desk.Agent(Desk.Alice), id, IncidentLifecycle.Start);
        Assert.Equal(CommandOutcome.Applied, started.Outcome);
        Assert.Equal(TicketStatus.InProgress, started.Ticket.Status);

        Clock.AdvanceMinutes(10);
        var replied = await Engine.CommentAsync(Desk.Agent(Desk.Alice), id, CommentVisibility.Public, "Looking into it.");
        Assert.Equal(7, replied.Ticket.Version);
        var view = await Engine.GetTicketAsync(Desk.Tenant, id);
        Assert.Equal(SlaStage.Met, ClockOf(view!, "first_response").Stage);

        Clock.AdvanceMinutes(15);
        var held = await Engine.TransitionAsync(Desk.Agent(Desk.Alice), id, IncidentLifecycle.Hold, IncidentLifecycle.AwaitingCaller);
        Assert.Equal((TicketStatus.OnHold, IncidentLifecycle.AwaitingCaller, 8L), (held.Ticket.Status, held.Ticket.HoldReason, held.Ticket.Version));
        Assert.Null(held.NextSlaTimerAt); // first response met, resolution paused, next response not started
        view = await Engine.GetTicketAsync(Desk.Tenant, id);
        Assert.Equal(SlaStage.Paused, ClockOf(view!, "resolution").Stage);

        Clock.AdvanceHours(2);
        var callerReply = await Engine.CommentAsync(Desk.Caller(), id, CommentVisibility.Public, "Here is the log you asked for.");
        Assert.Collection(
            callerReply.Events,
            e => Assert.Equal(9L, Assert.IsType<CommentAdded>(e).Version),
            e => Assert.Equal(TicketStatus.InProgress, Assert.IsType<StatusChanged>(e).To));
        Assert.Equal(TicketStatus.InProgress, callerReply.Ticket.Status);
        view = await Engine.GetTicketAsync(Desk.Tenant, id);
        Assert.Equal(SlaStage.Running, ClockOf(view!, "resolution").Stage);
        Assert.Equal(Duration.FromHours(2), ClockOf(view!, "resolution").Paused);
        Assert.Equal(SlaStage.Running, ClockOf(view!, "next_response").Stage);

        Clock.AdvanceMinutes(30);
        var resolved = await Engine.TransitionAsync(
            Desk.Agent(Desk.Alice), id, IncidentLifecycle.Resolve, "SolvedPermanently", "Reset the VPN profile.");
        Assert.Equal(CommandOutcome.Applied, resolved.Outcome);
        Assert.Equal(12, resolved.Ticket.Version);
        view = await Engine.GetTicketAsync(Desk.Tenant, id);
        var resolution = ClockOf(view!, "resolution");
        Assert.Equal((SlaStage.Met, Duration.FromHours(1)), (resolution.Stage, resolution.Elapsed));

        var closed = await Engine.TransitionAsync(Desk.Caller(), id, IncidentLifecycle.Close);
        Assert.Equal((TicketStatus.Closed, 13L), (closed.Ticket.Status, closed.Ticket.Version));

        var history = await Engine.GetHistoryAsync(Desk.Tenant, id);
        Assert.Equal(Enumerable.Range(1, 13).Select(v => (long)v), history.Select(e => e.Version));
        Assert.Equal(
            ["TicketOpened", "TicketRouted", "Assigned", "AttributeChanged", "Assigned", "StatusChanged", "CommentAdded", "StatusChanged",
             "CommentAdded", "StatusChanged", "StatusChanged", "CommentAdded", "StatusChanged"],
            history.Select(e => e.GetType().Name));
        var stored = await Store.GetAsync(Desk.Tenant, id);
        Assert.Equal(closed.Ticket, stored);
        Assert.Empty(await Engine.GetQueueAsync(Desk.Tenant, Desk.Network)); // closed tickets leave the queue
    }

    [Fact]
    public async Task Transition_UnmetGuards_ReturnsRejectedResultAndStoresNothing()
    {
        var id = (await Engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Mouse broken"))).Ticket.Id;
        var before = await Engine.GetHistoryAsync(Desk.Tenant, id);

        var result = await Engine.TransitionAsync(Desk.Agent(Desk.Alice), id, IncidentLifecycle.Resolve);

        Assert.Equal(CommandOutcome.Rejected, result.Outcome);
        Assert.False(result.Succeeded);
        Assert.Contains(result.UnmetGuards, g => g.Name == "reason");
        Assert.Contains(result.UnmetGuards, g => g.Name == "notes");
        Assert.Empty(result.Events);
        Assert.Equal(before.Count, (await Engine.GetHistoryAsync(Desk.Tenant, id)).Count);
        var thrown = Assert.Throws<CommandRejectedException>(() => result.EnsureSucceeded());
        Assert.Same(result, thrown.Result);

        // A requester may fire only reopen, close and caller-replied (the default authorization policy), before any guard.
        var byCaller = await Assert.ThrowsAsync<CommandDeniedException>(() => Engine.TransitionAsync(Desk.Caller(), id, IncidentLifecycle.Start));
        Assert.Equal("Transition", byCaller.Action);
        Assert.Equal(before.Count, (await Engine.GetHistoryAsync(Desk.Tenant, id)).Count);
    }

    [Fact]
    public async Task Open_NoRuleMatches_IsUnroutedAndExplicitGroupWins()
    {
        var plain = await Engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Printer jammed"));
        Assert.Null(plain.Ticket.AssignmentGroup);
        Assert.DoesNotContain(plain.Events, e => e is Assigned);

        var explicitGroup = await Engine.OpenTicketAsync(
            Desk.Caller(), Desk.Incident("VPN slow", Impact.High, Urgency.High) with { AssignmentGroup = Desk.ServiceDeskGroup, Assignee = Desk.Bob });
        Assert.Equal((Desk.ServiceDeskGroup, Desk.Bob), (explicitGroup.Ticket.AssignmentGroup!.Value, explicitGroup.Ticket.Assignee!.Value));
        Assert.Equal(Priority.P1Critical, explicitGroup.Ticket.Priority);
        Assert.Equal(new TicketNumber(TicketKind.Incident, 2), explicitGroup.Ticket.Number);
    }

    [Fact]
    public async Task Assign_ToCurrentAssignment_IsUnchangedAndStoresNothing()
    {
        var ticket = (await Engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("VPN drops"))).Ticket;
        var result = await Engine.AssignAsync(Desk.Agent(Desk.Alice), ticket.Id, Desk.Network);
        Assert.Equal(CommandOutcome.Unchanged, result.Outcome);
        Assert.Equal(ticket.Version, (await Store.GetAsync(Desk.Tenant, ticket.Id))!.Version);
    }

    [Fact]
    public async Task OtherCommands_ChangePriorityLinkAttributeTimeRating_AppendTheirEvents()
    {
        var problem = (await Engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Root cause of outages") with { Kind = TicketKind.Problem })).Ticket;
        var id = (await Engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Outage"))).Ticket.Id;
        var agent = Desk.Agent(Desk.Alice);

        var priority = await Engine.ChangePriorityAsync(agent, id, Impact.High, Urgency.High, "Whole site affected");
        var changed = Assert.IsType<PriorityChanged>(Assert.Single(priority.Events));
        Assert.Equal((Priority.P3Moderate, Priority.P1Critical), (changed.From, changed.To));
        Assert.Equal(Priority.P1Critical, priority.Ticket.Priority);
        Assert.Equal(CommandOutcome.Unchanged, (await Engine.ChangePriorityAsync(agent, id, Impact.High, Urgency.High)).Outcome);

        var link = await Engine.LinkAsync(agent, id, problem.Id, TicketLinkType.CausedBy);
        Assert.Equal(problem.Id, Assert.IsType<TicketLinked>(Assert.Single(link.Events)).Other);
        Assert.Equal(CommandOutcome.Unchanged, (await Engine.LinkAsync(agent, id, problem.Id, TicketLinkType.CausedBy)).Outcome);

        var attribute = await Engine.SetAttributeAsync(agent, id, "site", AttributeValue.FromString("Berlin"));
        Assert.Equal("Berlin", attribute.Ticket.Attributes["site"].AsString());
        var removed = await Engine.SetAttributeAsync(agent, id, "site", null);
        Assert.False(removed.Ticket.Attributes.ContainsKey("site"));
        Assert.Null(Assert.IsType<AttributeChanged>(Assert.Single(removed.Events)).Value);

        var time = await Engine.LogTimeAsync(agent, id, Desk.Alice, Clock.Now, Duration.FromMinutes(45), billable: true, "remote-support");
        var logged = Assert.IsType<TimeLogged>(Assert.Single(time.Events));
        Assert.Equal((Duration.FromMinutes(45), true, "remote-support"), (logged.Duration, logged.Billable, logged.Activity));

        var rating = await Engine.RateSatisfactionAsync(Desk.Caller(), id, 4, "Quick, thanks"); // not resolved yet
        Assert.Equal(CommandOutcome.Rejected, rating.Outcome);
        Assert.Contains(rating.UnmetGuards, g => g.Name == "resolved");

        var history = await Engine.GetHistoryAsync(Desk.Tenant, id);
        Assert.Equal(rating.Ticket.Version, history.Count);
        Assert.Equal(Priority.P1Critical, Clockless(await Engine.GetTicketAsync(Desk.Tenant, id)).Priority);
    }

    [Fact]
    public async Task Open_RetriedWithSameKey_IsAppliedOnceWithoutNumberGap()
    {
        var first = await Engine.OpenTicketAsync(Desk.Caller("open-42"), Desk.Incident("Laptop will not boot"));
        var retry = await Engine.OpenTicketAsync(Desk.Caller("open-42"), Desk.Incident("Laptop will not boot"));

        Assert.Equal(CommandOutcome.Replayed, retry.Outcome);
        Assert.Equal(first.Ticket.Id, retry.Ticket.Id);
        Assert.Equal(first.Ticket.Number, retry.Ticket.Number);
        Assert.Empty(retry.Events);
        var next = await Engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Another one"));
        Assert.Equal(new TicketNumber(TicketKind.Incident, 2), next.Ticket.Number);
        Assert.Equal(2, (await Store.QueryAsync(new TicketQuery(Desk.Tenant))).Items.Count);
    }

    [Fact]
    public async Task Commands_RetriedWithSameKey_AreAppliedOnce()
    {
        var id = (await Engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Screen flickers"))).Ticket.Id;

        var comment = await Engine.CommentAsync(Desk.Agent(Desk.Alice, "comment-1"), id, CommentVisibility.Public, "On it.");
        var commentRetry = await Engine.CommentAsync(Desk.Agent(Desk.Alice, "comment-1"), id, CommentVisibility.Public, "On it.");
        Assert.Equal((CommandOutcome.Applied, CommandOutcome.Replayed), (comment.Outcome, commentRetry.Outcome));
        Assert.Equal(comment.Ticket.Version, commentRetry.Ticket.Version);

        // The retried transition is no longer permitted from the new state: the key, not the workflow, answers it.
        var start = await Engine.TransitionAsync(Desk.Agent(Desk.Alice, "start-1"), id, IncidentLifecycle.Start);
        var startRetry = await Engine.TransitionAsync(Desk.Agent(Desk.Alice, "start-1"), id, IncidentLifecycle.Start);
        Assert.Equal((CommandOutcome.Applied, CommandOutcome.Replayed), (start.Outcome, startRetry.Outcome));
        Assert.Equal(start.Ticket, startRetry.Ticket);

        // The same, for a command whose retry would be "unchanged".
        await Engine.AssignAsync(Desk.Agent(Desk.Alice, "assign-1"), id, Desk.ServiceDeskGroup, Desk.Alice);
        Assert.Equal(CommandOutcome.Replayed, (await Engine.AssignAsync(Desk.Agent(Desk.Alice, "assign-1"), id, Desk.ServiceDeskGroup, Desk.Alice)).Outcome);

        // A fresh key on a transition that is not permitted is a rejection, and the probe stored nothing.
        var versionBefore = (await Store.GetAsync(Desk.Tenant, id))!.Version;
        var rejected = await Engine.TransitionAsync(Desk.Agent(Desk.Alice, "start-2"), id, IncidentLifecycle.Start);
        Assert.Equal(CommandOutcome.Rejected, rejected.Outcome);

        var history = await Engine.GetHistoryAsync(Desk.Tenant, id);
        Assert.Equal(versionBefore, history.Count);
        Assert.Single(history, e => e is CommentAdded);
        Assert.Single(history, e => e is StatusChanged);
        Assert.Single(history, e => e is Assigned { Agent: not null });
    }

    [Fact]
    public async Task ConcurrentComments_WithRetryHelper_AllAppliedWithoutLostUpdate()
    {
        const int writers = 6;
        var id = (await Engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Shared drive full"))).Ticket.Id;
        var baseVersion = (await Store.GetAsync(Desk.Tenant, id))!.Version;

        var results = await Task.WhenAll(Enumerable.Range(0, writers).Select(i => Task.Run(() =>
            Engine.RetryOnConflictAsync(
                ct => Engine.CommentAsync(Desk.Agent(Desk.Alice), id, CommentVisibility.Internal, $"note {i}", ct),
                maxAttempts: writers))));

        Assert.All(results, r => Assert.Equal(CommandOutcome.Applied, r.Outcome));
        var history = await Engine.GetHistoryAsync(Desk.Tenant, id);
        Assert.Equal(Enumerable.Range(1, (int)baseVersion + writers).Select(v => (long)v), history.Select(e => e.Version));
        Assert.Equal(
            Enumerable.Range(0, writers).Select(i => $"note {i}").Order(),
            history.OfType<CommentAdded>().Select(c => c.Text).Order());
        Assert.Equal(baseVersion + writers, (await Store.GetAsync(Desk.Tenant, id))!.Version);
    }

    [Fact]
    public async Task Comment_WriterInterleaves_ThrowsConflictWithoutHelperAndRetryHelperReappliesOnFreshTicket()
    {
        var id = (await Engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Phone line dead"))).Ticket.Id;
        var rival = new ServiceDeskEngine(Store, Clock, Desk.Options);
        using var factory = new TestMeterFactory();
        using var metrics = new MetricsCollector(factory);
        var interfering = new InterferingStore(Store);
        using var engine = new ServiceDeskEngine(interfering, Clock, Desk.Options, meterFactory: factory);

        interfering.BeforeNextAppend = () => rival.AssignAsync(Desk.Agent(Desk.Bob), id, Desk.ServiceDeskGroup, Desk.Bob);
        await Assert.ThrowsAsync<ConcurrencyException>(() => engine.CommentAsync(Desk.Agent(Desk.Alice), id, CommentVisibility.Public, "lost?"));
        Assert.DoesNotContain(await Engine.GetHistoryAsync(Desk.Tenant, id), e => e is CommentAdded);

        interfering.BeforeNextAppend = () => rival.AssignAsync(Desk.Agent(Desk.Bob), id, Desk.Network, Desk.Bob);
        var result = await engine.RetryOnConflictAsync(ct => engine.CommentAsync(Desk.Agent(Desk.Alice), id, CommentVisibility.Public, "kept", ct));

        Assert.Equal(CommandOutcome.Applied, result.Outcome);
        Assert.Equal((Desk.Network, Desk.Bob), (result.Ticket.AssignmentGroup!.Value, result.Ticket.Assignee!.Value)); // the rival's update survives
        var history = await Engine.GetHistoryAsync(Desk.Tenant, id);
        Assert.IsType<CommentAdded>(history[^1]);
        Assert.Equal(Desk.Network, Assert.IsType<Assigned>(history[^2]).Group);
        Assert.Equal(1, metrics.Sum("servicedesk.engine.command.conflicts"));
        rival.Dispose();
    }

    [Fact]
    public async Task RetryHelper_ConflictEveryTime_GivesUpAfterMaxAttempts()
    {
        var id = (await Engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Keyboard"))).Ticket.Id;
        var attempts = 0;
        var stale = Desk.Agent(Desk.Alice) with { ExpectedVersion = 1 };

        var error = await Assert.ThrowsAsync<ConcurrencyException>(() => Engine.RetryOnConflictAsync(
            ct =>
            {
                attempts++;
                return Engine.CommentAsync(stale, id, CommentVisibility.Public, "x", ct);
            },
            maxAttempts: 3));

        Assert.Equal(3, attempts);
        Assert.Equal((1L, 2L), (error.ExpectedVersion, error.ActualVersion));
    }

    private static SlaClockState ClockOf(TicketView view, string metric) => view.Clocks.Single(c => c.Metric == metric);

    private static Ticket Clockless(TicketView? view) => Assert.IsType<TicketView>(view).Ticket;
}
