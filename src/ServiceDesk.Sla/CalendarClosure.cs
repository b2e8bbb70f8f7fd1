using NodaTime;

namespace ServiceDesk.Sla;

/// <summary>
/// A dated closure of a <see cref="BusinessCalendar"/>: a whole day or a part of a day, on one date or every year
/// on a month-day (a holiday, an early close on New Year's Eve, a maintenance window).
/// </summary>
/// <remarks>
/// <para>
/// A <b>whole-day</b> closure cancels the opening hours that belong to the date, i.e. the intervals that start on
/// it, including the hours after midnight of a night shift that starts that evening; the hours after midnight of
/// the previous evening's shift are not affected (they belong to the previous day).
/// </para>
/// <para>
/// A <b>partial</b> closure blanks out the wall-clock window <see cref="Hours"/> of the date, whichever day's
/// interval the open time belongs to (a window that ends on the next day, e.g. <c>22:00-02:00</c>, runs past
/// midnight like an opening interval). It also applies to an extra working day on that date.
/// </para>
/// <para>
/// A yearly closure on <c>02-29</c> applies in leap years only. A one-off whole-day closure wins over the weekly
/// hours; an <see cref="ExtraWorkingDay"/> on a date wins over a yearly whole-day closure of that month-day
/// (a specific date is more specific than a recurring rule), and the same date may not be both a one-off
/// whole-day closure and an extra working day.
/// </para>
/// <para>Instances are immutable and thread-safe.</para>
/// </remarks>
public sealed class CalendarClosure : IEquatable<CalendarClosure>
{
    private CalendarClosure(LocalDate? date, AnnualDate? yearly, LocalTimeInterval? hours)
    {
        Date = date;
        MonthDay = yearly;
        Hours = hours;
    }

    /// <summary>Gets the date of a one-off closure, or <see langword="null"/> for a yearly one.</summary>
    public LocalDate? Date { get; }

    /// <summary>Gets the month-day of a yearly closure, or <see langword="null"/> for a one-off one.</summary>
    public AnnualDate? MonthDay { get; }

    /// <summary>Gets the closed wall-clock window of a partial closure, or <see langword="null"/> for a whole day.</summary>
    public LocalTimeInterval? Hours { get; }

    /// <summary>Gets a value indicating whether the closure recurs every year.</summary>
    public bool IsYearly => MonthDay.HasValue;

    /// <summary>Gets a value indicating whether the closure covers the whole day.</summary>
    public bool IsWholeDay => !Hours.HasValue;

    /// <summary>Creates a whole-day closure on one date.</summary>
    /// <param name="date">The closed date.</param>
    /// <returns>The closure.</returns>
    public static CalendarClosure On(LocalDate date) => new(date, null, null);

    /// <summary>Creates a partial closure on one date.</summary>
    /// <param name="date">The date.</param>
    /// <param name="hours">The closed wall-clock window of that date, e.g. <c>14:00-24:00</c>.</param>
    /// <returns>The closure.</returns>
    public static CalendarClosure On(LocalDate date, LocalTimeInterval hours) => new(date, null, hours);

    /// <summary>Creates a whole-day closure every year on a month-day.</summary>
    /// <param name="monthDay">The month-day, e.g. <c>new AnnualDate(12, 25)</c>; 02-29 applies in leap years only.</param>
    /// <returns>The closure.</returns>
    public static CalendarClosure Yearly(AnnualDate monthDay) => new(null, monthDay, null);

    /// <summary>Creates a partial closure every year on a month-day.</summary>
    /// <param name="monthDay">The month-day; 02-29 applies in leap years only.</param>
    /// <param name="hours">The closed wall-clock window of that day.</param>
    /// <returns>The closure.</returns>
    public static CalendarClosure Yearly(AnnualDate monthDay, LocalTimeInterval hours) => new(null, monthDay, hours);

    /// <summary>Gets a value indicating whether the closure applies to the given date.</summary>
    /// <param name="date">The date.</param>
    /// <returns><see langword="true"/> when the closure is on that date (or on its month-day, for a yearly one).</returns>
    public bool AppliesTo(LocalDate date)
        => Date.HasValue ? Date.Value == date : MonthDay!.Value.Month == date.Month && MonthDay.Value.Day == date.Day;

    /// <inheritdoc />
    public bool Equals(CalendarClosure? other)
        => other is not null && Date == other.Date && MonthDay == other.MonthDay && Hours == other.Hours;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as CalendarClosure);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Date, MonthDay, Hours);

    /// <summary>Describes the closure, e.g. <c>2025-12-31 [14:00, 24:00)</c> or <c>yearly 01-07</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
    {
        var day = Date.HasValue ? TimeText.FormatDate(Date.Value) : "yearly " + TimeText.FormatMonthDay(MonthDay!.Value);
        return Hours.HasValue ? day + " " + Hours.Value : day;
    }
}
