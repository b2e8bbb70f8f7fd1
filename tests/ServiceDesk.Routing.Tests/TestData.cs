using NodaTime;
using ServiceDesk.Testing;

namespace ServiceDesk.Routing.Tests;

internal static class TestData
{
    public static readonly TenantId Tenant = new("tenant-1");
    public static readonly Instant T0 = Instant.FromUtc(2025, 1, 6, 9, 0); // a Monday
    private static readonly TicketFactory Factory = new(Tenant);

    public static Ticket Ticket(string subject = "Printer jam", string description = "", Func<Ticket, Ticket>? configure = null)
        => Factory.CreateTicket(Factory.NextNumber(), t => (configure ?? (x => x))(t with { Subject = subject, Description = description }));

    public static Ticket Ticket(Func<Ticket, Ticket> configure) => Factory.CreateTicket(Factory.NextNumber(), configure);
}
