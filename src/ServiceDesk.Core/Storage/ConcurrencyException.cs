namespace ServiceDesk.Storage;

/// <summary>
/// Thrown when an append expected a ticket version that is no longer (or not yet) the stored one: someone else
/// changed the ticket first. Reload the ticket, re-apply the command and append again.
/// </summary>
/// <remarks>Also thrown when a new ticket (expected version 0) reuses an id or a number that the tenant already has;
/// then <see cref="ActualVersion"/> is the version of the existing ticket.</remarks>
public sealed class ConcurrencyException : InvalidOperationException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="ticket">The ticket that was appended to.</param>
    /// <param name="expectedVersion">The version the append expected.</param>
    /// <param name="actualVersion">The version actually stored (0 when the ticket does not exist).</param>
    public ConcurrencyException(TenantId tenant, TicketId ticket, long expectedVersion, long actualVersion)
        : base($"Ticket {ticket} of tenant {TextPolicy.Echo(tenant)} is at version {actualVersion}, but the append expected version {expectedVersion}. Reload the ticket and retry.")
    {
        Tenant = tenant;
        Ticket = ticket;
        ExpectedVersion = expectedVersion;
        ActualVersion = actualVersion;
    }

    /// <summary>Initializes an exception for a batch whose ticket numbers another writer allocated first.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="kind">The kind of ticket whose numbers were taken.</param>
    /// <param name="expectedLast">The last number the batch expected to be allocated.</param>
    /// <param name="actualLast">The last number actually allocated.</param>
    /// <remarks><see cref="Ticket"/> is the default value; <see cref="ExpectedVersion"/> and <see cref="ActualVersion"/>
    /// hold the two last numbers.</remarks>
    public ConcurrencyException(TenantId tenant, TicketKind kind, long expectedLast, long actualLast)
        : base($"The {kind} numbers of tenant {TextPolicy.Echo(tenant)} were allocated up to {actualLast} by another writer, but the batch expected {expectedLast}. Nothing was stored; run the batch again.")
    {
        Tenant = tenant;
        ExpectedVersion = expectedLast;
        ActualVersion = actualLast;
    }

    /// <summary>Gets the tenant.</summary>
    public TenantId Tenant { get; }

    /// <summary>Gets the ticket that was appended to.</summary>
    public TicketId Ticket { get; }

    /// <summary>Gets the version the append expected.</summary>
    public long ExpectedVersion { get; }

    /// <summary>Gets the version actually stored (0 when the ticket does not exist).</summary>
    public long ActualVersion { get; }
}
