using NodaTime;

namespace ServiceDesk.Workflow;

/// <summary>Everything a transition decision may depend on besides the ticket: who acts, their roles, the time and the inputs.</summary>
/// <remarks>
/// <para>The workflow never reads a clock: <see cref="Now"/> is the moment of the decision and the time of every event
/// produced. Time-based guards (reopen window, auto-close) measure from <see cref="StatusSince"/>, the moment the ticket
/// entered its current status; when it is not given they use <see cref="Ticket.UpdatedAt"/>, which is never earlier, so
/// windows are then measured generously.</para>
/// <para>Immutable and thread-safe when the collections given are not changed afterwards.</para>
/// </remarks>
public sealed record TransitionContext
{
    private readonly Actor _actor;
    private readonly IReadOnlySet<string> _roles = EmptyRoles;
    private readonly IReadOnlyList<LinkedTicket> _links = [];

    private static readonly IReadOnlySet<string> EmptyRoles = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Initializes a context.</summary>
    /// <param name="actor">Who acts; not the default value.</param>
    /// <param name="now">The moment of the decision.</param>
    /// <exception cref="ArgumentException"><paramref name="actor"/> is the default value.</exception>
    public TransitionContext(Actor actor, Instant now)
    {
        Actor = actor;
        Now = now;
    }

    /// <summary>Gets who acts: an agent, the requester, the system or an integration.</summary>
    /// <exception cref="ArgumentException">Set to the default value.</exception>
    public Actor Actor
    {
        get => _actor;
        init
        {
            Actor.ThrowIfDefault(value, nameof(Actor));
            _actor = value;
        }
    }

    /// <summary>Gets the moment of the decision and of the events produced.</summary>
    public Instant Now { get; init; }

    /// <summary>Gets the roles of the actor (e.g. <c>major-incident-manager</c>, <c>cab</c>); empty by default; ordinal comparison.</summary>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/>.</exception>
    public IReadOnlySet<string> Roles
    {
        get => _roles;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Roles));
            _roles = value;
        }
    }

    /// <summary>Gets the reason given: a hold reason, a resolution or closure code, a cancel reason; up to 100 characters.</summary>
    /// <exception cref="ArgumentException">Set to a blank or over-long value.</exception>
    public string? Reason
    {
        get;
        init
        {
            if (value is not null && (string.IsNullOrWhiteSpace(value) || value.Length > Ticket.MaxHoldReasonLength))
            {
                throw new ArgumentException(
                    $"A reason must be 1 to {Ticket.MaxHoldReasonLength} characters and not blank; got {value.Length} characters.", nameof(Reason));
            }

            field = value;
        }
    }

    /// <summary>Gets notes given with the transition (e.g. resolution notes); up to 32,000 characters. When present, they are
    /// recorded as a public <see cref="Events.CommentAdded"/> after the status change.</summary>
    /// <exception cref="ArgumentException">Set to a blank or over-long value.</exception>
    public string? Notes
    {
        get;
        init
        {
            if (value is not null && (string.IsNullOrWhiteSpace(value) || value.Length > Ticket.MaxDescriptionLength))
            {
                throw new ArgumentException(
                    $"Notes must be 1 to {Ticket.MaxDescriptionLength} characters and not blank; got {value.Length} characters.", nameof(Notes));
            }

            field = value;
        }
    }

    /// <summary>Gets when the ticket entered its current status, if known; see the remarks.</summary>
    public Instant? StatusSince { get; init; }

    /// <summary>Gets the approvers and their decisions, for approval guards; <see langword="null"/> when none were asked.</summary>
    public ApprovalSet? Approvals { get; init; }

    /// <summary>Gets the linked tickets the caller loaded, for link guards and cascades; empty by default.</summary>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/>.</exception>
    public IReadOnlyList<LinkedTicket> Links
    {
        get => _links;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Links));
            _links = value;
        }
    }

    /// <summary>Gets whether the actor has a role.</summary>
    /// <param name="role">The role.</param>
    /// <returns><see langword="true"/> when <see cref="Roles"/> contains <paramref name="role"/>.</returns>
    public bool HasRole(string role) => Roles.Contains(role);
}
