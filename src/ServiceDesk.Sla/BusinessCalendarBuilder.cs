using System.Globalization;
using NodaTime;

namespace ServiceDesk.Sla;

/// <summary>
/// The mutable, fluent first stage of a <see cref="BusinessCalendar"/>: collect the zone, the weekly hours, the
/// closures and the extra working days, then call <see cref="Build"/> once to validate them into an immutable,
/// thread-safe calendar.
/// </summary>
/// <remarks>
/// <para>
/// Nothing is validated until <see cref="Build"/>, which reports every fault at once in one
/// <see cref="InvalidDefinitionException"/>, each fault named by the JSON path it would have in the calendar's JSON
/// form (<c>$.week.mon[1]</c> is the second interval added for Monday, <c>$.closed[0]</c> the first closure and
/// <c>$.open[0]</c> the first extra working day), so that faults read the same whether a calendar was built in code
/// or loaded with <see cref="BusinessCalendar.FromJson(string)"/>.
/// </para>
/// <para>
/// Defaults: no zone (one is required), no weekly hours (at least one interval is required), no closures and no
/// extra working days. A builder is not thread-safe; the calendars it builds are. A builder can build any number of
/// calendars; later changes to the builder do not affect calendars already built.
/// </para>
/// </remarks>
public sealed class BusinessCalendarBuilder
{
    internal static readonly string[] DayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    private readonly List<(LocalTimeInterval Interval, string Path)>[] _week =
        [[], [], [], [], [], [], []];

    private readonly List<(CalendarClosure Closure, string Path)> _closures = [];
    private readonly List<(ExtraWorkingDay Day, string Path)> _extraDays = [];
    private DateTimeZone? _zone;
    private string? _zoneId;

    /// <summary>Initializes a new, empty builder; set the zone with <see cref="WithZone(string)"/>.</summary>
    public BusinessCalendarBuilder()
    {
    }

    /// <summary>Initializes a new builder for a zone given by its IANA id (resolved in <see cref="Build"/>).</summary>
    /// <param name="zoneId">An IANA time zone id such as <c>"Europe/London"</c>, or a Windows id such as
    /// <c>"GMT Standard Time"</c>, which <see cref="Build"/> maps to its IANA zone (see <see cref="WithZone(string)"/>).</param>
    /// <exception cref="ArgumentNullException"><paramref name="zoneId"/> is <see langword="null"/>.</exception>
    public BusinessCalendarBuilder(string zoneId) => WithZone(zoneId);

    /// <summary>Initializes a new builder for a zone.</summary>
    /// <param name="zone">The zone whose wall clock the hours are written in.</param>
    /// <exception cref="ArgumentNullException"><paramref name="zone"/> is <see langword="null"/>.</exception>
    public BusinessCalendarBuilder(DateTimeZone zone) => WithZone(zone);

    /// <summary>Sets the zone by IANA id, looked up in <see cref="DateTimeZoneProviders.Tzdb"/> by <see cref="Build"/>.</summary>
    /// <param name="zoneId">An IANA time zone id such as <c>"America/New_York"</c>; an unknown id is a fault in <see cref="Build"/>.</param>
    /// <remarks>A Windows time zone id (what <see cref="TimeZoneInfo.Id"/> holds on Windows, e.g. <c>"Eastern Standard Time"</c>)
    /// that is not also a TZDB id is mapped to its IANA zone with NodaTime's Windows mapping
    /// (<see cref="NodaTime.TimeZones.TzdbDateTimeZoneSource.WindowsMapping"/>, primary territory), so
    /// <c>"Eastern Standard Time"</c> builds a calendar whose <see cref="BusinessCalendar.Zone"/> is <c>America/New_York</c>
    /// and whose <see cref="BusinessCalendar.ToJson"/> writes the IANA id.</remarks>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="zoneId"/> is <see langword="null"/>.</exception>
    public BusinessCalendarBuilder WithZone(string zoneId)
    {
        ArgumentNullException.ThrowIfNull(zoneId);
        _zoneId = zoneId;
        _zone = null;
        return this;
    }

    /// <summary>Sets the zone.</summary>
    /// <param name="zone">The zone whose wall clock the hours are written in.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="zone"/> is <see langword="null"/>.</exception>
    public BusinessCalendarBuilder WithZone(DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        _zone = zone;
        _zoneId = zone.Id;
        return this;
    }

    /// <summary>Adds weekly opening hours <c>[start, end)</c> on a weekday.</summary>
    /// <param name="day">The weekday the interval starts on (and belongs to).</param>
    /// <param name="start">The opening time.</param>
    /// <param name="end">The closing time; when not after <paramref name="start"/>, on the next day (midnight means 24:00).</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="day"/> is not Monday..Sunday.</exception>
    /// <remarks>Intervals of the week may touch but not overlap, also across midnight; <see cref="Build"/> checks.</remarks>
    public BusinessCalendarBuilder AddHours(IsoDayOfWeek day, LocalTime start, LocalTime end)
        => AddHours(day, new LocalTimeInterval(start, end));

    /// <summary>Adds weekly opening hours on a weekday.</summary>
    /// <param name="day">The weekday the interval starts on (and belongs to).</param>
    /// <param name="interval">The interval.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="day"/> is not Monday..Sunday.</exception>
    public BusinessCalendarBuilder AddHours(IsoDayOfWeek day, LocalTimeInterval interval)
    {
        var index = DayIndex(day);
        AddHoursAt(index, interval, string.Create(CultureInfo.InvariantCulture, $"$.week.{DayNames[index]}[{_week[index].Count}]"));
        return this;
    }

    /// <summary>Adds the same weekly opening hours on Monday to Friday.</summary>
    /// <param name="start">The opening time.</param>
    /// <param name="end">The closing time; when not after <paramref name="start"/>, on the next day.</param>
    /// <returns>This builder.</returns>
    public BusinessCalendarBuilder AddWeekdayHours(LocalTime start, LocalTime end)
    {
        for (var day = IsoDayOfWeek.Monday; day <= IsoDayOfWeek.Friday; day++)
        {
            AddHours(day, start, end);
        }

        return this;
    }

    /// <summary>Adds the same weekly opening hours on every day of the week (e.g. <c>00:00-24:00</c> for 24/7).</summary>
    /// <param name="start">The opening time.</param>
    /// <param name="end">The closing time; when not after <paramref name="start"/>, on the next day.</param>
    /// <returns>This builder.</returns>
    public BusinessCalendarBuilder AddDailyHours(LocalTime start, LocalTime end)
    {
        for (var day = IsoDayOfWeek.Monday; day <= IsoDayOfWeek.Sunday; day++)
        {
            AddHours(day, start, end);
        }

        return this;
    }

    /// <summary>Adds a closure (a whole or partial day, one-off or yearly).</summary>
    /// <param name="closure">The closure.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="closure"/> is <see langword="null"/>.</exception>
    public BusinessCalendarBuilder Close(CalendarClosure closure)
    {
        ArgumentNullException.ThrowIfNull(closure);
        AddClosureAt(closure, string.Create(CultureInfo.InvariantCulture, $"$.closed[{_closures.Count}]"));
        return this;
    }

    /// <summary>Closes a whole date (a one-off holiday).</summary>
    /// <param name="date">The date.</param>
    /// <returns>This builder.</returns>
    public BusinessCalendarBuilder Close(LocalDate date) => Close(CalendarClosure.On(date));

    /// <summary>Closes a month-day every year (a fixed-date holiday such as 12-25).</summary>
    /// <param name="monthDay">The month-day; 02-29 applies in leap years only.</param>
    /// <returns>This builder.</returns>
    public BusinessCalendarBuilder CloseYearly(AnnualDate monthDay) => Close(CalendarClosure.Yearly(monthDay));

    /// <summary>Adds an extra working day whose hours replace the weekly hours of its date.</summary>
    /// <param name="day">The extra working day.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="day"/> is <see langword="null"/>.</exception>
    public BusinessCalendarBuilder AddExtraWorkingDay(ExtraWorkingDay day)
    {
        ArgumentNullException.ThrowIfNull(day);
        AddExtraWorkingDayAt(day, string.Create(CultureInfo.InvariantCulture, $"$.open[{_extraDays.Count}]"));
        return this;
    }

    /// <summary>Adds an extra working day whose hours replace the weekly hours of its date.</summary>
    /// <param name="date">The date.</param>
    /// <param name="hours">Its opening hours; at least one interval.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="hours"/> is <see langword="null"/>.</exception>
    public BusinessCalendarBuilder AddExtraWorkingDay(LocalDate date, params LocalTimeInterval[] hours)
        => AddExtraWorkingDay(new ExtraWorkingDay(date, hours));

    /// <summary>Validates the definition and builds the immutable calendar.</summary>
    /// <returns>A new calendar, immutable and thread-safe.</returns>
    /// <exception cref="InvalidDefinitionException">
    /// The definition has faults: no or an unknown zone, no weekly hours, overlapping intervals (also across midnight
    /// and around the end of the week), times with fractions of a second, an extra working day without hours, with
    /// overlapping hours, twice the same date or also closed as a whole day by a one-off closure. Every fault is
    /// listed, with its JSON path.
    /// </exception>
    public BusinessCalendar Build() => BuildCore([]);

    internal void AddHoursAt(int dayIndex, LocalTimeInterval interval, string path) => _week[dayIndex].Add((interval, path));

    internal void AddClosureAt(CalendarClosure closure, string path) => _closures.Add((closure, path));

    internal void AddExtraWorkingDayAt(ExtraWorkingDay day, string path) => _extraDays.Add((day, path));

    internal BusinessCalendar BuildCore(List<string> errors)
    {
        var zone = _zone;
        if (zone is null && !errors.Exists(e => e.StartsWith("$.zone", StringComparison.Ordinal)))
        {
            if (_zoneId is null)
            {
                errors.Add("$.zone: missing; a calendar needs an IANA time zone id such as \"Europe/London\" (use \"Etc/UTC\" for UTC).");
            }
            else
            {
                zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(_zoneId) ?? FromWindowsId(_zoneId);
                if (zone is null)
                {
                    errors.Add($"$.zone: unknown time zone {TextPolicy.Echo(_zoneId)}; expected an IANA id from the TZDB ({DateTimeZoneProviders.Tzdb.VersionId}) such as \"Europe/London\".");
                }
            }
        }

        ValidateWeek(errors);
        ValidateClosures(errors);
        ValidateExtraDays(errors);
        if (errors.Count > 0)
        {
            throw new InvalidDefinitionException("business calendar", errors);
        }

        var week = new LocalTimeInterval[7][];
        for (var d = 0; d < 7; d++)
        {
            week[d] = [.. _week[d].Select(x => x.Interval).OrderBy(x => x.Start)];
        }

        return new BusinessCalendar(
            zone!,
            week,
            [.. _closures.Select(x => x.Closure)],
            [.. _extraDays.Select(x => x.Day)]);
    }

    internal static int DayIndex(IsoDayOfWeek day)
    {
        if (day is < IsoDayOfWeek.Monday or > IsoDayOfWeek.Sunday)
        {
            throw new ArgumentOutOfRangeException(nameof(day), day, "The day must be Monday (1) to Sunday (7).");
        }

        return (int)day - 1;
    }

    /// <summary>
    /// The TZDB zone of a Windows time zone id (<c>"Eastern Standard Time"</c> is <c>America/New_York</c>), through the
    /// CLDR mapping that ships with NodaTime's TZDB (its primary, territory <c>001</c>, entry); <see langword="null"/>
    /// when the id is not a Windows id either.
    /// </summary>
    private static DateTimeZone? FromWindowsId(string windowsId)
        => NodaTime.TimeZones.TzdbDateTimeZoneSource.Default.WindowsMapping.PrimaryMapping.TryGetValue(windowsId, out var iana)
            ? DateTimeZoneProviders.Tzdb.GetZoneOrNull(iana)
            : null;

    private static void CheckWholeSeconds(LocalTimeInterval interval, string path, List<string> errors)
    {
        if (interval.Start.TickOfSecond != 0 || interval.End.TickOfSecond != 0)
        {
            errors.Add($"{path}: {interval} has a fraction of a second; times must be whole seconds (HH:mm or HH:mm:ss).");
        }
    }

    private void ValidateWeek(List<string> errors)
    {
        const long week = 7 * NodaConstants.TicksPerDay;
        var items = new List<(long Start, long End, string Path, LocalTimeInterval Interval, int Day)>();
        for (var d = 0; d < 7; d++)
        {
            foreach (var (interval, path) in _week[d])
            {
                CheckWholeSeconds(interval, path, errors);
                var start = (d * NodaConstants.TicksPerDay) + interval.StartTick;
                var end = (d * NodaConstants.TicksPerDay) + interval.EndTickOfSpan;
                items.Add((start, end, path, interval, d));
                if (end > week)
                {
                    items.Add((start - week, end - week, path, interval, d));
                }
            }
        }

        if (items.Count == 0)
        {
            errors.Add("$.week: no opening hours on any weekday; a calendar must be open at least once a week (use [[\"00:00\",\"24:00\"]] on every day for 24/7).");
            return;
        }

        var reported = new HashSet<(string, string)>();
        for (var i = 0; i < items.Count; i++)
        {
            for (var j = i + 1; j < items.Count; j++)
            {
                var a = items[i];
                var b = items[j];
                if (a.Path == b.Path || a.Start >= b.End || b.Start >= a.End)
                {
                    continue;
                }

                var (first, second) = string.CompareOrdinal(a.Path, b.Path) < 0 ? (a, b) : (b, a);
                if (reported.Add((first.Path, second.Path)))
                {
                    var across = first.Day != second.Day ? " (an interval that runs past midnight occupies the start of the next day)" : string.Empty;
                    errors.Add($"{second.Path}: {second.Interval} on {DayNames[second.Day]} overlaps {first.Path} {first.Interval} on {DayNames[first.Day]}{across}; intervals may touch but not overlap.");
                }
            }
        }
    }

    private void ValidateClosures(List<string> errors)
    {
        foreach (var (closure, path) in _closures)
        {
            if (closure.Hours is { } hours)
            {
                CheckWholeSeconds(hours, path, errors);
            }
        }
    }

    private void ValidateExtraDays(List<string> errors)
    {
        var seen = new Dictionary<LocalDate, string>();
        foreach (var (day, path) in _extraDays)
        {
            if (!seen.TryAdd(day.Date, path))
            {
                errors.Add($"{path}.date: {TimeText.FormatDate(day.Date)} is already an extra working day at {seen[day.Date]}; list each date once.");
            }

            foreach (var (closure, closurePath) in _closures)
            {
                if (closure.Date == day.Date && closure.IsWholeDay)
                {
                    errors.Add($"{path}.date: {TimeText.FormatDate(day.Date)} is also closed for the whole day by {closurePath}; remove one of them.");
                }
            }

            if (day.Hours.Count == 0)
            {
                errors.Add($"{path}.hours: empty; an extra working day needs at least one interval (use \"closed\" to close a date).");
                continue;
            }

            for (var i = 0; i < day.Hours.Count; i++)
            {
                var a = day.Hours[i];
                CheckWholeSeconds(a, string.Create(CultureInfo.InvariantCulture, $"{path}.hours[{i}]"), errors);
                for (var j = 0; j < i; j++)
                {
                    var b = day.Hours[j];
                    if (a.StartTick < b.EndTickOfSpan && b.StartTick < a.EndTickOfSpan)
                    {
                        errors.Add(string.Create(CultureInfo.InvariantCulture, $"{path}.hours[{i}]: {a} overlaps {path}.hours[{j}] {b}; intervals may touch but not overlap."));
                    }
                }
            }
        }
    }
}
