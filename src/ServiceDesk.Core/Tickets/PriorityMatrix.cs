namespace ServiceDesk;

/// <summary>
/// Derives a <see cref="Priority"/> from <see cref="Impact"/> and <see cref="Urgency"/>: the ITIL priority matrix.
/// </summary>
/// <remarks>
/// <para><see cref="Default"/> is the ITIL 3×3 matrix (as shipped by ServiceNow):</para>
/// <code>
///                 Urgency High   Urgency Medium   Urgency Low
/// Impact High     P1 Critical    P2 High          P3 Moderate
/// Impact Medium   P2 High        P3 Moderate      P4 Low
/// Impact Low      P3 Moderate    P4 Low           P5 Planning
/// </code>
/// <para>Custom matrices of any size up to 9×9 are built with <see cref="PriorityMatrixBuilder"/>, which checks that
/// every cell is covered. A matrix is immutable and thread-safe; <see cref="Calculate"/> is a bounds-checked array
/// lookup and allocates nothing.</para>
/// </remarks>
public sealed class PriorityMatrix
{
    private readonly Priority[] _cells;

    internal PriorityMatrix(int impactLevels, int urgencyLevels, Priority[] cells)
    {
        ImpactLevels = impactLevels;
        UrgencyLevels = urgencyLevels;
        _cells = cells;
    }

    /// <summary>Gets the ITIL default 3×3 matrix.</summary>
    public static PriorityMatrix Default { get; } = new PriorityMatrixBuilder(3, 3)
        .Set(Impact.High, Urgency.High, Priority.P1Critical)
        .Set(Impact.High, Urgency.Medium, Priority.P2High)
        .Set(Impact.High, Urgency.Low, Priority.P3Moderate)
        .Set(Impact.Medium, Urgency.High, Priority.P2High)
        .Set(Impact.Medium, Urgency.Medium, Priority.P3Moderate)
        .Set(Impact.Medium, Urgency.Low, Priority.P4Low)
        .Set(Impact.Low, Urgency.High, Priority.P3Moderate)
        .Set(Impact.Low, Urgency.Medium, Priority.P4Low)
        .Set(Impact.Low, Urgency.Low, Priority.P5Planning)
        .Build();

    /// <summary>Gets the number of impact levels (rows), 1 to <see cref="Impact.MaxLevel"/>.</summary>
    public int ImpactLevels { get; }

    /// <summary>Gets the number of urgency levels (columns), 1 to <see cref="Urgency.MaxLevel"/>.</summary>
    public int UrgencyLevels { get; }

    /// <summary>Returns the priority for an impact and an urgency.</summary>
    /// <param name="impact">The impact, level 1 to <see cref="ImpactLevels"/>.</param>
    /// <param name="urgency">The urgency, level 1 to <see cref="UrgencyLevels"/>.</param>
    /// <returns>The priority in the matrix cell.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A level is outside this matrix (or is the default value).</exception>
    public Priority Calculate(Impact impact, Urgency urgency)
    {
        if (unchecked((uint)(impact.Level - 1)) >= (uint)ImpactLevels)
        {
            ThrowOutside(nameof(impact), impact.Level, ImpactLevels);
        }

        if (unchecked((uint)(urgency.Level - 1)) >= (uint)UrgencyLevels)
        {
            ThrowOutside(nameof(urgency), urgency.Level, UrgencyLevels);
        }

        return _cells[((impact.Level - 1) * UrgencyLevels) + urgency.Level - 1];
    }

    private static void ThrowOutside(string paramName, int level, int levels)
        => throw new ArgumentOutOfRangeException(
            paramName, level, $"This priority matrix has {paramName} levels 1 to {levels}; got level {level}.");
}

/// <summary>Builds a custom <see cref="PriorityMatrix"/>: set every cell, then <see cref="Build"/>.</summary>
/// <remarks>This builder is mutable and not thread-safe; the matrix it builds is immutable and thread-safe.</remarks>
public sealed class PriorityMatrixBuilder
{
    private readonly Priority?[] _cells;
    private readonly List<string> _faults = [];

    /// <summary>Initializes a builder for a matrix with the given numbers of levels.</summary>
    /// <param name="impactLevels">The number of impact levels (rows), 1 to 9.</param>
    /// <param name="urgencyLevels">The number of urgency levels (columns), 1 to 9.</param>
    /// <exception cref="ArgumentOutOfRangeException">A number of levels is outside 1 to 9.</exception>
    public PriorityMatrixBuilder(int impactLevels, int urgencyLevels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(impactLevels, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(impactLevels, Impact.MaxLevel);
        ArgumentOutOfRangeException.ThrowIfLessThan(urgencyLevels, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(urgencyLevels, Urgency.MaxLevel);
        ImpactLevels = impactLevels;
        UrgencyLevels = urgencyLevels;
        _cells = new Priority?[impactLevels * urgencyLevels];
    }

    /// <summary>Gets the number of impact levels (rows).</summary>
    public int ImpactLevels { get; }

    /// <summary>Gets the number of urgency levels (columns).</summary>
    public int UrgencyLevels { get; }

    /// <summary>Sets one cell. Faults (a level outside the matrix, an undefined priority, a cell set twice) are
    /// collected and reported together by <see cref="Build"/>.</summary>
    /// <param name="impact">The impact (row).</param>
    /// <param name="urgency">The urgency (column).</param>
    /// <param name="priority">The priority for the cell.</param>
    /// <returns>This builder.</returns>
    public PriorityMatrixBuilder Set(Impact impact, Urgency urgency, Priority priority)
    {
        var ok = true;
        if (impact.Level < 1 || impact.Level > ImpactLevels)
        {
            _faults.Add($"impact level {impact.Level} is outside this matrix (1 to {ImpactLevels})");
            ok = false;
        }

        if (urgency.Level < 1 || urgency.Level > UrgencyLevels)
        {
            _faults.Add($"urgency level {urgency.Level} is outside this matrix (1 to {UrgencyLevels})");
            ok = false;
        }

        if (!Enum.IsDefined(priority))
        {
            _faults.Add($"cell (impact {impact.Level}, urgency {urgency.Level}): {(int)priority} is not a priority (1 to 5)");
            ok = false;
        }

        if (ok)
        {
            var index = ((impact.Level - 1) * UrgencyLevels) + urgency.Level - 1;
            if (_cells[index] is { } existing)
            {
                _faults.Add($"cell (impact {impact.Level}, urgency {urgency.Level}) is set twice ({existing} and {priority})");
            }

            _cells[index] = priority;
        }

        return this;
    }

    /// <summary>Validates the cells and builds the immutable matrix.</summary>
    /// <returns>The matrix.</returns>
    /// <exception cref="InvalidDefinitionException">One or more cells are missing, set twice or invalid; the exception
    /// lists every fault.</exception>
    public PriorityMatrix Build()
    {
        var faults = new List<string>(_faults);
        for (var i = 1; i <= ImpactLevels; i++)
        {
            for (var u = 1; u <= UrgencyLevels; u++)
            {
                if (_cells[((i - 1) * UrgencyLevels) + u - 1] is null)
                {
                    faults.Add($"cell (impact {i}, urgency {u}) has no priority");
                }
            }
        }

        if (faults.Count > 0)
        {
            throw new InvalidDefinitionException("priority matrix", faults);
        }

        return new PriorityMatrix(ImpactLevels, UrgencyLevels, Array.ConvertAll(_cells, c => c!.Value));
    }
}
