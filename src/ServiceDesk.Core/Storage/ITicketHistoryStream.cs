using NodaTime;
using ServiceDesk.Events;

namespace ServiceDesk.Storage;

/// <summary>
/// Streams the whole histories of a tenant's tickets in one query, for analytics, exports and audits that read every
/// ticket: one history at a time, so memory stays bounded by the longest history, not the tenant's size.
/// </summary>
/// <remarks>
/// <para><b>Order.</b> Tickets come in the order they were opened (then by id, as <see cref="ITicketStore.QueryAsync"/>
/// pages them); each history is complete and in version order, exactly what <see cref="ITicketStore.ReadHistoryAsync"/>
/// returns for that ticket.</para>
/// <para><b>Consistency.</b> The SQLite and PostgreSQL adapters read inside one read transaction, so the stream is a
/// snapshot: appends made while it runs are not seen, and never half seen. Stop early by disposing the enumerator
/// (<c>break</c> out of <c>await foreach</c>); that ends the query and frees the connection.</para>
/// <para><b>Failures.</b> As in <see cref="ITicketStore"/>: a failure of the storage surfaces as
/// <see cref="StorageException"/>, also for a stored event that no longer reads (the exception names its row).</para>
/// <para>Optional: stores that implement it say so by implementing this interface; analytics that need it check with
/// <c>store as ITicketHistoryStream</c>. The in-memory, SQLite and PostgreSQL adapters implement it.</para>
/// </remarks>
public interface ITicketHistoryStream
{
    /// <summary>Streams the history of every ticket of <paramref name="tenant"/> opened in [<paramref name="openedFrom"/>,
    /// <paramref name="openedTo"/>).</summary>
    /// <param name="tenant">The tenant; not the default value.</param>
    /// <param name="openedFrom">The inclusive start of the opening instants, or <see langword="null"/> for no start.</param>
    /// <param name="openedTo">The exclusive end of the opening instants, or <see langword="null"/> for no end; not before
    /// <paramref name="openedFrom"/>.</param>
    /// <param name="cancellationToken">Cancels the stream.</param>
    /// <returns>The histories, one list per ticket (never empty), in opening order.</returns>
    /// <exception cref="ArgumentException"><paramref name="tenant"/> is the default value (thrown when the stream is
    /// enumerated).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="openedTo"/> is before <paramref name="openedFrom"/>.</exception>
    IAsyncEnumerable<IReadOnlyList<TicketEvent>> StreamHistoriesAsync(
        TenantId tenant, Instant? openedFrom = null, Instant? openedTo = null, CancellationToken cancellationToken = default);
}
