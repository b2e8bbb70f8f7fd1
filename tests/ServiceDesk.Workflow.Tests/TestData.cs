using NodaTime;

namespace ServiceDesk.Workflow.Tests;

/// <summary>Tickets, actors and contexts for the tests.</summary>
internal static class TestData
{
    public static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 9, 0); // a Monday

    public static readonly TenantId Tenant = new("acme");

    public static Actor Agent { get; } = Actor.OfAgent(new AgentId("alice"));

    public static Actor Caller { get; } = Actor.OfRequester("bob@example.com");

    public static Actor SystemActor { get; } = Actor.System;

    public static Actor Integration { get; } = Actor.OfIntegration("mail-gateway");

    public static Ticket Ticket(TicketKind kind, TicketStatus status, string? holdReason = null, bool major = false, CustomAttributes? attributes = null)
        => new()
        {
            Tenant = Tenant,
            Id = TicketId.New(),
            Number = new TicketNumber(kind, 42),
            Kind = kind,
            Subject = "Printer on fire",
            Status = status,
            HoldReason = holdReason,
            Impact = Impact.Medium,
            Urgency = Urgency.Medium,
            Priority = Priority.P3Moderate,
            Channel = Channel.Email,
            Requester = new Requester(new CustomerId("c1"), "Bob", "bob@example.com"),
            IsMajorIncident = major,
            Attributes = attributes ?? CustomAttributes.Empty,
            OpenedAt = T0,
            UpdatedAt = T0,
            Version = 3,
        };

    public static Ticket Incident(TicketStatus status, string? holdReason = null, bool major = false)
        => Ticket(TicketKind.Incident, status, holdReason, major);

    public static TransitionContext By(Actor actor, Instant? now = null) => new(actor, now ?? T0 + Duration.FromHours(1));

    public static TransitionContext ByAgent(Instant? now = null) => By(Agent, now);

    /// <summary>Mon-Fri business days in UTC: the test double of the SLA package's calendar arithmetic.</summary>
    public static Instant AddWeekdays(Instant start, int days)
    {
        var t = start;
        var added = 0;
        while (added < days)
        {
            t += Duration.FromDays(1);
            var day = t.InUtc().DayOfWeek;
            if (day is not (IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday))
            {
                added++;
            }
        }

        return t;
    }

    public static string[] Names(this IEnumerable<UnmetGuard> guards) => guards.Select(g => g.Name).ToArray();
}
