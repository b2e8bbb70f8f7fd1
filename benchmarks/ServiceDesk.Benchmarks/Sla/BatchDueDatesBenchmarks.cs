using BenchmarkDotNet.Attributes;
using NodaTime;
using ServiceDesk.Sla;

namespace ServiceDesk.Benchmarks.Sla;

/// <summary>
/// A batch of 1,000,000 due-date computations (as an escalation sweep or a replay would run them) over all seven vector
/// calendars, hour-to-week amounts, against day-by-day walking. Figures are per due date; multiply the mean by
/// 1,000,000 for the batch.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class BatchDueDatesBenchmarks
{
    public const int Batch = 1_000_000;

    private BusinessCalendar[] _calendars = null!;
    private NaiveDayWalker[] _naive = null!;
    private Instant[] _starts = null!;
    private int[] _minutes = null!;
    private byte[] _calendarIndex = null!;

    [GlobalSetup]
    public void Setup()
    {
        _calendars = [.. SlaBenchmarkData.LoadCalendars().Values];
        _naive = [.. _calendars.Select(c => new NaiveDayWalker(c))];
        _starts = SlaBenchmarkData.Starts(Batch, seed: 7);
        var random = new Random(8);
        _minutes = [.. Enumerable.Range(0, Batch).Select(_ => random.Next(1, 7 * 24 * 60))];
        _calendarIndex = [.. Enumerable.Range(0, Batch).Select(_ => (byte)random.Next(_calendars.Length))];
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public long NaiveDayWalking()
    {
        long sum = 0;
        for (var i = 0; i < Batch; i++)
        {
            sum += _naive[_calendarIndex[i]].AddBusinessTime(_starts[i], Duration.FromMinutes(_minutes[i])).ToUnixTimeTicks();
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public long CompiledTable()
    {
        long sum = 0;
        for (var i = 0; i < Batch; i++)
        {
            sum += _calendars[_calendarIndex[i]].AddBusinessTime(_starts[i], Duration.FromMinutes(_minutes[i])).ToUnixTimeTicks();
        }

        return sum;
    }
}
