using NodaTime;
using ServiceDesk.Events;

namespace ServiceDesk.Tests.Serialization;

/// <summary>One value of every serialized shape, with fixed ids, for the golden JSON test.</summary>
internal static class GoldenJson
{
    private static readonly TenantId T = new("acme");
    private static readonly TicketId Id = new(Guid.Parse("0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10"));
    private static readonly TicketId Other = new(Guid.Parse("6f1d2c3b-4a59-4e8f-9d7c-0b1a2c3d4e5f"));
    private static readonly Instant At = Instant.FromUtc(2025, 3, 3, 9, 0).PlusNanoseconds(123_456_789);

    public static IEnumerable<(string Name, TicketEvent Event)> Events()
    {
        yield return ("opened", new TicketOpened(T, Id, 1, At, Actor.OfIntegration("zabbix"), new TicketNumber(TicketKind.Incident, 42), TicketKind.Incident, "Disk full", Priority.P2High, Channel.Monitoring));
        yield return ("status", new StatusChanged(T, Id, 2, At, Actor.OfAgent(new AgentId("alice")), TicketStatus.New, TicketStatus.OnHold, "AwaitingVendor"));
        yield return ("status-no-reason", new StatusChanged(T, Id, 2, At, Actor.System, TicketStatus.New, TicketStatus.InProgress, null));
        yield return ("assigned", new Assigned(T, Id, 3, At, Actor.System, new GroupId("storage"), new AgentId("bob"), new GroupId("service-desk"), null));
        yield return ("assigned-back", new Assigned(T, Id, 3, At, Actor.System, null, null, new GroupId("service-desk"), new AgentId("carol")));
        yield return ("priority", new PriorityChanged(T, Id, 4, At, Actor.System, Priority.P3Moderate, Priority.P1Critical, Impact.High, Urgency.High, "Escalated by manager"));
        yield return ("comment", new CommentAdded(T, Id, 5, At, Actor.OfRequester("jo@example.org"), CommentVisibility.Public, "Any news? \"quoted\" ✓ <b>&amp;</b> é"));
        yield return ("time", new TimeLogged(T, Id, 6, At, Actor.OfAgent(new AgentId("bob")), new AgentId("bob"), At - Duration.FromMinutes(90), Duration.FromMinutes(90) + Duration.FromNanoseconds(1), true, "onsite"));
        yield return ("linked", new TicketLinked(T, Id, 7, At, Actor.System, Other, TicketLinkType.CausedBy));
        yield return ("satisfaction", new SatisfactionRated(T, Id, 8, At, Actor.OfRequester("jo"), 4, "Quick"));
        yield return ("escalated", new Escalated(T, Id, 9, At, Actor.System, 2, EscalationKind.Functional, "3rd-line"));
        yield return ("sla-threshold", new SlaThresholdReached(T, Id, 10, At, Actor.System, "resolution", 1, "75%", At - Duration.FromMinutes(1)));
        yield return ("attribute", new AttributeChanged(T, Id, 11, At, Actor.OfAgent(new AgentId("alice")), "known_error", AttributeValue.FromBoolean(true)));
        yield return ("attribute-removed", new AttributeChanged(T, Id, 12, At, Actor.OfAgent(new AgentId("alice")), "workaround", null));
        yield return ("sla-repaired", new SlaRepaired(T, Id, 13, At, Actor.System, "standard", "0123456789abcdef", "fedcba9876543210"));
        yield return ("linked-from", new TicketLinkedFrom(T, Id, 14, At, Actor.OfAgent(new AgentId("alice")), Other, TicketLinkType.ChildOf));
        yield return ("approval-requested", new ApprovalRequested(T, Id, 15, At, Actor.OfAgent(new AgentId("alice")), 1, ["bob", "carol"], null, 0, At + Duration.FromHours(4)));
        yield return ("approval-decided", new ApprovalDecided(T, Id, 16, At, Actor.OfAgent(new AgentId("bob")), 1, true, "fine", ApprovalOutcome.Pending));
        yield return ("approval-withdrawn", new ApprovalWithdrawn(T, Id, 17, At, Actor.OfAgent(new AgentId("alice")), 1, "wrong approver"));
        yield return ("major-incident", new MajorIncidentChanged(T, Id, 18, At, Actor.System, true, "all sites"));
        yield return ("classification", new ClassificationChanged(
            T, Id, 19, At, Actor.OfAgent(new AgentId("alice")), new TicketCategory("Network", "VPN"), new ServiceId("vpn"), new ConfigurationItemId("fw-01"), new ContractId("C-GOLD"),
            new TicketCategory("Hardware"), null, null, null));
        yield return ("sla-policy", new SlaPolicyReselected(T, Id, 20, At, Actor.System, "gold", "standard", true));
        yield return ("sla-due", new SlaDueOverridden(T, Id, 21, At, Actor.OfAgent(new AgentId("alice")), "resolution", At + Duration.FromHours(30), "promised to the customer"));
        yield return ("sla-due-cleared", new SlaDueOverridden(T, Id, 22, At, Actor.OfAgent(new AgentId("alice")), "resolution", null, null));
        yield return ("routed", new TicketRouted(T, Id, 23, At, Actor.System, new GroupId("network"), ["vip", "outage"], "rule 'vpn' (order 0, position 0) matched"));
        yield return ("agent-assignment", new AgentAssignmentDecided(
            T, Id, 24, At, Actor.OfAgent(new AgentId("alice")), AssignmentTrigger.Opened, new GroupId("network"), new AgentId("bob"), "least-loaded", 3, 2,
            "3 candidates in network; removed by not-absent: 1 (carl); 2 eligible"));
    }

    public static IEnumerable<(string Name, Ticket Ticket)> Tickets()
    {
        yield return ("minimal", Samples.Ticket(TicketKind.Incident, 1, Id) with { OpenedAt = At, UpdatedAt = At });
        yield return ("full", Samples.FullTicket(Id, At, At + Duration.FromDays(1)));
    }
}
