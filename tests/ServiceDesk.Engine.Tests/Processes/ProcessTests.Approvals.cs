using NodaTime;
using ServiceDesk.Engine;
using ServiceDesk.Events;
using ServiceDesk.Storage;
using ServiceDesk.Testing;
using ServiceDesk.Workflow;

namespace ServiceDesk.Engine.Tests.Processes;

/// <content>Approvals (issue 14, item 1).</content>
public abstract partial class ProcessTests
{
    private static readonly AgentId Carol = new("carol");

    [ConformanceFact]
    public async Task RequestApproval_SubmittedRequest_AwaitsApprovalAndStoresTheApproval()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        var id = (await engine.OpenTicketAsync(Caller(), Request("New laptop"))).Ticket.Id;

        var asked = await engine.RequestApprovalAsync(
            Agent(Desk.Alice), id, ApprovalRequest.Of(ApprovalRule.All, Desk.Bob, Carol) with { DueIn = Duration.FromHours(4) });

        Assert.Equal(CommandOutcome.Applied, asked.Outcome);
        Assert.Equal(ServiceRequestLifecycle.AwaitingApproval, asked.Ticket.Status);
        var requested = Assert.IsType<ApprovalRequested>(asked.Events[0]);
        Assert.Equal((1, 0), (requested.Approval, requested.Required));
        Assert.Equal(Clock.Now + Duration.FromHours(4), requested.DueAt); // Monday 09:00 + 4 business hours
        var view = await engine.GetApprovalAsync(Tenant, id);
        Assert.Equal(ApprovalOutcome.Pending, view!.Outcome);
        Assert.Equal(["bob", "carol"], view.Approvers);
    }

    [ConformanceFact]
    public async Task Approve_EveryApproverOfAllRule_ApprovesTheRequestInTheSameCommand()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        var id = (await engine.OpenTicketAsync(Caller(), Request("New laptop"))).Ticket.Id;
        await engine.RequestApprovalAsync(Agent(Desk.Alice), id, ApprovalRequest.Of(ApprovalRule.All, Desk.Bob, Carol));

        var first = await engine.ApproveAsync(Agent(Desk.Bob), id, 1, "fine by me");
        var second = await engine.ApproveAsync(Agent(Carol), id, 1);

        Assert.Equal(ServiceRequestLifecycle.AwaitingApproval, first.Ticket.Status);
        Assert.Equal(ApprovalOutcome.Pending, Assert.IsType<ApprovalDecided>(first.Events[0]).Outcome);
        Assert.Equal(ServiceRequestLifecycle.Approved, second.Ticket.Status);
        Assert.Equal(ApprovalOutcome.Granted, Assert.IsType<ApprovalDecided>(second.Events[0]).Outcome);
        Assert.IsType<StatusChanged>(second.Events[1]);
        Assert.Equal(ApprovalOutcome.Granted, (await engine.GetApprovalAsync(Tenant, id))!.Outcome);
    }

    [ConformanceFact]
    public async Task RejectApproval_OneRejectionOfAllRule_RejectsTheRequest()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        var id = (await engine.OpenTicketAsync(Caller(), Request("New laptop"))).Ticket.Id;
        await engine.RequestApprovalAsync(Agent(Desk.Alice), id, ApprovalRequest.Of(ApprovalRule.All, Desk.Bob, Carol));

        var rejected = await engine.RejectApprovalAsync(Agent(Carol), id, 1, "no budget");

        Assert.Equal(ServiceRequestLifecycle.Rejected, rejected.Ticket.Status);
        Assert.Equal(ApprovalOutcome.Denied, Assert.IsType<ApprovalDecided>(rejected.Events[0]).Outcome);
    }

    [ConformanceFact]
    public async Task Approve_ByAgentWhoWasNotAsked_ThrowsDeniedNamingTheActorAndStoresNothing()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        var id = (await engine.OpenTicketAsync(Caller(), Request("New laptop"))).Ticket.Id;
        await engine.RequestApprovalAsync(Agent(Desk.Alice), id, ApprovalRequest.Of(ApprovalRule.Any, Desk.Bob));
        var before = await EventCountAsync(id);

        var ex = await Assert.ThrowsAsync<CommandDeniedException>(() => engine.ApproveAsync(Agent(Desk.Alice), id, 1));
        var requester = await Assert.ThrowsAsync<CommandDeniedException>(
            () => engine.ApproveAsync(new CommandContext(Tenant, Actor.OfRequester("bob")), id, 1));

        Assert.Contains("Agent:alice", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Approve", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'bob'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(ActorKind.Requester, requester.Actor.Kind);
        Assert.Equal(before, await EventCountAsync(id));
    }

    [ConformanceFact]
    public async Task Approve_UnknownApproval_ThrowsNamingTheNumberAndStoresNothing()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        var id = (await engine.OpenTicketAsync(Caller(), Request("New laptop"))).Ticket.Id;

        var none = await Assert.ThrowsAsync<ArgumentException>(() => engine.ApproveAsync(Agent(Desk.Bob), id, 1));
        await engine.RequestApprovalAsync(Agent(Desk.Alice), id, ApprovalRequest.Of(ApprovalRule.Any, Desk.Bob));
        var before = await EventCountAsync(id);
        var unknown = await Assert.ThrowsAsync<ArgumentException>(() => engine.ApproveAsync(Agent(Desk.Bob), id, 7));

        Assert.Contains("no approval 1", none.Message, StringComparison.Ordinal);
        Assert.Contains("no approval 7", unknown.Message, StringComparison.Ordinal);
        Assert.Equal(before, await EventCountAsync(id));
    }

    [ConformanceFact]
    public async Task Transition_ApproveWhileApprovalPending_IsRejectedByTheStoredApproval()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        var id = (await engine.OpenTicketAsync(Caller(), Request("New laptop"))).Ticket.Id;
        await engine.RequestApprovalAsync(Agent(Desk.Alice), id, ApprovalRequest.Of(ApprovalRule.All, Desk.Bob, Carol));
        await engine.ApproveAsync(Agent(Desk.Bob), id, 1);

        var bypass = await engine.TransitionAsync(Agent(Desk.Alice), id, ServiceRequestLifecycle.Approve);

        Assert.Equal(CommandOutcome.Rejected, bypass.Outcome);
        Assert.Contains(bypass.UnmetGuards, g => g.Name == ServiceRequestLifecycle.ApprovalGrantedGuard);
    }

    [ConformanceFact]
    public async Task Approve_TwoOfThreeDecidedConcurrently_GrantedExactlyOnce()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        var id = (await engine.OpenTicketAsync(Caller(), Request("New laptop"))).Ticket.Id;
        await engine.RequestApprovalAsync(Agent(Desk.Alice), id, ApprovalRequest.Of(ApprovalRule.NOfM(2), Desk.Alice, Desk.Bob, Carol));

        var results = await Task.WhenAll(new[] { Desk.Alice, Desk.Bob, Carol }.Select(a =>
            engine.RetryOnConflictAsync(ct => engine.ApproveAsync(Agent(a), id, 1, cancellationToken: ct), maxAttempts: 10)));

        var history = await Store.ReadHistoryAsync(Tenant, id);
        Assert.Single(history.OfType<ApprovalDecided>(), d => d.Outcome == ApprovalOutcome.Granted);
        Assert.Equal(2, history.OfType<ApprovalDecided>().Count());
        Assert.Single(history.OfType<StatusChanged>(), s => s.To == ServiceRequestLifecycle.Approved);
        Assert.Equal(2, results.Count(r => r.Outcome == CommandOutcome.Applied));
        Assert.Equal(CommandOutcome.Rejected, Assert.Single(results, r => r.Outcome != CommandOutcome.Applied).Outcome);
        Assert.Equal(Enumerable.Range(1, history.Count).Select(v => (long)v), history.Select(e => e.Version));
    }

    [ConformanceFact]
    public async Task Approve_GroupApproval_AnyMemberDecidesForTheGroup()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        var cab = new GroupId("cab");
        var id = (await engine.OpenTicketAsync(Caller(), Request("Firewall rule"))).Ticket.Id;
        await engine.RequestApprovalAsync(Agent(Desk.Alice), id, ApprovalRequest.OfGroup(cab));

        await Assert.ThrowsAsync<CommandDeniedException>(() => engine.ApproveAsync(Agent(Desk.Bob), id, 1));
        var approved = await engine.ApproveAsync(Agent(Desk.Bob) with { Groups = new HashSet<GroupId> { cab } }, id, 1);

        Assert.Equal(ServiceRequestLifecycle.Approved, approved.Ticket.Status);
    }

    [ConformanceFact]
    public async Task RequestApproval_NormalChange_CabApprovalSchedulesTheChange()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        var window = new Interval(Clock.Now + Duration.FromDays(2), Clock.Now + Duration.FromDays(2) + Duration.FromHours(2));
        var draft = new Ticket
        {
            Tenant = Tenant, Id = TicketId.New(), Number = new TicketNumber(TicketKind.Change, 1), Kind = TicketKind.Change, Subject = "x",
            Status = TicketStatus.New, Impact = Impact.Medium, Urgency = Urgency.Medium, Priority = Priority.P3Moderate, Channel = Channel.Portal,
            Requester = Desk.Requester, OpenedAt = Clock.Now, UpdatedAt = Clock.Now, Version = 1,
        };
        var attributes = ChangeLifecycle.Plan(draft, ChangeType.Normal, window).Attributes;
        var id = (await engine.OpenTicketAsync(Agent(Desk.Alice), new OpenTicketRequest(TicketKind.Change, "Upgrade the core switch", Desk.Requester, Impact.Medium, Urgency.Medium)
        {
            Attributes = attributes,
        })).Ticket.Id;
        await engine.TransitionAsync(Agent(Desk.Alice), id, ChangeLifecycle.Submit);
        await engine.TransitionAsync(Agent(Desk.Alice), id, ChangeLifecycle.RequestAuthorization);
        await engine.RequestApprovalAsync(Agent(Desk.Alice), id, ApprovalRequest.Of(ApprovalRule.NOfM(2), Desk.Bob, Carol, new AgentId("dave")));

        var first = await engine.ApproveAsync(Agent(Desk.Bob), id, 1);
        var second = await engine.ApproveAsync(Agent(Carol), id, 1);

        Assert.Equal(ChangeLifecycle.Authorize, first.Ticket.Status);
        Assert.Equal(ChangeLifecycle.Scheduled, second.Ticket.Status);
    }

    [ConformanceFact]
    public async Task WithdrawApproval_ThenAskAgain_OldApprovalIsSupersededAndNewOneDecides()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        var id = (await engine.OpenTicketAsync(Caller(), Request("New laptop"))).Ticket.Id;
        await engine.RequestApprovalAsync(Agent(Desk.Alice), id, ApprovalRequest.Of(ApprovalRule.Any, Desk.Bob));
        var pending = await engine.RequestApprovalAsync(Agent(Desk.Alice), id, ApprovalRequest.Of(ApprovalRule.Any, Carol));

        await engine.WithdrawApprovalAsync(Agent(Desk.Alice), id, 1, "wrong approver");
        var second = await engine.RequestApprovalAsync(Agent(Desk.Alice), id, ApprovalRequest.Of(ApprovalRule.Any, Carol));
        var late = await engine.ApproveAsync(Agent(Desk.Bob), id, 1);
        var approved = await engine.ApproveAsync(Agent(Carol), id, 2);

        Assert.Equal(CommandOutcome.Rejected, pending.Outcome); // only one pending approval at a time
        Assert.Equal(2, Assert.IsType<ApprovalRequested>(second.Events[0]).Approval);
        Assert.Equal(CommandOutcome.Rejected, late.Outcome);
        Assert.Contains("superseded", late.UnmetGuards[0].Description, StringComparison.Ordinal);
        Assert.Equal(ServiceRequestLifecycle.Approved, approved.Ticket.Status);
    }

    [ConformanceFact]
    public async Task RequestApproval_BadInputOrClosedTicket_ClearErrorAndNothingStored()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        var id = (await engine.OpenTicketAsync(Caller(), Request("New laptop"))).Ticket.Id;

        var twice = Assert.Throws<ArgumentException>(() => { _ = engine.RequestApprovalAsync(Agent(Desk.Alice), id, ApprovalRequest.Of(ApprovalRule.All, Desk.Bob, Desk.Bob)); });
        var tooMany = Assert.Throws<ArgumentOutOfRangeException>(() => { _ = engine.RequestApprovalAsync(Agent(Desk.Alice), id, ApprovalRequest.Of(ApprovalRule.NOfM(3), Desk.Bob, Carol)); });
        var byRequester = await Assert.ThrowsAsync<CommandDeniedException>(() => engine.RequestApprovalAsync(Caller(), id, ApprovalRequest.Of(ApprovalRule.Any, Desk.Bob)));
        await engine.TransitionAsync(Agent(Desk.Alice), id, ServiceRequestLifecycle.Cancel);
        var before = await EventCountAsync(id);
        var closed = await engine.RequestApprovalAsync(Agent(Desk.Alice), id, ApprovalRequest.Of(ApprovalRule.Any, Desk.Bob));

        Assert.Contains("'bob' is named twice", twice.Message, StringComparison.Ordinal);
        Assert.Contains("needs 3 approvals but only 2", tooMany.Message, StringComparison.Ordinal);
        Assert.Contains("Requester:Jane Doe", byRequester.Message, StringComparison.Ordinal);
        Assert.Equal(CommandOutcome.Rejected, closed.Outcome);
        Assert.Equal(before, await EventCountAsync(id));
        Assert.DoesNotContain(await Store.ReadHistoryAsync(Tenant, id), e => e is ApprovalRequested);
    }

    [ConformanceFact]
    public async Task Approve_RetriedWithTheSameKey_ReplaysAndDecidesOnce()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        var id = (await engine.OpenTicketAsync(Caller(), Request("New laptop"))).Ticket.Id;
        await engine.RequestApprovalAsync(Agent(Desk.Alice), id, ApprovalRequest.Of(ApprovalRule.All, Desk.Bob, Carol));

        await engine.ApproveAsync(Agent(Desk.Bob, "approve-1"), id, 1, "ok");
        var retry = await engine.ApproveAsync(Agent(Desk.Bob, "approve-1"), id, 1, "ok");
        var conflict = await Assert.ThrowsAsync<IdempotencyConflictException>(() => engine.ApproveAsync(Agent(Desk.Bob, "approve-1"), id, 1, "changed my mind"));

        Assert.Equal(CommandOutcome.Replayed, retry.Outcome);
        Assert.True(conflict.DifferentParameters);
        Assert.Single((await Store.ReadHistoryAsync(Tenant, id)).OfType<ApprovalDecided>());
    }
}
