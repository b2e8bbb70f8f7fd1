namespace ServiceDesk.Engine;

/// <summary>Thrown by an engine command when the tenant has no such ticket (it does not exist, or belongs to another
/// tenant, which is never revealed).</summary>
public sealed class TicketNotFoundException : KeyNotFoundException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="ticket">The ticket that was not found.</param>
    public TicketNotFoundException(TenantId tenant, TicketId ticket)
        : base($"Tenant {TextPolicy.Echo(tenant)} has no ticket {ticket}.")
    {
        Tenant = tenant;
        Ticket = ticket;
    }

    /// <summary>Gets the tenant.</summary>
    public TenantId Tenant { get; }

    /// <summary>Gets the ticket that was not found.</summary>
    public TicketId Ticket { get; }
}
