namespace ServiceDesk.Storage;

/// <summary>A ticket as stored, with the <see cref="TicketAppend.DerivedState"/> written by its last append.</summary>
/// <param name="Ticket">The ticket.</param>
/// <param name="DerivedState">The derived state of its last append, or <see langword="null"/>.</param>
public sealed record StoredTicket(Ticket Ticket, string? DerivedState)
{
    /// <summary>The most ids <see cref="ITicketStore.GetManyAsync"/> takes at once: 1,000.</summary>
    public const int MaxGetMany = 1_000;

    /// <summary>Validates the arguments of <see cref="ITicketStore.GetManyAsync"/> and returns the distinct ids in order.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="ids">The ids.</param>
    /// <returns>The distinct ids, in the order of their first occurrence.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ids"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The tenant or an id is the default value.</exception>
    /// <exception cref="ArgumentOutOfRangeException">More than <see cref="MaxGetMany"/> ids.</exception>
    public static IReadOnlyList<TicketId> ValidateMany(TenantId tenant, IReadOnlyList<TicketId> ids)
    {
        TenantId.ThrowIfDefault(tenant);
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count > MaxGetMany)
        {
            throw new ArgumentOutOfRangeException(nameof(ids), ids.Count, $"At most {MaxGetMany:N0} ids can be read at once; got {ids.Count:N0}.");
        }

        var seen = new HashSet<TicketId>(ids.Count);
        var result = new List<TicketId>(ids.Count);
        for (var i = 0; i < ids.Count; i++)
        {
            TicketId.ThrowIfDefault(ids[i], $"ids[{i}]");
            if (seen.Add(ids[i]))
            {
                result.Add(ids[i]);
            }
        }

        return result;
    }
}
