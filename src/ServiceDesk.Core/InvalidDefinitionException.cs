namespace ServiceDesk;

/// <summary>
/// Thrown when a definition (a priority matrix, a business calendar, an SLA policy, a workflow, a rule set or
/// a JSON document describing one) is invalid. It lists every fault found, not just the first one.
/// </summary>
/// <remarks>
/// Each entry of <see cref="Errors"/> names where the fault is (a JSON path such as <c>$.week.mon[1][0]</c>, or
/// a member name) and what is wrong with it, including the bad value and the valid range where there is one.
/// The exception message contains all of them, one per line.
/// </remarks>
public sealed class InvalidDefinitionException : ArgumentException
{
    /// <summary>Initializes a new instance listing the given faults.</summary>
    /// <param name="definitionName">What was being validated, e.g. <c>"business calendar"</c>.</param>
    /// <param name="errors">Every fault found; must contain at least one entry.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="errors"/> is empty.</exception>
    public InvalidDefinitionException(string definitionName, IEnumerable<string> errors)
        : this(definitionName, Materialize(errors))
    {
    }

    private InvalidDefinitionException(string definitionName, string[] errors)
        : base(BuildMessage(definitionName, errors))
    {
        DefinitionName = definitionName;
        Errors = errors;
    }

    /// <summary>Gets what was being validated, e.g. <c>"business calendar"</c>.</summary>
    public string DefinitionName { get; }

    /// <summary>Gets every fault found, each naming its location and the valid range where there is one.</summary>
    public IReadOnlyList<string> Errors { get; }

    private static string[] Materialize(IEnumerable<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var array = errors.ToArray();
        if (array.Length == 0)
        {
            throw new ArgumentException("At least one error is required.", nameof(errors));
        }

        return array;
    }

    private static string BuildMessage(string definitionName, string[] errors)
    {
        ArgumentNullException.ThrowIfNull(definitionName);
        return $"The {definitionName} is invalid ({errors.Length} {(errors.Length == 1 ? "fault" : "faults")}):"
            + Environment.NewLine + "- " + string.Join(Environment.NewLine + "- ", errors);
    }
}
