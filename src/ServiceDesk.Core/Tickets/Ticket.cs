using NodaTime;

namespace ServiceDesk;

/// <summary>
/// A snapshot of a ticket (incident, service request, problem or change) at one <see cref="Version"/>.
/// </summary>
/// <remarks>
/// <para>A ticket is immutable: change it with a <c>with</c> expression, which re-runs the validation of every
/// property you set. Every property validates its value when set and throws at once, naming the property, the
/// bad value and the allowed range (e.g. <see cref="Subject"/> must be 1 to <see cref="MaxSubjectLength"/>
/// characters). Cross-property rules (the number's kind matches <see cref="Kind"/>, <see cref="UpdatedAt"/> is
/// not before <see cref="OpenedAt"/>) are checked by <see cref="Validate"/>, which the store contract calls on
/// every append.</para>
/// <para>The history of a ticket is its stream of <see cref="Events.TicketEvent"/>s; the snapshot is the state after
/// the last of them, and <see cref="Version"/> is the number of events applied so far.</para>
/// <para>This type is thread-safe because it is immutable.</para>
/// </remarks>
public sealed record Ticket
{
    /// <summary>The maximum length of <see cref="Subject"/>: 200 characters.</summary>
    public const int MaxSubjectLength = 200;

    /// <summary>The maximum length of <see cref="Description"/>: 32,000 characters.</summary>
    public const int MaxDescriptionLength = 32_000;

    /// <summary>The maximum length of <see cref="HoldReason"/>: 100 characters.</summary>
    public const int MaxHoldReasonLength = 100;

    private readonly TenantId _tenant;
    private readonly TicketId _id;
    private readonly TicketNumber _number;
    private readonly TicketKind _kind;
    private readonly string _subject = null!;
    private readonly string _description = string.Empty;
    private readonly TicketStatus _status;
    private readonly string? _holdReason;
    private readonly Impact _impact;
    private readonly Urgency _urgency;
    private readonly Priority _priority;
    private readonly Channel _channel;
    private readonly Requester _requester = null!;
    private readonly CustomAttributes _attributes = CustomAttributes.Empty;
    private readonly long _version;

    /// <summary>Gets the tenant that owns the ticket.</summary>
    /// <exception cref="ArgumentException">Set to the default value.</exception>
    public required TenantId Tenant
    {
        get => _tenant;
        init
        {
            TenantId.ThrowIfDefault(value, nameof(Tenant));
            _tenant = value;
        }
    }

    /// <summary>Gets the ticket's permanent id.</summary>
    /// <exception cref="ArgumentException">Set to the default value.</exception>
    public required TicketId Id
    {
        get => _id;
        init
        {
            TicketId.ThrowIfDefault(value, nameof(Id));
            _id = value;
        }
    }

    /// <summary>Gets the human-readable number, e.g. <c>INC0001234</c>; its kind must equal <see cref="Kind"/>.</summary>
    /// <exception cref="ArgumentException">Set to the default value.</exception>
    public required TicketNumber Number
    {
        get => _number;
        init
        {
            if (value.IsDefault)
            {
                throw new ArgumentException("A ticket needs a number; allocate one with ITicketStore.AllocateNumberAsync.", nameof(Number));
            }

            _number = value;
        }
    }

    /// <summary>Gets the kind of ticket.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to an undefined value.</exception>
    public required TicketKind Kind
    {
        get => _kind;
        init
        {
            Guard.Defined(value, nameof(Kind));
            _kind = value;
        }
    }

    /// <summary>Gets the subject (short description): 1 to 200 characters, not blank.</summary>
    /// <exception cref="ArgumentException">Set to an empty, blank or over-long value.</exception>
    public required string Subject
    {
        get => _subject;
        init => _subject = Guard.Text(value, MaxSubjectLength, required: true, nameof(Subject));
    }

    /// <summary>Gets the description: 0 to 32,000 characters; empty by default.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to an over-long value.</exception>
    public string Description
    {
        get => _description;
        init => _description = Guard.Text(value, MaxDescriptionLength, required: false, nameof(Description));
    }

    /// <summary>Gets the lifecycle status.</summary>
    /// <exception cref="ArgumentException">Set to the default value.</exception>
    public required TicketStatus Status
    {
        get => _status;
        init
        {
            if (value.IsDefault)
            {
                throw new ArgumentException("default(TicketStatus) is not a status.", nameof(Status));
            }

            _status = value;
        }
    }

    /// <summary>Gets why the ticket is on hold (e.g. <c>AwaitingCaller</c>), or <see langword="null"/>; 1 to 100 characters.</summary>
    /// <exception cref="ArgumentException">Set to a blank or over-long value.</exception>
    public string? HoldReason
    {
        get => _holdReason;
        init => _holdReason = Guard.OptionalText(value, MaxHoldReasonLength, nameof(HoldReason));
    }

    /// <summary>Gets the impact.</summary>
    /// <exception cref="ArgumentException">Set to the default value.</exception>
    public required Impact Impact
    {
        get => _impact;
        init
        {
            if (value.IsDefault)
            {
                throw new ArgumentException("default(Impact) is not an impact; use a level 1 to 9.", nameof(Impact));
            }

            _impact = value;
        }
    }

    /// <summary>Gets the urgency.</summary>
    /// <exception cref="ArgumentException">Set to the default value.</exception>
    public required Urgency Urgency
    {
        get => _urgency;
        init
        {
            if (value.IsDefault)
            {
                throw new ArgumentException("default(Urgency) is not an urgency; use a level 1 to 9.", nameof(Urgency));
            }

            _urgency = value;
        }
    }

    /// <summary>Gets the priority, usually derived from impact and urgency by a <see cref="PriorityMatrix"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to an undefined value.</exception>
    public required Priority Priority
    {
        get => _priority;
        init
        {
            Guard.Defined(value, nameof(Priority));
            _priority = value;
        }
    }

    /// <summary>Gets how the ticket reached the desk.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to an undefined value.</exception>
    public required Channel Channel
    {
        get => _channel;
        init
        {
            Guard.Defined(value, nameof(Channel));
            _channel = value;
        }
    }

    /// <summary>Gets who asked.</summary>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/>.</exception>
    public required Requester Requester
    {
        get => _requester;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Requester));
            _requester = value;
        }
    }

    /// <summary>Gets the category, if any.</summary>
    public TicketCategory? Category { get; init; }

    /// <summary>Gets the affected service, if any.</summary>
    public ServiceId? Service { get; init; }

    /// <summary>Gets the affected configuration item (service object or equipment), if any.</summary>
    public ConfigurationItemId? ConfigurationItem { get; init; }

    /// <summary>Gets where the work happens, if relevant (field service).</summary>
    public LocationId? Location { get; init; }

    /// <summary>Gets the contract the ticket is billed and measured under, if any.</summary>
    public ContractId? Contract { get; init; }

    /// <summary>Gets the assignment group, if assigned.</summary>
    public GroupId? AssignmentGroup { get; init; }

    /// <summary>Gets the assignee within the group, if assigned.</summary>
    public AgentId? Assignee { get; init; }

    /// <summary>Gets a value indicating whether the ticket was declared a major incident.</summary>
    public bool IsMajorIncident { get; init; }

    /// <summary>Gets the custom attributes; empty by default.</summary>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/>.</exception>
    public CustomAttributes Attributes
    {
        get => _attributes;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Attributes));
            _attributes = value;
        }
    }

    /// <summary>Gets when the ticket was opened.</summary>
    public required Instant OpenedAt { get; init; }

    /// <summary>Gets when the ticket last changed; never before <see cref="OpenedAt"/>.</summary>
    public required Instant UpdatedAt { get; init; }

    /// <summary>Gets the number of events applied to the ticket; 1 after it is opened.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public required long Version
    {
        get => _version;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(Version));
            _version = value;
        }
    }

    /// <summary>Checks the rules that span several properties.</summary>
    /// <exception cref="ArgumentException">The number's kind differs from <see cref="Kind"/>, <see cref="UpdatedAt"/> is
    /// before <see cref="OpenedAt"/>, or an assignee is set without a group, or an optional id is a default value.</exception>
    public void Validate()
    {
        if (Number.Kind != Kind)
        {
            throw new ArgumentException(
                $"Ticket {Id} is a {Kind} but its number {Number} is a {Number.Kind} number; prefix must be {TicketNumber.PrefixOf(Kind)}.",
                nameof(Number));
        }

        if (UpdatedAt < OpenedAt)
        {
            throw new ArgumentException(
                $"Ticket {Number}: UpdatedAt {UpdatedAt} is before OpenedAt {OpenedAt}; it must be at or after it.", nameof(UpdatedAt));
        }

        RejectDefault(Service?.IsDefault, nameof(Service));
        RejectDefault(ConfigurationItem?.IsDefault, nameof(ConfigurationItem));
        RejectDefault(Location?.IsDefault, nameof(Location));
        RejectDefault(Contract?.IsDefault, nameof(Contract));
        RejectDefault(AssignmentGroup?.IsDefault, nameof(AssignmentGroup));
        RejectDefault(Assignee?.IsDefault, nameof(Assignee));

        if (Assignee is not null && AssignmentGroup is null)
        {
            throw new ArgumentException($"Ticket {Number} has assignee {Assignee} but no assignment group; assign a group first.", nameof(Assignee));
        }
    }

    private void RejectDefault(bool? isDefault, string property)
    {
        if (isDefault == true)
        {
            throw new ArgumentException($"Ticket {Number}: {property} is a default id, which identifies nothing; use null for none.", property);
        }
    }
}
