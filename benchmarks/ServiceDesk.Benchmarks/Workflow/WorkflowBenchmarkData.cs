using NodaTime;
using ServiceDesk.Workflow;
using ServiceDesk.Workflow.Replay;

namespace ServiceDesk.Benchmarks.Workflow;

/// <summary>The incident lifecycle, tickets and contexts the workflow benchmarks share.</summary>
public static class WorkflowBenchmarkData
{
    /// <summary>The moment the sample tickets were opened: a Monday.</summary>
    public static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 9, 0);

    /// <summary>Gets the options of the source instance of the UCI log: auto-close after five days on a 24x7 calendar, reopen
    /// within ten days of closure (the same as the replay test).</summary>
    public static IncidentLifecycleOptions Options { get; } = UciIncidentMapping.Options;

    /// <summary>Gets an agent.</summary>
    public static Actor Agent { get; } = Actor.OfAgent(new AgentId("alice"));

    /// <summary>A ticket of the sample incident in a status.</summary>
    public static Ticket Incident(TicketStatus status, string? holdReason = null) => new()
    {
        Tenant = new TenantId("acme"),
        Id = TicketId.New(),
        Number = new TicketNumber(TicketKind.Incident, 42),
        Kind = TicketKind.Incident,
        Subject = "Printer on fire",
        Status = status,
        HoldReason = holdReason,
        Impact = Impact.Medium,
        Urgency = Urgency.Medium,
        Priority = Priority.P3Moderate,
        Channel = Channel.Email,
        Requester = new Requester(new CustomerId("c1"), "Bob", "bob@example.com"),
        OpenedAt = T0,
        UpdatedAt = T0,
        Version = 3,
    };
}
