using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Routing;
using ServiceDesk.Sla;
using ServiceDesk.Storage;
using ServiceDesk.Testing;

namespace ServiceDesk.Engine.Tests.Processes;

/// <summary>Issue 15 item 4: automatic assignment through the engine, on every store.</summary>
public abstract partial class ProcessTests
{
    private static readonly GroupId DeskGroup = new("desk");
    private static readonly GroupId RotaGroup = new("rota");
    private static readonly GroupId FieldGroup = new("field");
    private static readonly GroupId ExpertsGroup = new("experts");
    private static readonly GroupId NightGroup = new("night");
    private static readonly GroupId ManualGroup = new("manual");

    /// <summary>A directory of six groups; the test clock starts on Monday 2025-01-06 at 09:00 UTC.</summary>
    private const string DirectoryJson = """
        {
          "locations": {
            "moscow-hq": { "latitude": 55.7558, "longitude": 37.6173 },
            "spb-office": { "latitude": 59.9343, "longitude": 30.3351 },
          },
          "groups": [
            { "id": "desk", "tier": "FirstLine", "strategy": "leastLoaded" },
            { "id": "rota", "tier": "FirstLine", "strategy": "roundRobin" },
            { "id": "field", "tier": "SecondLine", "strategy": "nearest" },
            { "id": "experts", "tier": "ThirdLine", "strategy": "bestSkillMatch" },
            { "id": "night", "tier": "FirstLine", "nextTier": "experts", "strategy": "leastLoaded" },
            { "id": "manual", "tier": "FirstLine", "automatic": false },
          ],
          "agents": [
            { "id": "ann", "groups": ["desk", "rota"], "capacity": 3 },
            { "id": "bob", "groups": ["desk", "rota"] },
            { "id": "carl", "groups": ["desk", "rota"],
              "absences": [ { "from": "2025-01-06T00:00:00Z", "to": "2025-01-10T00:00:00Z" } ] },
            { "id": "dora", "groups": ["rota", "manual"] },
            { "id": "fred", "groups": ["field"], "location": "moscow-hq" },
            { "id": "gina", "groups": ["field"], "location": "spb-office" },
            { "id": "ivan", "groups": ["experts"], "skills": { "vpn": 40, "sql": 90 } },
            { "id": "jane", "groups": ["experts"], "skills": { "vpn": 90 } },
            { "id": "owl", "groups": ["night"], "shift": "nights" },
          ],
        }
        """;

    /// <summary>The engine options with automatic assignment by <see cref="DirectoryJson"/>; tickets of category
    /// <c>network</c> need the skill <c>vpn</c> at level 50 or more.</summary>
    protected static ServiceDeskEngineOptions AssignmentOptions { get; } = Desk.Options.With(new AutomaticAssignment(AgentDirectory.FromJson(
        DirectoryJson,
        new Dictionary<string, BusinessCalendar> { ["nights"] = new BusinessCalendarBuilder("UTC").AddDailyHours(new LocalTime(22, 0), new LocalTime(23, 59)).Build() }))
    {
        Fallback = AssignmentFallback.NextTier,
        RequiredSkills = t => t.Category?.Category == "network" ? [new SkillRequirement("vpn", 50)] : [],
    });

    private static OpenTicketRequest Into(GroupId group, string subject = "Printer jams", Impact? impact = null)
        => Desk.Incident(subject, impact) with { AssignmentGroup = group };

    private static string RoutingDocs()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "docs", "routing.md")))
        {
            directory = directory.Parent;
        }

        return File.ReadAllText(Path.Combine(directory?.FullName ?? throw new FileNotFoundException("docs/routing.md not found"), "docs", "routing.md"));
    }

    private async Task ResolveOpenAsync(ServiceDeskEngine engine, TicketId id)
    {
        Assert.Equal(CommandOutcome.Applied, (await engine.TransitionAsync(Agent(Desk.Alice), id, Workflow.IncidentLifecycle.Start)).Outcome);
        Assert.Equal(CommandOutcome.Applied, (await engine.TransitionAsync(Agent(Desk.Alice), id, Workflow.IncidentLifecycle.Resolve, "SolvedPermanently", "Fixed.")).Outcome);
    }

    private async Task<AgentAssignmentDecided> DecisionOfAsync(TicketId id)
        => (await Store.ReadHistoryAsync(Tenant, id)).OfType<AgentAssignmentDecided>().Last();

    /// <summary>Least loaded: the open work is read from the store, the absent agent is removed with a reason, and the
    /// decision is recorded before the assignment it explains.</summary>
    [ConformanceFact]
    public async Task Assignment_OnOpen_LeastLoadedWithWorkloadFromTheStore_Explained()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, AssignmentOptions);
        var first = await engine.OpenTicketAsync(Caller(), Into(DeskGroup));
        var second = await engine.OpenTicketAsync(Caller(), Into(DeskGroup));
        var third = await engine.OpenTicketAsync(Caller(), Into(DeskGroup, impact: Impact.High));

        Assert.Equal([new AgentId("ann"), new AgentId("bob"), new AgentId("ann")], new[] { first, second, third }.Select(r => r.Ticket.Assignee!.Value));
        var events = first.Events;
        var decided = Assert.Single(events.OfType<AgentAssignmentDecided>());
        var assigned = Assert.Single(events.OfType<Assigned>());
        Assert.True(decided.Version < assigned.Version);
        Assert.Equal((AssignmentTrigger.Opened, DeskGroup, new AgentId("ann"), "least-loaded", 3, 2), (decided.Trigger, decided.Group, decided.Agent!.Value, decided.Strategy, decided.Candidates, decided.Eligible));
        Assert.Equal(new AgentId("ann"), assigned.Agent);
        Assert.Equal(
            "3 candidates in desk; removed by not-absent: 1 (carl); 2 eligible; least-loaded: ann has the lowest weighted load (0: 0 open) of 2 eligible; ties go to the longest wait, then id order",
            decided.Explanation);
        Assert.Contains("```text assignment-explanation\n" + decided.Explanation + "\n```", RoutingDocs(), StringComparison.Ordinal); // docs/routing.md
        Assert.Contains("bob has the lowest weighted load (0: 0 open)", (await DecisionOfAsync(second.Ticket.Id)).Explanation, StringComparison.Ordinal);

        // Ann now has two open tickets (weights 1 + 1), bob one: the next goes to bob; once ann's are resolved, to ann.
        var fourth = await engine.OpenTicketAsync(Caller(), Into(DeskGroup));
        Assert.Equal(new AgentId("bob"), fourth.Ticket.Assignee);
        foreach (var r in new[] { first, third })
        {
            await ResolveOpenAsync(engine, r.Ticket.Id);
        }

        Assert.Equal(new AgentId("ann"), (await engine.OpenTicketAsync(Caller(), Into(DeskGroup))).Ticket.Assignee);
    }

    /// <summary>With a refresh interval the open work read is reused: this engine's own choices count at once, another
    /// instance's only after the interval, when the engine reads the store again.</summary>
    [ConformanceFact]
    public async Task Assignment_WorkloadRefreshInterval_ReusesOwnChoicesRereadsAfterInterval()
    {
        var reusing = AssignmentOptions.With(new AutomaticAssignment(AssignmentOptions.Assignment!.Directory!) { WorkloadRefreshInterval = Duration.FromMinutes(1) });
        using var engine = new ServiceDeskEngine(Store, Clock, reusing);
        using var other = new ServiceDeskEngine(Store, Clock, AssignmentOptions);

        Assert.Equal(new AgentId("ann"), (await engine.OpenTicketAsync(Caller(), Into(DeskGroup))).Ticket.Assignee);
        Assert.Equal(new AgentId("bob"), (await engine.OpenTicketAsync(Caller(), Into(DeskGroup))).Ticket.Assignee); // own choice counted
        Assert.Equal(new AgentId("ann"), (await other.OpenTicketAsync(Caller(), Into(DeskGroup))).Ticket.Assignee); // reads the store: 1 and 1

        // The reusing engine has not seen the other's ticket: ann 1, bob 1 for it, so ann again (ties go to id order).
        Assert.Equal(new AgentId("ann"), (await engine.OpenTicketAsync(Caller(), Into(DeskGroup))).Ticket.Assignee);

        // A minute later it reads again: ann 3, bob 1.
        Clock.Advance(Duration.FromMinutes(1));
        Assert.Equal(new AgentId("bob"), (await engine.OpenTicketAsync(Caller(), Into(DeskGroup))).Ticket.Assignee);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AutomaticAssignment(AssignmentOptions.Assignment!.Directory!) { WorkloadRefreshInterval = Duration.FromHours(2) });
    }

    /// <summary>Directories managed at run time through the store: none yet assigns nobody; each save is seen at the next
    /// decision, also when another instance saved it.</summary>
    [ConformanceFact]
    public async Task Assignment_RunTimeDirectoryFromTheStore_ChangesSeenAtTheNextDecision()
    {
        var store = (IAgentDirectoryStore)Store;
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options.With(new AutomaticAssignment(new StoredAgentDirectoryProvider(store))));
        var admin = new StoredAgentDirectoryProvider(store); // another app instance, managing agents

        Assert.Null((await engine.OpenTicketAsync(Caller(), Into(DeskGroup))).Ticket.Assignee);

        await admin.SaveAsync(Tenant, """{ "groups": [ { "id": "desk", "tier": 1 } ], "agents": [ { "id": "ann", "groups": ["desk"] } ] }""", 0, Clock.Now);
        Assert.Equal(new AgentId("ann"), (await engine.OpenTicketAsync(Caller(), Into(DeskGroup))).Ticket.Assignee);

        await admin.SaveAsync(Tenant, """{ "groups": [ { "id": "desk", "tier": 1 } ], "agents": [ { "id": "bob", "groups": ["desk"] } ] }""", 1, Clock.Now);
        var opened = await engine.OpenTicketAsync(Caller(), Into(DeskGroup));
        Assert.Equal(new AgentId("bob"), opened.Ticket.Assignee);
        await Assert.ThrowsAsync<ArgumentException>(() => engine.AssignAsync(Agent(Desk.Alice), opened.Ticket.Id, DeskGroup, new AgentId("ann")));
    }

    /// <summary>Capacity: an agent whose weighted open work plus the ticket's weight exceeds their capacity is removed.</summary>
    [ConformanceFact]
    public async Task Assignment_Capacity_FullAgentRemoved()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, AssignmentOptions);

        // A critical ticket weighs 4, more than ann's capacity of 3: ann is removed, bob gets it.
        var critical = await engine.OpenTicketAsync(Caller(), Into(DeskGroup, impact: Impact.High) with { Urgency = Urgency.High });
        Assert.Equal((Priority.P1Critical, new AgentId("bob")), (critical.Ticket.Priority, critical.Ticket.Assignee!.Value));
        Assert.Contains("removed by under-capacity: 1 (ann)", (await DecisionOfAsync(critical.Ticket.Id)).Explanation, StringComparison.Ordinal);

        // Three moderate tickets (weight 1 each) fill ann up to 3; the fourth, with bob at 4 + 0, goes to bob.
        var moderate = new List<AgentId>();
        for (var i = 0; i < 4; i++)
        {
            moderate.Add((await engine.OpenTicketAsync(Caller(), Into(DeskGroup))).Ticket.Assignee!.Value);
        }

        Assert.Equal([new("ann"), new("ann"), new("ann"), new("bob")], moderate);
    }

    /// <summary>Round-robin: the cursor is the store's, so a new engine (a restart, another instance) continues the
    /// rotation; absent agents are skipped.</summary>
    [ConformanceFact]
    public async Task Assignment_RoundRobin_CursorDurableAcrossEngines()
    {
        var chosen = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            using var engine = new ServiceDeskEngine(Store, Clock, AssignmentOptions);
            chosen.Add((await engine.OpenTicketAsync(Caller(), Into(RotaGroup))).Ticket.Assignee!.Value.Value);
        }

        Assert.Equal(["ann", "bob", "dora", "ann", "bob"], chosen);
        Assert.Equal(new AgentId("bob"), await ((IAssignmentStore)Store).GetRoundRobinCursorAsync(Tenant, RotaGroup));
    }

    /// <summary>Nearest: the ticket's location is looked up in the directory; without one the nearest chooser falls back
    /// to the least loaded and says so.</summary>
    [ConformanceFact]
    public async Task Assignment_Nearest_ByTheTicketsLocation()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, AssignmentOptions);
        var spb = await engine.OpenTicketAsync(Caller(), Into(FieldGroup) with { Location = new LocationId("spb-office") });
        Assert.Equal(new AgentId("gina"), spb.Ticket.Assignee);
        Assert.Contains("gina is 0.0 km from the site, the nearest of 2 eligible", (await DecisionOfAsync(spb.Ticket.Id)).Explanation, StringComparison.Ordinal);

        var moscow = await engine.OpenTicketAsync(Caller(), Into(FieldGroup) with { Location = new LocationId("moscow-hq") });
        Assert.Equal(new AgentId("fred"), moscow.Ticket.Assignee);

        var nowhere = await engine.OpenTicketAsync(Caller(), Into(FieldGroup) with { Location = new LocationId("kazan") });
        var explanation = (await DecisionOfAsync(nowhere.Ticket.Id)).Explanation;
        Assert.Contains("the ticket has no site", explanation, StringComparison.Ordinal);
        Assert.Contains("location kazan has no coordinates in the directory", explanation, StringComparison.Ordinal);
    }

    /// <summary>Best skill match with the skills the ticket needs; nobody on shift moves the ticket to the next tier.</summary>
    [ConformanceFact]
    public async Task Assignment_SkillsAndNextTierFallback()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, AssignmentOptions);
        var vpn = await engine.OpenTicketAsync(Caller(), Into(ExpertsGroup, "VPN down") with { Category = new TicketCategory("network") });
        Assert.Equal(new AgentId("jane"), vpn.Ticket.Assignee);
        Assert.Contains("removed by skills: 1 (ivan)", (await DecisionOfAsync(vpn.Ticket.Id)).Explanation, StringComparison.Ordinal);

        // At 09:00 the night shift is off: nobody eligible in "night", so the ticket moves to its next tier, unassigned.
        var night = await engine.OpenTicketAsync(Caller(), Into(NightGroup));
        Assert.Equal((ExpertsGroup, (AgentId?)null), (night.Ticket.AssignmentGroup!.Value, night.Ticket.Assignee));
        var decided = await DecisionOfAsync(night.Ticket.Id);
        Assert.Equal((ExpertsGroup, (AgentId?)null, 1, 0), (decided.Group, decided.Agent, decided.Candidates, decided.Eligible));
        Assert.Contains("removed by on-shift: 1 (owl)", decided.Explanation, StringComparison.Ordinal);
        Assert.Contains("moved to the next tier, experts", decided.Explanation, StringComparison.Ordinal);
    }

    /// <summary>A group that does not assign automatically, and a group the directory does not know, are left alone: no
    /// decision is recorded and the ticket waits in the queue.</summary>
    [ConformanceFact]
    public async Task Assignment_OffPerGroup_LeavesTheQueue()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, AssignmentOptions);
        foreach (var group in new[] { ManualGroup, new GroupId("unknown") })
        {
            var opened = await engine.OpenTicketAsync(Caller(), Into(group));
            Assert.Null(opened.Ticket.Assignee);
            Assert.Empty(opened.Events.OfType<AgentAssignmentDecided>());
        }
    }

    /// <summary>Reassignment to a group without an agent chooses one; naming an agent assigns exactly that agent.</summary>
    [ConformanceFact]
    public async Task Assignment_Reassign_ChoosesInTheNewGroup()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, AssignmentOptions);
        var id = (await engine.OpenTicketAsync(Caller(), Into(ManualGroup))).Ticket.Id;

        var moved = await engine.AssignAsync(Agent(Desk.Alice), id, FieldGroup);
        Assert.Equal(new AgentId("fred"), moved.Ticket.Assignee); // no site: least loaded, then id order
        var decided = Assert.Single(moved.Events.OfType<AgentAssignmentDecided>());
        Assert.Equal(AssignmentTrigger.Reassigned, decided.Trigger);

        var named = await engine.AssignAsync(Agent(Desk.Alice), id, FieldGroup, new AgentId("gina"));
        Assert.Equal(new AgentId("gina"), named.Ticket.Assignee);
        Assert.Empty(named.Events.OfType<AgentAssignmentDecided>());
    }

    /// <summary>An escalation that moves the ticket to another group assigns it there automatically (trigger
    /// <see cref="AssignmentTrigger.Escalated"/>), in the sweep's own append.</summary>
    [ConformanceFact]
    public async Task Assignment_EscalationToAnotherGroup_ChoosesThere()
    {
        var options = AssignmentOptions.With(new EscalationPolicyBuilder()
            .Rule("breach", 1, EscalationTrigger.SlaPercent("resolution", 100), NotificationDelivery.Immediately, EscalationAction.ToGroup(FieldGroup))
            .Build());
        using var engine = new ServiceDeskEngine(Store, Clock, options);
        var opened = await engine.OpenTicketAsync(Caller(), Into(DeskGroup) with { Location = new LocationId("moscow-hq") });
        Assert.Equal(new AgentId("ann"), opened.Ticket.Assignee);

        Clock.Advance(Duration.FromDays(2)); // well past the 8 business hours of resolution
        await new EscalationSweeper(engine).SweepAsync();

        var ticket = await Store.GetAsync(Tenant, opened.Ticket.Id);
        Assert.Equal((FieldGroup, new AgentId("fred")), (ticket!.AssignmentGroup!.Value, ticket.Assignee!.Value));
        var decided = await DecisionOfAsync(opened.Ticket.Id);
        Assert.Equal((AssignmentTrigger.Escalated, Actor.System), (decided.Trigger, decided.Actor));
        Assert.Contains("fred is 0.0 km from the site", decided.Explanation, StringComparison.Ordinal);
    }

    /// <summary>Hand-over: every open ticket of an unavailable agent is reassigned within its group without that agent; a
    /// resolved ticket is left alone; a second hand-over finds nothing to do.</summary>
    [ConformanceFact]
    public async Task Assignment_HandOver_ReassignsOpenWorkWithoutTheAgent()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, AssignmentOptions);
        var ann = new AgentId("ann");
        var a = (await engine.OpenTicketAsync(Caller(), Into(DeskGroup))).Ticket;
        await engine.OpenTicketAsync(Caller(), Into(DeskGroup)); // bob
        var b = (await engine.OpenTicketAsync(Caller(), Into(DeskGroup))).Ticket;
        var resolved = (await engine.OpenTicketAsync(Caller(), Into(DeskGroup) with { Assignee = ann })).Ticket;
        await ResolveOpenAsync(engine, resolved.Id);
        Assert.Equal((ann, ann), (a.Assignee!.Value, b.Assignee!.Value));

        var results = await engine.HandOverAgentWorkAsync(Agent(Desk.Alice), ann);

        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.Equal((CommandOutcome.Applied, new AgentId("bob")), (r.Outcome, r.Ticket.Assignee!.Value)));
        var decided = await DecisionOfAsync(a.Id);
        Assert.Equal(AssignmentTrigger.AgentUnavailable, decided.Trigger);
        Assert.Contains("removed by handing-over: 1 (ann)", decided.Explanation, StringComparison.Ordinal);
        Assert.Equal(ann, (await Store.GetAsync(Tenant, resolved.Id))!.Assignee);
        Assert.Empty(await engine.HandOverAgentWorkAsync(Agent(Desk.Alice), ann));
    }

    /// <summary>Bad input: an agent unknown to the directory, or not a member of the group, is refused with a clear
    /// error and nothing is stored.</summary>
    [ConformanceFact]
    public async Task Assignment_UnknownOrForeignAgent_RefusedNothingStored()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, AssignmentOptions);
        var id = (await engine.OpenTicketAsync(Caller(), Into(ManualGroup))).Ticket.Id;
        var before = await EventCountAsync(id);

        var unknown = await Assert.ThrowsAsync<ArgumentException>(() => engine.AssignAsync(Agent(Desk.Alice), id, DeskGroup, new AgentId("zed")));
        Assert.Contains("'zed'", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("not in the agent directory", unknown.Message, StringComparison.Ordinal);
        var foreign = await Assert.ThrowsAsync<ArgumentException>(() => engine.AssignAsync(Agent(Desk.Alice), id, FieldGroup, new AgentId("ann")));
        Assert.Contains("not a member of group 'field' (members: fred, gina)", foreign.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => engine.OpenTicketAsync(Caller(), Into(DeskGroup) with { Assignee = new AgentId("zed") }));

        Assert.Equal(before, await EventCountAsync(id));
    }
}
