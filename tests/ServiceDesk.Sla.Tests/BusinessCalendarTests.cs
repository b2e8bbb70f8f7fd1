using NodaTime;
using static ServiceDesk.Sla.Tests.TestCalendars;

namespace ServiceDesk.Sla.Tests;

/// <summary>Named edge cases of business-time arithmetic (the anchors' most reported bugs).</summary>
public sealed class BusinessCalendarTests
{
    private static readonly Duration Hour = Duration.FromHours(1);

    [Fact]
    public void AddBusinessTime_StartOutsideHours_CountsFromNextOpening()
    {
        var calendar = NyNineToSix();
        Assert.Equal(Ny(2025, 3, 4, 10), calendar.AddBusinessTime(Ny(2025, 3, 4, 6), Hour)); // Tuesday before opening
        Assert.Equal(Ny(2025, 3, 10, 10), calendar.AddBusinessTime(Ny(2025, 3, 7, 19), Hour)); // Friday after close
        Assert.Equal(Ny(2025, 3, 10, 10), calendar.AddBusinessTime(Ny(2025, 3, 8, 12), Hour)); // Saturday
    }

    [Fact]
    public void AddBusinessTime_StartOnClosure_CountsFromNextBusinessDay()
    {
        var calendar = NyNineToSix().ToBuilder().Close(new LocalDate(2025, 7, 4)).Build(); // Friday
        Assert.Equal(Ny(2025, 7, 7, 11), calendar.AddBusinessTime(Ny(2025, 7, 4, 10), Duration.FromHours(2)));
    }

    [Fact]
    public void AddBusinessTime_StartExactlyAtOpening_CountsFromThatInstant()
    {
        var calendar = NyNineToSix();
        Assert.Equal(Ny(2025, 3, 4, 9, 1), calendar.AddBusinessTime(Ny(2025, 3, 4, 9), Duration.FromMinutes(1)));
        Assert.True(calendar.IsOpen(Ny(2025, 3, 4, 9)));
    }

    [Fact]
    public void AddBusinessTime_StartExactlyAtClose_CountsFromNextOpening()
    {
        var calendar = NyNineToSix();
        Assert.False(calendar.IsOpen(Ny(2025, 3, 4, 18)));
        Assert.Equal(Ny(2025, 3, 5, 9, 1), calendar.AddBusinessTime(Ny(2025, 3, 4, 18), Duration.FromMinutes(1)));
        Assert.Equal(Ny(2025, 3, 10, 9, 30), calendar.AddBusinessTime(Ny(2025, 3, 7, 18), Duration.FromMinutes(30)));
    }

    [Fact]
    public void AddBusinessTime_DueLandingExactlyAtClose_ReturnsThatClose()
    {
        Assert.Equal(Ny(2025, 3, 7, 18), NyNineToSix().AddBusinessTime(Ny(2025, 3, 7, 17), Hour)); // Friday 18:00, not Monday 09:00
        Assert.Equal(Ny(2025, 3, 4, 13), NyLunchBreak().AddBusinessTime(Ny(2025, 3, 4, 12), Hour)); // 13:00 before lunch, not 14:00
    }

    [Fact]
    public void AddBusinessTime_ZeroAmount_ReturnsStartEvenWhenClosed()
    {
        var calendar = NyNineToSix();
        var saturday = Ny(2025, 3, 8, 12) + Duration.FromNanoseconds(7);
        Assert.Equal(saturday, calendar.AddBusinessTime(saturday, Duration.Zero));
    }

    [Fact]
    public void AddBusinessTime_NegativeAmount_CountsBackwardsToOpening()
    {
        var calendar = NyNineToSix();
        Assert.Equal(Ny(2025, 3, 10, 9), calendar.AddBusinessTime(Ny(2025, 3, 10, 10), -Hour)); // Monday 09:00, not Friday 18:00
        Assert.Equal(Ny(2025, 3, 7, 17), calendar.AddBusinessTime(Ny(2025, 3, 10, 9), -Hour));
    }

    [Fact]
    public void AddBusinessTime_SubTickStart_IsTruncatedToTheTick()
    {
        var calendar = NyNineToSix();
        var start = Ny(2025, 3, 4, 10) + Duration.FromNanoseconds(50);
        Assert.Equal(Ny(2025, 3, 4, 11), calendar.AddBusinessTime(start, Hour));
    }

    [Fact]
    public void AddBusinessTime_AmountBeyondInstantRange_ThrowsNamingAmount()
    {
        var calendar = NyNineToSix();
        var tooLong = Assert.Throws<ArgumentOutOfRangeException>(() => calendar.AddBusinessTime(Ny(2025, 1, 1, 0), Duration.FromDays(9_000_000)));
        Assert.Equal("amount", tooLong.ParamName);
        var pastTheEnd = Assert.Throws<ArgumentOutOfRangeException>(() => calendar.AddBusinessTime(Instant.FromUtc(9999, 6, 1, 0, 0), Duration.FromDays(365)));
        Assert.Equal("amount", pastTheEnd.ParamName);
        Assert.Contains("9999", pastTheEnd.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddBusinessTime_SpringForwardNightInNewYork_ShiftHasSevenRealHours()
    {
        var calendar = NightlyShift(NewYork);
        var shiftStart = Ny(2024, 3, 9, 22); // Saturday 22:00 EST; clocks jump 02:00 -> 03:00 on Sunday
        Assert.Equal(Instant.FromUtc(2024, 3, 10, 3, 0), shiftStart);
        Assert.Equal(Duration.FromHours(7), calendar.BusinessTimeBetween(shiftStart, Ny(2024, 3, 10, 12)));
        Assert.Equal(Ny(2024, 3, 10, 3), calendar.AddBusinessTime(shiftStart, Duration.FromHours(4))); // 03:00 EDT
        Assert.Equal(Ny(2024, 3, 10, 6), calendar.AddBusinessTime(shiftStart, Duration.FromHours(7)));
        Assert.Equal(Ny(2024, 3, 10, 22, 30), calendar.AddBusinessTime(shiftStart, Duration.FromMinutes(7 * 60 + 30)));
    }

    [Fact]
    public void AddBusinessTime_FallBackNightInNewYork_ShiftHasNineRealHours()
    {
        var calendar = NightlyShift(NewYork);
        var shiftStart = Ny(2024, 11, 2, 22); // Saturday 22:00 EDT; clocks fall back 02:00 -> 01:00 on Sunday
        Assert.Equal(Instant.FromUtc(2024, 11, 3, 2, 0), shiftStart);
        Assert.Equal(Duration.FromHours(9), calendar.BusinessTimeBetween(shiftStart, Ny(2024, 11, 3, 12)));
        Assert.Equal(Instant.FromUtc(2024, 11, 3, 5, 0), calendar.AddBusinessTime(shiftStart, Duration.FromHours(3))); // 01:00 EDT
        Assert.Equal(Instant.FromUtc(2024, 11, 3, 6, 0), calendar.AddBusinessTime(shiftStart, Duration.FromHours(4))); // 01:00 EST
        Assert.Equal(Instant.FromUtc(2024, 11, 3, 11, 0), calendar.AddBusinessTime(shiftStart, Duration.FromHours(9))); // 06:00 EST
        Assert.True(calendar.IsOpen(Instant.FromUtc(2024, 11, 3, 10, 59)));
        Assert.False(calendar.IsOpen(Instant.FromUtc(2024, 11, 3, 11, 0)));
    }

    [Fact]
    public void AddBusinessTime_SpringForwardNightInLondon_ShiftHasSevenRealHours()
    {
        var calendar = NightlyShift(London);
        var shiftStart = Uk(2025, 3, 29, 22); // Saturday 22:00 GMT; clocks jump 01:00 -> 02:00 on Sunday
        Assert.Equal(Instant.FromUtc(2025, 3, 29, 22, 0), shiftStart);
        Assert.Equal(Duration.FromHours(7), calendar.BusinessTimeBetween(shiftStart, Uk(2025, 3, 30, 12)));
        Assert.Equal(Instant.FromUtc(2025, 3, 30, 1, 0), calendar.AddBusinessTime(shiftStart, Duration.FromHours(3))); // 02:00 BST
        Assert.Equal(Uk(2025, 3, 30, 6), calendar.AddBusinessTime(shiftStart, Duration.FromHours(7)));
    }

    [Fact]
    public void AddBusinessTime_FallBackNightInLondon_ShiftHasNineRealHours()
    {
        var calendar = NightlyShift(London);
        var shiftStart = Uk(2025, 10, 25, 22); // Saturday 22:00 BST; clocks fall back 02:00 -> 01:00 on Sunday
        Assert.Equal(Instant.FromUtc(2025, 10, 25, 21, 0), shiftStart);
        Assert.Equal(Duration.FromHours(9), calendar.BusinessTimeBetween(shiftStart, Uk(2025, 10, 26, 12)));
        Assert.Equal(Instant.FromUtc(2025, 10, 26, 6, 0), calendar.AddBusinessTime(shiftStart, Duration.FromHours(9))); // 06:00 GMT
        Assert.Equal(Instant.FromUtc(2025, 10, 26, 1, 30), calendar.AddBusinessTime(shiftStart, Duration.FromMinutes(270))); // 01:30 GMT, second 01:30
    }

    [Fact]
    public void IsOpen_OvernightShiftOnClosedDay_ClosesOnlyTheShiftStartingThatDay()
    {
        var calendar = NightShift(NewYork).ToBuilder().Close(new LocalDate(2025, 3, 3)).Build(); // Monday
        Assert.True(calendar.IsOpen(Ny(2025, 3, 3, 5))); // Sunday's shift, after midnight: belongs to Sunday
        Assert.False(calendar.IsOpen(Ny(2025, 3, 3, 23))); // Monday's shift: closed
        Assert.False(calendar.IsOpen(Ny(2025, 3, 4, 2))); // Monday's shift after midnight: closed too
        Assert.True(calendar.IsOpen(Ny(2025, 3, 4, 23))); // Tuesday's shift
    }

    [Fact]
    public void IsOpen_ClosureOnAWeekend_ChangesNothingForWeekdayCalendar()
    {
        var plain = NyNineToSix();
        var closed = plain.ToBuilder().Close(new LocalDate(2025, 3, 8)).Close(new LocalDate(2025, 3, 9)).Build();
        Assert.Equal(plain.AddBusinessTime(Ny(2025, 3, 7, 17), Duration.FromHours(3)), closed.AddBusinessTime(Ny(2025, 3, 7, 17), Duration.FromHours(3)));
        Assert.Equal(Ny(2025, 3, 10, 11), closed.AddBusinessTime(Ny(2025, 3, 7, 17), Duration.FromHours(3)));

        var saturdays = Vectors.Calendars["ny_mixed"]; // open Saturday 10:00-14:00
        var noSaturday = saturdays.ToBuilder().Close(new LocalDate(2025, 3, 8)).Build();
        Assert.Equal(Duration.FromHours(4), saturdays.BusinessTimeBetween(Ny(2025, 3, 8, 0), Ny(2025, 3, 9, 0)));
        Assert.Equal(Duration.Zero, noSaturday.BusinessTimeBetween(Ny(2025, 3, 8, 0), Ny(2025, 3, 9, 0)));
    }

    [Theory]
    [InlineData(2025)]
    [InlineData(2030)]
    [InlineData(1901)]
    [InlineData(2399)]
    public void AddBusinessTime_RecurringClosureAcrossYearEnd_SkipsDecember31ToJanuary2(int year)
    {
        var calendar = NyNineToSix().ToBuilder()
            .CloseYearly(new AnnualDate(12, 31)).CloseYearly(new AnnualDate(1, 1)).CloseYearly(new AnnualDate(1, 2)).Build();
        var start = Ny(year, 12, 30, 17);
        var due = calendar.AddBusinessTime(start, Duration.FromHours(2));

        var expectedDay = new LocalDate(year + 1, 1, 3);
        while (expectedDay.DayOfWeek is IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday)
        {
            expectedDay = expectedDay.PlusDays(1);
        }

        var firstHour = start.InZone(NewYork).DayOfWeek is IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday ? 11 : 10;
        Assert.Equal(Ny(expectedDay.Year, expectedDay.Month, expectedDay.Day, firstHour), due);
        Assert.Equal(NaiveReference.AddBusinessTime(calendar, start, Duration.FromHours(2)), due);
        Assert.Equal(Duration.Zero, calendar.BusinessTimeBetween(Ny(year, 12, 31, 0), Ny(year + 1, 1, 3, 0)));
    }

    [Fact]
    public void AddBusinessTime_AlwaysOpenCalendar_LosesNoMinuteAtMidnight()
    {
        var calendar = AlwaysOpen(NewYork);
        Assert.Equal(Duration.FromMinutes(2), calendar.BusinessTimeBetween(Ny(2025, 12, 31, 23, 59), Ny(2026, 1, 1, 0, 1)));
        Assert.Equal(Ny(2026, 1, 1, 0), calendar.AddBusinessTime(Ny(2025, 12, 31, 23, 59), Duration.FromMinutes(1)));
        Assert.Equal(Ny(2026, 1, 1, 0, 1), calendar.AddBusinessTime(Ny(2025, 12, 31, 23, 59), Duration.FromMinutes(2)));
        Assert.Equal(Duration.FromHours(8760), calendar.BusinessTimeBetween(Ny(2025, 1, 1, 0), Ny(2026, 1, 1, 0)));
        Assert.Equal(Duration.FromHours(47), calendar.BusinessTimeBetween(Ny(2024, 3, 9, 0), Ny(2024, 3, 11, 0))); // 23-hour Sunday
        Assert.True(calendar.IsOpen(Ny(2026, 1, 1, 0)));
    }

    [Fact]
    public void AddBusinessTime_OneYearOfBusinessTime_EndsOnFridayCloseOf52ndWeek()
    {
        var calendar = NyNineToSix();
        var start = Ny(2025, 1, 6, 9); // Monday
        var year = Duration.FromHours(45 * 52);
        Assert.Equal(Ny(2026, 1, 2, 18), calendar.AddBusinessTime(start, year));
        Assert.Equal(year, calendar.BusinessTimeBetween(start, Ny(2026, 1, 2, 18)));
    }

    [Fact]
    public void AddBusinessTime_TwoHundredYearsAcrossManyTables_IsExact()
    {
        var calendar = NyNineToSix();
        var start = Ny(2025, 1, 6, 9); // Monday
        const int weeks = 10_436; // about 200 years
        var due = calendar.AddBusinessTime(start, Duration.FromHours(45L * weeks));
        var expected = new LocalDate(2025, 1, 6).PlusDays((7 * (weeks - 1)) + 4);
        Assert.Equal(Ny(expected.Year, expected.Month, expected.Day, 18), due);
        Assert.Equal(Duration.FromHours(45L * weeks), calendar.BusinessTimeBetween(start, due));
        Assert.Equal(start, calendar.AddBusinessTime(due, -Duration.FromHours(45L * weeks)));
    }

    [Theory]
    [InlineData(1066)]
    [InlineData(1900)]
    [InlineData(2150)]
    [InlineData(9000)]
    public void AddBusinessTime_FarBeforeOrAfterClosureData_MatchesDayByDayReference(int year)
    {
        foreach (var (name, calendar) in TestCalendars.All)
        {
            var start = Instant.FromUtc(year, 6, 13, 7, 45);
            foreach (var minutes in new[] { 1, 59, 600, 2_500, 30_000 })
            {
                var amount = Duration.FromMinutes(minutes);
                Assert.True(NaiveReference.AddBusinessTime(calendar, start, amount) == calendar.AddBusinessTime(start, amount), $"{name} {year} {minutes}");
            }

            Assert.Equal(NaiveReference.BusinessTimeBetween(calendar, start, start + Duration.FromDays(20)), calendar.BusinessTimeBetween(start, start + Duration.FromDays(20)));
        }
    }

    [Fact]
    public void BusinessTimeBetween_AcrossCompiledTableBoundary_IsContinuous()
    {
        var boundary = Instant.FromUnixTimeTicks(7L << 51); // the start of one compiled table (December 2019)
        var always = AlwaysOpen(NewYork);
        Assert.Equal(Duration.FromHours(2), always.BusinessTimeBetween(boundary - Hour, boundary + Hour));
        Assert.Equal(boundary + Duration.FromMinutes(30), always.AddBusinessTime(boundary - Duration.FromMinutes(30), Hour));
        Assert.True(always.IsOpen(boundary));
        foreach (var (name, calendar) in TestCalendars.All)
        {
            for (var offset = -72; offset <= 72; offset += 7)
            {
                var start = boundary + Duration.FromHours(offset);
                Assert.True(NaiveReference.AddBusinessTime(calendar, start, Duration.FromHours(9)) == calendar.AddBusinessTime(start, Duration.FromHours(9)), $"{name} {offset}");
                Assert.Equal(NaiveReference.BusinessTimeBetween(calendar, start, start + Duration.FromDays(5)), calendar.BusinessTimeBetween(start, start + Duration.FromDays(5)));
            }
        }
    }

    [Fact]
    public void IsOpen_ExtremeInstants_DoesNotThrow()
    {
        var calendar = NyNineToSix();
        Assert.False(calendar.IsOpen(Instant.MinValue));
        Assert.False(calendar.IsOpen(Instant.MaxValue)); // a Friday night in New York
        var monday = new LocalDate(-5000, 3, 1).With(DateAdjusters.NextOrSame(IsoDayOfWeek.Monday));
        var weekStart = NewYork.AtStartOfDay(monday).ToInstant();
        Assert.Equal(Duration.FromHours(45), calendar.BusinessTimeBetween(weekStart, weekStart + Duration.FromDays(7)));
        Assert.Equal(Duration.FromHours(45), calendar.BusinessTimeBetween(Instant.MinValue, Instant.MinValue + Duration.FromDays(7)));
        Assert.Throws<ArgumentOutOfRangeException>(() => calendar.NextOpen(Instant.MaxValue));
    }

    [Fact]
    public void NextOpen_OpenOrClosedInstant_ReturnsItselfOrNextOpening()
    {
        var calendar = NyLunchBreak();
        var open = Ny(2025, 3, 4, 10) + Duration.FromNanoseconds(3);
        Assert.Equal(open, calendar.NextOpen(open));
        Assert.Equal(Ny(2025, 3, 4, 14), calendar.NextOpen(Ny(2025, 3, 4, 13)));
        Assert.Equal(Ny(2025, 3, 10, 9), calendar.NextOpen(Ny(2025, 3, 7, 18)));
    }

    [Fact]
    public void IsOpen_PartialAndYearlyClosuresAndExtraDay_FollowTheDefinition()
    {
        var calendar = LondonEverything();
        // 2025-12-31 (Wednesday): open 09:00-14:00; closed 14:00-24:00, so the night shift only runs 00:00-06:00.
        Assert.Equal(Duration.FromHours(11), calendar.BusinessTimeBetween(Uk(2025, 12, 31, 8), Uk(2026, 1, 1, 8)));
        Assert.True(calendar.IsOpen(Uk(2025, 12, 31, 13, 59)));
        Assert.False(calendar.IsOpen(Uk(2025, 12, 31, 14)));
        Assert.False(calendar.IsOpen(Uk(2025, 12, 31, 23)));
        Assert.True(calendar.IsOpen(Uk(2026, 1, 1, 0)));
        // 2025-06-11 (Wednesday): closed 12:00-15:30.
        Assert.Equal(Duration.FromMinutes(270), calendar.BusinessTimeBetween(Uk(2025, 6, 11, 8), Uk(2025, 6, 11, 18)));
        // 2025-05-05 (Monday) closed: Sunday's shift still runs into Monday morning; Monday's day and night are closed.
        Assert.True(calendar.IsOpen(Uk(2025, 5, 5, 5)));
        Assert.False(calendar.IsOpen(Uk(2025, 5, 5, 10)));
        Assert.False(calendar.IsOpen(Uk(2025, 5, 6, 1)));
        // 2025-05-10 (Saturday) is an extra working day 10:00-14:00.
        Assert.Equal(Duration.FromHours(4), calendar.BusinessTimeBetween(Uk(2025, 5, 10, 0), Uk(2025, 5, 11, 0)));
        // Yearly 12-25 and 12-26 closures, in any year.
        Assert.Equal(Duration.Zero, calendar.BusinessTimeBetween(Uk(2031, 12, 25, 6), Uk(2031, 12, 27, 0))); // Wednesday's shift ends 06:00
        Assert.False(calendar.IsOpen(Uk(2031, 12, 25, 10)));
        Assert.False(calendar.IsOpen(Uk(2031, 12, 26, 10)));
    }

    [Fact]
    public void AddBusinessTime_YearlyClosureOnFebruary29_AppliesInLeapYearsOnly()
    {
        var calendar = NyNineToSix().ToBuilder().CloseYearly(new AnnualDate(2, 29)).Build();
        Assert.False(calendar.IsOpen(Ny(2028, 2, 29, 10))); // Tuesday, leap year
        Assert.True(calendar.IsOpen(Ny(2027, 2, 26, 10)));
        Assert.True(calendar.IsOpen(Ny(2027, 3, 1, 10)));
        Assert.True(calendar.IsOpen(Ny(2029, 2, 28, 10)));
    }

    [Fact]
    public void HotPath_AfterWarmUp_AllocatesNothing()
    {
        var calendar = BusinessCalendar.FromJson(Vectors.Calendars["msk_lunch"].ToJson());
        var start = Instant.FromUtc(2025, 3, 3, 6, 0);
        calendar.AddBusinessTime(start, Duration.FromDays(400));
        calendar.AddBusinessTime(start, -Duration.FromDays(400));
        var sink = HotPath(calendar, start); // compiles the tables and lets the JIT tier the loop up

        var before = GC.GetAllocatedBytesForCurrentThread();
        sink += HotPath(calendar, start);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.NotEqual(0, sink);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static long HotPath(BusinessCalendar calendar, Instant start)
    {
        var sink = 0L;
        for (var i = 0; i < 10_000; i++)
        {
            var s = start + Duration.FromMinutes(i * 37);
            sink += calendar.AddBusinessTime(s, Duration.FromMinutes(i)).ToUnixTimeTicks();
            sink += calendar.AddBusinessTime(s, -Duration.FromMinutes(i)).ToUnixTimeTicks();
            sink += calendar.BusinessTimeBetween(s, s + Duration.FromDays(3)).BclCompatibleTicks;
            sink += calendar.IsOpen(s) ? 1 : 0;
            sink += calendar.NextOpen(s).ToUnixTimeTicks();
        }

        return sink;
    }

    [Fact]
    public void AddBusinessTime_ManyThreadsOnFreshCalendar_AgreeWithSequentialResults()
    {
        var json = Vectors.Calendars["msk_night"].ToJson();
        var shared = BusinessCalendar.FromJson(json);
        var reference = BusinessCalendar.FromJson(json);
        var starts = Enumerable.Range(0, 4000).Select(i => Instant.FromUtc(1950, 1, 1, 0, 0) + Duration.FromHours(i * 131.7)).ToArray();
        var expected = starts.Select(s => reference.AddBusinessTime(s, Duration.FromHours(50))).ToArray();
        var actual = new Instant[starts.Length];

        Parallel.For(0, starts.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => actual[i] = shared.AddBusinessTime(starts[i], Duration.FromHours(50)));

        Assert.Equal(expected, actual);
    }
}
