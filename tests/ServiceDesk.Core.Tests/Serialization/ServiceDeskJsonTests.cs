using System.Text.Json;
using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Serialization;

namespace ServiceDesk.Tests.Serialization;

public sealed class ServiceDeskJsonTests
{
    private static readonly TenantId T = Samples.Tenant;
    private static readonly TicketId Id = new(Guid.Parse("0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10"));
    private static readonly Instant At = Instant.FromUtc(2025, 3, 3, 9, 0).PlusNanoseconds(123_456_789);

    public static TheoryData<TicketEvent> Events() => new()
    {
        new TicketOpened(T, Id, 1, At, Actor.OfIntegration("zabbix"), new TicketNumber(TicketKind.Incident, 42), TicketKind.Incident, "Disk full", Priority.P2High, Channel.Monitoring),
        new StatusChanged(T, Id, 2, At, Actor.OfAgent(new AgentId("alice")), TicketStatus.New, TicketStatus.OnHold, "AwaitingVendor"),
        new Assigned(T, Id, 3, At, Actor.System, new GroupId("storage"), new AgentId("bob"), new GroupId("service-desk"), null),
        new PriorityChanged(T, Id, 4, At, Actor.System, Priority.P3Moderate, Priority.P1Critical, Impact.High, Urgency.High, "Escalated by manager"),
        new CommentAdded(T, Id, 5, At, Actor.OfRequester("jo@example.org"), CommentVisibility.Public, "Any news? \"quoted\" ✓"),
        new TimeLogged(T, Id, 6, At, Actor.OfAgent(new AgentId("bob")), new AgentId("bob"), At - Duration.FromMinutes(90), Duration.FromMinutes(90) + Duration.FromNanoseconds(1), true, "onsite"),
        new TicketLinked(T, Id, 7, At, Actor.System, TicketId.New(), TicketLinkType.CausedBy),
        new SatisfactionRated(T, Id, 8, At, Actor.OfRequester("jo"), 4, "Quick"),
        new Escalated(T, Id, 9, At, Actor.System, 2, EscalationKind.Functional, "3rd-line"),
        new SlaThresholdReached(T, Id, 10, At, Actor.System, "resolution", 1, "75%", At - Duration.FromMinutes(1)),
        new AttributeChanged(T, Id, 11, At, Actor.OfAgent(new AgentId("alice")), "known_error", AttributeValue.FromBoolean(true)),
        new AttributeChanged(T, Id, 12, At, Actor.OfAgent(new AgentId("alice")), "workaround", null),
        new SlaRepaired(T, Id, 13, At, Actor.System, "standard", "0123456789abcdef", "fedcba9876543210"),
        new TicketLinkedFrom(T, Id, 14, At, Actor.OfAgent(new AgentId("alice")), TicketId.New(), TicketLinkType.ChildOf),
        new ApprovalRequested(T, Id, 15, At, Actor.OfAgent(new AgentId("alice")), 1, ["bob", "carol"], null, 0, At + Duration.FromHours(4)),
        new ApprovalDecided(T, Id, 16, At, Actor.OfAgent(new AgentId("bob")), 1, true, "fine", ApprovalOutcome.Pending),
        new ApprovalWithdrawn(T, Id, 17, At, Actor.OfAgent(new AgentId("alice")), 1, "wrong approver"),
        new MajorIncidentChanged(T, Id, 18, At, Actor.System, true, "all sites"),
        new ClassificationChanged(T, Id, 19, At, Actor.OfAgent(new AgentId("alice")), new TicketCategory("Network", "VPN"), new ServiceId("vpn"), null, new ContractId("C-GOLD"), null, null, new ConfigurationItemId("fw-01"), null),
        new SlaPolicyReselected(T, Id, 20, At, Actor.System, "gold", null, false),
        new SlaDueOverridden(T, Id, 21, At, Actor.OfAgent(new AgentId("alice")), "resolution", At + Duration.FromHours(3), "promised"),
        new TicketRouted(T, Id, 22, At, Actor.System, null, [], "no rule matched (3 evaluated); nothing decided"),
        new AgentAssignmentDecided(T, Id, 23, At, Actor.System, AssignmentTrigger.AgentUnavailable, new GroupId("desk"), null, "round-robin", 0, 0, "0 candidates in desk; 0 eligible; nobody eligible"),
    };

    [Theory]
    [MemberData(nameof(Events))]
    public void Event_RoundTrips_WithTypeDiscriminator(TicketEvent e)
    {
        var json = ServiceDeskJson.Serialize(e);
        var back = ServiceDeskJson.DeserializeEvent(json);
        Assert.Equal(e, back);
        Assert.Equal(e.GetType(), back.GetType());
        Assert.StartsWith("{\"type\":", json, StringComparison.Ordinal);
    }

    [Fact]
    public void DeserializeEvent_DiscriminatorNotFirst_StillReadsTheType()
    {
        var json = "{\"tenant\":\"acme\",\"type\":\"satisfaction\",\"ticket\":\"0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10\",\"version\":3,\"at\":\"2025-03-03T09:00:00Z\",\"actor\":\"Requester:jo\",\"score\":5}";
        var e = Assert.IsType<SatisfactionRated>(ServiceDeskJson.DeserializeEvent(json));
        Assert.Equal(5, e.Score);
    }

    [Fact]
    public void EveryEventType_IsCoveredByTheRoundTripTest()
    {
        var covered = ((IEnumerable<object[]>)Events()).Select(row => row[0].GetType()).ToHashSet();
        var all = typeof(TicketEvent).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(TicketEvent)) && !t.IsAbstract);
        Assert.Equal(all.OrderBy(t => t.Name), covered.OrderBy(t => t.Name));
    }

    [Fact]
    public void Ticket_WithEveryProperty_RoundTrips()
    {
        var t = Samples.FullTicket(Id, At, At + Duration.FromDays(1));

        var json = ServiceDeskJson.Serialize(t);
        Assert.Equal(t, ServiceDeskJson.DeserializeTicket(json));
        Assert.Contains("\"number\":\"CHG0000007\"", json, StringComparison.Ordinal);
        Assert.Contains("\"openedAt\":\"2025-03-03T09:00:00.123456789Z\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Ticket_MinimalRoundTrips()
    {
        var t = Samples.Ticket();
        Assert.Equal(t, ServiceDeskJson.DeserializeTicket(ServiceDeskJson.Serialize(t)));
    }

    [Theory]
    [InlineData("\"subject\":\"Printer on floor 3 is jammed\"", "\"subject\":\"\"", "Subject")]
    [InlineData("\"priority\":\"P2High\"", "\"priority\":\"P9\"", "$.priority")]
    [InlineData("\"number\":\"INC0000001\"", "\"number\":\"XYZ1\"", "XYZ1")]
    [InlineData("\"impact\":2", "\"impact\":12", "between 1 and 9")]
    [InlineData("\"version\":1", "\"version\":0", "Version")]
    public void DeserializeTicket_CorruptValue_ThrowsJsonExceptionNamingIt(string good, string bad, string expected)
    {
        var json = ServiceDeskJson.Serialize(Samples.Ticket());
        Assert.Contains(good, json, StringComparison.Ordinal);
        var ex = Assert.Throws<JsonException>(() => ServiceDeskJson.DeserializeTicket(json.Replace(good, bad, StringComparison.Ordinal)));
        Assert.Contains(expected, ex.Message + ex.InnerException?.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("{\"type\":\"nope\",\"tenant\":\"a\"}")]
    [InlineData("{\"type\":\"satisfaction\",\"tenant\":\"acme\",\"ticket\":\"0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10\",\"version\":3,\"at\":\"2025-03-03T09:00:00Z\",\"actor\":\"Requester:jo\",\"score\":9}")]
    [InlineData("{\"type\":\"comment\",\"tenant\":\"acme\",\"ticket\":\"0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10\",\"version\":3,\"at\":\"2025-03-03T09:00:00Z\",\"actor\":\"Robot:x\",\"visibility\":\"Public\",\"text\":\"x\"}")]
    [InlineData("{\"type\":\"comment\",\"tenant\":\"acme\",\"ticket\":\"0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10\",\"version\":3,\"at\":\"yesterday\",\"actor\":\"System:system\",\"visibility\":\"Public\",\"text\":\"x\"}")]
    public void DeserializeEvent_Invalid_ThrowsJsonException(string json)
        => Assert.Throws<JsonException>(() => ServiceDeskJson.DeserializeEvent(json));

    [Fact]
    public void Options_AreReadOnly_CreateOptionsIsMutable()
    {
        Assert.True(ServiceDeskJson.Options.IsReadOnly);
        Assert.Throws<InvalidOperationException>(() => ServiceDeskJson.Options.WriteIndented = true);
        var mine = ServiceDeskJson.CreateOptions();
        mine.WriteIndented = true;
        Assert.Contains("\n", JsonSerializer.Serialize(Samples.Ticket(), mine), StringComparison.Ordinal);
    }
}
