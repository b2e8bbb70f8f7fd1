using NodaTime;

namespace ServiceDesk.Sla.Tests;

/// <summary>Calendars shared by the tests, plus helpers to write local wall-clock instants.</summary>
internal static class TestCalendars
{
    internal static readonly DateTimeZone NewYork = DateTimeZoneProviders.Tzdb["America/New_York"];
    internal static readonly DateTimeZone London = DateTimeZoneProviders.Tzdb["Europe/London"];

    /// <summary>Mon-Fri 09:00-18:00 in New York, no holidays.</summary>
    internal static BusinessCalendar NyNineToSix() => new BusinessCalendarBuilder(NewYork)
        .AddWeekdayHours(new LocalTime(9, 0), new LocalTime(18, 0)).Build();

    /// <summary>Mon-Fri 09:00-13:00 and 14:00-18:00 in New York.</summary>
    internal static BusinessCalendar NyLunchBreak() => new BusinessCalendarBuilder(NewYork)
        .AddWeekdayHours(new LocalTime(9, 0), new LocalTime(13, 0))
        .AddWeekdayHours(new LocalTime(14, 0), new LocalTime(18, 0)).Build();

    /// <summary>A night shift 22:00-06:00 starting Sunday to Thursday, written as one overnight interval.</summary>
    internal static BusinessCalendar NightShift(DateTimeZone zone)
    {
        var builder = new BusinessCalendarBuilder(zone);
        foreach (var day in new[] { IsoDayOfWeek.Sunday, IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday })
        {
            builder.AddHours(day, new LocalTime(22, 0), new LocalTime(6, 0));
        }

        return builder.Build();
    }

    /// <summary>Every day 22:00-06:00 (so the shifts of the DST weekend nights are open).</summary>
    internal static BusinessCalendar NightlyShift(DateTimeZone zone)
        => new BusinessCalendarBuilder(zone).AddDailyHours(new LocalTime(22, 0), new LocalTime(6, 0)).Build();

    /// <summary>24/7 in New York.</summary>
    internal static BusinessCalendar AlwaysOpen(DateTimeZone zone)
        => new BusinessCalendarBuilder(zone).AddDailyHours(LocalTime.Midnight, LocalTime.Midnight).Build();

    /// <summary>
    /// A London calendar with every feature: day and night shifts, yearly, one-off, partial and recurring partial
    /// closures, and an extra Saturday.
    /// </summary>
    internal static BusinessCalendar LondonEverything() => BusinessCalendar.FromJson("""
        {"zone":"Europe/London",
         "week":{"mon":[["09:00","17:00"],["22:00","06:00"]],"tue":[["09:00","17:00"],["22:00","06:00"]],
                 "wed":[["09:00","17:00"],["22:00","06:00"]],"thu":[["09:00","17:00"],["22:00","06:00"]],
                 "fri":[["09:00","17:00"]],"sat":[],"sun":[["22:00","06:00"]]},
         "closed":[{"yearly":"12-25"},{"yearly":"12-26"},{"yearly":"12-31","from":"14:00","to":"24:00"},
                   "2025-05-05",{"date":"2025-06-11","from":"12:00","to":"15:30"}],
         "open":[{"date":"2025-05-10","hours":[["10:00","14:00"]]}]}
        """);

    /// <summary>All calendars the property tests draw from: the vector calendars and the ones above.</summary>
    internal static IReadOnlyList<(string Name, BusinessCalendar Calendar)> All { get; } =
    [
        .. Vectors.Calendars.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value)),
        ("london_everything", LondonEverything()),
        ("ny_night_overnight", NightShift(NewYork)),
        ("london_nightly", NightlyShift(London)),
        ("ny_24x7", AlwaysOpen(NewYork)),
    ];

    /// <summary>The instant of a wall-clock time in a zone (ambiguous times: the earlier; skipped: shifted forward).</summary>
    internal static Instant Local(DateTimeZone zone, int year, int month, int day, int hour, int minute = 0)
        => zone.AtLeniently(new LocalDateTime(year, month, day, hour, minute)).ToInstant();

    internal static Instant Ny(int year, int month, int day, int hour, int minute = 0) => Local(NewYork, year, month, day, hour, minute);

    internal static Instant Uk(int year, int month, int day, int hour, int minute = 0) => Local(London, year, month, day, hour, minute);
}
