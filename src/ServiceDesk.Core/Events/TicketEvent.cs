using System.Text.Json.Serialization;
using NodaTime;

namespace ServiceDesk.Events;

/// <summary>
/// Something that happened to a ticket: the unit of its append-only history and of the outbox that integrators read.
/// </summary>
/// <remarks>
/// <para>Every event carries the tenant, the ticket, the ticket <see cref="Version"/> it produced (the first event,
/// <see cref="TicketOpened"/>, has version 1; each following event adds one), the <see cref="Instant"/> it happened
/// and the <see cref="Actor"/> who caused it. Events are immutable records; their constructors validate every value
/// and throw naming the argument, the value and the allowed range.</para>
/// <para><see cref="Serialization.ServiceDeskJson"/> reads and writes events as JSON with a <c>"type"</c> discriminator.</para>
/// </remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(TicketOpened), "opened")]
[JsonDerivedType(typeof(StatusChanged), "status")]
[JsonDerivedType(typeof(Assigned), "assigned")]
[JsonDerivedType(typeof(PriorityChanged), "priority")]
[JsonDerivedType(typeof(CommentAdded), "comment")]
[JsonDerivedType(typeof(TimeLogged), "time")]
[JsonDerivedType(typeof(TicketLinked), "linked")]
[JsonDerivedType(typeof(TicketLinkedFrom), "linked-from")]
[JsonDerivedType(typeof(SatisfactionRated), "satisfaction")]
[JsonDerivedType(typeof(Escalated), "escalated")]
[JsonDerivedType(typeof(SlaThresholdReached), "sla-threshold")]
[JsonDerivedType(typeof(AttributeChanged), "attribute")]
[JsonDerivedType(typeof(SlaRepaired), "sla-repaired")]
[JsonDerivedType(typeof(ApprovalRequested), "approval-requested")]
[JsonDerivedType(typeof(ApprovalDecided), "approval-decided")]
[JsonDerivedType(typeof(ApprovalWithdrawn), "approval-withdrawn")]
[JsonDerivedType(typeof(MajorIncidentChanged), "major-incident")]
[JsonDerivedType(typeof(ClassificationChanged), "classification")]
[JsonDerivedType(typeof(SlaPolicyReselected), "sla-policy")]
[JsonDerivedType(typeof(SlaDueOverridden), "sla-due")]
[JsonDerivedType(typeof(TicketRouted), "routed")]
[JsonDerivedType(typeof(AgentAssignmentDecided), "agent-assignment")]
public abstract record TicketEvent
{
    private readonly TenantId _tenant;
    private readonly TicketId _ticket;
    private readonly long _version;
    private readonly Actor _actor;

    /// <summary>Initializes the common part of an event.</summary>
    /// <param name="tenant">The tenant; not the default value.</param>
    /// <param name="ticket">The ticket; not the default value.</param>
    /// <param name="version">The ticket version this event produced, at least 1.</param>
    /// <param name="at">When it happened.</param>
    /// <param name="actor">Who caused it; not the default value.</param>
    /// <exception cref="ArgumentException">An id or the actor is the default value.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is less than 1.</exception>
    protected TicketEvent(TenantId tenant, TicketId ticket, long version, Instant at, Actor actor)
    {
        Tenant = tenant;
        Ticket = ticket;
        Version = version;
        At = at;
        Actor = actor;
    }

    /// <summary>Gets the tenant that owns the ticket.</summary>
    public TenantId Tenant
    {
        get => _tenant;
        init
        {
            TenantId.ThrowIfDefault(value, nameof(Tenant));
            _tenant = value;
        }
    }

    /// <summary>Gets the ticket the event happened to.</summary>
    public TicketId Ticket
    {
        get => _ticket;
        init
        {
            TicketId.ThrowIfDefault(value, nameof(Ticket));
            _ticket = value;
        }
    }

    /// <summary>Gets the ticket version this event produced: 1 for <see cref="TicketOpened"/>, then one more per event.</summary>
    public long Version
    {
        get => _version;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(Version));
            _version = value;
        }
    }

    /// <summary>Gets when the event happened.</summary>
    public Instant At { get; init; }

    /// <summary>Gets who caused the event.</summary>
    public Actor Actor
    {
        get => _actor;
        init
        {
            Actor.ThrowIfDefault(value, nameof(Actor));
            _actor = value;
        }
    }
}
