using ServiceDesk.Events;
using static ServiceDesk.Workflow.Tests.TestData;

namespace ServiceDesk.Workflow.Tests.Lifecycles;

public class TicketLinkRulesTests
{
    [Theory]
    [InlineData(TicketKind.Incident, TicketKind.Problem, TicketLinkType.CausedBy, true)]
    [InlineData(TicketKind.Incident, TicketKind.Change, TicketLinkType.CausedBy, true)]
    [InlineData(TicketKind.Problem, TicketKind.Change, TicketLinkType.CausedBy, true)]
    [InlineData(TicketKind.Problem, TicketKind.Incident, TicketLinkType.CausedBy, false)]
    [InlineData(TicketKind.Problem, TicketKind.Change, TicketLinkType.FixedBy, true)]
    [InlineData(TicketKind.Incident, TicketKind.Change, TicketLinkType.FixedBy, true)]
    [InlineData(TicketKind.Change, TicketKind.Problem, TicketLinkType.FixedBy, false)]
    [InlineData(TicketKind.Incident, TicketKind.Incident, TicketLinkType.ChildOf, true)]
    [InlineData(TicketKind.Incident, TicketKind.Problem, TicketLinkType.ChildOf, false)]
    [InlineData(TicketKind.Problem, TicketKind.Problem, TicketLinkType.DuplicateOf, true)]
    [InlineData(TicketKind.Incident, TicketKind.Incident, TicketLinkType.FollowUpOf, true)]
    [InlineData(TicketKind.ServiceRequest, TicketKind.Change, TicketLinkType.RelatedTo, true)]
    public void Check_KindsAndType_AllowedAsDocumented(TicketKind from, TicketKind to, TicketLinkType type, bool allowed)
        => Assert.Equal(allowed, TicketLinkRules.Check(from, to, type) is null);

    [Fact]
    public void Link_IncidentToProblem_CreatesEventWithNextVersion()
    {
        var incident = Incident(TicketStatus.InProgress);
        var problem = Ticket(TicketKind.Problem, TicketStatus.New);

        var linked = TicketLinkRules.Link(incident, problem, TicketLinkType.CausedBy, Agent, T0);

        Assert.Equal((incident.Id, problem.Id, TicketLinkType.CausedBy, incident.Version + 1), (linked.Ticket, linked.Other, linked.LinkType, linked.Version));
    }

    [Fact]
    public void Link_NotAllowedSelfOrOtherTenant_Throws()
    {
        var incident = Incident(TicketStatus.InProgress);
        var problem = Ticket(TicketKind.Problem, TicketStatus.New);

        var e = Assert.Throws<ArgumentException>(() => TicketLinkRules.Link(problem, incident, TicketLinkType.CausedBy, Agent, T0));
        Assert.Contains("a Problem cannot be caused by a Incident", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => TicketLinkRules.Link(incident, incident, TicketLinkType.RelatedTo, Agent, T0));
        Assert.Throws<ArgumentException>(() => TicketLinkRules.Link(incident, problem with { Tenant = new TenantId("other") }, TicketLinkType.CausedBy, Agent, T0));
    }
}
