using ServiceDesk.Serialization;

namespace ServiceDesk.Tests.Serialization;

/// <summary>
/// JSON written by the reflection-based serializer that stores used before the source-generated context (captured from
/// it, unchanged since): every event type and a minimal and a full ticket must still read to the same value, and be
/// written byte for byte the same, so existing databases and outbox consumers see no difference.
/// </summary>
public sealed class ServiceDeskJsonGoldenTests
{
    private static readonly Dictionary<string, string> EventJson = new(StringComparer.Ordinal)
    {
        ["opened"] = "{\"type\":\"opened\",\"version\":1,\"number\":\"INC0000042\",\"kind\":\"Incident\",\"subject\":\"Disk full\",\"priority\":\"P2High\",\"channel\":\"Monitoring\",\"tenant\":\"acme\",\"ticket\":\"0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10\",\"at\":\"2025-03-03T09:00:00.123456789Z\",\"actor\":\"Integration:zabbix\"}",
        ["status"] = "{\"type\":\"status\",\"from\":\"New\",\"to\":\"OnHold\",\"reason\":\"AwaitingVendor\",\"tenant\":\"acme\",\"ticket\":\"0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10\",\"version\":2,\"at\":\"2025-03-03T09:00:00.123456789Z\",\"actor\":\"Agent:alice\"}",
        ["status-no-reason"] = "{\"type\":\"status\",\"from\":\"New\",\"to\":\"InProgress\",\"tenant\":\"acme\",\"ticket\":\"0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10\",\"version\":2,\"at\":\"2025-03-03T09:00:00.123456789Z\",\"actor\":\"System:system\"}",
        ["assigned"] = "{\"type\":\"assigned\",\"group\":\"storage\",\"previousGroup\":\"service-desk\",\"agent\":\"bob\",\"tenant\":\"acme\",\"ticket\":\"0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10\",\"version\":3,\"at\":\"2025-03-03T09:00:00.123456789Z\",\"actor\":\"System:system\"}",
        ["assigned-back"] = "{\"type\":\"assigned\",\"previousGroup\":\"service-desk\",\"previousAgent\":\"carol\",\"tenant\":\"acme\",\"ticket\":\"0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10\",\"version\":3,\"at\":\"2025-03-03T09:00:00.123456789Z\",\"actor\":\"System:system\"}",
        ["priority"] = "{\"type\":\"priority\",\"from\":\"P3Moderate\",\"to\":\"P1Critical\",\"impact\":1,\"urgency\":1,\"reason\":\"Escalated by manager\",\"tenant\":\"acme\",\"ticket\":\"0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10\",\"version\":4,\"at\":\"2025-03-03T09:00:00.123456789Z\",\"actor\":\"System:system\"}",
        ["comment"] = "{\"type\":\"comment\",\"visibility\":\"Public\",\"text\":\"Any news? \\u0022quoted\\u0022 \\u2713 \\u003Cb\\u003E\\u0026amp;\\u003C/b\\u003E \\u00E9\",\"tenant\":\"acme\",\"ticket\":\"0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10\",\"version\":5,\"at\":\"2025-03-03T09:00:00.123456789Z\",\"actor\":\"Requester:jo@example.org\"}",
        ["time"] = "{\"type\":\"time\",\"billable\":true,\"started\":\"2025-03-03T07:30:00.123456789Z\",\"agent\":\"bob\",\"duration\":\"0:01:30:00.000000001\",\"activity\":\"onsite\",\"tenant\":\"acme\",\"ticket\":\"0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10\",\"version\":6,\"at\":\"2025-03-03T09:00:00.123456789Z\",\"actor\":\"Agent:bob\"}",
        ["linked"] = "{\"type\":\"linked\",\"other\":\"6f1d2c3b-4a59-4e8f-9d7c-0b1a2c3d4e5f\",\"linkType\":\"CausedBy\",\"tenant\":\"acme\",\"ticket\":\"0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10\",\"version\":7,\"at\":\"2025-03-03T09:00:00.123456789Z\",\"actor\":\"System:system\"}",
        ["satisfaction"] = "{\"type\":\"satisfaction\",\"score\":4,\"comment\":\"Quick\",\"tenant\":\"acme\",\"ticket\":\"0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10\",\"version\":8,\"at\":\"2025-03-03T09:00:00.123456789Z\",\"actor\":\"Requester:jo\"}",
        ["escalated"] = "{\"type\":\"escalated\",\"level\":2,\"escalationKind\":\"Functional\",\"target\":\"3rd-line\",\"tenant\":\"acme\",\"ticket\":\"0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10\",\"version\":9,\"at\":\"2025-03-03T09:00:00.123456789Z\",\"actor\":\"System:system\"}",
        ["sla-threshold"] = "{\"type\":\"sla-threshold\",\"reachedAt\":\"2025-03-03T08:59:00.123456789Z\",\"metric\":\"resolution\",\"cycle\":1,\"threshold\":\"75%\",\"tenant\":\"acme\",\"ticket\":\"0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10\",\"version\":10,\"at\":\"2025-03-03T09:00:00.123456789Z\",\"actor\":\"System:system\"}",
        ["attribute"] = "{\"type\":\"attribute\",\"key\":\"known_error\",\"value\":{\"kind\":\"Boolean\",\"value\":true},\"tenant\":\"acme\",\"ticket\":\"0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10\",\"version\":11,\"at\":\"2025-03-03T09:00:00.123456789Z\",\"actor\":\"Agent:alice\"}",
        ["attribute-removed"] = "{\"type\":\"attribute\",\"key\":\"workaround\",\"tenant\":\"acme\",\"ticket\":\"0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10\",\"version\":12,\"at\":\"2025-03-03T09:00:00.123456789Z\",\"actor\":\"Agent:alice\"}",
        ["sla-repaired"] = "{\"type\":\"sla-repaired\",\"policy\":\"standard\",\"fromFingerprint\":\"0123456789abcdef\",\"toFingerprint\":\"fedcba9876543210\",\"tenant\":\"acme\",\"ticket\":\"0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10\",\"version\":13,\"at\":\"2025-03-03T09:00:00.123456789Z\",\"actor\":\"System:system\"}",
        ["linked-from"] = "{\"type\":\"linked-from\",\"other\":\"6f1d2c3b-4a59-4e8f-9d7c-0b1a2c3d4e5f\",\"linkType\":\"ChildOf\",\"tenant\":\"acme\",\"ticket\":\"0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10\",\"version\":14,\"at\":\"2025-03-03T09:00:00.123456789Z\",\"actor\":\"Agent:alice\"}",
        ["approval-requested"] = "{\"type\":\"approval-requested\",\"approval\":1,\"approvers\":[\"bob\",\"carol\"],\"required\":0,\"dueAt\":\"2025-03-03T13:00:00.123456789Z\",\"tenant\":\"acme\",\"ticket\":\"0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10\",\"version\":15,\"at\":\"2025-03-03T09:00:00.123456789Z\",\"actor\":\"Agent:alice\"}",
        ["approval-decided"] = "{\"type\":\"approval-decided\",\"approved\":true,\"approval\":1,\"comment\":\"fine\",\"outcome\":\"Pending\",\"tenant\":\"acme\",\"ticket\":\"0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10\",\"version\":16,\"at\":\"2025-03-03T09:00:00.123456789Z\",\"actor\":\"Agent:bob\"}",
        ["approval-withdrawn"] = "{\"type\":\"approval-withdrawn\",\"approval\":1,\"reason\":\"wrong approver\",\"tenant\":\"acme\",\"ticket\":\"0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10\",\"version\":17,\"at\":\"2025-03-03T09:00:00.123456789Z\",\"actor\":\"Agent:alice\"}",
        ["major-incident"] = "{\"type\":\"major-incident\",\"declared\":true,\"reason\":\"all sites\",\"tenant\":\"acme\",\"ticket\":\"0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10\",\"version\":18,\"at\":\"2025-03-03T09:00:00.123456789Z\",\"actor\":\"System:system\"}",

        // Events added after the source-generated context (issue 14 item 8): written by it, pinned since.
        ["classification"] = "{\"type\":\"classification\",\"category\":{\"category\":\"Network\",\"subcategory\":\"VPN\"},\"service\":\"vpn\",\"configurationItem\":\"fw-01\",\"contract\":\"C-GOLD\",\"previousCategory\":{\"category\":\"Hardware\"},\"tenant\":\"acme\",\"ticket\":\"0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10\",\"version\":19,\"at\":\"2025-03-03T09:00:00.123456789Z\",\"actor\":\"Agent:alice\"}",
        ["sla-policy"] = "{\"type\":\"sla-policy\",\"restarted\":true,\"policy\":\"gold\",\"previousPolicy\":\"standard\",\"tenant\":\"acme\",\"ticket\":\"0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10\",\"version\":20,\"at\":\"2025-03-03T09:00:00.123456789Z\",\"actor\":\"System:system\"}",
        ["sla-due"] = "{\"type\":\"sla-due\",\"due\":\"2025-03-04T15:00:00.123456789Z\",\"metric\":\"resolution\",\"reason\":\"promised to the customer\",\"tenant\":\"acme\",\"ticket\":\"0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10\",\"version\":21,\"at\":\"2025-03-03T09:00:00.123456789Z\",\"actor\":\"Agent:alice\"}",
        ["sla-due-cleared"] = "{\"type\":\"sla-due\",\"metric\":\"resolution\",\"tenant\":\"acme\",\"ticket\":\"0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10\",\"version\":22,\"at\":\"2025-03-03T09:00:00.123456789Z\",\"actor\":\"Agent:alice\"}",

        // Events of issue 15 (automatic assignment): written by the source-generated context, pinned since.
        ["routed"] = "{\"type\":\"routed\",\"group\":\"network\",\"tags\":[\"vip\",\"outage\"],\"explanation\":\"rule \\u0027vpn\\u0027 (order 0, position 0) matched\",\"tenant\":\"acme\",\"ticket\":\"0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10\",\"version\":23,\"at\":\"2025-03-03T09:00:00.123456789Z\",\"actor\":\"System:system\"}",
        ["agent-assignment"] = "{\"type\":\"agent-assignment\",\"agent\":\"bob\",\"trigger\":\"Opened\",\"group\":\"network\",\"strategy\":\"least-loaded\",\"candidates\":3,\"eligible\":2,\"explanation\":\"3 candidates in network; removed by not-absent: 1 (carl); 2 eligible\",\"tenant\":\"acme\",\"ticket\":\"0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10\",\"version\":24,\"at\":\"2025-03-03T09:00:00.123456789Z\",\"actor\":\"Agent:alice\"}",
    };

    private static readonly Dictionary<string, string> TicketJson = new(StringComparer.Ordinal)
    {
        ["minimal"] = "{\"tenant\":\"acme\",\"id\":\"0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10\",\"number\":\"INC0000001\",\"kind\":\"Incident\",\"subject\":\"Printer on floor 3 is jammed\",\"description\":\"\",\"status\":\"New\",\"impact\":2,\"urgency\":1,\"priority\":\"P2High\",\"channel\":\"Portal\",\"requester\":{\"customer\":\"globex\",\"contact\":\"Hank Scorpio\",\"email\":\"hank@globex.example\"},\"isMajorIncident\":false,\"attributes\":{},\"openedAt\":\"2025-03-03T09:00:00.123456789Z\",\"updatedAt\":\"2025-03-03T09:00:00.123456789Z\",\"version\":1}",
        ["full"] = "{\"tenant\":\"acme\",\"id\":\"0b3c6a1e-5f0e-4d4b-9c39-2a3f1d7e9b10\",\"number\":\"CHG0000007\",\"kind\":\"Change\",\"subject\":\"Printer on floor 3 is jammed\",\"description\":\"multi\\nline\",\"status\":\"OnHold\",\"holdReason\":\"AwaitingVendor\",\"impact\":2,\"urgency\":1,\"priority\":\"P2High\",\"channel\":\"Portal\",\"requester\":{\"customer\":\"globex\",\"contact\":\"Hank Scorpio\",\"email\":\"hank@globex.example\"},\"category\":{\"category\":\"Network\",\"subcategory\":\"VPN\"},\"service\":\"vpn\",\"configurationItem\":\"fw-01\",\"location\":\"hq\",\"contract\":\"c-1\",\"assignmentGroup\":\"net\",\"assignee\":\"alice\",\"isMajorIncident\":true,\"attributes\":{\"b\":{\"kind\":\"Boolean\",\"value\":true},\"d\":{\"kind\":\"Decimal\",\"value\":0.1},\"day\":{\"kind\":\"Date\",\"value\":\"2024-02-29\"},\"i\":{\"kind\":\"Integer\",\"value\":9223372036854775807},\"s\":{\"kind\":\"String\",\"value\":\"x\"},\"t\":{\"kind\":\"Instant\",\"value\":\"2025-03-03T09:00:00.1234567Z\"}},\"openedAt\":\"2025-03-03T09:00:00.123456789Z\",\"updatedAt\":\"2025-03-04T09:00:00.123456789Z\",\"version\":12}",
    };

    public static TheoryData<string> EventNames() => [.. GoldenJson.Events().Select(e => e.Name)];

    public static TheoryData<string> TicketNames() => [.. GoldenJson.Tickets().Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(EventNames))]
    public void DeserializeEvent_JsonOfTheReflectionSerializer_ReadsTheSameEvent(string name)
    {
        var expected = GoldenJson.Events().Single(e => e.Name == name).Event;
        var read = ServiceDeskJson.DeserializeEvent(EventJson[name]);
        Assert.Equal(expected.GetType(), read.GetType());
        Assert.Equal(expected, read);
    }

    [Theory]
    [MemberData(nameof(EventNames))]
    public void SerializeEvent_WritesTheBytesOfTheReflectionSerializer(string name)
        => Assert.Equal(EventJson[name], ServiceDeskJson.Serialize(GoldenJson.Events().Single(e => e.Name == name).Event));

    [Theory]
    [MemberData(nameof(TicketNames))]
    public void DeserializeTicket_JsonOfTheReflectionSerializer_ReadsTheSameTicket(string name)
        => Assert.Equal(GoldenJson.Tickets().Single(t => t.Name == name).Ticket, ServiceDeskJson.DeserializeTicket(TicketJson[name]));

    [Theory]
    [MemberData(nameof(TicketNames))]
    public void SerializeTicket_WritesTheBytesOfTheReflectionSerializer(string name)
        => Assert.Equal(TicketJson[name], ServiceDeskJson.Serialize(GoldenJson.Tickets().Single(t => t.Name == name).Ticket));

    [Fact]
    public void GoldenEvents_CoverEveryEventType()
    {
        var covered = GoldenJson.Events().Select(e => e.Event.GetType()).ToHashSet();
        var all = typeof(ServiceDesk.Events.TicketEvent).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(ServiceDesk.Events.TicketEvent)) && !t.IsAbstract);
        Assert.Equal(all.OrderBy(t => t.Name), covered.OrderBy(t => t.Name));
    }
}
