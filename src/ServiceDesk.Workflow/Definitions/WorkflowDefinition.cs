using System.Collections.Concurrent;
using System.Collections.Frozen;
using ServiceDesk.Events;
using Stateless.Graph;

namespace ServiceDesk.Workflow;

/// <summary>
/// A validated, immutable ticket lifecycle: states, transitions and guards. Build one with <see cref="WorkflowBuilder"/>,
/// <see cref="FromJson(string, IEnumerable{WorkflowGuard})"/> or a shipped lifecycle such as <see cref="IncidentLifecycle"/>,
/// then share it.
/// </summary>
/// <remarks>
/// <para><b>Thread safety.</b> A definition is immutable and safe to use from any number of threads at once. The ticket
/// holds its state; each operation loads it into a state machine with external state that is used by that operation
/// alone (machines are configured once and pooled, never shared by two threads at the same time), so nothing is
/// shared unsafely.</para>
/// <para><b>Decisions.</b> <see cref="TryFire"/> returns a <see cref="TransitionResult"/>: the new state, the events to
/// append and the SLA effect, or every unmet guard with its description. <see cref="Fire"/> throws
/// <see cref="InvalidTransitionException"/> instead. <see cref="PermittedTriggers"/> lists what a UI may offer now; it
/// checks guards but not inputs (reasons and notes), which the UI asks for when the user picks the trigger.</para>
/// <para>Guards of alternative transitions (same source and trigger) must be mutually exclusive; if two are met at once,
/// <see cref="TryFire"/> throws <see cref="InvalidOperationException"/>, which is a fault of the definition.</para>
/// </remarks>
public sealed class WorkflowDefinition
{
    private readonly FrozenDictionary<TicketStatus, StateDefinition> _states;
    private readonly FrozenDictionary<(TicketStatus, WorkflowTrigger), TransitionDefinition[]> _byTrigger;
    private readonly FrozenSet<WorkflowTrigger> _triggers;
    private readonly ConcurrentBag<MachineSlot> _pool = [];
    private readonly Lazy<string> _mermaid;
    private readonly Lazy<string> _dot;

    internal WorkflowDefinition(
        string name,
        TicketKind? kind,
        TicketStatus initial,
        IReadOnlyList<StateDefinition> states,
        IReadOnlyList<TransitionDefinition> transitions,
        IReadOnlyList<WorkflowGuard> guards)
    {
        Name = name;
        Kind = kind;
        Initial = initial;
        States = states;
        Transitions = transitions;
        Guards = guards;
        _states = states.ToFrozenDictionary(s => s.Name);
        _byTrigger = transitions.GroupBy(t => (t.From, t.Trigger)).ToFrozenDictionary(g => g.Key, g => g.ToArray());
        _triggers = transitions.Select(t => t.Trigger).ToFrozenSet();
        Triggers = transitions.Select(t => t.Trigger).Distinct().ToArray();
        _mermaid = new Lazy<string>(() => Normalize(MermaidGraph.Format(GraphMachine().GetInfo()))
            + string.Concat(States.Where(s => s.IsTerminal).Select(s => $"\t{s.Name} --> [*]\n")));
        _dot = new Lazy<string>(() => Normalize(UmlDotGraph.Format(GraphMachine().GetInfo())));
        _pool.Add(new MachineSlot(this));
    }

    /// <summary>Gets the workflow's name.</summary>
    public string Name { get; }

    /// <summary>Gets the kind of ticket the workflow is for, or <see langword="null"/> for any kind.</summary>
    public TicketKind? Kind { get; }

    /// <summary>Gets the status new tickets start in.</summary>
    public TicketStatus Initial { get; }

    /// <summary>Gets the states, in declaration order.</summary>
    public IReadOnlyList<StateDefinition> States { get; }

    /// <summary>Gets the transitions, in declaration order.</summary>
    public IReadOnlyList<TransitionDefinition> Transitions { get; }

    /// <summary>Gets every trigger used by a transition, in order of first use.</summary>
    public IReadOnlyList<WorkflowTrigger> Triggers { get; }

    /// <summary>Gets the registered guards (built-in guard names such as <c>actor:Agent</c> are not listed), ordered by name.
    /// Pass them to <see cref="FromJson(string, IEnumerable{WorkflowGuard})"/> to load an edited copy of <see cref="ToJson"/>.</summary>
    public IReadOnlyList<WorkflowGuard> Guards { get; }

    /// <summary>Loads a workflow from its JSON form (see <c>docs/workflow.md</c>) and validates it.</summary>
    /// <param name="json">The JSON document.</param>
    /// <param name="guards">The guards the document may name besides the built-in ones; e.g. a shipped lifecycle's <see cref="Guards"/>.</param>
    /// <returns>The definition.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDefinitionException">The document is malformed or the workflow is invalid; every fault is listed with its JSON path.</exception>
    public static WorkflowDefinition FromJson(string json, IEnumerable<WorkflowGuard> guards)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(guards);
        return WorkflowJson.Read(json, guards).Build();
    }

    /// <summary>Writes the workflow in its JSON form (guards by name).</summary>
    /// <returns>Indented JSON that <see cref="FromJson(string, IEnumerable{WorkflowGuard})"/> reads back, given <see cref="Guards"/>.</returns>
    public string ToJson() => WorkflowJson.Write(this);

    /// <summary>Starts a builder holding a copy of this definition, to customise it (add or rename states, add guards and
    /// triggers). This definition is not changed.</summary>
    /// <returns>A new builder.</returns>
    public WorkflowBuilder ToBuilder()
    {
        var builder = new WorkflowBuilder(Name).ForKind(Kind).Guards(Guards);
        foreach (var state in States)
        {
            builder.State(state.Name, s =>
            {
                s.Sla(state.Sla).Hold(state.IsHold);
                foreach (var reason in state.Reasons)
                {
                    s.Reason(reason.Name, reason.Sla);
                }
            });
        }

        builder.InitialState(Initial);
        foreach (var t in Transitions)
        {
            builder.Transition(t.From, t.Trigger, t.To, b =>
            {
                b.When(t.Guards.Select(g => g.Name).ToArray()).WithReasons(t.Reasons.ToArray()).RequireNotes(t.RequiresNotes);
                if (t.Otherwise == RejectionOutcome.NewLinkedTicket)
                {
                    b.OrNewLinkedTicketWhenUnmet(t.OtherwiseGuard!);
                }

                if (t.Cascade is { } c)
                {
                    b.Cascade(c.LinkType, c.Direction, c.Trigger, c.Reason, c.Notes, c.SkipStatuses);
                }
            });
        }

        return builder;
    }

    /// <summary>Gets a state by name.</summary>
    /// <param name="status">The status.</param>
    /// <returns>The state.</returns>
    /// <exception cref="KeyNotFoundException">The workflow has no such state.</exception>
    public StateDefinition GetState(TicketStatus status)
        => _states.TryGetValue(status, out var state)
            ? state
            : throw new KeyNotFoundException($"Workflow '{Name}' has no state '{status}'; its states: {Names.Quote(States.Select(s => s.Name.Name))}.");

    /// <summary>Gets whether the workflow has a state.</summary>
    /// <param name="status">The status.</param>
    /// <returns><see langword="true"/> when the state is declared.</returns>
    public bool HasState(TicketStatus status) => _states.ContainsKey(status);

    /// <summary>Decides whether <paramref name="trigger"/> may fire for <paramref name="ticket"/> now and, if so, what happens.</summary>
    /// <param name="ticket">The ticket, whose <see cref="Ticket.Status"/> is its state in this workflow.</param>
    /// <param name="trigger">The trigger.</param>
    /// <param name="context">Who acts, when, and the inputs.</param>
    /// <returns>The decision; see <see cref="TransitionResult"/>. An unknown trigger is a rejection, not an exception.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ticket"/> or <paramref name="context"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="trigger"/> is the default value, the ticket's kind is not this
    /// workflow's kind, or its status is not a state of this workflow.</exception>
    public TransitionResult TryFire(Ticket ticket, WorkflowTrigger trigger, TransitionContext context)
    {
        CheckArguments(ticket, context);
        WorkflowTrigger.ThrowIfDefault(trigger, nameof(trigger));
        var from = ticket.Status;

        if (!_byTrigger.TryGetValue((from, trigger), out var candidates))
        {
            var description = _triggers.Contains(trigger)
                ? $"trigger '{trigger}' is permitted in {Names.Quote(Transitions.Where(t => t.Trigger == trigger).Select(t => t.From.Name).Distinct())}, not in '{from}'"
                : $"workflow '{Name}' has no trigger '{trigger}'";
            return Rejected(ticket, trigger, [new UnmetGuard("trigger", description)], RejectionOutcome.None);
        }

        var slot = Rent();
        try
        {
            slot.Load(ticket, context, trigger);
            if (slot.Machine.CanFire(trigger.Name))
            {
                // Stateless decided that the trigger is permitted; the target is the one candidate whose guards are met
                // (Stateless's own Fire would pick the same one, at the cost of running its transition machinery).
                return Transitioned(ticket, candidates.Length == 1 ? candidates[0] : SingleMet(candidates, ticket, context, trigger), context);
            }

            if (!slot.Machine.CanFire(trigger.Name, out var unmet))
            {
                var unmetGuards = new List<UnmetGuard>(unmet.Count);
                foreach (var name in unmet.Distinct(StringComparer.Ordinal))
                {
                    unmetGuards.Add(new UnmetGuard(name, FindGuard(candidates, name)));
                }

                var otherwise = unmetGuards.Count > 0 && unmetGuards.TrueForAll(u => Array.Exists(
                    candidates, c => c.Otherwise == RejectionOutcome.NewLinkedTicket && string.Equals(c.OtherwiseGuard, u.Name, StringComparison.Ordinal)))
                    ? RejectionOutcome.NewLinkedTicket
                    : RejectionOutcome.None;
                return Rejected(ticket, trigger, unmetGuards, otherwise);
            }

            throw new InvalidOperationException($"Workflow '{Name}': the state machine changed its decision on '{trigger}' from '{from}' between two evaluations; guards must be pure.");
        }
        finally
        {
            Return(slot);
        }
    }

    /// <summary>Fires <paramref name="trigger"/>: like <see cref="TryFire"/>, but a rejection throws.</summary>
    /// <param name="ticket">The ticket.</param>
    /// <param name="trigger">The trigger.</param>
    /// <param name="context">Who acts, when, and the inputs.</param>
    /// <returns>The successful result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ticket"/> or <paramref name="context"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">As for <see cref="TryFire"/>.</exception>
    /// <exception cref="InvalidTransitionException">The trigger is not permitted; the exception holds the result.</exception>
    public TransitionResult Fire(Ticket ticket, WorkflowTrigger trigger, TransitionContext context)
    {
        var result = TryFire(ticket, trigger, context);
        return result.Succeeded ? result : throw new InvalidTransitionException(result);
    }

    /// <summary>Lists the triggers whose guards are met for <paramref name="ticket"/> now: what a UI may offer.</summary>
    /// <param name="ticket">The ticket.</param>
    /// <param name="context">Who acts and when; its reason and notes are not checked.</param>
    /// <returns>The permitted triggers, in declaration order, without duplicates.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ticket"/> or <paramref name="context"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The ticket's kind or status does not belong to this workflow.</exception>
    /// <remarks>A trigger listed here may still be rejected by <see cref="TryFire"/> for a missing input (a reason from the
    /// target state's list, or required notes); see <see cref="TransitionDefinition.Reasons"/> and
    /// <see cref="TransitionDefinition.RequiresNotes"/>.</remarks>
    public IReadOnlyList<WorkflowTrigger> PermittedTriggers(Ticket ticket, TransitionContext context)
    {
        CheckArguments(ticket, context);
        var slot = Rent();
        try
        {
            var result = new List<WorkflowTrigger>();
            foreach (var t in Transitions)
            {
                if (t.From != ticket.Status || result.Contains(t.Trigger))
                {
                    continue;
                }

                slot.Load(ticket, context, t.Trigger);
                if (slot.Machine.CanFire(t.Trigger.Name))
                {
                    result.Add(t.Trigger);
                }
            }

            return result;
        }
        finally
        {
            Return(slot);
        }
    }

    /// <summary>Gets the workflow as a Mermaid state diagram, generated from the configured state machine (Stateless's
    /// Mermaid export), with an end marker added for each terminal state.</summary>
    /// <returns>The Mermaid source (<c>stateDiagram-v2</c>), with <c>\n</c> line endings. Guards appear in brackets after the trigger.</returns>
    public string ToMermaid() => _mermaid.Value;

    /// <summary>Gets the workflow as a Graphviz DOT graph, generated from the configured state machine.</summary>
    /// <returns>The DOT source, with <c>\n</c> line endings.</returns>
    public string ToDot() => _dot.Value;

    /// <summary>Returns the workflow's name.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => Name;

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd() + "\n";

    private static string FindGuard(TransitionDefinition[] candidates, string name)
    {
        foreach (var c in candidates)
        {
            foreach (var g in c.Guards)
            {
                if (string.Equals(g.Name, name, StringComparison.Ordinal))
                {
                    return g.Description;
                }
            }
        }

        return name;
    }

    private static bool IsAllowedReason(string? reason, TransitionDefinition transition, StateDefinition target)
    {
        if (reason is null)
        {
            return false;
        }

        if (transition.Reasons.Count > 0)
        {
            foreach (var allowed in transition.Reasons)
            {
                if (string.Equals(allowed, reason, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }

        foreach (var r in target.Reasons)
        {
            if (string.Equals(r.Name, reason, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static TransitionDefinition SingleMet(TransitionDefinition[] candidates, Ticket ticket, TransitionContext context, WorkflowTrigger trigger)
    {
        TransitionDefinition? met = null;
        foreach (var candidate in candidates)
        {
            var arguments = new GuardArguments(ticket, context, trigger, candidate.To);
            if (candidate.Guards.All(g => g.Predicate(arguments)))
            {
                if (met is not null)
                {
                    throw new InvalidOperationException(
                        $"Trigger '{trigger}' from '{ticket.Status}' has met guards on two transitions ('{met.To}' and '{candidate.To}'); guards of alternative transitions must be mutually exclusive.");
                }

                met = candidate;
            }
        }

        return met ?? throw new InvalidOperationException($"Trigger '{trigger}' from '{ticket.Status}' was permitted but no transition's guards are met now; guards must be pure.");
    }

    private static SlaEffect Effect(SlaMode before, SlaMode after) => (before, after) switch
    {
        _ when before == after => SlaEffect.None,
        (_, SlaMode.Stopped) => SlaEffect.Stop,
        (_, SlaMode.Paused) => SlaEffect.Pause,
        _ => SlaEffect.Resume,
    };

    private Stateless.StateMachine<string, string> GraphMachine()
    {
        var slot = new MachineSlot(this);
        slot.State = Initial.Name;
        return slot.Machine;
    }

    private void CheckArguments(Ticket ticket, TransitionContext context)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(context);
        if (Kind is { } kind && ticket.Kind != kind)
        {
            throw new ArgumentException($"Workflow '{Name}' is for {kind} tickets; ticket {ticket.Number} is a {ticket.Kind}.", nameof(ticket));
        }

        if (!_states.ContainsKey(ticket.Status))
        {
            throw new ArgumentException(
                $"Ticket {ticket.Number} has status '{ticket.Status}', which is not a state of workflow '{Name}'; its states: {Names.Quote(States.Select(s => s.Name.Name))}.",
                nameof(ticket));
        }
    }

    private MachineSlot Rent() => _pool.TryTake(out var slot) ? slot : new MachineSlot(this);

    private void Return(MachineSlot slot)
    {
        slot.Clear();
        _pool.Add(slot);
    }

    private TransitionResult Rejected(Ticket ticket, WorkflowTrigger trigger, IReadOnlyList<UnmetGuard> unmet, RejectionOutcome otherwise)
        => new(
            otherwise == RejectionOutcome.NewLinkedTicket ? TransitionOutcome.NewLinkedTicketRequired : TransitionOutcome.Rejected,
            ticket,
            trigger,
            ticket.Status,
            ticket.Status,
            [],
            SlaEffect.None,
            unmet,
            []);

    private TransitionResult Transitioned(Ticket ticket, TransitionDefinition transition, TransitionContext context)
    {
        var target = _states[transition.To];
        var reason = context.Reason;
        List<UnmetGuard>? missing = null;
        if (target.Reasons.Count > 0 && !IsAllowedReason(reason, transition, target))
        {
            var allowed = transition.Reasons.Count > 0 ? transition.Reasons : target.Reasons.Select(r => r.Name).ToArray();
            missing = [new UnmetGuard("reason", $"a reason for '{target.Name}' is given, one of {Names.Quote(allowed)}")];
        }

        if (transition.RequiresNotes && context.Notes is null)
        {
            (missing ??= []).Add(new UnmetGuard("notes", $"notes are given for '{transition.Trigger}'"));
        }

        if (missing is not null)
        {
            return Rejected(ticket, transition.Trigger, missing, RejectionOutcome.None);
        }

        var source = _states[ticket.Status];
        var effect = Effect(source.SlaFor(source.IsHold ? ticket.HoldReason : null), target.SlaFor(reason));
        var now = context.Now;
        var version = ticket.Version + 1;
        var events = new List<TicketEvent>(2)
        {
            new StatusChanged(ticket.Tenant, ticket.Id, version, now, context.Actor, ticket.Status, target.Name, reason),
        };
        if (context.Notes is { } notes)
        {
            version++;
            events.Add(new CommentAdded(ticket.Tenant, ticket.Id, version, now, context.Actor, CommentVisibility.Public, notes));
        }

        var updated = ticket with
        {
            Status = target.Name,
            HoldReason = target.IsHold ? reason : null,
            Version = version,
            UpdatedAt = now > ticket.UpdatedAt ? now : ticket.UpdatedAt,
        };

        IReadOnlyList<CascadeAction> cascades = [];
        if (transition.Cascade is { } rule)
        {
            cascades = context.Links
                .Where(l => l.LinkType == rule.LinkType && l.Direction == rule.Direction && !rule.SkipStatuses.Contains(l.Status))
                .Select(l => new CascadeAction(l.Id, rule.Trigger, rule.Reason ?? reason, rule.Notes ?? context.Notes, rule.LinkType))
                .ToArray();
        }

        return new TransitionResult(TransitionOutcome.Transitioned, updated, transition.Trigger, ticket.Status, target.Name, events, effect, [], cascades);
    }
}
