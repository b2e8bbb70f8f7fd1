using NodaTime;
using ServiceDesk.Sla;
using static ServiceDesk.Analytics.Tests.TestData;

namespace ServiceDesk.Analytics.Tests.Availability;

public sealed class AvailabilityCalculatorTests
{
    private static readonly Instant March = Utc(2026, 3, 1, 0);
    private static readonly Instant April = Utc(2026, 4, 1, 0);

    /// <summary>The worked example of docs/analytics.md.</summary>
    internal static readonly Outage[] DocOutages =
    [
        new(Email, Utc(2026, 3, 3, 10), Utc(2026, 3, 3, 12)),
        new(Email, Utc(2026, 3, 3, 11), Utc(2026, 3, 3, 13)),
        new(Email, Utc(2026, 3, 6, 16), Utc(2026, 3, 9, 10)),
        new(Email, Utc(2026, 3, 14, 10), Utc(2026, 3, 14, 14)),
        new(Email, Utc(2026, 3, 18, 9), Utc(2026, 3, 18, 10), OutageKind.Degraded),
    ];

    [Fact]
    public void Compute_DocExample_MergesOverlapsAndIgnoresClosedHours()
    {
        var report = AvailabilityCalculator.Compute(Email, OfficeUtc, March, April, DocOutages);

        var t = report.Total;
        Assert.Equal(Duration.FromHours(176), t.Agreed);            // 22 weekdays x 8 h
        Assert.Equal(Duration.FromHours(5), t.Downtime);            // 3 h (overlap counted once) + 1 h Friday + 1 h Monday
        Assert.Equal(Duration.FromHours(1), t.Degraded);
        Assert.Equal(2, t.Failures);                                // the Saturday outage is no failure
        Assert.Equal(171.0 / 176, t.Availability);
        Assert.Equal(Duration.FromMinutes(85 * 60 + 30), t.Mtbf);
        Assert.Equal(Duration.FromMinutes(150), t.Mtrs);
        Assert.Equal(Duration.FromHours(88), t.Mtbsi);
        Assert.Single(report.Months);
        Assert.Equal(new YearMonth(2026, 3), report.Months[0].Month);
    }

    [Fact]
    public void Compute_DegradedAsDown_CountsDegradedTimeAndEpisode()
    {
        var t = AvailabilityCalculator.Compute(Email, OfficeUtc, March, April, DocOutages, DegradedCounting.AsDown).Total;

        Assert.Equal(Duration.FromHours(6), t.Downtime);
        Assert.Equal(Duration.Zero, t.Degraded);
        Assert.Equal(3, t.Failures);
        Assert.Equal(170.0 / 176, t.Availability);
        Assert.Equal(Duration.FromMinutes(56 * 60 + 40), t.Mtbf);
        Assert.Equal(Duration.FromHours(2), t.Mtrs);
    }

    [Fact]
    public void Compute_NoOutage_FullAvailabilityAndNoMeans()
    {
        var t = AvailabilityCalculator.Compute(Email, OfficeUtc, March, April, []).Total;

        Assert.Equal(1.0, t.Availability);
        Assert.Equal(0, t.Failures);
        Assert.Null(t.Mtbf);
        Assert.Null(t.Mtrs);
        Assert.Null(t.Mtbsi);
    }

    [Fact]
    public void Compute_OutageAcrossMonthEnd_SplitsDowntimeAndCountsFailureInFirstMonth()
    {
        // Tuesday 31 March 16:00 to Wednesday 1 April 10:00: 1 h in March, 1 h in April.
        var outage = new Outage(Email, Utc(2026, 3, 31, 16), Utc(2026, 4, 1, 10));
        var report = AvailabilityCalculator.Compute(Email, OfficeUtc, March, Utc(2026, 5, 1, 0), [outage]);

        Assert.Equal(2, report.Months.Count);
        Assert.Equal((Duration.FromHours(1), 1), (report.Months[0].Figures.Downtime, report.Months[0].Figures.Failures));
        Assert.Equal((Duration.FromHours(1), 0), (report.Months[1].Figures.Downtime, report.Months[1].Figures.Failures));
        Assert.Equal(1, report.Total.Failures);
    }

    [Fact]
    public void Compute_FailureStartingInClosedHours_CountsInMonthOfFirstAgreedHour()
    {
        // Saturday 28 Feb to Monday 2 March 10:00: downtime only on Monday in March.
        var outage = new Outage(Email, Utc(2026, 2, 28, 12), Utc(2026, 3, 2, 10));
        var report = AvailabilityCalculator.Compute(Email, OfficeUtc, Utc(2026, 2, 1, 0), April, [outage]);

        Assert.Equal(0, report.Months[0].Figures.Failures);
        Assert.Equal(1, report.Months[1].Figures.Failures);
        Assert.Equal(Duration.FromHours(1), report.Total.Downtime);
    }

    [Fact]
    public void Compute_MonthsFollowCalendarZone()
    {
        // Berlin: March 2026 starts at 2026-02-28T23:00Z.
        var report = AvailabilityCalculator.Compute(Email, OfficeBerlin, Utc(2026, 2, 28, 23), Utc(2026, 3, 31, 22), []);

        var month = Assert.Single(report.Months);
        Assert.Equal(new YearMonth(2026, 3), month.Month);
        Assert.Equal(Duration.FromHours(22 * 10), month.Figures.Agreed);
    }

    [Fact]
    public void Compute_OutageOfOtherService_Ignored()
    {
        var t = AvailabilityCalculator.Compute(Email, OfficeUtc, March, April, [new Outage(Vpn, Utc(2026, 3, 3, 10), Utc(2026, 3, 3, 12))]).Total;

        Assert.Equal(Duration.Zero, t.Downtime);
    }

    [Fact]
    public void ByService_GroupsByServiceEachWithItsCalendar()
    {
        var outages = DocOutages.Append(new Outage(Vpn, Utc(2026, 3, 7, 0), Utc(2026, 3, 7, 12))).ToArray();

        var reports = AvailabilityCalculator.ByService(outages, s => s == Vpn ? AlwaysOpen : OfficeUtc, March, April);

        Assert.Equal(["email", "vpn"], reports.Select(r => r.Service.Value));
        Assert.Equal(Duration.FromHours(5), reports[0].Total.Downtime);
        Assert.Equal(Duration.FromHours(12), reports[1].Total.Downtime);
        Assert.Equal(Duration.FromDays(31), reports[1].Total.Agreed);
    }

    [Fact]
    public void Compute_CalendarNeverOpenInPeriod_ThrowsNamingServiceAndPeriod()
    {
        // A weekend only.
        var ex = Assert.Throws<ArgumentException>(() => AvailabilityCalculator.Compute(Email, OfficeUtc, Utc(2026, 3, 7, 0), Utc(2026, 3, 9, 0), []));

        Assert.Contains("'email'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("never open", ex.Message, StringComparison.Ordinal);
        Assert.Contains("2026-03-07", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_CalendarClosedAllPeriod_Throws()
    {
        // Open on weekdays, but closed on every day of the period (a closure per date).
        var builder = OfficeUtc.ToBuilder();
        for (var d = new LocalDate(2026, 3, 1); d < new LocalDate(2026, 4, 1); d = d.PlusDays(1))
        {
            builder.Close(d);
        }

        Assert.Throws<ArgumentException>(() => AvailabilityCalculator.Compute(Email, builder.Build(), March, April, []));
    }

    [Fact]
    public void Compute_EmptyOrReversedPeriod_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => AvailabilityCalculator.Compute(Email, OfficeUtc, April, March, []));
        Assert.Equal("end", ex.ParamName);
        Assert.Throws<ArgumentException>(() => AvailabilityCalculator.Compute(Email, OfficeUtc, March, March, []));
    }

    [Fact]
    public void Outage_EndNotAfterStart_Throws()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Outage(Email, March, March));
        Assert.Equal("End", ex.ParamName);
        Assert.Throws<ArgumentException>(() => new Outage(default, March, April));
    }

    [Fact]
    public void Compute_NullOutage_Throws()
        => Assert.Throws<ArgumentNullException>(() => AvailabilityCalculator.Compute(Email, OfficeUtc, March, April, [null!]));
}
