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

    /// <summary>A change ticket with every optional property set (text with a line break, every attribute kind), opened and
    /// last updated at the given instants: the ticket the serialization tests round-trip and pin as golden JSON.</summary>
    public static Ticket FullTicket(TicketId id, Instant opened, Instant updated) => Ticket(TicketKind.Change, 7, id) with
    {
        Description = "multi\nline",
        Status = TicketStatus.OnHold,
        HoldReason = "AwaitingVendor",
        Category = new TicketCategory("Network", "VPN"),
        Service = new ServiceId("vpn"),
        ConfigurationItem = new ConfigurationItemId("fw-01"),
        Location = new LocationId("hq"),
        Contract = new ContractId("c-1"),
        AssignmentGroup = new GroupId("net"),
        Assignee = new AgentId("alice"),
        IsMajorIncident = true,
        Attributes = CustomAttributes.Empty
            .With("s", AttributeValue.FromString("x"))
            .With("i", AttributeValue.FromInteger(long.MaxValue))
            .With("d", AttributeValue.FromDecimal(0.1m))
            .With("b", AttributeValue.FromBoolean(true))
            .With("t", AttributeValue.FromInstant(opened))
            .With("day", AttributeValue.FromDate(new LocalDate(2024, 2, 29))),
        OpenedAt = opened,
        UpdatedAt = updated,
        Version = 12,
    };

    public static TicketOpened Opening(Ticket t) =>
        new(t.Tenant, t.Id, 1, t.OpenedAt, Actor.System, t.Number, t.Kind, t.Subject, t.Priority, t.Channel);
}
