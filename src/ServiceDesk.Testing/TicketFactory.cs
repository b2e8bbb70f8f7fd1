using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Storage;

namespace ServiceDesk.Testing;

/// <summary>
/// Builds valid tickets of one tenant and the <see cref="TicketAppend"/>s that open and change them, so a test writes
/// an append in one line: <c>await store.AppendAsync(factory.ChangeStatus(ticket, TicketStatus.InProgress))</c>.
/// </summary>
/// <remarks>
/// <para><b>Defaults.</b> A new ticket is an open (<see cref="TicketStatus.New"/>) ticket with medium impact and
/// urgency (so <see cref="Priority.P3Moderate"/>), reached through the portal, requested by
/// <see cref="Requester"/>, with the subject <c>Test ticket INC0000001</c>. Every method that takes a
/// <c>configure</c> or <c>change</c> function lets the test override any property with a <c>with</c> expression.</para>
/// <para><b>Time.</b> Every event takes its instant from <see cref="Clock"/>; snapshots never move
/// <see cref="Ticket.UpdatedAt"/> backwards, even if the clock is behind the ticket. The default clock is a
/// <see cref="TestClock"/> that starts at <see cref="TestClock.DefaultStart"/> and moves one second per reading.</para>
/// <para><b>Numbers.</b> <see cref="NextNumber"/> and <see cref="Open"/> number tickets from a counter local to the
/// factory (1, 2, 3, … per kind); <see cref="OpenAsync"/> allocates the number from the store instead. Do not mix the
/// two in one tenant of one store: the store's allocator does not know the factory's numbers, so they would collide.</para>
/// <para><b>Versions.</b> The appends expect the version of the snapshot passed in, so appending a stale snapshot gets a
/// <see cref="ConcurrencyException"/>, exactly as the engine would.</para>
/// <para>This type is thread-safe: its state is the clock (thread-safe) and a counter updated atomically.</para>
/// </remarks>
public sealed class TicketFactory
{
    private readonly long[] _sequences = new long[Enum.GetValues<TicketKind>().Max(k => (int)k) + 1];
    private readonly Actor _actor = Actor.OfAgent(new AgentId("test-agent"));
    private readonly Requester _requester = new(new CustomerId("test-customer"), "Test Requester", "requester@example.com");

    /// <summary>Initializes a factory for a tenant.</summary>
    /// <param name="tenant">The tenant every ticket and event belongs to; not the default value.</param>
    /// <param name="clock">Where instants come from; <see langword="null"/> (the default) for a new
    /// <see cref="TestClock"/> at <see cref="TestClock.DefaultStart"/> that moves one second per reading.</param>
    /// <exception cref="ArgumentException"><paramref name="tenant"/> is the default value.</exception>
    public TicketFactory(TenantId tenant, IClock? clock = null)
    {
        TenantId.ThrowIfDefault(tenant);
        Tenant = tenant;
        Clock = clock ?? new TestClock(TestClock.DefaultStart, Duration.FromSeconds(1));
    }

    /// <summary>Gets the tenant of every ticket and event the factory builds.</summary>
    public TenantId Tenant { get; }

    /// <summary>Gets the clock the instants of events come from.</summary>
    public IClock Clock { get; }

    /// <summary>Gets the actor of every event; an agent named <c>test-agent</c> unless set.</summary>
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

    /// <summary>Gets the requester of new tickets; customer <c>test-customer</c>, contact <c>Test Requester</c> unless set.</summary>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/>.</exception>
    public Requester Requester
    {
        get => _requester;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Requester));
            _requester = value;
        }
    }

    /// <summary>Returns the next number of a kind from the factory's own counter: 1, 2, 3, … per kind.</summary>
    /// <param name="kind">The kind of ticket.</param>
    /// <returns>The number.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not defined.</exception>
    public TicketNumber NextNumber(TicketKind kind = TicketKind.Incident)
    {
        _ = TicketNumber.PrefixOf(kind);
        return new TicketNumber(kind, Interlocked.Increment(ref _sequences[(int)kind]));
    }

    /// <summary>Builds a version-1 snapshot of a new ticket with the given number (not stored anywhere).</summary>
    /// <param name="number">The number; its kind is the ticket's kind.</param>
    /// <param name="configure">Changes the defaults, e.g. <c>t =&gt; t with { Priority = Priority.P1Critical }</c>;
    /// it should keep the version at 1.</param>
    /// <returns>The snapshot.</returns>
    /// <exception cref="ArgumentException"><paramref name="number"/> is the default value, or the configured snapshot is
    /// invalid (see <see cref="Ticket.Validate"/>).</exception>
    public Ticket CreateTicket(TicketNumber number, Func<Ticket, Ticket>? configure = null)
    {
        if (number.IsDefault)
        {
            throw new ArgumentException("A ticket needs a number; use NextNumber or ITicketStore.AllocateNumberAsync.", nameof(number));
        }

        var now = Clock.GetCurrentInstant();
        var ticket = new Ticket
        {
            Tenant = Tenant,
            Id = TicketId.New(),
            Number = number,
            Kind = number.Kind,
            Subject = $"Test ticket {number}",
            Status = TicketStatus.New,
            Impact = Impact.Medium,
            Urgency = Urgency.Medium,
            Priority = Priority.P3Moderate,
            Channel = Channel.Portal,
            Requester = Requester,
            OpenedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
        ticket = configure?.Invoke(ticket) ?? ticket;
        ticket.Validate();
        return ticket;
    }

    /// <summary>Builds the append that opens a new ticket numbered from the factory's own counter.</summary>
    /// <param name="kind">The kind of ticket; an incident by default.</param>
    /// <param name="configure">Changes the defaults of the snapshot (see <see cref="CreateTicket"/>).</param>
    /// <param name="idempotencyKey">An optional idempotency key for the append.</param>
    /// <returns>The append: the version-1 snapshot and its <see cref="TicketOpened"/> event, expecting version 0.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not defined.</exception>
    public TicketAppend Open(TicketKind kind = TicketKind.Incident, Func<Ticket, Ticket>? configure = null, string? idempotencyKey = null)
        => OpenWithNumber(NextNumber(kind), configure, idempotencyKey);

    /// <summary>Builds the append that opens a new ticket with a given number.</summary>
    /// <param name="number">The number; its kind is the ticket's kind.</param>
    /// <param name="configure">Changes the defaults of the snapshot (see <see cref="CreateTicket"/>).</param>
    /// <param name="idempotencyKey">An optional idempotency key for the append.</param>
    /// <returns>The append: the version-1 snapshot and its <see cref="TicketOpened"/> event, expecting version 0.</returns>
    /// <exception cref="ArgumentException"><paramref name="number"/> is the default value, or the configured snapshot is
    /// invalid.</exception>
    public TicketAppend OpenWithNumber(TicketNumber number, Func<Ticket, Ticket>? configure = null, string? idempotencyKey = null)
    {
        var ticket = CreateTicket(number, configure);
        var opened = new TicketOpened(
            Tenant, ticket.Id, 1, ticket.OpenedAt, Actor, ticket.Number, ticket.Kind, ticket.Subject, ticket.Priority, ticket.Channel);
        return new TicketAppend(ticket, [opened], 0, idempotencyKey);
    }

    /// <summary>Allocates a number from a store, opens a ticket with it and stores it.</summary>
    /// <param name="store">The store.</param>
    /// <param name="kind">The kind of ticket; an incident by default.</param>
    /// <param name="configure">Changes the defaults of the snapshot (see <see cref="CreateTicket"/>).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored version-1 snapshot.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> is <see langword="null"/>.</exception>
    public async Task<Ticket> OpenAsync(
        ITicketStore store, TicketKind kind = TicketKind.Incident, Func<Ticket, Ticket>? configure = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var number = await store.AllocateNumberAsync(Tenant, kind, cancellationToken);
        var result = await store.AppendAsync(OpenWithNumber(number, configure), cancellationToken);
        return result.Ticket;
    }

    /// <summary>Builds the append that moves a ticket to another status (one <see cref="StatusChanged"/> event).</summary>
    /// <param name="current">The ticket as last read; the append expects its version.</param>
    /// <param name="to">The new status.</param>
    /// <param name="reason">An optional reason, 1 to 100 characters; it also becomes the hold reason when
    /// <paramref name="to"/> is <see cref="TicketStatus.OnHold"/>.</param>
    /// <param name="idempotencyKey">An optional idempotency key for the append.</param>
    /// <returns>The append.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="current"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="to"/> is the default value.</exception>
    public TicketAppend ChangeStatus(Ticket current, TicketStatus to, string? reason = null, string? idempotencyKey = null)
    {
        ArgumentNullException.ThrowIfNull(current);
        var e = new StatusChanged(Tenant, current.Id, current.Version + 1, Clock.GetCurrentInstant(), Actor, current.Status, to, reason);
        return Update(current, [e], t => t with { Status = to, HoldReason = to == TicketStatus.OnHold ? reason : null }, idempotencyKey);
    }

    /// <summary>Builds the append that assigns a ticket to a group and optionally an agent, or unassigns it
    /// (one <see cref="Assigned"/> event).</summary>
    /// <param name="current">The ticket as last read; the append expects its version.</param>
    /// <param name="group">The new group, or <see langword="null"/> to unassign.</param>
    /// <param name="agent">The new assignee within the group, or <see langword="null"/> for the group's queue.</param>
    /// <param name="idempotencyKey">An optional idempotency key for the append.</param>
    /// <returns>The append.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="current"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="agent"/> is set without <paramref name="group"/>.</exception>
    public TicketAppend Assign(Ticket current, GroupId? group, AgentId? agent = null, string? idempotencyKey = null)
    {
        ArgumentNullException.ThrowIfNull(current);
        var e = new Assigned(
            Tenant, current.Id, current.Version + 1, Clock.GetCurrentInstant(), Actor, group, agent, current.AssignmentGroup, current.Assignee);
        return Update(current, [e], t => t with { AssignmentGroup = group, Assignee = agent }, idempotencyKey);
    }

    /// <summary>Builds the append that changes a ticket's impact and urgency, and so its priority by
    /// <see cref="PriorityMatrix.Default"/> (one <see cref="PriorityChanged"/> event).</summary>
    /// <param name="current">The ticket as last read; the append expects its version.</param>
    /// <param name="impact">The new impact, level 1 to 3.</param>
    /// <param name="urgency">The new urgency, level 1 to 3.</param>
    /// <param name="idempotencyKey">An optional idempotency key for the append.</param>
    /// <returns>The append.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="current"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A level is outside the default 3x3 matrix.</exception>
    public TicketAppend ChangePriority(Ticket current, Impact impact, Urgency urgency, string? idempotencyKey = null)
    {
        ArgumentNullException.ThrowIfNull(current);
        var to = PriorityMatrix.Default.Calculate(impact, urgency);
        var e = new PriorityChanged(Tenant, current.Id, current.Version + 1, Clock.GetCurrentInstant(), Actor, current.Priority, to, impact, urgency);
        return Update(current, [e], t => t with { Impact = impact, Urgency = urgency, Priority = to }, idempotencyKey);
    }

    /// <summary>Builds the append that adds one comment to a ticket (one <see cref="CommentAdded"/> event).</summary>
    /// <param name="current">The ticket as last read; the append expects its version.</param>
    /// <param name="text">The comment; <see langword="null"/> (the default) for <c>Comment at version N</c>.</param>
    /// <param name="visibility">Who can see it; internal by default.</param>
    /// <param name="idempotencyKey">An optional idempotency key for the append.</param>
    /// <returns>The append.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="current"/> is <see langword="null"/>.</exception>
    public TicketAppend AddComment(
        Ticket current, string? text = null, CommentVisibility visibility = CommentVisibility.Internal, string? idempotencyKey = null)
    {
        ArgumentNullException.ThrowIfNull(current);
        var version = current.Version + 1;
        var e = new CommentAdded(Tenant, current.Id, version, Clock.GetCurrentInstant(), Actor, visibility, text ?? $"Comment at version {version}");
        return Update(current, [e], null, idempotencyKey);
    }

    /// <summary>Builds the append that logs time worked on a ticket (one <see cref="TimeLogged"/> event, by the factory's
    /// <see cref="Actor"/>, for the agent <c>test-agent</c> unless given).</summary>
    /// <param name="current">The ticket as last read; the append expects its version.</param>
    /// <param name="started">When the work started (what <see cref="ITimeEntryStore"/> indexes by); any instant, earlier or
    /// later than the clock.</param>
    /// <param name="duration">How long the work took: more than zero and at most 24 hours.</param>
    /// <param name="billable">Whether the time is billable; <see langword="true"/> by default.</param>
    /// <param name="agent">Who did the work; <see langword="null"/> (the default) for <c>test-agent</c>.</param>
    /// <param name="idempotencyKey">An optional idempotency key for the append.</param>
    /// <returns>The append.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="current"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is zero, negative or longer than 24 hours.</exception>
    public TicketAppend LogTime(
        Ticket current, Instant started, Duration duration, bool billable = true, AgentId? agent = null, string? idempotencyKey = null)
    {
        ArgumentNullException.ThrowIfNull(current);
        var e = new TimeLogged(
            Tenant, current.Id, current.Version + 1, Clock.GetCurrentInstant(), Actor, agent ?? new AgentId("test-agent"), started, duration, billable);
        return Update(current, [e], null, idempotencyKey);
    }

    /// <summary>Builds one append that adds several comments to a ticket, so the snapshot moves several versions at once.</summary>
    /// <param name="current">The ticket as last read; the append expects its version.</param>
    /// <param name="count">How many comments, 1 to <see cref="TicketAppend.MaxEvents"/>.</param>
    /// <param name="idempotencyKey">An optional idempotency key for the append.</param>
    /// <returns>The append.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="current"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is outside 1 to 1,000.</exception>
    public TicketAppend AddComments(Ticket current, int count, string? idempotencyKey = null)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (count is < 1 or > TicketAppend.MaxEvents)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"An append carries 1 to {TicketAppend.MaxEvents:N0} events.");
        }

        var events = new TicketEvent[count];
        for (var i = 0; i < count; i++)
        {
            var version = current.Version + i + 1;
            events[i] = new CommentAdded(
                Tenant, current.Id, version, Clock.GetCurrentInstant(), Actor, CommentVisibility.Internal, $"Comment at version {version}");
        }

        return Update(current, events, null, idempotencyKey);
    }

    /// <summary>Builds the append of any events to a ticket: the snapshot gets the version of the last event and an
    /// <see cref="Ticket.UpdatedAt"/> of the latest event instant (never earlier than the current one).</summary>
    /// <param name="current">The ticket as last read; the append expects its version.</param>
    /// <param name="events">The events, with versions from <paramref name="current"/>'s version + 1 without gaps.</param>
    /// <param name="change">Applies the events' effect to the snapshot, e.g. <c>t =&gt; t with { IsMajorIncident = true }</c>;
    /// <see langword="null"/> to leave it as is apart from version and time.</param>
    /// <param name="idempotencyKey">An optional idempotency key for the append.</param>
    /// <returns>The append.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="current"/> or <paramref name="events"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The events or the changed snapshot are inconsistent (see <see cref="TicketAppend"/>).</exception>
    public TicketAppend Update(Ticket current, IReadOnlyList<TicketEvent> events, Func<Ticket, Ticket>? change = null, string? idempotencyKey = null)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(events);
        var updatedAt = current.UpdatedAt;
        foreach (var e in events)
        {
            if (e is not null && e.At > updatedAt)
            {
                updatedAt = e.At;
            }
        }

        var changed = change?.Invoke(current) ?? current;
        var next = changed with { Version = current.Version + events.Count, UpdatedAt = updatedAt };
        return new TicketAppend(next, events, current.Version, idempotencyKey);
    }
}
