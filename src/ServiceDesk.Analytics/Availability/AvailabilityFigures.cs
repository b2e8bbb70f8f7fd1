using NodaTime;

namespace ServiceDesk.Analytics;

/// <summary>
/// Availability figures of one service over one period, all measured in agreed service time (the open time of the
/// service's business calendar).
/// </summary>
/// <param name="Start">The start of the period (inclusive).</param>
/// <param name="End">The end of the period (exclusive).</param>
/// <param name="Agreed">The agreed service time (AST): open time of the calendar in <c>[Start, End)</c>.</param>
/// <param name="Downtime">Open time in the union of the outages counted as down, so overlapping outages count once.</param>
/// <param name="Degraded">Open time in which the service was degraded but not down. With
/// <see cref="DegradedCounting.AsDown"/> it is zero, because degraded time is then part of <paramref name="Downtime"/>.</param>
/// <param name="Failures">The number of failures: merged outage episodes (outages that overlap or touch form one
/// episode) with some downtime in agreed hours, each counted in the period where its first agreed instant lies.</param>
public sealed record AvailabilityFigures(Instant Start, Instant End, Duration Agreed, Duration Downtime, Duration Degraded, int Failures)
{
    /// <summary>Gets the availability, ITIL's <c>(Agreed - Downtime) / Agreed</c>, as a fraction in <c>[0, 1]</c>
    /// (multiply by 100 for per cent); <see langword="null"/> when the period has no agreed service time.</summary>
    public double? Availability => Agreed == Duration.Zero
        ? null
        : (double)(Agreed - Downtime).BclCompatibleTicks / Agreed.BclCompatibleTicks;

    /// <summary>Gets the mean time between failures, ITIL's mean uptime per failure: <c>(Agreed - Downtime) / Failures</c>
    /// (truncated to whole ticks); <see langword="null"/> when there was no failure.</summary>
    public Duration? Mtbf => Failures == 0 ? null : Duration.FromTicks((Agreed - Downtime).BclCompatibleTicks / Failures);

    /// <summary>Gets the mean time to restore service: <c>Downtime / Failures</c> (truncated to whole ticks), in agreed
    /// service time; <see langword="null"/> when there was no failure.</summary>
    public Duration? Mtrs => Failures == 0 ? null : Duration.FromTicks(Downtime.BclCompatibleTicks / Failures);

    /// <summary>Gets the mean time between service incidents: <c>Agreed / Failures</c> (truncated to whole ticks), which is
    /// MTBF + MTRS up to rounding; <see langword="null"/> when there was no failure.</summary>
    public Duration? Mtbsi => Failures == 0 ? null : Duration.FromTicks(Agreed.BclCompatibleTicks / Failures);
}

/// <summary>Availability figures of one calendar month (in the zone of the service's calendar).</summary>
/// <param name="Month">The month.</param>
/// <param name="Figures">The figures over the part of the month inside the requested period.</param>
public sealed record MonthlyAvailability(YearMonth Month, AvailabilityFigures Figures);

/// <summary>The availability of one service over a period, in total and per month.</summary>
/// <param name="Service">The service.</param>
/// <param name="Total">The figures over the whole period.</param>
/// <param name="Months">The figures per calendar month, in order; their agreed time, downtime, degraded time and
/// failures add up to <paramref name="Total"/>.</param>
public sealed record AvailabilityReport(ServiceId Service, AvailabilityFigures Total, IReadOnlyList<MonthlyAvailability> Months);
