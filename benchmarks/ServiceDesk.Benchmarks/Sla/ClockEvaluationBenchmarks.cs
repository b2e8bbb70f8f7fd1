using BenchmarkDotNet.Attributes;
using NodaTime;
using ServiceDesk.Sla;

namespace ServiceDesk.Benchmarks.Sla;

/// <summary>
/// <see cref="SlaClock.Evaluate"/> of a resolution clock with two thresholds for a ticket with 10 pauses (on hold and
/// back, over three weeks) on the lunch-break calendar, against the same evaluation with a day-walking calendar:
/// every business-time measurement the clock makes is done by walking days.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class ClockEvaluationBenchmarks
{
    private SlaMetric _metric = null!;
    private TicketTimeline _timeline = null!;
    private NaiveDayWalker _naive = null!;
    private Instant _now;
    private (Instant Start, Instant End, bool Paused)[] _periods = null!;

    [GlobalSetup]
    public void Setup()
    {
        var calendar = SlaBenchmarkData.LoadCalendars()["msk_lunch"];
        var options = SlaMetricOptions.Resolution(calendar, Duration.FromHours(120));
        options.Thresholds.Add(SlaThreshold.Percent(75));
        options.Thresholds.Add(SlaThreshold.BeforeDue(Duration.FromHours(1)));
        _metric = options.Build();
        _naive = new NaiveDayWalker(calendar);
        var at = Instant.FromUtc(2025, 3, 3, 6, 30);
        var builder = TicketTimeline.Create(at, "New", ServiceDesk.Priority.P3Moderate);
        var periods = new List<(Instant, Instant, bool)>();
        for (var i = 0; i < 10; i++)
        {
            var hold = at + Duration.FromHours(7 + (i * 3));
            var back = hold + Duration.FromHours(20 + i);
            builder.ChangeStatus(hold, "OnHold", "AwaitingCustomer").ChangeStatus(back, "InProgress");
            periods.Add((at, hold, false));
            periods.Add((hold, back, true));
            at = back;
        }

        _timeline = builder.Build();
        _now = at + Duration.FromHours(5);
        periods.Add((at, _now, false));
        _periods = [.. periods];
        var state = SlaClock.Evaluate(_metric, _timeline, _now);
        if (state.Paused + state.Elapsed != NaiveDayWalking().Elapsed + NaiveDayWalking().Paused)
        {
            throw new InvalidOperationException("The baseline disagrees.");
        }
    }

    /// <summary>The same clock arithmetic (elapsed, paused, due, thresholds) with every measurement walking days.</summary>
    [Benchmark(Baseline = true)]
    public (Duration Elapsed, Duration Paused, Instant Due, Instant Threshold) NaiveDayWalking()
    {
        var elapsed = Duration.Zero;
        var paused = Duration.Zero;
        foreach (var (start, end, isPaused) in _periods)
        {
            var business = _naive.BusinessTimeBetween(start, end);
            if (isPaused)
            {
                paused += business;
            }
            else
            {
                elapsed += business;
            }
        }

        var target = _metric.Target;
        var due = _naive.AddBusinessTime(_now, target - elapsed);
        var threshold = _naive.AddBusinessTime(_now, target - Duration.FromHours(1) - elapsed);
        return (elapsed, paused, due, threshold);
    }

    [Benchmark]
    public SlaClockState CompiledTable() => SlaClock.Evaluate(_metric, _timeline, _now);
}
