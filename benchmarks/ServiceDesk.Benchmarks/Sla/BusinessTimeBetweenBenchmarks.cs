using BenchmarkDotNet.Attributes;
using NodaTime;
using ServiceDesk.Sla;

namespace ServiceDesk.Benchmarks.Sla;

/// <summary>
/// <see cref="BusinessCalendar.BusinessTimeBetween"/> over spans of 0 to 30 days, and <see cref="BusinessCalendar.IsOpen"/>,
/// against day-by-day walking. Figures are per call.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class BusinessTimeBetweenBenchmarks
{
    private BusinessCalendar _calendar = null!;
    private NaiveDayWalker _naive = null!;
    private Instant[] _starts = null!;
    private Instant[] _ends = null!;

    [Params("msk_lunch", "msk_night")]
    public string Calendar { get; set; } = "msk_lunch";

    [GlobalSetup]
    public void Setup()
    {
        _calendar = SlaBenchmarkData.LoadCalendars()[Calendar];
        _naive = new NaiveDayWalker(_calendar);
        _starts = SlaBenchmarkData.Starts(SlaBenchmarkData.BatchSize, seed: 2);
        var random = new Random(3);
        _ends = [.. _starts.Select(s => s + Duration.FromMinutes(random.Next(0, 30 * 24 * 60)))];
        for (var i = 0; i < 64; i++)
        {
            if (_calendar.BusinessTimeBetween(_starts[i], _ends[i]) != _naive.BusinessTimeBetween(_starts[i], _ends[i]))
            {
                throw new InvalidOperationException($"The baseline disagrees at {_starts[i]}.");
            }
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = SlaBenchmarkData.BatchSize)]
    public long NaiveDayWalking()
    {
        long sum = 0;
        for (var i = 0; i < _starts.Length; i++)
        {
            sum += _naive.BusinessTimeBetween(_starts[i], _ends[i]).BclCompatibleTicks;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = SlaBenchmarkData.BatchSize)]
    public long CompiledTable()
    {
        long sum = 0;
        for (var i = 0; i < _starts.Length; i++)
        {
            sum += _calendar.BusinessTimeBetween(_starts[i], _ends[i]).BclCompatibleTicks;
        }

        return sum;
    }
}
