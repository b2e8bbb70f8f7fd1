using BenchmarkDotNet.Attributes;
using NodaTime;
using ServiceDesk.Sla;

namespace ServiceDesk.Benchmarks.Sla;

/// <summary>
/// <see cref="BusinessCalendar.AddBusinessTime"/> for 1 hour, 3 days (72 h) and 1 year (8,760 h) of business time on
/// the lunch-break and night-shift vector calendars, against day-by-day walking. Each invocation computes 1,024 due
/// dates from different starts; figures are per due date.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class AddBusinessTimeBenchmarks
{
    private BusinessCalendar _calendar = null!;
    private NaiveDayWalker _naive = null!;
    private Instant[] _starts = null!;
    private Duration _amount;

    [Params("msk_lunch", "msk_night")]
    public string Calendar { get; set; } = "msk_lunch";

    [Params("1 hour", "3 days", "1 year")]
    public string Amount { get; set; } = "1 hour";

    [GlobalSetup]
    public void Setup()
    {
        _calendar = SlaBenchmarkData.LoadCalendars()[Calendar];
        _naive = new NaiveDayWalker(_calendar);
        _starts = SlaBenchmarkData.Starts(SlaBenchmarkData.BatchSize, seed: 1);
        _amount = Amount switch
        {
            "1 hour" => Duration.FromHours(1),
            "3 days" => Duration.FromDays(3),
            _ => Duration.FromDays(365),
        };
        foreach (var start in _starts.Take(64))
        {
            if (_calendar.AddBusinessTime(start, _amount) != _naive.AddBusinessTime(start, _amount))
            {
                throw new InvalidOperationException($"The baseline disagrees at {start}.");
            }
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = SlaBenchmarkData.BatchSize)]
    public long NaiveDayWalking()
    {
        long sum = 0;
        foreach (var start in _starts)
        {
            sum += _naive.AddBusinessTime(start, _amount).ToUnixTimeTicks();
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = SlaBenchmarkData.BatchSize)]
    public long CompiledTable()
    {
        long sum = 0;
        foreach (var start in _starts)
        {
            sum += _calendar.AddBusinessTime(start, _amount).ToUnixTimeTicks();
        }

        return sum;
    }
}
