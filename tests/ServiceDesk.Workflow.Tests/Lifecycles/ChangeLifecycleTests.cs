using NodaTime;
using static ServiceDesk.Workflow.Tests.TestData;
using CL = ServiceDesk.Workflow.ChangeLifecycle;

namespace ServiceDesk.Workflow.Tests.Lifecycles;

public class ChangeLifecycleTests
{
    private static readonly WorkflowDefinition Workflow = CL.Create();
    private static readonly Interval Window = new(T0 + Duration.FromDays(2), T0 + Duration.FromDays(2) + Duration.FromHours(4));
    private static readonly ApprovalSet CabYes = new(["cab1", "cab2"], [new("cab1", true), new("cab2", true)]);
    private static readonly ApprovalSet CabNo = new(["cab1", "cab2"], [new("cab1", false)]);

    private static Ticket Change(TicketStatus status, ChangeType? type, bool window = true)
    {
        var ticket = Ticket(TicketKind.Change, status);
        return type is { } t ? CL.Plan(ticket, t, window ? Window : null) : ticket;
    }

    private static TicketStatus[] Walk(Ticket ticket, params (WorkflowTrigger Trigger, TransitionContext Context)[] steps)
    {
        var path = new List<TicketStatus> { ticket.Status };
        foreach (var (trigger, context) in steps)
        {
            ticket = Workflow.Fire(ticket, trigger, context).Ticket;
            path.Add(ticket.Status);
        }

        return path.ToArray();
    }

    [Fact]
    public void NormalPath_AssessAuthorizeScheduleImplementReviewClose()
    {
        var inside = ByAgent(Window.Start + Duration.FromMinutes(5));
        var path = Walk(
            Change(TicketStatus.New, ChangeType.Normal),
            (CL.Submit, ByAgent()),
            (CL.RequestAuthorization, ByAgent()),
            (CL.Approve, By(SystemActor) with { Approvals = CabYes }),
            (CL.StartImplementation, inside),
            (CL.StartReview, inside),
            (CL.Close, inside with { Reason = "Successful" }));

        Assert.Equal([TicketStatus.New, CL.Assess, CL.Authorize, CL.Scheduled, CL.Implement, CL.Review, TicketStatus.Closed], path);
    }

    [Fact]
    public void StandardPath_SkipsAssessAndAuthorize()
    {
        var path = Walk(Change(TicketStatus.New, ChangeType.Standard), (CL.Submit, ByAgent()), (CL.StartImplementation, ByAgent(Window.Start)));

        Assert.Equal([TicketStatus.New, CL.Scheduled, CL.Implement], path);
    }

    [Fact]
    public void EmergencyPath_EcabAuthorizesAndImplementsOutsideWindow()
    {
        var ecab = new ApprovalSet(["e1", "e2", "e3"], [new("e2", true)]);
        var path = Walk(
            Change(TicketStatus.New, ChangeType.Emergency, window: false),
            (CL.Submit, ByAgent()),
            (CL.Approve, By(SystemActor) with { Approvals = ecab }),
            (CL.StartImplementation, ByAgent(T0)));

        Assert.Equal([TicketStatus.New, CL.Authorize, CL.Scheduled, CL.Implement], path);
    }

    [Fact]
    public void TryFire_SubmitWithoutType_ListsEveryPathsGuards()
    {
        var result = Workflow.TryFire(Change(TicketStatus.New, type: null), CL.Submit, ByAgent());

        Assert.Equal(
            ["attribute:change.type=Normal", "attribute:change.type=Emergency", "attribute:change.type=Standard", CL.WindowPlannedGuard],
            result.UnmetGuards.Names());
        Assert.Equal("the ticket's attribute 'change.type' is 'Normal'", result.UnmetGuards[0].Description);
    }

    [Fact]
    public void TryFire_StandardWithoutWindow_RejectedForWindow()
    {
        var result = Workflow.TryFire(Change(TicketStatus.New, ChangeType.Standard, window: false), CL.Submit, ByAgent());

        Assert.Contains(result.UnmetGuards, u => u is { Name: CL.WindowPlannedGuard, Description: "a planned window is set (start before end)" });
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(239, true)]
    [InlineData(240, false)]
    public void TryFire_ImplementNormalChange_OnlyInsideWindow(int minutesFromStart, bool permitted)
    {
        var result = Workflow.TryFire(Change(CL.Scheduled, ChangeType.Normal), CL.StartImplementation, ByAgent(Window.Start + Duration.FromMinutes(minutesFromStart)));

        Assert.Equal(permitted, result.Succeeded);
        if (!permitted)
        {
            var unmet = Assert.Single(result.UnmetGuards);
            Assert.Equal((CL.InsideWindowOrEmergencyGuard, "now is inside the planned window, or the change is an emergency"), (unmet.Name, unmet.Description));
        }
    }

    [Fact]
    public void TryFire_ApproveNormalWithoutWindow_RejectedForWindow()
    {
        var result = Workflow.TryFire(Change(CL.Authorize, ChangeType.Normal, window: false), CL.Approve, By(SystemActor) with { Approvals = CabYes });

        Assert.Equal([CL.WindowPlannedUnlessEmergencyGuard], result.UnmetGuards.Names());
    }

    [Fact]
    public void TryFire_ApprovePendingCab_RejectedWithRuleDescription()
    {
        var pending = new ApprovalSet(["cab1", "cab2"], [new("cab1", true)]);

        var result = Workflow.TryFire(Change(CL.Authorize, ChangeType.Normal), CL.Approve, By(SystemActor) with { Approvals = pending });

        var unmet = Assert.Single(result.UnmetGuards);
        Assert.Equal((CL.AuthorizationGrantedGuard, "the CAB approves (all approvers), or the emergency CAB (any approver) for an emergency change"), (unmet.Name, unmet.Description));
    }

    [Fact]
    public void TryFire_RejectByCab_Cancels()
    {
        Assert.Equal(TicketStatus.Canceled, Workflow.Fire(Change(CL.Authorize, ChangeType.Normal), CL.Reject, By(SystemActor) with { Approvals = CabNo }).To);
        Assert.Equal([CL.AuthorizationDeniedGuard], Workflow.TryFire(Change(CL.Authorize, ChangeType.Normal), CL.Reject, By(SystemActor) with { Approvals = CabYes }).UnmetGuards.Names());
    }

    [Fact]
    public void TryFire_StandardChangeInAuthorize_CannotBeApproved()
        => Assert.False(Workflow.TryFire(Change(CL.Authorize, ChangeType.Standard), CL.Approve, By(SystemActor) with { Approvals = CabYes }).Succeeded);

    [Fact]
    public void Cancel_BeforeReviewOnly()
    {
        foreach (var state in new[] { TicketStatus.New, CL.Assess, CL.Authorize, CL.Scheduled, CL.Implement })
        {
            Assert.Equal(TicketStatus.Canceled, Workflow.Fire(Change(state, ChangeType.Normal), CL.Cancel, ByAgent()).To);
        }

        Assert.Equal("trigger", Assert.Single(Workflow.TryFire(Change(CL.Review, ChangeType.Normal), CL.Cancel, ByAgent()).UnmetGuards).Name);
    }

    [Fact]
    public void TryFire_CloseWithoutClosureCode_Rejected()
        => Assert.Equal(["reason"], Workflow.TryFire(Change(CL.Review, ChangeType.Normal), CL.Close, ByAgent()).UnmetGuards.Names());

    [Fact]
    public void Plan_Helpers_ReadBackAndValidate()
    {
        var change = Change(TicketStatus.New, ChangeType.Emergency);

        Assert.Equal(ChangeType.Emergency, CL.TypeOf(change));
        Assert.Equal(Window, CL.WindowOf(change));
        Assert.Null(CL.TypeOf(Ticket(TicketKind.Change, TicketStatus.New)));
        Assert.Throws<ArgumentException>(() => CL.Plan(Incident(TicketStatus.New), ChangeType.Normal));
        Assert.Throws<ArgumentException>(() => CL.Plan(Ticket(TicketKind.Change, TicketStatus.New), ChangeType.Normal, new Interval(T0, T0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => CL.Plan(Ticket(TicketKind.Change, TicketStatus.New), (ChangeType)9));
        Assert.Throws<InvalidDefinitionException>(() => CL.Create(new ChangeLifecycleOptions { CabRule = null!, EmergencyCabRule = null! }));
    }
}
