using NodaTime;
using ServiceDesk.Events;

namespace ServiceDesk.Workflow;

/// <summary>Which links between tickets make sense, and the <see cref="TicketLinked"/> event that records one.</summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>link type</term><description>allowed from → to</description></listheader>
/// <item><term><see cref="TicketLinkType.CausedBy"/></term><description>incident → problem or change; problem → change</description></item>
/// <item><term><see cref="TicketLinkType.FixedBy"/></term><description>incident or problem → change</description></item>
/// <item><term><see cref="TicketLinkType.ChildOf"/>, <see cref="TicketLinkType.DuplicateOf"/>, <see cref="TicketLinkType.FollowUpOf"/></term><description>same kind</description></item>
/// <item><term><see cref="TicketLinkType.RelatedTo"/></term><description>any kinds</description></item>
/// </list>
/// <para>What linked tickets do on transitions (resolve children, resolve incidents with their problem) is declared by the
/// lifecycles as cascades; see <see cref="CascadeRule"/>.</para>
/// </remarks>
public static class TicketLinkRules
{
    /// <summary>Checks whether a link is allowed.</summary>
    /// <param name="from">The kind of the ticket that is the subject ("this ticket is caused by …").</param>
    /// <param name="to">The kind of the other ticket.</param>
    /// <param name="linkType">The link type.</param>
    /// <returns><see langword="null"/> when allowed, otherwise why not.</returns>
    public static string? Check(TicketKind from, TicketKind to, TicketLinkType linkType) => linkType switch
    {
        TicketLinkType.CausedBy when (from, to) is (TicketKind.Incident, TicketKind.Problem or TicketKind.Change) or (TicketKind.Problem, TicketKind.Change) => null,
        TicketLinkType.CausedBy => $"a {from} cannot be caused by a {to}; an incident is caused by a problem or a change, a problem by a change",
        TicketLinkType.FixedBy when from is TicketKind.Incident or TicketKind.Problem && to == TicketKind.Change => null,
        TicketLinkType.FixedBy => $"a {from} cannot be fixed by a {to}; incidents and problems are fixed by changes",
        TicketLinkType.ChildOf or TicketLinkType.DuplicateOf or TicketLinkType.FollowUpOf when from == to => null,
        TicketLinkType.ChildOf or TicketLinkType.DuplicateOf or TicketLinkType.FollowUpOf => $"a {linkType} link joins tickets of the same kind; got {from} and {to}",
        TicketLinkType.RelatedTo => null,
        _ => $"{linkType} is not a link type",
    };

    /// <summary>Creates the event that links <paramref name="ticket"/> to <paramref name="other"/>, appended to <paramref name="ticket"/>'s history.</summary>
    /// <param name="ticket">The subject ticket (e.g. the incident).</param>
    /// <param name="other">The other ticket (e.g. the problem); same tenant, not the same ticket.</param>
    /// <param name="linkType">How they are linked.</param>
    /// <param name="actor">Who links them.</param>
    /// <param name="now">When.</param>
    /// <returns>The event, with version <c>ticket.Version + 1</c>.</returns>
    /// <exception cref="ArgumentNullException">A ticket is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The tickets belong to different tenants, are the same ticket, or the link is not allowed by <see cref="Check"/>.</exception>
    public static TicketLinked Link(Ticket ticket, Ticket other, TicketLinkType linkType, Actor actor, Instant now)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(other);
        if (ticket.Tenant != other.Tenant)
        {
            throw new ArgumentException($"Ticket {ticket.Number} (tenant {ticket.Tenant}) cannot be linked to {other.Number} of tenant {other.Tenant}.", nameof(other));
        }

        if (ticket.Id == other.Id)
        {
            throw new ArgumentException($"Ticket {ticket.Number} cannot be linked to itself.", nameof(other));
        }

        if (Check(ticket.Kind, other.Kind, linkType) is { } error)
        {
            throw new ArgumentException($"Ticket {ticket.Number} cannot be linked to {other.Number}: {error}.", nameof(linkType));
        }

        return new TicketLinked(ticket.Tenant, ticket.Id, ticket.Version + 1, now, actor, other.Id, linkType);
    }
}
