using ServiceDesk.Engine;
using ServiceDesk.Events;
using ServiceDesk.Storage;
using ServiceDesk.Testing;
using ServiceDesk.Workflow;

namespace ServiceDesk.Engine.Tests.Processes;

/// <content>Cascades fired by the engine (issue 14, item 4) and child incidents of a major incident (item 6).</content>
public abstract partial class ProcessTests
{
    private static readonly HashSet<string> MajorIncidentManager = new(StringComparer.Ordinal) { "major-incident-manager" };

    /// <summary>A problem in fix-in-progress with <paramref name="incidents"/> incidents linked to it (caused by it).</summary>
    private async Task<(TicketId Problem, TicketId[] Incidents)> ProblemWithIncidentsAsync(ServiceDeskEngine engine, int incidents)
    {
        var problem = (await engine.OpenTicketAsync(Agent(Desk.Alice), Desk.Incident("Fuser overheats") with { Kind = TicketKind.Problem })).Ticket.Id;
        await engine.TransitionAsync(Agent(Desk.Alice), problem, ProblemLifecycle.StartAssessment);
        await engine.TransitionAsync(Agent(Desk.Alice), problem, ProblemLifecycle.Analyze);
        await engine.SetAttributeAsync(Agent(Desk.Alice), problem, ProblemLifecycle.RootCauseAttribute, AttributeValue.FromString("Firmware 2.1 fan curve"));
        (await engine.TransitionAsync(Agent(Desk.Alice), problem, ProblemLifecycle.StartFix)).EnsureSucceeded();
        var ids = new TicketId[incidents];
        for (var i = 0; i < incidents; i++)
        {
            ids[i] = (await engine.OpenTicketAsync(Caller(), Desk.Incident($"Printer {i + 1} jams"))).Ticket.Id;
            (await engine.LinkAsync(Agent(Desk.Alice), ids[i], problem, TicketLinkType.CausedBy)).EnsureSucceeded();
        }

        return (problem, ids);
    }

    private async Task<int> ResolutionsAsync(TicketId id)
        => (await Store.ReadHistoryAsync(Tenant, id)).OfType<StatusChanged>().Count(s => s.To == TicketStatus.Resolved);

    [ConformanceFact]
    public async Task Link_IncidentToProblem_RecordsTheIncomingLinkOnTheProblemInTheSameCommand()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        var problem = (await engine.OpenTicketAsync(Agent(Desk.Alice), Desk.Incident("Fuser overheats") with { Kind = TicketKind.Problem })).Ticket;
        var incident = (await engine.OpenTicketAsync(Caller(), Desk.Incident("Printer jams"))).Ticket.Id;

        var linked = await engine.LinkAsync(Agent(Desk.Alice), incident, problem.Id, TicketLinkType.CausedBy);
        var again = await engine.LinkAsync(Agent(Desk.Alice), incident, problem.Id, TicketLinkType.CausedBy);

        Assert.Equal(problem.Version + 1, Assert.Single(linked.Cascaded).Version);
        var from = Assert.Single((await Store.ReadHistoryAsync(Tenant, problem.Id)).OfType<TicketLinkedFrom>());
        Assert.Equal((incident, TicketLinkType.CausedBy), (from.Other, from.LinkType));
        Assert.Equal(CommandOutcome.Unchanged, again.Outcome);
        Assert.Equal(problem.Version + 1, (await Store.GetAsync(Tenant, problem.Id))!.Version);
    }

    [ConformanceFact]
    public async Task Resolve_ProblemWithLinkedIncidents_ResolvesTheIncidentsInTheSameCommand()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        var (problem, incidents) = await ProblemWithIncidentsAsync(engine, 2);
        (await engine.TransitionAsync(Agent(Desk.Alice), incidents[1], IncidentLifecycle.Cancel)).EnsureSucceeded();
        var first = await engine.TransitionAsync(Agent(Desk.Alice), incidents[0], IncidentLifecycle.Start);

        var resolved = await engine.TransitionAsync(Agent(Desk.Alice), problem, ProblemLifecycle.Resolve, notes: "Firmware 2.2 rolled out.");

        Assert.Equal(CommandOutcome.Applied, resolved.Outcome);
        Assert.Single(resolved.Cascades); // the canceled incident is left alone (CascadeRule.DefaultSkipStatuses)
        var incident = Assert.Single(resolved.Cascaded);
        Assert.Equal((incidents[0], TicketStatus.Resolved, first.Ticket.Version + 2), (incident.Id, incident.Status, incident.Version));
        var change = (await Store.ReadHistoryAsync(Tenant, incidents[0])).OfType<StatusChanged>().Last();
        Assert.Equal(("SolvedPermanently", ActorKind.System), (change.Reason, change.Actor.Kind));
        Assert.Equal("Firmware 2.2 rolled out.", (await Store.ReadHistoryAsync(Tenant, incidents[0])).OfType<CommentAdded>().Last().Text);
        Assert.Equal(TicketStatus.Canceled, (await Store.GetAsync(Tenant, incidents[1]))!.Status);
    }

    [ConformanceFact]
    public async Task Resolve_MajorIncident_ResolvesItsChildIncidents()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        var major = (await engine.OpenTicketAsync(Caller(), Desk.Incident("Site down"))).Ticket.Id;
        await engine.DeclareMajorIncidentAsync(Agent(Desk.Alice), major, "all sites");
        var children = new TicketId[3];
        for (var i = 0; i < children.Length; i++)
        {
            children[i] = (await engine.OpenTicketAsync(Caller(), Desk.Incident($"Cannot reach site {i + 1}"))).Ticket.Id;
            await engine.LinkAsync(Agent(Desk.Alice), children[i], major, TicketLinkType.ChildOf);
        }

        var manager = Agent(Desk.Bob) with { Roles = MajorIncidentManager };
        var resolved = await engine.TransitionAsync(manager, major, IncidentLifecycle.Resolve, "SolvedPermanently", "Core switch replaced.");

        Assert.Equal(CommandOutcome.Applied, resolved.Outcome);
        Assert.Equal(3, resolved.Cascaded.Count);
        foreach (var child in children)
        {
            Assert.Equal(TicketStatus.Resolved, (await Store.GetAsync(Tenant, child))!.Status);
            Assert.Equal(1, await ResolutionsAsync(child));
        }
    }

    [ConformanceFact]
    public async Task Resolve_RetriedWithTheSameKey_CascadesExactlyOnce()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        var (problem, incidents) = await ProblemWithIncidentsAsync(engine, 2);
        var versions = await Task.WhenAll(incidents.Select(async i => (await Store.GetAsync(Tenant, i))!.Version));

        var first = await engine.TransitionAsync(Agent(Desk.Alice, "resolve-prb"), problem, ProblemLifecycle.Resolve, notes: "Firmware 2.2.");
        var retry = await engine.TransitionAsync(Agent(Desk.Alice, "resolve-prb"), problem, ProblemLifecycle.Resolve, notes: "Firmware 2.2.");

        Assert.Equal((CommandOutcome.Applied, CommandOutcome.Replayed), (first.Outcome, retry.Outcome));
        Assert.Empty(retry.Cascaded);
        for (var i = 0; i < incidents.Length; i++)
        {
            Assert.Equal(1, await ResolutionsAsync(incidents[i]));
            Assert.Equal(versions[i] + 2, (await Store.GetAsync(Tenant, incidents[i]))!.Version); // status change + notes
        }
    }

    [ConformanceFact]
    public async Task Resolve_TwoInstancesRacing_CascadesExactlyOnce()
    {
        using var setup = new ServiceDeskEngine(Store, Clock, Desk.Options);
        var (problem, incidents) = await ProblemWithIncidentsAsync(setup, 3);
        using var one = new ServiceDeskEngine(Store, Clock, Desk.Options);
        using var two = new ServiceDeskEngine(Store, Clock, Desk.Options);

        using var start = new SemaphoreSlim(0, 2);
        Task<CommandResult> Race(ServiceDeskEngine engine, string key) => Task.Run(async () =>
        {
            await start.WaitAsync();
            return await engine.RetryOnConflictAsync(ct => engine.TransitionAsync(Agent(Desk.Alice, key), problem, ProblemLifecycle.Resolve, notes: "Firmware 2.2.", cancellationToken: ct));
        });
        var a = Race(one, "instance-1");
        var b = Race(two, "instance-2");
        start.Release(2);
        var results = await Task.WhenAll(a, b);

        Assert.Single(results, r => r.Outcome == CommandOutcome.Applied);
        Assert.Single(results, r => r.Outcome == CommandOutcome.Rejected);
        Assert.Equal(1, await ResolutionsAsync(problem));
        foreach (var incident in incidents)
        {
            Assert.Equal(1, await ResolutionsAsync(incident));
        }
    }

    [ConformanceFact]
    public async Task Resolve_ProblemWhileAnIncidentChanges_ConflictsAndRetriesWithoutLosingEither()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        using var other = new ServiceDeskEngine(Store, Clock, Desk.Options);
        var (problem, incidents) = await ProblemWithIncidentsAsync(engine, 1);

        using var start = new SemaphoreSlim(0, 2);
        var resolve = Task.Run(async () =>
        {
            await start.WaitAsync();
            return await engine.RetryOnConflictAsync(ct => engine.TransitionAsync(Agent(Desk.Alice), problem, ProblemLifecycle.Resolve, notes: "Fixed.", cancellationToken: ct));
        });
        var comment = Task.Run(async () =>
        {
            await start.WaitAsync();
            return await other.RetryOnConflictAsync(ct => other.CommentAsync(Agent(Desk.Bob), incidents[0], CommentVisibility.Internal, "Checking the fuser.", ct));
        });
        start.Release(2);
        await Task.WhenAll(resolve, comment);

        var history = await Store.ReadHistoryAsync(Tenant, incidents[0]);
        Assert.Single(history.OfType<CommentAdded>(), c => c.Text == "Checking the fuser.");
        Assert.Equal(1, await ResolutionsAsync(incidents[0]));
        Assert.Equal(history.Count, (await Store.GetAsync(Tenant, incidents[0]))!.Version);
    }
}
