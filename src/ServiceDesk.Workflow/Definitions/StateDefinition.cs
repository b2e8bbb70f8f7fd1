namespace ServiceDesk.Workflow;

/// <summary>A reason a ticket can be given when it enters a state (a hold reason, a resolution or closure code), with its own SLA mode.</summary>
/// <param name="Name">The reason: 1 to 64 ASCII letters, digits or underscores, starting with a letter.</param>
/// <param name="Sla">The SLA mode while the ticket is in the state for this reason; <see langword="null"/> to use the state's mode.</param>
public sealed record StateReason(string Name, SlaMode? Sla = null);

/// <summary>A state of a validated <see cref="WorkflowDefinition"/>.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class StateDefinition
{
    internal StateDefinition(TicketStatus name, SlaMode sla, bool isHold, IReadOnlyList<StateReason> reasons, bool isTerminal)
    {
        Name = name;
        Sla = sla;
        IsHold = isHold;
        Reasons = reasons;
        IsTerminal = isTerminal;
    }

    /// <summary>Gets the status this state is.</summary>
    public TicketStatus Name { get; }

    /// <summary>Gets the SLA mode in this state, unless the reason given says otherwise.</summary>
    public SlaMode Sla { get; }

    /// <summary>Gets a value indicating whether this is a hold state: while in it, <see cref="Ticket.HoldReason"/> carries the reason.</summary>
    public bool IsHold { get; }

    /// <summary>Gets the reasons a ticket may enter this state for; when not empty, every transition into it requires one.</summary>
    public IReadOnlyList<StateReason> Reasons { get; }

    /// <summary>Gets a value indicating whether no transition leaves this state.</summary>
    public bool IsTerminal { get; }

    /// <summary>Gets the SLA mode while in this state for a reason.</summary>
    /// <param name="reason">The reason, or <see langword="null"/>.</param>
    /// <returns>The reason's mode when it declares one, otherwise <see cref="Sla"/>.</returns>
    public SlaMode SlaFor(string? reason)
    {
        if (reason is not null)
        {
            foreach (var r in Reasons)
            {
                if (string.Equals(r.Name, reason, StringComparison.Ordinal))
                {
                    return r.Sla ?? Sla;
                }
            }
        }

        return Sla;
    }

    /// <summary>Returns the state's name.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => Name.ToString();
}
