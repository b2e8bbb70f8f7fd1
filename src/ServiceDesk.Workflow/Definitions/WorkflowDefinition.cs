using System.Collections.Frozen;
using ServiceDesk.Events;
using Stateless.Graph;
using Stateless.Reflection;

namespace ServiceDesk.Workflow;

/// <summary>
/// A validated, immutable ticket lifecycle: states, transitions and guards. Build one with <see cref="WorkflowBuilder"/>,
/// <see cref="FromJson(string, IEnumerable{WorkflowGuard})"/> or a shipped lifecycle such as <see cref="IncidentLifecycle"/>,
/// then share it.
/// </summary>
/// <remarks>
/// <para><b>Thread safety.</b> A definition is immutable and safe to use from any number of threads at once. The ticket
/// holds its state: nothing is stored between operations, and guards run on the calling thread.</para>
/// <para><b>Stateless.</b> When the definition is built, its states and transitions configure a Stateless state machine
/// with external state, which is the source of the diagrams (<see cref="ToMermaid"/>, <see cref="ToDot"/>). Decisions
/// are answered from a table precompiled from the same transitions with Stateless's rules (the candidates of a trigger
/// in declaration order, exactly one with every guard met, every unmet guard otherwise), so that a decision allocates
/// only its result.</para>
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
    private readonly TransitionTable _table;
    private readonly Lazy<StateMachineInfo> _info;
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
        _table = new TransitionTable(states, transitions);
        Triggers = transitions.Select(t => t.Trigger).Distinct().ToArray();

        // Configure the Stateless machine now, so that it checks the configuration when the definition is built; its
        // description (read once, then immutable) is the source of both diagrams.
        var machine = new MachineSlot(this).Machine;
        _info = new Lazy<StateMachineInfo>(machine.GetInfo);
        _mermaid = new Lazy<string>(() => Normalize(MermaidGraph.Format(_info.Value))
            + string.Concat(States.Where(s => s.IsTerminal).Select(s => $"\t{s.Name} --> [*]\n")));
        _dot = new Lazy<string>(() => Normalize(UmlDotGraph.Format(_info.Value)));
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

    /// <summary>Loads a workflow from its JSON form (see <c>docs/workflows.md</c>) and validates it.</summary>
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
            : throw new KeyNotFoundException($"Workflow {TextPolicy.Echo(Name)} has no state {TextPolicy.Echo(status)}; its states: {Names.Quote(States.Select(s => s.Name.Name))}.");

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
    /// <exception cref="InvalidOperationException">Two alternative transitions of the trigger have all their guards met: a fault of the definition.</exception>
    public TransitionResult TryFire(Ticket ticket, WorkflowTrigger trigger, TransitionContext context)
    {
        var state = CheckArguments(ticket, context);
        WorkflowTrigger.ThrowIfDefault(trigger, nameof(trigger));

        if (!state.ByTrigger.TryGetValue(trigger.Name, out var candidates))
        {
            var description = _table.SourcesOf(trigger) is { } sources
                ? $"trigger {TextPolicy.Echo(trigger)} is permitted in {sources}, not in {TextPolicy.Echo(ticket.Status)}"
                : $"workflow {TextPolicy.Echo(Name)} has no trigger {TextPolicy.Echo(trigger)}";
            return Rejected(ticket, trigger, [new UnmetGuard("trigger", description)], RejectionOutcome.None);
        }

        if (TransitionTable.FindMet(candidates, ticket, context, trigger) is { } met)
        {
            return Transitioned(ticket, state.State, met, context);
        }

        var unmetGuards = TransitionTable.Unmet(candidates, ticket, context, trigger);
        if (unmetGuards.Count == 0)
        {
            throw new InvalidOperationException($"Workflow {TextPolicy.Echo(Name)}: the decision on {TextPolicy.Echo(trigger)} from {TextPolicy.Echo(ticket.Status)} changed between two evaluations of its guards; guards must be pure.");
        }

        return Rejected(ticket, trigger, unmetGuards, IsOtherwise(candidates, unmetGuards) ? RejectionOutcome.NewLinkedTicket : RejectionOutcome.None);
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
    /// <exception cref="InvalidOperationException">Two alternative transitions of a trigger have all their guards met: a fault of the definition.</exception>
    /// <remarks>A trigger listed here may still be rejected by <see cref="TryFire"/> for a missing input (a reason from the
    /// target state's list, or required notes); see <see cref="TransitionDefinition.Reasons"/> and
    /// <see cref="TransitionDefinition.RequiresNotes"/>.</remarks>
    public IReadOnlyList<WorkflowTrigger> PermittedTriggers(Ticket ticket, TransitionContext context)
    {
        var triggers = CheckArguments(ticket, context).Triggers;
        Span<bool> permitted = triggers.Length <= 64 ? stackalloc bool[triggers.Length] : new bool[triggers.Length];
        var count = 0;
        for (var i = 0; i < triggers.Length; i++)
        {
            if (TransitionTable.FindMet(triggers[i].Candidates, ticket, context, triggers[i].Trigger) is not null)
            {
                permitted[i] = true;
                count++;
            }
        }

        if (count == 0)
        {
            return [];
        }

        var result = new WorkflowTrigger[count];
        count = 0;
        for (var i = 0; i < triggers.Length; i++)
        {
            if (permitted[i])
            {
                result[count++] = triggers[i].Trigger;
            }
        }

        return result;
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

    private static bool IsOtherwise(TransitionTable.Candidate[] candidates, List<UnmetGuard> unmet)
    {
        // A new linked ticket is the answer when every unmet guard is the "otherwise" guard of some candidate.
        foreach (var u in unmet)
        {
            var found = false;
            foreach (var c in candidates)
            {
                if (c.Transition.Otherwise == RejectionOutcome.NewLinkedTicket && string.Equals(c.Transition.OtherwiseGuard, u.Name, StringComparison.Ordinal))
                {
                    found = true;
                    break;
                }
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
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

    private static SlaEffect Effect(SlaMode before, SlaMode after) => (before, after) switch
    {
        _ when before == after => SlaEffect.None,
        (_, SlaMode.Stopped) => SlaEffect.Stop,
        (_, SlaMode.Paused) => SlaEffect.Pause,
        _ => SlaEffect.Resume,
    };

    private TransitionTable.StateEntry CheckArguments(Ticket ticket, TransitionContext context)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(context);
        if (Kind is { } kind && ticket.Kind != kind)
        {
            throw new ArgumentException($"Workflow {TextPolicy.Echo(Name)} is for {kind} tickets; ticket {ticket.Number} is a {ticket.Kind}.", nameof(ticket));
        }

        return _table.Find(ticket.Status) ?? throw new ArgumentException(
            $"Ticket {ticket.Number} has status {TextPolicy.Echo(ticket.Status)}, which is not a state of workflow {TextPolicy.Echo(Name)}; its states: {Names.Quote(States.Select(s => s.Name.Name))}.",
            nameof(ticket));
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

    private static IReadOnlyList<CascadeAction> Cascades(CascadeRule rule, TransitionContext context, string? reason)
    {
        var links = context.Links;
        var count = 0;
        for (var i = 0; i < links.Count; i++)
        {
            if (Follows(rule, links[i]))
            {
                count++;
            }
        }

        if (count == 0)
        {
            return [];
        }

        var actions = new CascadeAction[count];
        count = 0;
        for (var i = 0; i < links.Count; i++)
        {
            var l = links[i];
            if (Follows(rule, l))
            {
                actions[count++] = new CascadeAction(l.Id, rule.Trigger, rule.Reason ?? reason, rule.Notes ?? context.Notes, rule.LinkType);
            }
        }

        return actions;
    }

    private static bool Follows(CascadeRule rule, LinkedTicket link)
    {
        if (link.LinkType != rule.LinkType || link.Direction != rule.Direction)
        {
            return false;
        }

        var skip = rule.SkipStatuses;
        for (var i = 0; i < skip.Count; i++)
        {
            if (skip[i] == link.Status)
            {
                return false;
            }
        }

        return true;
    }

    private TransitionResult Transitioned(Ticket ticket, StateDefinition source, TransitionTable.Candidate candidate, TransitionContext context)
    {
        var transition = candidate.Transition;
        var target = candidate.Target;
        var reason = context.Reason;
        List<UnmetGuard>? missing = null;
        if (target.Reasons.Count > 0 && !IsAllowedReason(reason, transition, target))
        {
            var allowed = transition.Reasons.Count > 0 ? transition.Reasons : target.Reasons.Select(r => r.Name).ToArray();
            missing = [new UnmetGuard("reason", $"a reason for {TextPolicy.Echo(target.Name)} is given, one of {Names.Quote(allowed)}")];
        }

        if (transition.RequiresNotes && context.Notes is null)
        {
            (missing ??= []).Add(new UnmetGuard("notes", $"notes are given for {TextPolicy.Echo(transition.Trigger)}"));
        }

        if (missing is not null)
        {
            return Rejected(ticket, transition.Trigger, missing, RejectionOutcome.None);
        }

        var effect = Effect(source.SlaFor(source.IsHold ? ticket.HoldReason : null), target.SlaFor(reason));
        var now = context.Now;
        var version = ticket.Version + 1;
        var changed = new StatusChanged(ticket.Tenant, ticket.Id, version, now, context.Actor, ticket.Status, target.Name, reason);
        TicketEvent[] events;
        if (context.Notes is { } notes)
        {
            version++;
            events = [changed, new CommentAdded(ticket.Tenant, ticket.Id, version, now, context.Actor, CommentVisibility.Public, notes)];
        }
        else
        {
            events = [changed];
        }

        var updated = ticket with
        {
            Status = target.Name,
            HoldReason = target.IsHold ? reason : null,
            Version = version,
            UpdatedAt = now > ticket.UpdatedAt ? now : ticket.UpdatedAt,
        };

        var cascades = transition.Cascade is { } rule ? Cascades(rule, context, reason) : [];
        return new TransitionResult(TransitionOutcome.Transitioned, updated, transition.Trigger, ticket.Status, target.Name, events, effect, [], cascades);
    }
}
