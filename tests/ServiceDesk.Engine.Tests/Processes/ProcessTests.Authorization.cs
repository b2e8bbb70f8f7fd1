using Microsoft.Extensions.Logging;
using NodaTime;
using ServiceDesk.Engine;
using ServiceDesk.Events;
using ServiceDesk.Testing;
using ServiceDesk.Workflow;

namespace ServiceDesk.Engine.Tests.Processes;

/// <content>Authorization through the engine (issue 14, item 9): every command asks the policy before deciding.</content>
public abstract partial class ProcessTests
{
    /// <summary>Every per-ticket command of the engine, as (name the denial carries, call).</summary>
    private static (string Command, Func<ServiceDeskEngine, CommandContext, TicketId, Task<CommandResult>> Run)[] EveryCommand(TicketId other) =>
    [
        ("Transition", (e, c, id) => e.TransitionAsync(c, id, IncidentLifecycle.Reopen, notes: "again")),
        ("Assign", (e, c, id) => e.AssignAsync(c, id, Desk.Network, Desk.Bob)),
        ("Comment", (e, c, id) => e.CommentAsync(c, id, CommentVisibility.Public, "Any news?")),
        ("ChangePriority", (e, c, id) => e.ChangePriorityAsync(c, id, Impact.High, Urgency.High)),
        ("Link", (e, c, id) => e.LinkAsync(c, id, other, TicketLinkType.RelatedTo)),
        ("SetAttribute", (e, c, id) => e.SetAttributeAsync(c, id, "site", AttributeValue.FromString("HQ"))),
        ("LogTime", (e, c, id) => e.LogTimeAsync(c, id, Desk.Alice, Instant.FromUtc(2025, 1, 6, 9, 0), Duration.FromMinutes(5), billable: false)),
        ("RateSatisfaction", (e, c, id) => e.RateSatisfactionAsync(c, id, 5)),
        ("RequestApproval", (e, c, id) => e.RequestApprovalAsync(c, id, ApprovalRequest.Of(ApprovalRule.Any, Desk.Bob))),
        ("Approve", (e, c, id) => e.ApproveAsync(c, id, 1)),
        ("WithdrawApproval", (e, c, id) => e.WithdrawApprovalAsync(c, id, 1)),
        ("ConfirmResolution", (e, c, id) => e.ConfirmResolutionAsync(c, id)),
        ("RejectResolution", (e, c, id) => e.RejectResolutionAsync(c, id, "still broken")),
        ("DeclareMajorIncident", (e, c, id) => e.DeclareMajorIncidentAsync(c, id)),
        ("ChangeClassification", (e, c, id) => e.ChangeClassificationAsync(c, id, new TicketClassification { Contract = new ContractId("C-GOLD") })),
        ("OverrideSlaDue", (e, c, id) => e.OverrideSlaDueAsync(c, id, "resolution", Instant.FromUtc(2025, 1, 7, 12, 0))),
        ("ClearSlaDueOverride", (e, c, id) => e.ClearSlaDueOverrideAsync(c, id, "resolution")),
    ];

    [ConformanceFact]
    public async Task Commands_ByAnotherRequester_DeniedNamingActorAndActionLoggedAndNothingStored()
    {
        var logger = new DenialLogger();
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options, logger);
        var id = (await engine.OpenTicketAsync(Caller(), Desk.Incident("Printer jams"))).Ticket.Id;
        var other = (await engine.OpenTicketAsync(Caller(), Desk.Incident("Scanner jams"))).Ticket.Id;
        await engine.RequestApprovalAsync(Agent(Desk.Alice), id, ApprovalRequest.Of(ApprovalRule.Any, Desk.Bob));
        var mallory = new CommandContext(Tenant, Actor.OfRequester("Mallory"));
        var before = await EventCountAsync(id);

        foreach (var (command, run) in EveryCommand(other))
        {
            var denied = await Assert.ThrowsAsync<CommandDeniedException>(() => run(engine, mallory, id));
            Assert.Equal((command, mallory.Actor), (denied.Action, denied.Actor));
            Assert.Contains("Mallory", denied.Message, StringComparison.Ordinal);
            Assert.Contains(command, denied.Message, StringComparison.Ordinal);
        }

        var view = await Assert.ThrowsAsync<CommandDeniedException>(() => engine.GetHistoryAsync(mallory, id));
        var open = await Assert.ThrowsAsync<CommandDeniedException>(() => engine.OpenTicketAsync(mallory, Desk.Incident("On behalf of Jane")));
        Assert.Equal(("GetHistory", "OpenTicket"), (view.Action, open.Action));
        Assert.Null(open.Ticket);
        Assert.Equal(before, await EventCountAsync(id));
        Assert.Equal(2, (await Store.QueryAsync(new Storage.TicketQuery(Tenant))).Items.Count);
        Assert.Equal(EveryCommand(other).Length + 2, logger.Denials);
    }

    [ConformanceFact]
    public async Task Commands_ByAgentOutsideTheGroupWithGroupScope_DeniedAndNothingStored()
    {
        var options = Desk.Options.With(new DefaultTicketAuthorizationPolicy(agents: AgentScope.Groups));
        using var engine = new ServiceDeskEngine(Store, Clock, options);
        var id = (await engine.OpenTicketAsync(Caller(), Desk.Incident("Printer jams") with { AssignmentGroup = Desk.Network })).Ticket.Id;
        var other = (await engine.OpenTicketAsync(Caller(), Desk.Incident("Scanner jams"))).Ticket.Id;
        var member = Agent(Desk.Alice) with { Groups = new HashSet<GroupId> { Desk.Network } };
        var outsider = Agent(Desk.Bob) with { Groups = new HashSet<GroupId> { Desk.ServiceDeskGroup } };
        var before = await EventCountAsync(id);

        foreach (var (command, run) in EveryCommand(other).Where(c => c.Command is not ("RateSatisfaction" or "ConfirmResolution" or "RejectResolution" or "Approve" or "WithdrawApproval")))
        {
            var denied = await Assert.ThrowsAsync<CommandDeniedException>(() => run(engine, outsider, id));
            Assert.Equal(command, denied.Action);
        }

        Assert.Equal(before, await EventCountAsync(id));
        Assert.Equal(CommandOutcome.Applied, (await engine.CommentAsync(member, id, CommentVisibility.Internal, "On it.")).Outcome);
    }

    [ConformanceFact]
    public async Task RateSatisfaction_OncePerResolutionCycle_OnlyAfterResolutionAndOnlyByTheRequester()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, AutoCloseOptions);
        var id = (await engine.OpenTicketAsync(Caller(), Desk.Incident("Printer jams"))).Ticket.Id;
        var early = await engine.RateSatisfactionAsync(Caller(), id, 2);
        await engine.TransitionAsync(Agent(Desk.Alice), id, IncidentLifecycle.Start);
        await engine.TransitionAsync(Agent(Desk.Alice), id, IncidentLifecycle.Resolve, "SolvedPermanently", "Replaced the fuser.");

        var byAgent = await Assert.ThrowsAsync<CommandDeniedException>(() => engine.RateSatisfactionAsync(Agent(Desk.Alice), id, 5));
        var first = await engine.RateSatisfactionAsync(Caller(), id, 4, "Quick.");
        var second = await engine.RateSatisfactionAsync(Caller(), id, 1);
        await engine.RejectResolutionAsync(Caller(), id, "It jams again.");
        await engine.TransitionAsync(Agent(Desk.Alice), id, IncidentLifecycle.Resolve, "SolvedPermanently", "New drum.");
        var nextCycle = await engine.RateSatisfactionAsync(Caller(), id, 5);

        Assert.Equal("resolved", Assert.Single(early.UnmetGuards).Name);
        Assert.Equal("RateSatisfaction", byAgent.Action);
        Assert.Equal((CommandOutcome.Applied, CommandOutcome.Rejected, CommandOutcome.Applied), (first.Outcome, second.Outcome, nextCycle.Outcome));
        Assert.Equal("rated", Assert.Single(second.UnmetGuards).Name);
        Assert.Equal([4, 5], (await Store.ReadHistoryAsync(Tenant, id)).OfType<SatisfactionRated>().Select(r => r.Score));
    }

    [ConformanceFact]
    public async Task GetHistory_ForTheRequester_LeavesOutInternalComments()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        var id = (await engine.OpenTicketAsync(Caller(), Desk.Incident("Printer jams"))).Ticket.Id;
        await engine.CommentAsync(Agent(Desk.Alice), id, CommentVisibility.Internal, "Requester is grumpy.");
        await engine.CommentAsync(Agent(Desk.Alice), id, CommentVisibility.Public, "Technician on the way.");

        var forRequester = await engine.GetHistoryAsync(Caller(), id);
        var forAgent = await engine.GetHistoryAsync(Agent(Desk.Alice), id);
        var view = await engine.GetTicketAsync(Caller(), id);

        Assert.Equal(["Technician on the way."], forRequester.OfType<CommentAdded>().Select(c => c.Text));
        Assert.Equal(2, forAgent.OfType<CommentAdded>().Count());
        Assert.Equal(id, view!.Ticket.Id);
        Assert.Null(await engine.GetTicketAsync(Caller(), TicketId.New()));
    }

    [ConformanceFact]
    public async Task Options_CustomPolicy_IsAskedBeforeEveryCommand()
    {
        var policy = new ReadOnlyIntegrations();
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options.With(policy));
        var id = (await engine.OpenTicketAsync(Caller(), Desk.Incident("Printer jams"))).Ticket.Id;
        var zabbix = new CommandContext(Tenant, Actor.OfIntegration("zabbix"));

        var denied = await Assert.ThrowsAsync<CommandDeniedException>(() => engine.CommentAsync(zabbix, id, CommentVisibility.Public, "Disk full"));
        var seen = await engine.GetTicketAsync(zabbix, id);

        Assert.Contains("integrations only read", denied.Message, StringComparison.Ordinal);
        Assert.NotNull(seen);
        Assert.Equal([TicketAction.Open, TicketAction.Comment, TicketAction.View], policy.Asked);
    }

    private sealed class ReadOnlyIntegrations : ITicketAuthorizationPolicy
    {
        public List<TicketAction> Asked { get; } = [];

        public AuthorizationResult Authorize(in TicketAuthorizationArguments arguments)
        {
            Asked.Add(arguments.Action);
            return arguments.Context.Actor.Kind == ActorKind.Integration && arguments.Action != TicketAction.View
                ? AuthorizationResult.Deny("integrations only read")
                : AuthorizationResult.Allowed;
        }
    }

    private sealed class DenialLogger : ILogger<ServiceDeskEngine>
    {
        private int _denials;

        public int Denials => _denials;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Name == "CommandDenied")
            {
                Interlocked.Increment(ref _denials);
            }
        }
    }
}
