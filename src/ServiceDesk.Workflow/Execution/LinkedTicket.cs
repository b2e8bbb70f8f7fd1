using ServiceDesk.Events;

namespace ServiceDesk.Workflow;

/// <summary>Which way a link points, seen from the ticket being transitioned.</summary>
public enum LinkDirection
{
    /// <summary>This ticket is the subject: "this ticket <c>LinkType</c> the other" (e.g. this incident is caused by the other problem).</summary>
    Outgoing = 1,

    /// <summary>The other ticket is the subject: "the other ticket <c>LinkType</c> this one" (e.g. the other incident is a child of this one).</summary>
    Incoming = 2,
}

/// <summary>A ticket linked to the ticket being transitioned, as the caller loaded it; used by link guards and cascades.</summary>
/// <param name="Id">The other ticket.</param>
/// <param name="Kind">The other ticket's kind.</param>
/// <param name="Status">The other ticket's current status.</param>
/// <param name="LinkType">How they are linked.</param>
/// <param name="Direction">Which way the link points.</param>
public sealed record LinkedTicket(TicketId Id, TicketKind Kind, TicketStatus Status, TicketLinkType LinkType, LinkDirection Direction);
