using System.Globalization;
using NodaTime;

namespace ServiceDesk.Sla;

/// <summary>
/// A half-open range of wall-clock time within a day, <c>[Start, End)</c>, as used for weekly opening hours,
/// the hours of an extra working day and partial-day closures.
/// </summary>
/// <remarks>
/// <para>
/// An interval whose <see cref="End"/> is not after its <see cref="Start"/> runs past midnight into the next
/// day: <c>22:00-06:00</c> is an eight-hour night shift, <c>09:00-00:00</c> ends at the next midnight (written
/// <c>24:00</c> in JSON) and <c>00:00-00:00</c> (or <c>09:00-09:00</c>) is a full 24 hours. Such an interval
/// belongs to the day it starts on: closing that day removes all of it, including the hours after midnight.
/// </para>
/// <para>
/// The <see cref="Length"/> is the wall-clock length. The real (elapsed) length of the interval on a given date
/// can differ on a daylight-saving transition day: a 00:00-06:00 shift lasts five hours on a spring-forward night
/// and seven on a fall-back night.
/// </para>
/// <para>This is an immutable value type; it is thread-safe.</para>
/// </remarks>
public readonly struct LocalTimeInterval : IEquatable<LocalTimeInterval>
{
    /// <summary>Initializes a new interval.</summary>
    /// <param name="start">The first wall-clock time inside the interval.</param>
    /// <param name="end">
    /// The first wall-clock time after the interval; when not after <paramref name="start"/>, on the next day.
    /// </param>
    public LocalTimeInterval(LocalTime start, LocalTime end)
    {
        Start = start;
        End = end;
    }

    /// <summary>Gets the first wall-clock time inside the interval.</summary>
    public LocalTime Start { get; }

    /// <summary>
    /// Gets the first wall-clock time after the interval. When it is not after <see cref="Start"/>, it is on the
    /// following day (<see cref="LocalTime.Midnight"/> as an end means <c>24:00</c>).
    /// </summary>
    public LocalTime End { get; }

    /// <summary>
    /// Gets a value indicating whether the interval ends on the following day, which is the case when
    /// <see cref="End"/> is not after <see cref="Start"/> (this includes an end of <c>24:00</c>).
    /// </summary>
    public bool EndsNextDay => End <= Start;

    /// <summary>
    /// Gets a value indicating whether the interval runs past midnight, i.e. ends on the following day later
    /// than <c>00:00</c> (<c>22:00-06:00</c> does, <c>18:00-24:00</c> does not).
    /// </summary>
    public bool RunsPastMidnight => End <= Start && End != LocalTime.Midnight;

    /// <summary>Gets the wall-clock length of the interval: more than zero and at most 24 hours.</summary>
    public Duration Length => Duration.FromTicks(EndTickOfSpan - StartTick);

    /// <summary>Gets the start as ticks since the start of its day.</summary>
    internal long StartTick => Start.TickOfDay;

    /// <summary>Gets the end as ticks since the start of the interval's own day (may exceed one day).</summary>
    internal long EndTickOfSpan => End > Start ? End.TickOfDay : End.TickOfDay + NodaConstants.TicksPerDay;

    /// <summary>Compares two intervals for equality of <see cref="Start"/> and <see cref="End"/>.</summary>
    /// <param name="left">The first interval.</param>
    /// <param name="right">The second interval.</param>
    /// <returns><see langword="true"/> when both bounds are equal.</returns>
    public static bool operator ==(LocalTimeInterval left, LocalTimeInterval right) => left.Equals(right);

    /// <summary>Compares two intervals for inequality.</summary>
    /// <param name="left">The first interval.</param>
    /// <param name="right">The second interval.</param>
    /// <returns><see langword="true"/> when a bound differs.</returns>
    public static bool operator !=(LocalTimeInterval left, LocalTimeInterval right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(LocalTimeInterval other) => Start == other.Start && End == other.End;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is LocalTimeInterval other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Start, End);

    /// <summary>Formats the interval as in JSON definitions, e.g. <c>[09:00, 13:00)</c> or <c>[22:00, 24:00)</c>.</summary>
    /// <returns>The text form of the interval.</returns>
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"[{TimeText.Format(Start, false)}, {TimeText.Format(End, EndsNextDay)})");
}
