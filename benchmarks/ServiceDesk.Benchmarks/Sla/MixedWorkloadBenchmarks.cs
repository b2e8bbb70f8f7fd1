using BenchmarkDotNet.Attributes;
using NodaTime;
using ServiceDesk.Sla;

namespace ServiceDesk.Benchmarks.Sla;

/// <summary>
/// A mixed workload over all seven vector calendars: due dates for hour-to-week amounts (1 minute to 7 days of
/// business time) from starts in 2023-2026, against day-by-day walking. Figures are per due date.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class MixedWorkloadBenchmarks
{
    private (BusinessCalendar Calendar, NaiveDayWalker Naive, Instant Start, Duration Amount)[] _work = null!;

    [GlobalSetup]
    public void Setup()
    {
        var calendars = SlaBenchmarkData.LoadCalendars().Values.ToArray();
        var naive = calendars.Select(c => new NaiveDayWalker(c)).ToArray();
        var starts = SlaBenchmarkData.Starts(SlaBenchmarkData.BatchSize, seed: 5);
        var random = new Random(6);
        _work = [.. starts.Select(s =>
        {
            var i = random.Next(calendars.Length);
            return (calendars[i], naive[i], s, Duration.FromMinutes(random.Next(1, 7 * 24 * 60)));
        })];
        foreach (var (calendar, walker, start, amount) in _work.Take(64))
        {
            if (calendar.AddBusinessTime(start, amount) != walker.AddBusinessTime(start, amount))
            {
                throw new InvalidOperationException($"The baseline disagrees at {start}.");
            }
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = SlaBenchmarkData.BatchSize)]
    public long NaiveDayWalking()
    {
        long sum = 0;
        foreach (var (_, naive, start, amount) in _work)
        {
            sum += naive.AddBusinessTime(start, amount).ToUnixTimeTicks();
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = SlaBenchmarkData.BatchSize)]
    public long CompiledTable()
    {
        long sum = 0;
        foreach (var (calendar, _, start, amount) in _work)
        {
            sum += calendar.AddBusinessTime(start, amount).ToUnixTimeTicks();
        }

        return sum;
    }
}
