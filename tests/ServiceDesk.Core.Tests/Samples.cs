using NodaTime;
using ServiceDesk.Events;

namespace ServiceDesk.Tests;

/// <summary>Valid values for tests that need one and vary a single property.</summary>
internal static class Samples
{
    public static readonly TenantId Tenant = new("acme");
    public static readonly Instant Opened = Instant.FromUtc(2025, 3, 3, 9, 0);

    public static Ticket Ticket(TicketKind kind = TicketKind.Incident, long sequence = 1, TicketId? id = null) => new()
    {
        Tenant = Tenant,
        Id = id ?? TicketId.New(),
        Number = new TicketNumber(kind, sequence),
        Kind = kind,
        Subject = "Printer on floor 3 is jammed",
        Status = TicketStatus.New,
        Impact = Impact.Medium,
        Urgency = Urgency.High,
        Priority = Priority.P2High,
        Channel = Channel.Portal,
        Requester = new Requester(new CustomerId("globex"), "Hank Scorpio", "hank@globex.example"),
        OpenedAt = Opened,
        UpdatedAt = Opened,
        Version = 1,
    };

    public static TicketOpened Opening(Ticket t) =>
        new(t.Tenant, t.Id, 1, t.OpenedAt, Actor.System, t.Number, t.Kind, t.Subject, t.Priority, t.Channel);
}
