using BenchmarkDotNet.Attributes;
using NodaTime;
using ServiceDesk.Sla;

namespace ServiceDesk.Benchmarks.Sla;

/// <summary><see cref="BusinessCalendar.IsOpen"/> at random instants, against day-by-day computation. Figures are per call.</summary>
[MemoryDiagnoser]
[MinColumn]
public class IsOpenBenchmarks
{
    private BusinessCalendar _calendar = null!;
    private NaiveDayWalker _naive = null!;
    private Instant[] _instants = null!;

    [Params("msk_lunch", "msk_night")]
    public string Calendar { get; set; } = "msk_lunch";

    [GlobalSetup]
    public void Setup()
    {
        _calendar = SlaBenchmarkData.LoadCalendars()[Calendar];
        _naive = new NaiveDayWalker(_calendar);
        _instants = SlaBenchmarkData.Starts(SlaBenchmarkData.BatchSize, seed: 4);
        foreach (var instant in _instants)
        {
            if (_calendar.IsOpen(instant) != _naive.IsOpen(instant))
            {
                throw new InvalidOperationException($"The baseline disagrees at {instant}.");
            }
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = SlaBenchmarkData.BatchSize)]
    public int NaiveDayWalking()
    {
        var open = 0;
        foreach (var instant in _instants)
        {
            open += _naive.IsOpen(instant) ? 1 : 0;
        }

        return open;
    }

    [Benchmark(OperationsPerInvoke = SlaBenchmarkData.BatchSize)]
    public int CompiledTable()
    {
        var open = 0;
        foreach (var instant in _instants)
        {
            open += _calendar.IsOpen(instant) ? 1 : 0;
        }

        return open;
    }
}
