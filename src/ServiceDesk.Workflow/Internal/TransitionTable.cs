using System.Collections.Frozen;

namespace ServiceDesk.Workflow;

/// <summary>
/// A definition's transitions precompiled for deciding: per state (by name), per trigger (by name), the candidate
/// transitions with their guards, target state and SLA data as arrays.
/// </summary>
/// <remarks>
/// <para>Stateless stays the source of truth for the configuration (the definition configures a machine from the same
/// transitions when it is built), the diagrams and validation. This table answers the question a decision asks of that
/// machine, <c>CanFire(trigger, out unmetGuards)</c>, with the same rules and without its per-call allocations
/// (LINQ, lists of unmet descriptions, closures over the loaded ticket):</para>
/// <list type="bullet">
/// <item>the candidates of a (state, trigger) pair are the transitions in declaration order, as Stateless stores them;</item>
/// <item>the trigger is permitted when exactly one candidate has every guard met; two met candidates are a fault of the
/// definition (<see cref="InvalidOperationException"/>);</item>
/// <item>otherwise the unmet guards are the names of every failing guard of every candidate, in candidate then guard order,
/// without duplicates.</item>
/// </list>
/// <para>Immutable and thread-safe; guards run on the calling thread.</para>
/// </remarks>
internal sealed class TransitionTable
{
    private readonly FrozenDictionary<string, StateEntry> _states;
    private readonly FrozenDictionary<string, string> _sourcesByTrigger;

    public TransitionTable(IReadOnlyList<StateDefinition> states, IReadOnlyList<TransitionDefinition> transitions)
    {
        var stateByName = states.ToDictionary(s => s.Name.Name, StringComparer.Ordinal);
        var entries = new Dictionary<string, StateEntry>(StringComparer.Ordinal);
        foreach (var state in states)
        {
            var triggers = new List<WorkflowTrigger>();
            var candidates = new Dictionary<string, List<Candidate>>(StringComparer.Ordinal);
            foreach (var t in transitions)
            {
                if (t.From != state.Name)
                {
                    continue;
                }

                if (!candidates.TryGetValue(t.Trigger.Name, out var list))
                {
                    candidates[t.Trigger.Name] = list = [];
                    triggers.Add(t.Trigger);
                }

                list.Add(new Candidate(t, [.. t.Guards], stateByName[t.To.Name]));
            }

            var byTrigger = candidates.ToFrozenDictionary(c => c.Key, c => c.Value.ToArray(), StringComparer.Ordinal);
            entries[state.Name.Name] = new StateEntry(
                state,
                byTrigger,
                [.. triggers.Select(t => new TriggerEntry(t, byTrigger[t.Name]))]);
        }

        _states = entries.ToFrozenDictionary(StringComparer.Ordinal);
        _sourcesByTrigger = transitions
            .GroupBy(t => t.Trigger.Name, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => Names.Quote(g.Select(t => t.From.Name).Distinct(StringComparer.Ordinal)), StringComparer.Ordinal);
    }

    /// <summary>Gets the compiled state of a status, or <see langword="null"/> when the workflow has no such state.</summary>
    public StateEntry? Find(TicketStatus status) => _states.GetValueOrDefault(status.Name);

    /// <summary>Gets the quoted source states of a trigger (e.g. <c>'New', 'InProgress'</c>), or <see langword="null"/> when no
    /// transition uses it.</summary>
    public string? SourcesOf(WorkflowTrigger trigger) => _sourcesByTrigger.GetValueOrDefault(trigger.Name);

    /// <summary>Finds the one candidate whose guards are all met, as Stateless's <c>CanFire</c> would permit it.</summary>
    /// <returns>The candidate, or <see langword="null"/> when no candidate's guards are all met.</returns>
    /// <exception cref="InvalidOperationException">Two candidates have all their guards met.</exception>
    public static Candidate? FindMet(Candidate[] candidates, Ticket ticket, TransitionContext context, WorkflowTrigger trigger)
    {
        Candidate? met = null;
        foreach (var candidate in candidates)
        {
            if (!candidate.AllMet(new GuardArguments(ticket, context, trigger, candidate.Target.Name)))
            {
                continue;
            }

            if (met is not null)
            {
                throw new InvalidOperationException(
                    $"Trigger {TextPolicy.Echo(trigger)} from {TextPolicy.Echo(ticket.Status)} has met guards on two transitions ({TextPolicy.Echo(met.Target.Name)} and {TextPolicy.Echo(candidate.Target.Name)}); guards of alternative transitions must be mutually exclusive.");
            }

            met = candidate;
        }

        return met;
    }

    /// <summary>Lists every unmet guard of every candidate, in candidate then guard order, without duplicates (Stateless's
    /// unmet guard conditions of a rejected trigger).</summary>
    public static List<UnmetGuard> Unmet(Candidate[] candidates, Ticket ticket, TransitionContext context, WorkflowTrigger trigger)
    {
        var unmet = new List<UnmetGuard>();
        foreach (var candidate in candidates)
        {
            var arguments = new GuardArguments(ticket, context, trigger, candidate.Target.Name);
            foreach (var guard in candidate.Guards)
            {
                if (!guard.Predicate(arguments) && !Contains(unmet, guard.Name))
                {
                    unmet.Add(new UnmetGuard(guard.Name, guard.Description));
                }
            }
        }

        return unmet;
    }

    private static bool Contains(List<UnmetGuard> unmet, string name)
    {
        foreach (var u in unmet)
        {
            if (string.Equals(u.Name, name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A state with its triggers and their candidate transitions.</summary>
    /// <param name="State">The state.</param>
    /// <param name="ByTrigger">The candidates by trigger name.</param>
    /// <param name="Triggers">The state's triggers in declaration order, without duplicates.</param>
    internal sealed record StateEntry(StateDefinition State, FrozenDictionary<string, Candidate[]> ByTrigger, TriggerEntry[] Triggers);

    /// <summary>A trigger of a state with its candidate transitions.</summary>
    /// <param name="Trigger">The trigger.</param>
    /// <param name="Candidates">The transitions it may take, in declaration order.</param>
    internal sealed record TriggerEntry(WorkflowTrigger Trigger, Candidate[] Candidates);

    /// <summary>A transition with its guards as an array and its target state resolved.</summary>
    /// <param name="Transition">The transition.</param>
    /// <param name="Guards">Its guards, in declaration order.</param>
    /// <param name="Target">Its target state.</param>
    internal sealed record Candidate(TransitionDefinition Transition, WorkflowGuard[] Guards, StateDefinition Target)
    {
        public bool AllMet(GuardArguments arguments)
        {
            foreach (var guard in Guards)
            {
                if (!guard.Predicate(arguments))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
