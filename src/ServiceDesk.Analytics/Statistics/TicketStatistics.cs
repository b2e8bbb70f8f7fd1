using ServiceDesk.Events;

namespace ServiceDesk.Analytics;

/// <summary>
/// Ticket statistics over histories from any store, in one pass: resolution times (wall and business; mean, median,
/// p90, p99), reopen rate, first-contact resolution, reassignments and ping-pong, arrivals by hour of week and the
/// daily backlog. See <see cref="TicketStatisticsAccumulator"/> for the memory bound and docs/analytics.md for every
/// definition.
/// </summary>
public static class TicketStatistics
{
    /// <summary>Computes statistics over in-memory histories.</summary>
    /// <param name="histories">One history per ticket (see <see cref="TicketStatisticsAccumulator.Add"/>).</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <returns>The report (an empty report when there are no histories).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="histories"/> or a history is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A history is empty or out of order, or the options are invalid.</exception>
    public static TicketStatisticsReport Compute(IEnumerable<IReadOnlyList<TicketEvent>> histories, TicketStatisticsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(histories);
        var accumulator = new TicketStatisticsAccumulator(options);
        foreach (var history in histories)
        {
            accumulator.Add(history);
        }

        return accumulator.ToReport();
    }

    /// <summary>Computes statistics over a stream of histories, e.g. a store query, reading each history once.</summary>
    /// <param name="histories">One history per ticket.</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="histories"/> or a history is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A history is empty or out of order, or the options are invalid.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public static async ValueTask<TicketStatisticsReport> ComputeAsync(
        IAsyncEnumerable<IReadOnlyList<TicketEvent>> histories, TicketStatisticsOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(histories);
        var accumulator = new TicketStatisticsAccumulator(options);
        await foreach (var history in histories.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            accumulator.Add(history);
        }

        return accumulator.ToReport();
    }
}
