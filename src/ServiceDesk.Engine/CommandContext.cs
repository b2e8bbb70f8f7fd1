namespace ServiceDesk.Engine;

/// <summary>Who runs a command, for which tenant, and how: the idempotency key, an optional expected version and the
/// actor's roles.</summary>
/// <remarks>Immutable and thread-safe when <see cref="Roles"/> is not changed afterwards.</remarks>
public sealed record CommandContext
{
    private static readonly IReadOnlySet<string> NoRoles = new HashSet<string>(StringComparer.Ordinal);
    private static readonly IReadOnlySet<GroupId> NoGroups = new HashSet<GroupId>();
    private readonly TenantId _tenant;
    private readonly Actor _actor;
    private readonly string? _idempotencyKey;
    private readonly long? _expectedVersion;
    private readonly IReadOnlySet<string> _roles = NoRoles;
    private readonly IReadOnlySet<GroupId> _groups = NoGroups;

    /// <summary>Initializes a context.</summary>
    /// <param name="tenant">The tenant; not the default value.</param>
    /// <param name="actor">Who acts; not the default value.</param>
    /// <exception cref="ArgumentException">An argument is the default value.</exception>
    public CommandContext(TenantId tenant, Actor actor)
    {
        Tenant = tenant;
        Actor = actor;
    }

    /// <summary>Gets the tenant the command runs in; a ticket of another tenant is not found.</summary>
    /// <exception cref="ArgumentException">Set to the default value.</exception>
    public TenantId Tenant
    {
        get => _tenant;
        init
        {
            TenantId.ThrowIfDefault(value, nameof(Tenant));
            _tenant = value;
        }
    }

    /// <summary>Gets who acts; recorded on every event.</summary>
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

    /// <summary>Gets the key that identifies this command (1 to 200 characters, per tenant), so that a retry is applied
    /// once; <see langword="null"/> (the default) for none.</summary>
    /// <remarks>A key names one command on one ticket: reusing it for another ticket throws <see cref="ArgumentException"/>.
    /// A retried command with an applied key returns <see cref="CommandOutcome.Replayed"/>.</remarks>
    /// <exception cref="ArgumentException">Set to a blank value.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Set to more than 200 characters.</exception>
    public string? IdempotencyKey
    {
        get => _idempotencyKey;
        init
        {
            if (value is not null && string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException("An idempotency key must not be blank; use null for none.", nameof(IdempotencyKey));
            }

            if (value is { Length: > Storage.TicketAppend.MaxIdempotencyKeyLength })
            {
                throw new ArgumentOutOfRangeException(
                    nameof(IdempotencyKey), value.Length, $"An idempotency key is 1 to {Storage.TicketAppend.MaxIdempotencyKeyLength} characters.");
            }

            _idempotencyKey = value;
        }
    }

    /// <summary>Gets the version the caller saw, or <see langword="null"/> (the default) to apply the command to whatever
    /// version is current. When set and the stored ticket has another version, the command throws
    /// <see cref="Storage.ConcurrencyException"/> and stores nothing.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public long? ExpectedVersion
    {
        get => _expectedVersion;
        init
        {
            if (value is < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(ExpectedVersion), value, "A ticket version is 1 or more.");
            }

            _expectedVersion = value;
        }
    }

    /// <summary>Gets the actor's roles (e.g. <c>major-incident-manager</c>) for workflow guards; empty by default.</summary>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/>.</exception>
    public IReadOnlySet<string> Roles
    {
        get => _roles;
        init => _roles = value ?? throw new ArgumentNullException(nameof(Roles));
    }

    /// <summary>Gets the organisation (customer) a requester actor belongs to, for <see cref="RequesterScope.Organisation"/>;
    /// <see langword="null"/> by default.</summary>
    public CustomerId? Organisation { get; init; }

    /// <summary>Gets the groups the actor belongs to: an agent acts on the tickets of these groups
    /// (<see cref="AgentScope.Groups"/>) and decides approvals asked of them; empty by default.</summary>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/>.</exception>
    public IReadOnlySet<GroupId> Groups
    {
        get => _groups;
        init => _groups = value ?? throw new ArgumentNullException(nameof(Groups));
    }
}
