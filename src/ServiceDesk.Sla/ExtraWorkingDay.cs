using NodaTime;

namespace ServiceDesk.Sla;

/// <summary>
/// A dated working day with its own opening hours, replacing the weekly hours of that date (e.g. a Saturday
/// worked in exchange for a bridge day).
/// </summary>
/// <remarks>
/// The hours replace, rather than add to, the weekly hours of the date's weekday. Partial closures on the date still
/// apply; a yearly whole-day closure does not (the specific date wins). Intervals may run past midnight and then
/// belong to this date. Instances are immutable and thread-safe; validation happens in
/// <see cref="BusinessCalendarBuilder.Build"/>.
/// </remarks>
public sealed class ExtraWorkingDay
{
    /// <summary>Initializes a new extra working day.</summary>
    /// <param name="date">The date.</param>
    /// <param name="hours">The opening hours of that date; at least one interval, none overlapping.</param>
    /// <exception cref="ArgumentNullException"><paramref name="hours"/> is <see langword="null"/>.</exception>
    public ExtraWorkingDay(LocalDate date, IEnumerable<LocalTimeInterval> hours)
    {
        ArgumentNullException.ThrowIfNull(hours);
        Date = date;
        Hours = Array.AsReadOnly(hours.ToArray());
    }

    /// <summary>Gets the date.</summary>
    public LocalDate Date { get; }

    /// <summary>Gets the opening hours of the date, in the order given.</summary>
    public IReadOnlyList<LocalTimeInterval> Hours { get; }

    /// <summary>Describes the day, e.g. <c>2025-11-01 [09:00, 18:00)</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => TimeText.FormatDate(Date) + " " + string.Join(" ", Hours);
}
