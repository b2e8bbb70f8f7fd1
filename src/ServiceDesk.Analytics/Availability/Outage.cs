using NodaTime;

namespace ServiceDesk.Analytics;

/// <summary>How badly an outage affected a service.</summary>
public enum OutageKind
{
    /// <summary>The service was unavailable: always downtime.</summary>
    Down = 0,

    /// <summary>The service worked with reduced function or performance: downtime only when
    /// <see cref="DegradedCounting.AsDown"/> is chosen.</summary>
    Degraded = 1,
}

/// <summary>Whether degraded time counts against availability.</summary>
public enum DegradedCounting
{
    /// <summary>Degraded time counts as available (it is reported separately as <see cref="AvailabilityFigures.Degraded"/>).</summary>
    AsAvailable = 0,

    /// <summary>Degraded time counts as downtime, and a degraded episode as a failure.</summary>
    AsDown = 1,
}

/// <summary>
/// An interval <c>[Start, End)</c> in which a service was down or degraded, typically taken from an incident that
/// marked the service as affected.
/// </summary>
/// <remarks>Outages may overlap each other and the calendar's closed hours; <see cref="AvailabilityCalculator"/> merges
/// them and counts only agreed service hours.</remarks>
/// <param name="Service">The affected service; not the default value.</param>
/// <param name="Start">When the outage began (inclusive).</param>
/// <param name="End">When service was restored (exclusive); after <paramref name="Start"/>.</param>
/// <param name="Kind">Down or degraded.</param>
public sealed record Outage(ServiceId Service, Instant Start, Instant End, OutageKind Kind = OutageKind.Down)
{
    /// <summary>Gets the affected service.</summary>
    public ServiceId Service { get; init; } = Service.IsDefault
        ? throw new ArgumentException("default(ServiceId) identifies no service.", nameof(Service))
        : Service;

    /// <summary>Gets when service was restored (exclusive); always after <see cref="Start"/>.</summary>
    public Instant End { get; init; } = End <= Start
        ? throw new ArgumentOutOfRangeException(nameof(End), End, $"An outage must end after it starts ({Start:uuuu-MM-dd'T'HH:mm:ss.FFFFFFF'Z'}).")
        : End;

    /// <summary>Gets whether the service was down or degraded.</summary>
    public OutageKind Kind { get; init; } = Enum.IsDefined(Kind)
        ? Kind
        : throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "Kind must be Down or Degraded.");
}
