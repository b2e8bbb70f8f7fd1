namespace ServiceDesk.Routing;

/// <summary>An agent's open tickets counted by priority.</summary>
/// <remarks>Immutable value type; thread-safe. <c>default(Workload)</c> is no open work.</remarks>
public readonly record struct Workload
{
    /// <summary>Initializes a workload.</summary>
    /// <param name="p1">Open P1 tickets, 0 or more.</param>
    /// <param name="p2">Open P2 tickets, 0 or more.</param>
    /// <param name="p3">Open P3 tickets, 0 or more.</param>
    /// <param name="p4">Open P4 tickets, 0 or more.</param>
    /// <param name="p5">Open P5 tickets, 0 or more.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative.</exception>
    public Workload(int p1 = 0, int p2 = 0, int p3 = 0, int p4 = 0, int p5 = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(p1);
        ArgumentOutOfRangeException.ThrowIfNegative(p2);
        ArgumentOutOfRangeException.ThrowIfNegative(p3);
        ArgumentOutOfRangeException.ThrowIfNegative(p4);
        ArgumentOutOfRangeException.ThrowIfNegative(p5);
        (P1, P2, P3, P4, P5) = (p1, p2, p3, p4, p5);
    }

    /// <summary>Gets the number of open P1 tickets.</summary>
    public int P1 { get; }

    /// <summary>Gets the number of open P2 tickets.</summary>
    public int P2 { get; }

    /// <summary>Gets the number of open P3 tickets.</summary>
    public int P3 { get; }

    /// <summary>Gets the number of open P4 tickets.</summary>
    public int P4 { get; }

    /// <summary>Gets the number of open P5 tickets.</summary>
    public int P5 { get; }

    /// <summary>Gets the total number of open tickets.</summary>
    public int Total => P1 + P2 + P3 + P4 + P5;

    /// <summary>Gets the count for one priority.</summary>
    /// <param name="priority">The priority.</param>
    /// <returns>The number of open tickets of that priority (0 for an undefined priority).</returns>
    public int this[Priority priority] => priority switch
    {
        Priority.P1Critical => P1,
        Priority.P2High => P2,
        Priority.P3Moderate => P3,
        Priority.P4Low => P4,
        Priority.P5Planning => P5,
        _ => 0,
    };

    /// <summary>Returns this workload with one more ticket of <paramref name="priority"/>.</summary>
    /// <param name="priority">The priority of the new ticket.</param>
    /// <returns>The new workload.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="priority"/> is not defined.</exception>
    public Workload Add(Priority priority) => priority switch
    {
        Priority.P1Critical => new(P1 + 1, P2, P3, P4, P5),
        Priority.P2High => new(P1, P2 + 1, P3, P4, P5),
        Priority.P3Moderate => new(P1, P2, P3 + 1, P4, P5),
        Priority.P4Low => new(P1, P2, P3, P4 + 1, P5),
        Priority.P5Planning => new(P1, P2, P3, P4, P5 + 1),
        _ => throw new ArgumentOutOfRangeException(nameof(priority), priority, "Use a defined Priority, P1Critical to P5Planning."),
    };
}

/// <summary>How much each open ticket weighs against an agent's capacity, by priority.</summary>
/// <remarks>Immutable and thread-safe. <see cref="Default"/> weighs P1 = 4, P2 = 2, P3 = P4 = P5 = 1.</remarks>
public sealed class WorkloadWeights
{
    private readonly int[] _weights;

    /// <summary>Initializes weights.</summary>
    /// <param name="p1">Weight of a P1 ticket, 0 to 1,000.</param>
    /// <param name="p2">Weight of a P2 ticket, 0 to 1,000.</param>
    /// <param name="p3">Weight of a P3 ticket, 0 to 1,000.</param>
    /// <param name="p4">Weight of a P4 ticket, 0 to 1,000.</param>
    /// <param name="p5">Weight of a P5 ticket, 0 to 1,000.</param>
    /// <exception cref="ArgumentOutOfRangeException">A weight is outside 0 to 1,000.</exception>
    public WorkloadWeights(int p1, int p2, int p3, int p4, int p5)
    {
        _weights = [0, p1, p2, p3, p4, p5];
        for (var i = 1; i < _weights.Length; i++)
        {
            if (_weights[i] is < 0 or > 1000)
            {
                throw new ArgumentOutOfRangeException($"p{i}", _weights[i], "A workload weight must be between 0 and 1,000.");
            }
        }
    }

    /// <summary>Gets the default weights: P1 = 4, P2 = 2, P3 = P4 = P5 = 1.</summary>
    public static WorkloadWeights Default { get; } = new(4, 2, 1, 1, 1);

    /// <summary>Gets the weight of one ticket of <paramref name="priority"/>.</summary>
    /// <param name="priority">The priority.</param>
    /// <returns>The weight (0 for an undefined priority).</returns>
    public int this[Priority priority] => (int)priority is >= 1 and <= 5 ? _weights[(int)priority] : 0;

    /// <summary>Returns the weighted load of a workload.</summary>
    /// <param name="workload">The open tickets.</param>
    /// <returns>The sum of count × weight over the priorities.</returns>
    public long LoadOf(Workload workload)
        => ((long)workload.P1 * _weights[1]) + ((long)workload.P2 * _weights[2]) + ((long)workload.P3 * _weights[3])
            + ((long)workload.P4 * _weights[4]) + ((long)workload.P5 * _weights[5]);
}
