using NodaTime;

namespace ServiceDesk.Sla.Tests;

/// <summary>Calendars take IANA ids; Windows ids (what <see cref="TimeZoneInfo.Id"/> holds on Windows) are mapped to IANA.</summary>
public sealed class TimeZoneIdTests
{
    [Theory]
    [InlineData("Eastern Standard Time", "America/New_York")]
    [InlineData("GMT Standard Time", "Europe/London")]
    [InlineData("Tokyo Standard Time", "Asia/Tokyo")]
    [InlineData("Nepal Standard Time", "Asia/Katmandu")]
    public void Build_WindowsZoneIdInCode_MapsToIanaZone(string windowsId, string ianaId)
    {
        var calendar = new BusinessCalendarBuilder(windowsId).AddWeekdayHours(new LocalTime(9, 0), new LocalTime(17, 0)).Build();

        Assert.Equal(DateTimeZoneProviders.Tzdb[ianaId].Id, calendar.Zone.Id);
        Assert.Contains($"\"zone\":\"{calendar.Zone.Id}\"", calendar.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_WindowsZoneId_MapsToIanaZoneAndComputesInIt()
    {
        var calendar = BusinessCalendar.FromJson("""{"zone":"Eastern Standard Time","week":{"mon":[["09:00","17:00"]]}}""");

        Assert.Equal("America/New_York", calendar.Zone.Id);
        // Monday 2025-03-10 09:00 in New York (after the spring-forward) is 13:00 UTC.
        Assert.True(calendar.IsOpen(Instant.FromUtc(2025, 3, 10, 13, 0)));
        Assert.False(calendar.IsOpen(Instant.FromUtc(2025, 3, 10, 12, 59)));
        Assert.Equal("America/New_York", BusinessCalendar.FromJson(calendar.ToJson()).Zone.Id);
    }

    [Fact]
    public void FromJson_NeitherIanaNorWindowsId_IsAFaultNamingAnIanaExample()
    {
        var ex = Assert.Throws<InvalidDefinitionException>(() => BusinessCalendar.FromJson("""{"zone":"Eastern Time","week":{"mon":[["09:00","17:00"]]}}"""));

        var fault = Assert.Single(ex.Errors);
        Assert.StartsWith("$.zone: unknown time zone 'Eastern Time'", fault, StringComparison.Ordinal);
        Assert.Contains("Europe/London", fault, StringComparison.Ordinal);
    }
}
