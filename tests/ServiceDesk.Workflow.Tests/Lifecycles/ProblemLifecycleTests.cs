using ServiceDesk.Events;
using static ServiceDesk.Workflow.Tests.TestData;
using PL = ServiceDesk.Workflow.ProblemLifecycle;

namespace ServiceDesk.Workflow.Tests.Lifecycles;

public class ProblemLifecycleTests
{
    private static readonly WorkflowDefinition Workflow = PL.Create();

    private static Ticket Problem(TicketStatus status) => Ticket(TicketKind.Problem, status);

    [Fact]
    public void FullPath_NewToClosedWithFixApplied_Succeeds()
    {
        var ticket = PL.DocumentRootCause(Problem(TicketStatus.New), "Firmware leaks memory");
        ticket = Workflow.Fire(ticket, PL.StartAssessment, ByAgent()).Ticket;
        ticket = Workflow.Fire(ticket, PL.Analyze, ByAgent()).Ticket;
        ticket = Workflow.Fire(ticket, PL.StartFix, ByAgent()).Ticket;
        var resolved = Workflow.Fire(ticket, PL.Resolve, ByAgent() with { Notes = "Firmware 2.1 rolled out" });
        var closed = Workflow.Fire(resolved.Ticket, PL.Close, ByAgent() with { Reason = PL.FixApplied });

        Assert.Equal(SlaEffect.Stop, resolved.SlaEffect);
        Assert.Equal(TicketStatus.Closed, closed.To);
        Assert.Equal(PL.FixApplied, Assert.IsType<StatusChanged>(closed.Events[0]).Reason);
        Assert.True(Workflow.GetState(TicketStatus.Closed).IsTerminal);
    }

    [Fact]
    public void TryFire_StartFixWithoutRootCause_Rejected()
    {
        var unmet = Assert.Single(Workflow.TryFire(Problem(PL.RootCauseAnalysis), PL.StartFix, ByAgent()).UnmetGuards);
        Assert.Equal((PL.RootCauseDocumentedGuard, "the root cause is documented"), (unmet.Name, unmet.Description));
    }

    [Fact]
    public void TryFire_ResolveWithoutNotes_Rejected()
        => Assert.Equal(["notes"], Workflow.TryFire(Problem(PL.FixInProgress), PL.Resolve, ByAgent()).UnmetGuards.Names());

    [Fact]
    public void TryFire_Resolve_CascadesToOpenIncidentsCausedByTheProblem()
    {
        var open = new LinkedTicket(TicketId.New(), TicketKind.Incident, TicketStatus.OnHold, TicketLinkType.CausedBy, LinkDirection.Incoming);
        var done = open with { Id = TicketId.New(), Status = TicketStatus.Closed };
        var change = new LinkedTicket(TicketId.New(), TicketKind.Change, TicketStatus.New, TicketLinkType.FixedBy, LinkDirection.Outgoing);

        var result = Workflow.Fire(Problem(PL.FixInProgress), PL.Resolve, ByAgent() with { Notes = "Patched", Links = [open, done, change] });

        Assert.Equal(new CascadeAction(open.Id, IncidentLifecycle.Resolve, "SolvedPermanently", "Patched", TicketLinkType.CausedBy), Assert.Single(result.Cascades));
    }

    [Fact]
    public void Cascade_IntoIncidentLifecycle_ResolvesTheIncident()
    {
        var incidentWorkflow = IncidentLifecycle.Create();
        var link = new LinkedTicket(TicketId.New(), TicketKind.Incident, TicketStatus.OnHold, TicketLinkType.CausedBy, LinkDirection.Incoming);
        var cascade = Assert.Single(Workflow.Fire(Problem(PL.FixInProgress), PL.Resolve, ByAgent() with { Notes = "Patched", Links = [link] }).Cascades);

        var incident = Incident(TicketStatus.OnHold, IncidentLifecycle.AwaitingProblem);
        var result = incidentWorkflow.Fire(incident, cascade.Trigger, By(SystemActor) with { Reason = cascade.Reason, Notes = cascade.Notes });

        Assert.Equal(TicketStatus.Resolved, result.To);
    }

    [Fact]
    public void TryFire_ResolveWithCascadeOff_NoCascade()
    {
        var workflow = PL.Create(new ProblemLifecycleOptions { ResolveLinkedIncidents = false });
        var link = new LinkedTicket(TicketId.New(), TicketKind.Incident, TicketStatus.New, TicketLinkType.CausedBy, LinkDirection.Incoming);

        Assert.Empty(workflow.Fire(Problem(PL.FixInProgress), PL.Resolve, ByAgent() with { Notes = "x", Links = [link] }).Cascades);
    }

    [Fact]
    public void TryFire_CloseResolvedWithWrongClosureCode_RejectedListingAllowedCode()
    {
        var unmet = Assert.Single(Workflow.TryFire(Problem(TicketStatus.Resolved), PL.Close, ByAgent() with { Reason = PL.Duplicate }).UnmetGuards);
        Assert.Equal(("reason", "a reason for 'Closed' is given, one of 'FixApplied'"), (unmet.Name, unmet.Description));
    }

    [Fact]
    public void TryFire_AcceptRiskForKnownErrorWithWorkaround_ClosesWithRiskAccepted()
    {
        var known = PL.MarkKnownError(Problem(PL.RootCauseAnalysis), "Restart the spooler");

        var result = Workflow.Fire(known, PL.AcceptRisk, ByAgent() with { Reason = PL.RiskAccepted });

        Assert.True(PL.IsKnownError(known));
        Assert.Equal("Restart the spooler", PL.Workaround(known));
        Assert.Equal((TicketStatus.Closed, "RiskAccepted"), (result.To, Assert.IsType<StatusChanged>(result.Events[0]).Reason));
    }

    [Fact]
    public void TryFire_AcceptRiskWithoutKnownError_Rejected()
    {
        var unmet = Assert.Single(Workflow.TryFire(Problem(PL.Assess), PL.AcceptRisk, ByAgent() with { Reason = PL.RiskAccepted }).UnmetGuards);
        Assert.Equal((PL.KnownErrorWithWorkaroundGuard, "the problem is a known error with a documented workaround"), (unmet.Name, unmet.Description));
    }

    [Theory]
    [InlineData(PL.Duplicate)]
    [InlineData(PL.CanceledCode)]
    public void TryFire_CancelBeforeResolution_ClosesWithCode(string code)
    {
        foreach (var state in new[] { TicketStatus.New, PL.Assess, PL.RootCauseAnalysis, PL.FixInProgress })
        {
            Assert.Equal(code, Assert.IsType<StatusChanged>(Workflow.Fire(Problem(state), PL.Cancel, ByAgent() with { Reason = code }).Events[0]).Reason);
        }
    }

    [Fact]
    public void TryFire_CancelWithFixApplied_Rejected()
        => Assert.Equal(["reason"], Workflow.TryFire(Problem(PL.Assess), PL.Cancel, ByAgent() with { Reason = PL.FixApplied }).UnmetGuards.Names());

    [Fact]
    public void TryFire_ReopenResolved_BackToFixInProgress()
    {
        var result = Workflow.Fire(Problem(TicketStatus.Resolved), PL.Reopen, ByAgent());
        Assert.Equal((PL.FixInProgress, SlaEffect.Resume), (result.To, result.SlaEffect));
    }

    [Fact]
    public void Helpers_WrongKindOrBlank_Throw()
    {
        Assert.Throws<ArgumentException>(() => PL.MarkKnownError(Incident(TicketStatus.New), "w"));
        Assert.Throws<ArgumentException>(() => PL.MarkKnownError(Problem(TicketStatus.New), " "));
        Assert.Throws<ArgumentException>(() => PL.DocumentRootCause(Problem(TicketStatus.New), ""));
        Assert.Null(PL.Workaround(Problem(TicketStatus.New)));
        Assert.Throws<InvalidDefinitionException>(() => PL.Create(new ProblemLifecycleOptions { IncidentResolutionCode = "not valid" }));
    }
}
