using NodaTime;

namespace ServiceDesk.Storage;

/// <summary>A page request over a tenant's tickets: filters, page size and where the previous page ended.</summary>
/// <remarks>
/// <para>Filters combine with AND; a <see langword="null"/> filter matches everything. Results are ordered by
/// <see cref="Ticket.OpenedAt"/>, then by <see cref="Ticket.Id"/> (in the order of their canonical lower-case text,
/// which is also <see cref="Guid.CompareTo(Guid)"/> order and PostgreSQL's <c>uuid</c> order), so that every adapter
/// pages identically. Adapters use <see cref="Matches"/> and <see cref="IsAfterCursor"/> (or the equivalent SQL) so the
/// semantics cannot drift.</para>
/// <para>Immutable and thread-safe; every property validates its value when set.</para>
/// </remarks>
public sealed record TicketQuery
{
    /// <summary>The default page size: 50.</summary>
    public const int DefaultPageSize = 50;

    /// <summary>The largest page size: 1,000.</summary>
    public const int MaxPageSize = 1_000;

    private readonly TenantId _tenant;
    private readonly int _pageSize = DefaultPageSize;
    private readonly string? _continuationToken;
    private readonly TicketCursor? _cursor;

    /// <summary>Initializes a query over all of a tenant's tickets.</summary>
    /// <param name="tenant">The tenant; not the default value.</param>
    /// <exception cref="ArgumentException"><paramref name="tenant"/> is the default value.</exception>
    public TicketQuery(TenantId tenant) => Tenant = tenant;

    /// <summary>Gets the tenant whose tickets are listed.</summary>
    public TenantId Tenant
    {
        get => _tenant;
        init
        {
            TenantId.ThrowIfDefault(value, nameof(Tenant));
            _tenant = value;
        }
    }

    /// <summary>Gets the kind to match, or <see langword="null"/> for any.</summary>
    public TicketKind? Kind { get; init; }

    /// <summary>Gets the status to match, or <see langword="null"/> for any.</summary>
    public TicketStatus? Status { get; init; }

    /// <summary>Gets the assignment group to match, or <see langword="null"/> for any.</summary>
    public GroupId? AssignmentGroup { get; init; }

    /// <summary>Gets the assignee to match, or <see langword="null"/> for any.</summary>
    public AgentId? Assignee { get; init; }

    /// <summary>Gets the priority to match, or <see langword="null"/> for any.</summary>
    public Priority? Priority { get; init; }

    /// <summary>Gets the requester's customer to match, or <see langword="null"/> for any.</summary>
    public CustomerId? Customer { get; init; }

    /// <summary>Gets the page size, 1 to 1,000; 50 by default.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside 1 to 1,000.</exception>
    public int PageSize
    {
        get => _pageSize;
        init
        {
            if (value is < 1 or > MaxPageSize)
            {
                throw new ArgumentOutOfRangeException(nameof(PageSize), value, $"The page size must be between 1 and {MaxPageSize:N0}.");
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
            _cursor = value is null ? null : TicketCursor.Parse(value);
            _continuationToken = value;
        }
    }

    /// <summary>Gets the decoded position after which this page starts, or <see langword="null"/> for the first page.</summary>
    public TicketCursor? Cursor => _cursor;

    /// <summary>Tells whether a ticket passes the tenant and every filter (not the cursor).</summary>
    /// <param name="ticket">The ticket.</param>
    /// <returns><see langword="true"/> when it matches.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ticket"/> is <see langword="null"/>.</exception>
    public bool Matches(Ticket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        return ticket.Tenant == Tenant
            && (Kind is null || ticket.Kind == Kind)
            && (Status is null || ticket.Status == Status)
            && (AssignmentGroup is null || ticket.AssignmentGroup == AssignmentGroup)
            && (Assignee is null || ticket.Assignee == Assignee)
            && (Priority is null || ticket.Priority == Priority)
            && (Customer is null || ticket.Requester.Customer == Customer);
    }

    /// <summary>Tells whether a ticket comes after this query's cursor in the paging order (always true on the first page).</summary>
    /// <param name="ticket">The ticket.</param>
    /// <returns><see langword="true"/> when it belongs on this page or a later one.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ticket"/> is <see langword="null"/>.</exception>
    public bool IsAfterCursor(Ticket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        return _cursor is not { } c || TicketCursor.Compare(ticket.OpenedAt, ticket.Id, c.OpenedAt, c.Id) > 0;
    }
}

/// <summary>A position in the paging order of <see cref="TicketQuery"/>: the last ticket of a page.</summary>
/// <param name="OpenedAt">The ticket's opening instant.</param>
/// <param name="Id">The ticket's id.</param>
public readonly record struct TicketCursor(Instant OpenedAt, TicketId Id)
{
    private const byte FormatVersion = 1;
    private const int TokenBytes = 29; // version, Unix seconds (8), nanoseconds within the second (4), id (16)
    private const int TokenLength = 39; // base64url of 29 bytes without its one padding character

    /// <summary>Creates the cursor that points at a ticket.</summary>
    /// <param name="ticket">The ticket.</param>
    /// <returns>The cursor.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ticket"/> is <see langword="null"/>.</exception>
    public static TicketCursor After(Ticket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        return new TicketCursor(ticket.OpenedAt, ticket.Id);
    }

    /// <summary>Compares two positions in the paging order: by instant, then by id.</summary>
    /// <param name="openedAtA">The first instant.</param>
    /// <param name="idA">The first id.</param>
    /// <param name="openedAtB">The second instant.</param>
    /// <param name="idB">The second id.</param>
    /// <returns>Negative, zero or positive, as for <see cref="IComparer{T}.Compare"/>.</returns>
    public static int Compare(Instant openedAtA, TicketId idA, Instant openedAtB, TicketId idB)
    {
        var byTime = openedAtA.CompareTo(openedAtB);
        return byTime != 0 ? byTime : idA.Value.CompareTo(idB.Value);
    }

    /// <summary>Parses a continuation token made by <see cref="ToToken"/>.</summary>
    /// <param name="token">The token.</param>
    /// <returns>The cursor.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="token"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="token"/> is not a token this library made.</exception>
    public static TicketCursor Parse(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        Span<byte> bytes = stackalloc byte[TokenBytes];
        var text = token.Replace('-', '+').Replace('_', '/');
        if (token.Length != TokenLength
            || !Convert.TryFromBase64String(text + "=", bytes, out var written)
            || written != TokenBytes
            || bytes[0] != FormatVersion)
        {
            throw new ArgumentException(
                $"{TextPolicy.Echo(token)} is not a continuation token; pass the ContinuationToken of the previous TicketPage unchanged.",
                nameof(token));
        }

        var guid = new Guid(bytes[13..], bigEndian: true);
        if (guid == Guid.Empty || !InstantBytes.TryRead(bytes[1..], out var openedAt))
        {
            throw new ArgumentException($"{TextPolicy.Echo(token)} is not a continuation token (empty ticket id).", nameof(token));
        }

        return new TicketCursor(openedAt, new TicketId(guid));
    }

    /// <summary>Encodes the cursor as an opaque, URL-safe continuation token.</summary>
    /// <returns>The token.</returns>
    public string ToToken()
    {
        Span<byte> bytes = stackalloc byte[TokenBytes];
        bytes[0] = FormatVersion;
        InstantBytes.Write(bytes[1..], OpenedAt);
        Id.Value.TryWriteBytes(bytes[13..], bigEndian: true, out _);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}

/// <summary>One page of <see cref="ITicketStore.QueryAsync"/>.</summary>
/// <param name="Items">The tickets on this page, in paging order; at most the requested page size.</param>
/// <param name="ContinuationToken">The token for the next page, or <see langword="null"/> when this is the last page.</param>
public sealed record TicketPage(IReadOnlyList<Ticket> Items, string? ContinuationToken);
