using FsCheck;
using FsCheck.Fluent;
using static ServiceDesk.Workflow.Tests.TestData;
using SR = ServiceDesk.Workflow.ServiceRequestLifecycle;

namespace ServiceDesk.Workflow.Tests.Lifecycles;

public class ServiceRequestLifecycleTests
{
    private static readonly WorkflowDefinition Workflow = SR.Create();

    private static Ticket Request(TicketStatus status) => Ticket(TicketKind.ServiceRequest, status);

    private static ApprovalSet Votes(string[] approvers, params (string Who, bool Yes)[] decisions)
        => new(approvers, decisions.Select(d => new ApprovalDecision(d.Who, d.Yes)));

    private static readonly string[] Three = ["ann", "ben", "cat"];

    [Fact]
    public void FullPath_SubmittedToClosedWithApproval_Succeeds()
    {
        var approvals = Votes(Three, ("ann", true), ("ben", true), ("cat", true));
        var ticket = Request(SR.Submitted);
        var steps = new (WorkflowTrigger Trigger, TransitionContext Context, TicketStatus To, SlaEffect Effect)[]
        {
            (SR.RequestApproval, ByAgent() with { Approvals = Votes(Three) }, SR.AwaitingApproval, SlaEffect.Pause),
            (SR.Approve, By(SystemActor) with { Approvals = approvals }, SR.Approved, SlaEffect.Resume),
            (SR.StartFulfilment, ByAgent(), SR.Fulfilment, SlaEffect.None),
            (SR.Fulfil, ByAgent(), SR.Fulfilled, SlaEffect.Stop),
            (SR.Close, By(Caller), TicketStatus.Closed, SlaEffect.None),
        };

        foreach (var (trigger, context, to, effect) in steps)
        {
            var result = Workflow.Fire(ticket, trigger, context);
            Assert.Equal((to, effect), (result.To, result.SlaEffect));
            ticket = result.Ticket;
        }

        Assert.Empty(Workflow.PermittedTriggers(ticket, ByAgent()));
    }

    [Fact]
    public void TryFire_RequestApprovalWithoutApprovers_RejectedWithDescription()
    {
        var result = Workflow.TryFire(Request(SR.Submitted), SR.RequestApproval, ByAgent());

        var unmet = Assert.Single(result.UnmetGuards);
        Assert.Equal((SR.ApproversAssignedGuard, "approvers are assigned"), (unmet.Name, unmet.Description));
    }

    [Fact]
    public void TryFire_ApproveSubmittedWithoutApprovers_ApprovesDirectly()
        => Assert.Equal(SR.Approved, Workflow.Fire(Request(SR.Submitted), SR.Approve, ByAgent()).To);

    [Fact]
    public void TryFire_ApproveSubmittedWithApprovers_RejectedBecauseApprovalIsRequired()
        => Assert.Equal(
            "no approver is assigned",
            Assert.Single(Workflow.TryFire(Request(SR.Submitted), SR.Approve, ByAgent() with { Approvals = Votes(Three) }).UnmetGuards).Description);

    [Fact]
    public void TryFire_AllRuleWithOnePending_NeitherApproveNorReject()
    {
        var context = By(SystemActor) with { Approvals = Votes(Three, ("ann", true), ("ben", true)) };

        var approve = Workflow.TryFire(Request(SR.AwaitingApproval), SR.Approve, context);
        var reject = Workflow.TryFire(Request(SR.AwaitingApproval), SR.Reject, context);

        Assert.Equal(("ApprovalGranted", "the approval rule (all approvers) is met"), (approve.UnmetGuards[0].Name, approve.UnmetGuards[0].Description));
        Assert.Equal(("ApprovalDenied", "the approval rule (all approvers) can no longer be met"), (reject.UnmetGuards[0].Name, reject.UnmetGuards[0].Description));
        Assert.Equal([SR.Cancel], Workflow.PermittedTriggers(Request(SR.AwaitingApproval), By(Caller) with { Approvals = context.Approvals }));
    }

    [Fact]
    public void TryFire_AllRuleWithOneRejection_Rejects()
    {
        var result = Workflow.Fire(Request(SR.AwaitingApproval), SR.Reject, By(SystemActor) with { Approvals = Votes(Three, ("ann", true), ("ben", false)) });

        Assert.Equal(SR.Rejected, result.To);
        Assert.Equal(SlaEffect.Stop, result.SlaEffect);
        Assert.True(Workflow.GetState(SR.Rejected).IsTerminal);
    }

    [Fact]
    public void TryFire_AnyRule_OneApprovalApproves()
    {
        var workflow = SR.Create(new ServiceRequestLifecycleOptions { ApprovalRule = ApprovalRule.Any });

        Assert.True(workflow.TryFire(Request(SR.AwaitingApproval), SR.Approve, By(SystemActor) with { Approvals = Votes(Three, ("ben", false), ("cat", true)) }).Succeeded);
        Assert.False(workflow.TryFire(Request(SR.AwaitingApproval), SR.Reject, By(SystemActor) with { Approvals = Votes(Three, ("ben", false), ("cat", false)) }).Succeeded);
        Assert.True(workflow.TryFire(Request(SR.AwaitingApproval), SR.Reject, By(SystemActor) with { Approvals = Votes(Three, ("ann", false), ("ben", false), ("cat", false)) }).Succeeded);
    }

    [Fact]
    public void TryFire_TwoOfThreeRule_DecidesAtThresholds()
    {
        var workflow = SR.Create(new ServiceRequestLifecycleOptions { ApprovalRule = ApprovalRule.NOfM(2) });
        TransitionResult Fire(WorkflowTrigger trigger, params (string, bool)[] votes)
            => workflow.TryFire(Request(SR.AwaitingApproval), trigger, By(SystemActor) with { Approvals = Votes(Three, votes) });

        Assert.False(Fire(SR.Approve, ("ann", true)).Succeeded);
        Assert.True(Fire(SR.Approve, ("ann", true), ("cat", true)).Succeeded);
        Assert.False(Fire(SR.Reject, ("ann", false)).Succeeded);
        Assert.True(Fire(SR.Reject, ("ann", false), ("cat", false)).Succeeded);
        Assert.Equal("the approval rule (2 of the approvers) is met", Fire(SR.Approve).UnmetGuards[0].Description);
    }

    [Fact]
    public void Cancel_FromEveryOpenState_CancelsByRequester()
    {
        foreach (var state in new[] { SR.Submitted, SR.AwaitingApproval, SR.Approved, SR.Fulfilment })
        {
            Assert.Equal(TicketStatus.Canceled, Workflow.Fire(Request(state), SR.Cancel, By(Caller)).To);
        }

        Assert.Equal("trigger", Assert.Single(Workflow.TryFire(Request(SR.Fulfilled), SR.Cancel, By(Caller)).UnmetGuards).Name);
    }

    [Fact]
    public void TryFire_StartFulfilmentByRequester_Rejected()
        => Assert.Equal(["actor:Agent|System"], Workflow.TryFire(Request(SR.Approved), SR.StartFulfilment, By(Caller)).UnmetGuards.Names());

    [Fact]
    public void Create_NoPauseWhileAwaitingApproval_SlaKeepsRunning()
    {
        var workflow = SR.Create(new ServiceRequestLifecycleOptions { PauseSlaWhileAwaitingApproval = false });

        Assert.Equal(SlaEffect.None, workflow.Fire(Request(SR.Submitted), SR.RequestApproval, ByAgent() with { Approvals = Votes(Three) }).SlaEffect);
    }

    [Fact]
    public void Create_InvalidOptions_ListsEveryFault()
    {
        var e = Assert.Throws<InvalidDefinitionException>(() => SR.Create(new ServiceRequestLifecycleOptions { Name = "", ApprovalRule = null! }));
        Assert.Equal(2, e.Errors.Count);
    }

    [Fact]
    public void ApprovalRule_Arguments_Validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ApprovalRule.NOfM(0));
        Assert.Throws<ArgumentException>(() => new ApprovalSet(["ok", " "], []));
        Assert.Equal(ApprovalStatus.Pending, ApprovalRule.All.Evaluate(null));
        Assert.Equal(ApprovalStatus.Denied, ApprovalRule.NOfM(4).Evaluate(Votes(Three)));
    }

    [Fact]
    public void ApprovalSet_LastDecisionCountsAndStrangersIgnored()
    {
        var set = Votes(Three, ("ann", false), ("ann", true), ("zed", true), ("ben", false));

        Assert.Equal((1, 1), set.Count());
        Assert.Equal(Three, Votes(["ann", "ben", "ann", "cat"]).Approvers);
    }

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public bool ApprovalRule_NOfM_NeverGrantedAndDeniedAndMatchesCounts(PositiveInt n, bool[] votes)
    {
        var approvers = Enumerable.Range(0, Math.Max(1, votes.Length)).Select(i => $"a{i}").ToArray();
        var set = new ApprovalSet(approvers, votes.Select((v, i) => new ApprovalDecision($"a{i}", v)));
        var required = Math.Min(n.Get, 1000);
        var status = ApprovalRule.NOfM(required).Evaluate(set);
        var yes = votes.Count(v => v);
        var no = votes.Length - yes;
        var expected = yes >= required ? ApprovalStatus.Granted
            : approvers.Length - no < required ? ApprovalStatus.Denied
            : ApprovalStatus.Pending;
        return status == expected;
    }

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public bool ApprovalRule_AnyAndAll_AreOneOfMAndMOfM(bool[] votes)
    {
        if (votes.Length == 0)
        {
            return true;
        }

        var approvers = votes.Select((_, i) => $"a{i}").ToArray();
        var set = new ApprovalSet(approvers, votes.Select((v, i) => new ApprovalDecision($"a{i}", v)));
        return ApprovalRule.Any.Evaluate(set) == ApprovalRule.NOfM(1).Evaluate(set)
            && ApprovalRule.All.Evaluate(set) == ApprovalRule.NOfM(approvers.Length).Evaluate(set);
    }
}
