using ServiceDesk.Events;

namespace ServiceDesk.Storage;

/// <summary>What <see cref="ITicketStore.AppendAsync"/> stores: a new snapshot and the events that produced it.</summary>
/// <remarks>
/// <para>The constructor checks that the append is consistent, so no adapter has to: there is at least one event;
/// every event belongs to the snapshot's tenant and ticket; the events' versions run from
/// <see cref="ExpectedVersion"/> + 1 without gaps; the snapshot's version is the last event's; a new ticket
/// (<see cref="ExpectedVersion"/> 0) starts with <see cref="TicketOpened"/>, and only a new ticket does; and the
/// snapshot passes <see cref="Ticket.Validate"/>.</para>
/// <para>This type is immutable and thread-safe.</para>
/// </remarks>
public sealed class TicketAppend
{
    /// <summary>The maximum length of an idempotency key: 200 characters.</summary>
    public const int MaxIdempotencyKeyLength = 200;

    /// <summary>The maximum number of events in one append: 1,000.</summary>
    public const int MaxEvents = 1_000;

    /// <summary>Initializes a new append.</summary>
    /// <param name="ticket">The new snapshot.</param>
    /// <param name="events">The events, in order, that take the ticket from <paramref name="expectedVersion"/> to
    /// <paramref name="ticket"/>'s version; 1 to 1,000 of them.</param>
    /// <param name="expectedVersion">The version the stored ticket must have now; 0 for a new ticket.</param>
    /// <param name="idempotencyKey">An optional key (1 to 200 characters) identifying the command that produced the
    /// append, so a retry is applied once.</param>
    /// <exception cref="ArgumentNullException"><paramref name="ticket"/> or <paramref name="events"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expectedVersion"/> is negative, or the number of
    /// events is outside 1 to 1,000.</exception>
    /// <exception cref="ArgumentException">The append is inconsistent (see remarks); the message says how.</exception>
    public TicketAppend(Ticket ticket, IReadOnlyList<TicketEvent> events, long expectedVersion, string? idempotencyKey = null)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        if (events.Count is < 1 or > MaxEvents)
        {
            throw new ArgumentOutOfRangeException(
                nameof(events), events.Count, $"An append carries 1 to {MaxEvents:N0} events; got {events.Count}.");
        }

        ticket.Validate();
        var copy = new TicketEvent[events.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            var e = events[i] ?? throw new ArgumentException($"events[{i}] is null.", nameof(events));
            if (e.Tenant != ticket.Tenant)
            {
                throw new ArgumentException(
                    $"events[{i}] ({e.GetType().Name}) belongs to tenant {TextPolicy.Echo(e.Tenant)} but the ticket belongs to tenant {TextPolicy.Echo(ticket.Tenant)}; tenants must match.",
                    nameof(events));
            }

            if (e.Ticket != ticket.Id)
            {
                throw new ArgumentException(
                    $"events[{i}] ({e.GetType().Name}) is for ticket {e.Ticket} but the snapshot is ticket {ticket.Id}.", nameof(events));
            }

            var expected = expectedVersion + i + 1;
            if (e.Version != expected)
            {
                throw new ArgumentException(
                    $"events[{i}] ({e.GetType().Name}) has version {e.Version}; expected {expected} (versions run from expectedVersion + 1 without gaps).",
                    nameof(events));
            }

            if ((e is TicketOpened) != (expected == 1))
            {
                throw new ArgumentException(
                    expected == 1
                        ? $"The first event of a ticket must be TicketOpened; got {e.GetType().Name}."
                        : $"events[{i}] is TicketOpened at version {expected}; only a new ticket starts with TicketOpened.",
                    nameof(events));
            }

            copy[i] = e;
        }

        if (ticket.Version != expectedVersion + copy.Length)
        {
            throw new ArgumentException(
                $"The snapshot has version {ticket.Version}, but expected version {expectedVersion} plus {copy.Length} event(s) makes {expectedVersion + copy.Length}.",
                nameof(ticket));
        }

        if (copy[0] is TicketOpened opened && (opened.Number != ticket.Number || opened.Kind != ticket.Kind))
        {
            throw new ArgumentException(
                $"TicketOpened says {opened.Kind} {opened.Number} but the snapshot is {ticket.Kind} {ticket.Number}.", nameof(events));
        }

        Ticket = ticket;
        Events = Array.AsReadOnly(copy);
        ExpectedVersion = expectedVersion;
        IdempotencyKey = idempotencyKey is null ? null : ValidateIdempotencyKey(idempotencyKey);
    }

    /// <summary>Checks an idempotency key: 1 to <see cref="MaxIdempotencyKeyLength"/> characters, not blank.</summary>
    /// <param name="idempotencyKey">The key.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="idempotencyKey"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The key is blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The key is longer than 200 characters.</exception>
    public static string ValidateIdempotencyKey(string idempotencyKey)
        => Guard.Text(idempotencyKey, MaxIdempotencyKeyLength, required: true);

    /// <summary>Gets the new snapshot.</summary>
    public Ticket Ticket { get; }

    /// <summary>Gets the events, ordered by version.</summary>
    public IReadOnlyList<TicketEvent> Events { get; }

    /// <summary>Gets the version the stored ticket must have; 0 for a new ticket.</summary>
    public long ExpectedVersion { get; }

    /// <summary>Gets the idempotency key, if any.</summary>
    public string? IdempotencyKey { get; }

    /// <summary>The longest <see cref="IdempotencyFingerprint"/>: 128 characters.</summary>
    public const int MaxIdempotencyFingerprintLength = 128;

    /// <summary>
    /// Gets a digest of the parameters of the command that produced the append (the engine uses a SHA-256 of the command's
    /// name and arguments), stored with <see cref="IdempotencyKey"/>, or <see langword="null"/> for none.
    /// </summary>
    /// <remarks>When the key was already applied and both the stored and this fingerprint are known and differ, the store
    /// throws <see cref="IdempotencyConflictException"/> instead of answering with a replay: the same key with different
    /// parameters is a conflict, not a retry. A key stored without a fingerprint (by an older version) replays as before.</remarks>
    /// <exception cref="ArgumentException">Set without an <see cref="IdempotencyKey"/>, or to blank or unstorable text.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Set to more than 128 characters.</exception>
    public string? IdempotencyFingerprint
    {
        get;
        init => field = value is null ? null
            : IdempotencyKey is null ? throw new ArgumentException("An idempotency fingerprint needs an idempotency key.", nameof(IdempotencyFingerprint))
            : Guard.Text(value, MaxIdempotencyFingerprintLength, required: true, nameof(IdempotencyFingerprint));
    }

    /// <summary>Gets the tenant of the ticket.</summary>
    public TenantId Tenant => Ticket.Tenant;

    /// <summary>Gets the ticket's new timer, deadline and queue membership, stored atomically with the events (replacing the
    /// stored schedule and ending any lease on its timer), or <see langword="null"/> to leave the stored schedule as it is.</summary>
    /// <remarks>See <see cref="ITimerStore"/>. The engine sets it on every append.</remarks>
    public TicketSchedule? Schedule { get; init; }

    /// <summary>The longest <see cref="DerivedState"/>: 1,048,576 characters.</summary>
    public const int MaxDerivedStateLength = 1 << 20;

    /// <summary>
    /// Gets state that the writer derived from the ticket's history and keeps beside the ticket, so that its next command
    /// need not read the history (the engine keeps its SLA clocks, links and escalation marks here); stored in the same
    /// transaction as the events and returned by <see cref="ITicketStore.GetStoredAsync"/>. Every append replaces it;
    /// <see langword="null"/> clears it.
    /// </summary>
    /// <remarks>The text is opaque to the store and stored verbatim. The history stays the source of truth: a reader must
    /// be able to rebuild the state from the history when it is missing or stale (the engine stamps it with the ticket
    /// version it reflects and rebuilds on any mismatch).</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Set to more than <see cref="MaxDerivedStateLength"/> characters.</exception>
    /// <exception cref="ArgumentException">Set to text that is empty, or holds a NUL or a lone surrogate.</exception>
    public string? DerivedState
    {
        get;
        init => field = value is null ? null : ValidateDerivedState(value);
    }

    /// <summary>Checks what the <see cref="DerivedState"/> doc promises every store can keep verbatim: text that is not blank,
    /// at most <see cref="MaxDerivedStateLength"/> characters, with no NUL (PostgreSQL's <c>text</c> cannot hold one) and no
    /// lone surrogate (UTF-8 cannot encode one, so it would not round-trip).</summary>
    private static string ValidateDerivedState(string value) => Guard.Text(value, MaxDerivedStateLength, required: true, nameof(DerivedState));
}

/// <summary>The outcome of <see cref="ITicketStore.AppendAsync"/>.</summary>
/// <param name="Ticket">The stored snapshot (for a replay: the snapshot stored by the first append with the key).</param>
/// <param name="IsReplay"><see langword="true"/> when the idempotency key had already been applied and nothing was stored.</param>
public sealed record AppendResult(Ticket Ticket, bool IsReplay)
{
    /// <summary>Gets the <see cref="TicketAppend.IdempotencyFingerprint"/> stored with the key: set on the result of
    /// <see cref="ITicketStore.FindAppliedAsync"/> and of a replay when the key was stored with one; otherwise
    /// <see langword="null"/>.</summary>
    public string? IdempotencyFingerprint { get; init; }
}
