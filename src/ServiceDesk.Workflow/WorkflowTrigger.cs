namespace ServiceDesk.Workflow;

/// <summary>The name of something that can happen to a ticket in a workflow, such as <c>Resolve</c> or <c>Reopen</c>.</summary>
/// <remarks>
/// <para>Triggers are names, not a closed enumeration, because users add their own. A name follows the same rule as
/// <see cref="TicketStatus"/>: 1 to <see cref="MaxLength"/> ASCII letters, digits or underscores, starting with a
/// letter; comparison is ordinal (case-sensitive).</para>
/// <para><c>default(WorkflowTrigger)</c> is not a valid trigger; <see cref="IsDefault"/> tells it apart. This type is an
/// immutable value type and is thread-safe.</para>
/// </remarks>
public readonly record struct WorkflowTrigger
{
    /// <summary>The maximum length of a trigger name: 64.</summary>
    public const int MaxLength = 64;

    /// <summary>Initializes a trigger from its name.</summary>
    /// <param name="name">1 to 64 ASCII letters, digits or underscores, starting with a letter.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, too long or has other characters.</exception>
    public WorkflowTrigger(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!Names.IsIdentifier(name, MaxLength))
        {
            throw new ArgumentException(
                $"{TextPolicy.Echo(name)} is not a valid trigger name: use 1 to {MaxLength} ASCII letters, digits or underscores, starting with a letter.",
                nameof(name));
        }

        Name = name;
    }

    /// <summary>Gets the name; <see langword="null"/> for <c>default(WorkflowTrigger)</c>.</summary>
    public string Name { get; }

    /// <summary>Gets a value indicating whether this is <c>default(WorkflowTrigger)</c>, which is not a valid trigger.</summary>
    public bool IsDefault => Name is null;

    /// <summary>Returns the name.</summary>
    /// <returns>The trigger name, or <c>(default)</c>.</returns>
    public override string ToString() => Name ?? "(default)";

    internal static void ThrowIfDefault(WorkflowTrigger trigger, string paramName)
    {
        if (trigger.IsDefault)
        {
            throw new ArgumentException("default(WorkflowTrigger) is not a trigger; create one with new WorkflowTrigger(name).", paramName);
        }
    }
}
