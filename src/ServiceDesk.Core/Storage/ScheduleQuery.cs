using NodaTime;

namespace ServiceDesk.Storage;

/// <summary>A page request over a tenant's queued tickets (<see cref="TicketSchedule.Queued"/>), in queue order: earliest
/// <see cref="TicketSchedule.Deadline"/> first, tickets without a deadline last, then by <see cref="Ticket.OpenedAt"/>, then by
/// <see cref="Ticket.Id"/>.</summary>
/// <remarks>
/// <para>Filters combine with AND; a <see langword="null"/> filter matches everything. Adapters use <see cref="Matches"/>
/// and <see cref="IsAfterCursor"/> (or the equivalent SQL) so the semantics cannot drift; with an index on (tenant,
/// deadline, opening, id) the cost of a page follows the page size, not the number of tickets.</para>
/// <para>Immutable and thread-safe; every property validates its value when set.</para>
/// </remarks>
public sealed record ScheduleQuery
{
    private readonly TenantId _tenant;
    private readonly int _pageSize = TicketQuery.DefaultPageSize;
    private readonly string? _continuationToken;
    private readonly ScheduleCursor? _cursor;

    /// <summary>Initializes a query over all of a tenant's queued tickets.</summary>
    /// <param name="tenant">The tenant; not the default value.</param>
    /// <exception cref="ArgumentException"><paramref name="tenant"/> is the default value.</exception>
    public ScheduleQuery(TenantId tenant) => Tenant = tenant;

    /// <summary>Gets the tenant whose queue is listed.</summary>
    public TenantId Tenant
    {
        get => _tenant;
        init
        {
            TenantId.ThrowIfDefault(value, nameof(Tenant));
            _tenant = value;
        }
    }

    /// <summary>Gets the assignment group to match, or <see langword="null"/> for any.</summary>
    public GroupId? AssignmentGroup { get; init; }

    /// <summary>Gets the assignee to match, or <see langword="null"/> for any.</summary>
    public AgentId? Assignee { get; init; }

    /// <summary>Gets the latest deadline to include (inclusive), or <see langword="null"/> for all queued tickets. When set,
    /// tickets without a deadline are left out: this is the at-risk list.</summary>
    public Instant? DeadlineAtOrBefore { get; init; }

    /// <summary>Gets the page size, 1 to 1,000; 50 by default.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside 1 to 1,000.</exception>
    public int PageSize
    {
        get => _pageSize;
        init
        {
            if (value is < 1 or > TicketQuery.MaxPageSize)
            {
                throw new ArgumentOutOfRangeException(nameof(PageSize), value, $"The page size must be between 1 and {TicketQuery.MaxPageSize:N0}.");
            }

            _pageSize = value;
        }
    }

    /// <summary>Gets the continuation token of the previous page, or <see langword="null"/> for the first page.</summary>
    /// <exception cref="ArgumentException">Set to a token that no store produced.</exception>
    public string? ContinuationToken
    {
        get => _continuationToken;
        init
        {
            _cursor = value is null ? null : ScheduleCursor.Parse(value);
            _continuationToken = value;
        }
    }

    /// <summary>Gets the decoded position after which this page starts, or <see langword="null"/> for the first page.</summary>
    public ScheduleCursor? Cursor => _cursor;

    /// <summary>Tells whether a ticket and its schedule pass the tenant, <see cref="TicketSchedule.Queued"/> and every filter
    /// (not the cursor).</summary>
    /// <param name="ticket">The ticket.</param>
    /// <param name="schedule">Its schedule.</param>
    /// <returns><see langword="true"/> when it matches.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public bool Matches(Ticket ticket, TicketSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(schedule);
        return ticket.Tenant == Tenant
            && schedule.Queued
            && (AssignmentGroup is null || ticket.AssignmentGroup == AssignmentGroup)
            && (Assignee is null || ticket.Assignee == Assignee)
            && (DeadlineAtOrBefore is not { } limit || (schedule.Deadline is { } d && d <= limit));
    }

    /// <summary>Tells whether a ticket comes after this query's cursor in queue order (always true on the first page).</summary>
    /// <param name="ticket">The ticket.</param>
    /// <param name="schedule">Its schedule.</param>
    /// <returns><see langword="true"/> when it belongs on this page or a later one.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public bool IsAfterCursor(Ticket ticket, TicketSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(schedule);
        return _cursor is not { } c || ScheduleCursor.At(ticket, schedule).CompareTo(c) > 0;
    }
}

/// <summary>A position in queue order: a ticket's deadline (<see langword="null"/> sorts last), opening instant and id.</summary>
/// <param name="Deadline">The deadline, or <see langword="null"/>.</param>
/// <param name="OpenedAt">The opening instant.</param>
/// <param name="Id">The ticket id.</param>
public readonly record struct ScheduleCursor(Instant? Deadline, Instant OpenedAt, TicketId Id) : IComparable<ScheduleCursor>
{
    private const byte FormatVersion = 1;
    private const int TokenBytes = 42; // version, has-deadline, deadline (8 + 4), opened (8 + 4), id (16)

    /// <summary>Creates the cursor that points at a ticket.</summary>
    /// <param name="ticket">The ticket.</param>
    /// <param name="schedule">Its schedule.</param>
    /// <returns>The cursor.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static ScheduleCursor At(Ticket ticket, TicketSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(schedule);
        return new ScheduleCursor(schedule.Deadline, ticket.OpenedAt, ticket.Id);
    }

    /// <summary>Compares two positions in queue order.</summary>
    /// <param name="other">The other position.</param>
    /// <returns>Negative, zero or positive, as for <see cref="IComparable{T}.CompareTo"/>.</returns>
    public int CompareTo(ScheduleCursor other)
    {
        var byDeadline = (Deadline, other.Deadline) switch
        {
            (null, null) => 0,
            (null, _) => 1,
            (_, null) => -1,
            var (a, b) => a!.Value.CompareTo(b!.Value),
        };
        return byDeadline != 0 ? byDeadline : TicketCursor.Compare(OpenedAt, Id, other.OpenedAt, other.Id);
    }

    /// <summary>Parses a continuation token made by <see cref="ToToken"/>.</summary>
    /// <param name="token">The token.</param>
    /// <returns>The cursor.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="token"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="token"/> is not a token this library made.</exception>
    public static ScheduleCursor Parse(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        Span<byte> bytes = stackalloc byte[TokenBytes];
        var text = token.Replace('-', '+').Replace('_', '/');
        if (!Convert.TryFromBase64String(text, bytes, out var written)
            || written != TokenBytes
            || bytes[0] != FormatVersion
            || bytes[1] > 1
            || !InstantBytes.TryRead(bytes[2..], out var deadline)
            || !InstantBytes.TryRead(bytes[14..], out var opened))
        {
            throw new ArgumentException(
                $"{TextPolicy.Echo(token)} is not a queue continuation token; pass the ContinuationToken of the previous SchedulePage unchanged.",
                nameof(token));
        }

        var guid = new Guid(bytes[26..], bigEndian: true);
        if (guid == Guid.Empty)
        {
            throw new ArgumentException($"{TextPolicy.Echo(token)} is not a queue continuation token (empty ticket id).", nameof(token));
        }

        return new ScheduleCursor(bytes[1] == 1 ? deadline : null, opened, new TicketId(guid));
    }

    /// <summary>Encodes the cursor as an opaque, URL-safe continuation token.</summary>
    /// <returns>The token.</returns>
    public string ToToken()
    {
        Span<byte> bytes = stackalloc byte[TokenBytes];
        bytes[0] = FormatVersion;
        bytes[1] = Deadline is null ? (byte)0 : (byte)1;
        InstantBytes.Write(bytes[2..], Deadline ?? Instant.FromUnixTimeSeconds(0));
        InstantBytes.Write(bytes[14..], OpenedAt);
        Id.Value.TryWriteBytes(bytes[26..], bigEndian: true, out _);
        return Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');
    }
}
