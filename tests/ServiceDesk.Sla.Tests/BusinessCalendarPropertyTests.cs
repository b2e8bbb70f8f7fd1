using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;

namespace ServiceDesk.Sla.Tests;

/// <summary>An index into <see cref="TestCalendars.All"/>.</summary>
public readonly record struct CalendarCase(int Index)
{
    internal BusinessCalendar Calendar => TestCalendars.All[Index].Calendar;

    public override string ToString() => TestCalendars.All[Index].Name;
}

/// <summary>A start instant: mostly 2022-2028 at second precision, sometimes far in the past or future.</summary>
public readonly record struct StartInstant(Instant Value)
{
    public override string ToString() => Value.ToString();
}

/// <summary>A positive business-time amount from one second to about three years, skewed toward short ones.</summary>
public readonly record struct Amount(Duration Value)
{
    public override string ToString() => $"{Value.TotalSeconds} s";
}

/// <summary>Generators for the property tests.</summary>
public static class SlaArbitraries
{
    private static readonly Instant Base = Instant.FromUtc(2022, 1, 1, 0, 0);

    public static Arbitrary<CalendarCase> Calendars()
        => Gen.Choose(0, TestCalendars.All.Count - 1).Select(i => new CalendarCase(i)).ToArbitrary();

    public static Arbitrary<StartInstant> Starts()
    {
        var near = Gen.Choose(0, 6 * 365 * 24 * 60).Zip(Gen.Choose(0, 59))
            .Select(t => new StartInstant(Base + Duration.FromMinutes(t.Item1) + Duration.FromSeconds(t.Item2)));
        var boundary = Gen.Choose(0, 6 * 365 * 24 * 4)
            .Select(q => new StartInstant(Base + Duration.FromMinutes(q * 15L)));
        var far = Gen.Choose(-7000, 7000).Zip(Gen.Choose(0, 365 * 24 * 60))
            .Select(t => new StartInstant(Instant.FromUtc(2000 + (t.Item1 / 3), 1, 1, 0, 0) + Duration.FromMinutes(t.Item2)));
        return Gen.Frequency((6, near), (3, boundary), (1, far)).ToArbitrary();
    }

    public static Arbitrary<Amount> Amounts()
    {
        var seconds = Gen.Choose(1, 3600).Select(s => Duration.FromSeconds(s));
        var minutes = Gen.Choose(1, 60 * 24 * 14).Select(m => Duration.FromMinutes(m));
        var long_ = Gen.Choose(1, 60 * 24 * 365 * 3).Select(m => Duration.FromMinutes(m) + Duration.FromSeconds(m % 61));
        return Gen.Frequency((2, seconds), (5, minutes), (2, long_)).Select(d => new Amount(d)).ToArbitrary();
    }
}

/// <summary>FsCheck properties of business-time arithmetic on every test calendar.</summary>
[Properties(Arbitrary = [typeof(SlaArbitraries)], MaxTest = 250)]
public sealed class BusinessCalendarPropertyTests
{
    [Property]
    public bool BusinessTimeBetween_StartToAddedDue_EqualsAmount(CalendarCase c, StartInstant s, Amount d)
        => c.Calendar.BusinessTimeBetween(s.Value, c.Calendar.AddBusinessTime(s.Value, d.Value)) == d.Value;

    [Property]
    public bool AddBusinessTime_LargerAmount_NeverEarlier(CalendarCase c, StartInstant s, Amount a, Amount b)
    {
        var (small, large) = a.Value <= b.Value ? (a.Value, b.Value) : (b.Value, a.Value);
        return c.Calendar.AddBusinessTime(s.Value, small) <= c.Calendar.AddBusinessTime(s.Value, large);
    }

    [Property]
    public bool AddBusinessTime_InTwoSteps_EqualsInOneStep(CalendarCase c, StartInstant s, Amount a, Amount b)
        => c.Calendar.AddBusinessTime(c.Calendar.AddBusinessTime(s.Value, a.Value), b.Value)
           == c.Calendar.AddBusinessTime(s.Value, a.Value + b.Value);

    [Property]
    public bool AddBusinessTime_PositiveAmount_DueIsAfterStartAndNotOpenTimeWasted(CalendarCase c, StartInstant s, Amount d)
    {
        var due = c.Calendar.AddBusinessTime(s.Value, d.Value);
        // The due is after the start by at least the amount, and the last tick before it is open (earliest due).
        return due - s.Value >= d.Value && c.Calendar.IsOpen(due - Duration.FromTicks(1));
    }

    [Property]
    public bool BusinessTimeBetween_AnyRange_NeverExceedsWallTimeNorNegative(CalendarCase c, StartInstant s, Amount span)
    {
        var end = s.Value + span.Value;
        var elapsed = c.Calendar.BusinessTimeBetween(s.Value, end);
        return elapsed >= Duration.Zero && elapsed <= span.Value;
    }

    [Property]
    public bool BusinessTimeBetween_SplitAnywhere_IsAdditive(CalendarCase c, StartInstant s, Amount a, Amount b)
    {
        var middle = s.Value + a.Value;
        var end = middle + b.Value;
        var calendar = c.Calendar;
        return calendar.BusinessTimeBetween(s.Value, middle) + calendar.BusinessTimeBetween(middle, end)
            == calendar.BusinessTimeBetween(s.Value, end);
    }

    [Property]
    public bool BusinessTimeBetween_ReversedArguments_IsNegated(CalendarCase c, StartInstant s, Amount span)
        => c.Calendar.BusinessTimeBetween(s.Value + span.Value, s.Value) == -c.Calendar.BusinessTimeBetween(s.Value, s.Value + span.Value);

    [Property]
    public bool AddBusinessTime_NegativeAmount_MeasuresBackExactly(CalendarCase c, StartInstant s, Amount d)
    {
        var back = c.Calendar.AddBusinessTime(s.Value, -d.Value);
        return back < s.Value && c.Calendar.BusinessTimeBetween(back, s.Value) == d.Value && c.Calendar.IsOpen(back);
    }

    [Property]
    public bool AddBusinessTime_MoreClosures_OnlyLengthensDue(CalendarCase c, StartInstant s, Amount d, int seed)
    {
        var calendar = c.Calendar;
        var builder = calendar.ToBuilder();
        var first = s.Value.InZone(calendar.Zone).Date;
        var random = new Random(seed);
        for (var i = 0; i < 6; i++)
        {
            var date = first.PlusDays(random.Next(0, 40));
            if (calendar.ExtraWorkingDays.All(x => x.Date != date))
            {
                builder.Close(random.Next(2) == 0
                    ? CalendarClosure.On(date)
                    : CalendarClosure.On(date, new LocalTimeInterval(new LocalTime(random.Next(0, 12), 0), new LocalTime(random.Next(12, 24), 0))));
            }
        }

        builder.CloseYearly(new AnnualDate(first.Month, Math.Min(first.Day, 28)));
        var closedMore = builder.Build();
        return closedMore.AddBusinessTime(s.Value, d.Value) >= calendar.AddBusinessTime(s.Value, d.Value)
            && closedMore.BusinessTimeBetween(s.Value, s.Value + d.Value) <= calendar.BusinessTimeBetween(s.Value, s.Value + d.Value);
    }

    [Property(MaxTest = 120)]
    public bool AddBusinessTime_AnyInput_MatchesDayByDayReference(CalendarCase c, StartInstant s, Amount d)
    {
        var amount = d.Value > Duration.FromDays(60) ? Duration.FromTicks(d.Value.BclCompatibleTicks % Duration.FromDays(60).BclCompatibleTicks) + Duration.FromMinutes(1) : d.Value;
        return c.Calendar.AddBusinessTime(s.Value, amount) == NaiveReference.AddBusinessTime(c.Calendar, s.Value, amount)
            && c.Calendar.BusinessTimeBetween(s.Value, s.Value + amount) == NaiveReference.BusinessTimeBetween(c.Calendar, s.Value, s.Value + amount);
    }

    [Property]
    public bool IsOpen_AnyInstant_AgreesWithNextOpen(CalendarCase c, StartInstant s)
    {
        var next = c.Calendar.NextOpen(s.Value);
        return c.Calendar.IsOpen(s.Value) ? next == s.Value : next > s.Value && c.Calendar.IsOpen(next)
            && c.Calendar.BusinessTimeBetween(s.Value, next) == Duration.Zero;
    }
}
