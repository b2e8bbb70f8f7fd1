namespace ServiceDesk;

/// <summary>The ITIL record types a ticket can be.</summary>
public enum TicketKind
{
    /// <summary>An unplanned interruption or reduction in quality of a service (number prefix <c>INC</c>).</summary>
    Incident = 1,

    /// <summary>A request from a user for something to be provided (number prefix <c>REQ</c>).</summary>
    ServiceRequest = 2,

    /// <summary>The cause, or potential cause, of one or more incidents (number prefix <c>PRB</c>).</summary>
    Problem = 3,

    /// <summary>The addition, modification or removal of anything that could affect services (number prefix <c>CHG</c>).</summary>
    Change = 4,
}
