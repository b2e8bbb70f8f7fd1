using NodaTime;
using static ServiceDesk.Sla.Tests.TestCalendars;

namespace ServiceDesk.Sla.Tests;

/// <summary>Business-day arithmetic, kept apart from business-duration arithmetic.</summary>
public sealed class BusinessDaysTests
{
    private static readonly BusinessCalendar Calendar = NyNineToSix().ToBuilder()
        .Close(new LocalDate(2025, 3, 10)) // Monday
        .Close(CalendarClosure.On(new LocalDate(2025, 3, 12), new LocalTimeInterval(new LocalTime(15, 0), LocalTime.Midnight)))
        .AddExtraWorkingDay(new LocalDate(2025, 3, 15), new LocalTimeInterval(new LocalTime(10, 0), new LocalTime(12, 0)))
        .Build();

    [Fact]
    public void IsBusinessDay_WeekendHolidayAndExtraDay_FollowTheDefinition()
    {
        Assert.True(Calendar.IsBusinessDay(new LocalDate(2025, 3, 7)));
        Assert.False(Calendar.IsBusinessDay(new LocalDate(2025, 3, 8)));
        Assert.False(Calendar.IsBusinessDay(new LocalDate(2025, 3, 10)));
        Assert.True(Calendar.IsBusinessDay(new LocalDate(2025, 3, 15)));
    }

    [Fact]
    public void AddBusinessDays_Date_SkipsWeekendsAndHolidays()
    {
        Assert.Equal(new LocalDate(2025, 3, 11), Calendar.AddBusinessDays(new LocalDate(2025, 3, 7), 1));
        Assert.Equal(new LocalDate(2025, 3, 15), Calendar.AddBusinessDays(new LocalDate(2025, 3, 13), 2));
        Assert.Equal(new LocalDate(2025, 3, 7), Calendar.AddBusinessDays(new LocalDate(2025, 3, 11), -1));
        Assert.Equal(new LocalDate(2025, 3, 8), Calendar.AddBusinessDays(new LocalDate(2025, 3, 8), 0));
    }

    [Fact]
    public void EndOfBusinessDay_PartialClosure_IsTheEarlierClose()
    {
        Assert.Equal(Ny(2025, 3, 11, 18), Calendar.EndOfBusinessDay(new LocalDate(2025, 3, 11)));
        Assert.Equal(Ny(2025, 3, 12, 15), Calendar.EndOfBusinessDay(new LocalDate(2025, 3, 12)));
        Assert.Equal(Ny(2025, 3, 15, 12), Calendar.EndOfBusinessDay(new LocalDate(2025, 3, 15)));
    }

    [Fact]
    public void EndOfBusinessDay_NonBusinessDay_ThrowsNamingTheDate()
    {
        var ex = Assert.Throws<ArgumentException>(() => Calendar.EndOfBusinessDay(new LocalDate(2025, 3, 10)));
        Assert.Equal("date", ex.ParamName);
        Assert.Contains("2025-03-10", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddBusinessDays_Instant_SnapsToEndOfResultingBusinessDay()
    {
        Assert.Equal(Ny(2025, 3, 6, 18), Calendar.AddBusinessDays(Ny(2025, 3, 5, 10), 1)); // Wednesday -> end of Thursday
        Assert.Equal(Ny(2025, 3, 5, 18), Calendar.AddBusinessDays(Ny(2025, 3, 5, 10), 0)); // snaps to end of Wednesday
        Assert.Equal(Ny(2025, 3, 11, 18), Calendar.AddBusinessDays(Ny(2025, 3, 7, 19), 0)); // Friday evening counts toward Tuesday (Monday closed)
        Assert.Equal(Ny(2025, 3, 12, 15), Calendar.AddBusinessDays(Ny(2025, 3, 7, 19), 1));
    }

    [Fact]
    public void AddBusinessDays_VersusAddBusinessTime_AreDifferentOnPurpose()
    {
        var wednesday10 = Ny(2025, 3, 5, 10);
        Assert.Equal(Ny(2025, 3, 6, 10), Calendar.AddBusinessTime(wednesday10, Duration.FromHours(9))); // one business day of time
        Assert.Equal(Ny(2025, 3, 6, 18), Calendar.AddBusinessDays(wednesday10, 1)); // end of the next business day
    }

    [Fact]
    public void GetBusinessDay_SmallHoursOfNightShift_BelongToTheEvening()
    {
        var night = NightShift(NewYork);
        Assert.Equal(new LocalDate(2025, 3, 3), night.GetBusinessDay(Ny(2025, 3, 4, 2))); // Monday's shift
        Assert.Equal(Ny(2025, 3, 4, 6), night.EndOfBusinessDay(new LocalDate(2025, 3, 3)));
        Assert.Equal(new LocalDate(2025, 3, 4), night.GetBusinessDay(Ny(2025, 3, 4, 12))); // closed: next opening is Tuesday 22:00
        Assert.Equal(
            [new Interval(Ny(2025, 3, 3, 22), Ny(2025, 3, 4, 6))],
            night.GetOpenIntervals(new LocalDate(2025, 3, 3)));
    }
}
