using NodaTime;

namespace ServiceDesk.Sla;

/// <summary>Business-day arithmetic, kept apart from business-duration arithmetic.</summary>
public sealed partial class BusinessCalendar
{
    /// <summary>Gets a value indicating whether a date is a business day: it has open time after closures.</summary>
    /// <param name="date">The local date in <see cref="Zone"/>.</param>
    /// <returns><see langword="true"/> when at least one interval belonging to the date stays open.</returns>
    /// <remarks>Computed from the definition on each call (it allocates); not a hot-path member.</remarks>
    public bool IsBusinessDay(LocalDate date) => DayPieces(date).Count > 0;

    /// <summary>Gets the open time that belongs to a date, as UTC intervals, after closures.</summary>
    /// <param name="date">The local date in <see cref="Zone"/>.</param>
    /// <returns>
    /// The date's open intervals in order (touching intervals merged); an overnight interval that starts on the date
    /// is included whole, the early hours of the previous evening's shift are not. Empty when the date is closed.
    /// </returns>
    public IReadOnlyList<Interval> GetOpenIntervals(LocalDate date)
        => [.. DayPieces(date).Select(p => new Interval(Instant.FromUnixTimeTicks(p.Start), Instant.FromUnixTimeTicks(p.End)))];

    /// <summary>Gets the business day an instant counts toward.</summary>
    /// <param name="instant">The instant.</param>
    /// <returns>
    /// When the calendar is open at <paramref name="instant"/>, the date the open interval belongs to (the evening's
    /// date for the small hours of a night shift); otherwise the business day of <see cref="NextOpen"/>, so that an
    /// instant after Friday's close counts toward Monday, as in <see cref="AddBusinessTime"/>.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException">The calendar does not open again within the supported range.</exception>
    public LocalDate GetBusinessDay(Instant instant)
    {
        var open = NextOpen(instant).ToUnixTimeTicks();
        var date = LocalDateAt(open);
        var previous = PlusDaysClamped(date, -1);
        foreach (var candidate in new[] { previous, date })
        {
            foreach (var (start, end) in DayPieces(candidate))
            {
                if (start <= open && open < end)
                {
                    return candidate;
                }
            }
        }

        return date;
    }

    /// <summary>Adds business days to a date.</summary>
    /// <param name="date">The date to count from (it need not be a business day).</param>
    /// <param name="days">The number of business days; negative counts backwards.</param>
    /// <returns>
    /// For a positive count, the <paramref name="days"/>-th business day after <paramref name="date"/>; for a negative
    /// count, the business day that many business days before; for zero, <paramref name="date"/> itself.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException">The result falls outside the ISO date range.</exception>
    /// <remarks>
    /// A business day is a date with open time (<see cref="IsBusinessDay"/>). This is day arithmetic ("due in 3
    /// business days"), distinct from <see cref="AddBusinessTime"/> with 3 x 24 hours or with 3 x the day's length:
    /// anchors disagree on what "1 day" means, so the SDK makes the choice explicit. O(days) and allocating.
    /// </remarks>
    public LocalDate AddBusinessDays(LocalDate date, int days)
    {
        var step = days >= 0 ? 1 : -1;
        var remaining = Math.Abs((long)days);
        while (remaining > 0)
        {
            if ((step > 0 && date == LocalDate.MaxIsoValue) || (step < 0 && date == LocalDate.MinIsoValue))
            {
                throw new ArgumentOutOfRangeException(nameof(days), days, "The result falls outside the supported date range (years -9998 to 9999).");
            }

            date = date.PlusDays(step);
            if (IsBusinessDay(date))
            {
                remaining--;
            }
        }

        return date;
    }

    /// <summary>Gets the end of a business day: the closing instant of the last open interval belonging to it.</summary>
    /// <param name="date">A business day.</param>
    /// <returns>The end of the date's open time (the next morning's close for a night shift that starts that evening).</returns>
    /// <exception cref="ArgumentException"><paramref name="date"/> is not a business day of this calendar.</exception>
    public Instant EndOfBusinessDay(LocalDate date)
    {
        var pieces = DayPieces(date);
        if (pieces.Count == 0)
        {
            throw new ArgumentException($"{TimeText.FormatDate(date)} is not a business day of this calendar (it has no open time).", nameof(date));
        }

        return Instant.FromUnixTimeTicks(pieces[^1].End);
    }

    /// <summary>
    /// Adds business days to an instant and snaps to the end of the resulting business day ("due by the end of the
    /// third business day").
    /// </summary>
    /// <param name="start">The instant to count from.</param>
    /// <param name="days">The number of business days; zero snaps to the end of the start's own business day.</param>
    /// <returns><c>EndOfBusinessDay(AddBusinessDays(GetBusinessDay(start), days))</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The result falls outside the supported range.</exception>
    /// <remarks>
    /// The start's business day is that of <see cref="GetBusinessDay"/>: Wednesday 10:00 + 1 business day is the end of
    /// Thursday; Friday 19:00 (after close) + 1 is the end of Tuesday, because Friday evening counts toward Monday.
    /// </remarks>
    public Instant AddBusinessDays(Instant start, int days) => EndOfBusinessDay(AddBusinessDays(GetBusinessDay(start), days));
}
