using BenchmarkDotNet.Attributes;

namespace ServiceDesk.Benchmarks.Core;

/// <summary>
/// Priority from impact and urgency for a batch of tickets: the precompiled <see cref="PriorityMatrix"/> against a
/// naive rule list searched with LINQ (how matrices are often stored as configuration rows).
/// </summary>
[MemoryDiagnoser]
public class PriorityMatrixBenchmarks
{
    private const int Batch = 1_000;
    private readonly PriorityMatrix _matrix = PriorityMatrix.Default;
    private readonly List<(int Impact, int Urgency, Priority Priority)> _rules = [];
    private readonly Impact[] _impacts = new Impact[Batch];
    private readonly Urgency[] _urgencies = new Urgency[Batch];

    [GlobalSetup]
    public void Setup()
    {
        for (var i = 1; i <= 3; i++)
        {
            for (var u = 1; u <= 3; u++)
            {
                _rules.Add((i, u, _matrix.Calculate(new Impact(i), new Urgency(u))));
            }
        }

        var random = new Random(42);
        for (var k = 0; k < Batch; k++)
        {
            _impacts[k] = new Impact(random.Next(1, 4));
            _urgencies[k] = new Urgency(random.Next(1, 4));
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public int NaiveRuleList()
    {
        var sum = 0;
        for (var k = 0; k < Batch; k++)
        {
            var impact = _impacts[k].Level;
            var urgency = _urgencies[k].Level;
            sum += (int)_rules.First(r => r.Impact == impact && r.Urgency == urgency).Priority;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int Matrix()
    {
        var sum = 0;
        for (var k = 0; k < Batch; k++)
        {
            sum += (int)_matrix.Calculate(_impacts[k], _urgencies[k]);
        }

        return sum;
    }
}
