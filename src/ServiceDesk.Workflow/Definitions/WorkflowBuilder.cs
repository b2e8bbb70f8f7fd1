using ServiceDesk.Events;

namespace ServiceDesk.Workflow;

/// <summary>
/// The mutable, fluent first stage of a <see cref="WorkflowDefinition"/>: declare states, transitions and guards, then call
/// <see cref="Build"/> once to validate them into an immutable, thread-safe definition.
/// </summary>
/// <remarks>
/// <para>Nothing but null and default arguments is checked until <see cref="Build"/>, which reports every fault at once in
/// one <see cref="InvalidDefinitionException"/>. Each fault is named by the JSON path it has in the workflow's JSON form
/// (<c>$.states[2]</c> is the third state declared, <c>$.transitions[4].guards[0]</c> the first guard of the fifth
/// transition), so faults read the same whether a workflow was built in code or loaded with
/// <see cref="WorkflowDefinition.FromJson(string, IEnumerable{WorkflowGuard})"/>.</para>
/// <para>Build checks that: there is at least one state and an initial state that exists; state and reason names are
/// valid and unique; every transition's source and target exist; every guard name resolves; transition reasons are
/// reasons of the target; no two transitions repeat the same source, trigger and target; transitions sharing a source and
/// trigger are all guarded; every state is reachable from the initial state; at least one state is terminal.</para>
/// <para>To customise a shipped lifecycle, start from <see cref="WorkflowDefinition.ToBuilder"/>: it copies the
/// definition, which is never changed in place. A builder is not thread-safe; the definitions it builds are, and later
/// changes to the builder do not affect them.</para>
/// </remarks>
public sealed class WorkflowBuilder
{
    private readonly List<StateSpec> _states = [];
    private readonly List<TransitionSpec> _transitions = [];
    private readonly Dictionary<string, WorkflowGuard> _guards = new(StringComparer.Ordinal);
    private readonly List<string> _preFaults = [];
    private string _name;

    /// <summary>Initializes an empty builder.</summary>
    /// <param name="name">The workflow's name, e.g. <c>"incident"</c>; 1 to 100 characters.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, blank or too long.</exception>
    public WorkflowBuilder(string name)
    {
        _name = CheckName(name);
    }

    /// <summary>Gets the workflow's name.</summary>
    public string Name => _name;

    /// <summary>Gets the kind of ticket the workflow is for, or <see langword="null"/> for any kind.</summary>
    public TicketKind? Kind { get; private set; }

    /// <summary>Gets the initial state, or <see langword="null"/> when not set yet.</summary>
    public TicketStatus? Initial { get; private set; }

    /// <summary>Gets the names of the states declared so far, in declaration order.</summary>
    public IReadOnlyList<TicketStatus> States => _states.Select(s => s.Name).ToArray();

    /// <summary>Renames the workflow (a customised copy of a shipped lifecycle should carry its own name).</summary>
    /// <param name="name">The new name, 1 to 100 characters.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, blank or too long.</exception>
    public WorkflowBuilder WithName(string name)
    {
        _name = CheckName(name);
        return this;
    }

    /// <summary>Restricts the workflow to one kind of ticket; tickets of another kind are refused with an <see cref="ArgumentException"/>.</summary>
    /// <param name="kind">The kind, or <see langword="null"/> for any kind.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined value.</exception>
    public WorkflowBuilder ForKind(TicketKind? kind)
    {
        if (kind is { } k && !Enum.IsDefined(k))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, $"Use one of {string.Join(", ", Enum.GetNames<TicketKind>())}.");
        }

        Kind = kind;
        return this;
    }

    /// <summary>Sets the initial state: the status a new ticket starts in (it must be declared with <see cref="State"/>).</summary>
    /// <param name="state">The initial state.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="state"/> is the default value.</exception>
    public WorkflowBuilder InitialState(TicketStatus state)
    {
        ThrowIfDefault(state, nameof(state));
        Initial = state;
        return this;
    }

    /// <summary>Declares a state, or configures it further when it is already declared.</summary>
    /// <param name="state">The state.</param>
    /// <param name="configure">Sets the SLA mode, hold flag and reasons; optional.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="state"/> is the default value.</exception>
    /// <remarks>The first state declared becomes the initial state unless <see cref="InitialState"/> is called.</remarks>
    public WorkflowBuilder State(TicketStatus state, Action<StateBuilder>? configure = null)
    {
        ThrowIfDefault(state, nameof(state));
        var spec = _states.Find(s => s.Name == state);
        if (spec is null)
        {
            spec = new StateSpec(state);
            _states.Add(spec);
            Initial ??= state;
        }

        configure?.Invoke(new StateBuilder(spec));
        return this;
    }

    /// <summary>Adds a transition from <paramref name="from"/> on <paramref name="trigger"/> to <paramref name="to"/>.</summary>
    /// <param name="from">The source state.</param>
    /// <param name="trigger">The trigger.</param>
    /// <param name="to">The target state; equal to <paramref name="from"/> for a re-entry.</param>
    /// <param name="configure">Adds guards, reasons, notes, a rejection outcome or a cascade; optional.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">A state or the trigger is the default value.</exception>
    public WorkflowBuilder Transition(TicketStatus from, WorkflowTrigger trigger, TicketStatus to, Action<TransitionBuilder>? configure = null)
    {
        ThrowIfDefault(from, nameof(from));
        ThrowIfDefault(to, nameof(to));
        WorkflowTrigger.ThrowIfDefault(trigger, nameof(trigger));
        var spec = new TransitionSpec(from, trigger, to);
        _transitions.Add(spec);
        configure?.Invoke(new TransitionBuilder(spec));
        return this;
    }

    /// <summary>Adds the same transition from each of several states.</summary>
    /// <param name="from">The source states.</param>
    /// <param name="trigger">The trigger.</param>
    /// <param name="to">The target state.</param>
    /// <param name="configure">Configures each of the transitions; optional.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="from"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A state or the trigger is the default value.</exception>
    public WorkflowBuilder TransitionFromEach(IEnumerable<TicketStatus> from, WorkflowTrigger trigger, TicketStatus to, Action<TransitionBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(from);
        foreach (var state in from)
        {
            Transition(state, trigger, to, configure);
        }

        return this;
    }

    /// <summary>Configures every transition already declared from <paramref name="from"/> on <paramref name="trigger"/>, e.g. to add a guard
    /// to a shipped transition.</summary>
    /// <param name="from">The source state.</param>
    /// <param name="trigger">The trigger.</param>
    /// <param name="configure">The change to make.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No such transition is declared.</exception>
    public WorkflowBuilder ConfigureTransitions(TicketStatus from, WorkflowTrigger trigger, Action<TransitionBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var matches = _transitions.Where(t => t.From == from && t.Trigger == trigger).ToArray();
        if (matches.Length == 0)
        {
            throw new ArgumentException($"No transition from {TextPolicy.Echo(from)} on {TextPolicy.Echo(trigger)} is declared in workflow {TextPolicy.Echo(_name)}.", nameof(trigger));
        }

        foreach (var spec in matches)
        {
            configure(new TransitionBuilder(spec));
        }

        return this;
    }

    /// <summary>Removes every transition from <paramref name="from"/> on <paramref name="trigger"/>.</summary>
    /// <param name="from">The source state.</param>
    /// <param name="trigger">The trigger.</param>
    /// <returns>This builder.</returns>
    public WorkflowBuilder RemoveTransitions(TicketStatus from, WorkflowTrigger trigger)
    {
        _transitions.RemoveAll(t => t.From == from && t.Trigger == trigger);
        return this;
    }

    /// <summary>Removes a state and every transition into or out of it.</summary>
    /// <param name="state">The state.</param>
    /// <returns>This builder.</returns>
    /// <remarks>Removing the initial state leaves none set; set another with <see cref="InitialState"/>.</remarks>
    public WorkflowBuilder RemoveState(TicketStatus state)
    {
        _states.RemoveAll(s => s.Name == state);
        _transitions.RemoveAll(t => t.From == state || t.To == state);
        if (Initial == state)
        {
            Initial = null;
        }

        return this;
    }

    /// <summary>Renames a state everywhere: its declaration, the initial state, transitions and cascade skip lists.</summary>
    /// <param name="state">The state to rename.</param>
    /// <param name="newName">Its new name; must not be declared already.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">A name is the default value, <paramref name="state"/> is not declared or
    /// <paramref name="newName"/> already is.</exception>
    public WorkflowBuilder RenameState(TicketStatus state, TicketStatus newName)
    {
        ThrowIfDefault(state, nameof(state));
        ThrowIfDefault(newName, nameof(newName));
        var spec = _states.Find(s => s.Name == state)
            ?? throw new ArgumentException($"State {TextPolicy.Echo(state)} is not declared in workflow {TextPolicy.Echo(_name)}.", nameof(state));
        if (state != newName && _states.Exists(s => s.Name == newName))
        {
            throw new ArgumentException($"State {TextPolicy.Echo(newName)} is already declared in workflow {TextPolicy.Echo(_name)}.", nameof(newName));
        }

        spec.Name = newName;
        if (Initial == state)
        {
            Initial = newName;
        }

        foreach (var t in _transitions)
        {
            t.From = t.From == state ? newName : t.From;
            t.To = t.To == state ? newName : t.To;
            if (t.Cascade is { } c && c.SkipStatuses.Contains(state))
            {
                t.Cascade = c with { SkipStatuses = c.SkipStatuses.Select(s => s == state ? newName : s).ToArray() };
            }
        }

        return this;
    }

    /// <summary>Registers a guard (replacing one of the same name) so that transitions can name it.</summary>
    /// <param name="guard">The guard.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="guard"/> is <see langword="null"/>.</exception>
    public WorkflowBuilder Guard(WorkflowGuard guard)
    {
        ArgumentNullException.ThrowIfNull(guard);
        _guards[guard.Name] = guard;
        return this;
    }

    /// <summary>Registers a guard (replacing one of the same name) so that transitions can name it.</summary>
    /// <param name="name">The guard's name; see <see cref="WorkflowGuard(string, string, Func{GuardArguments, bool})"/>.</param>
    /// <param name="description">What must be true, e.g. <c>"resolution notes are given"</c>.</param>
    /// <param name="predicate">The condition; a pure function of its arguments.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> or <paramref name="description"/> is malformed.</exception>
    public WorkflowBuilder Guard(string name, string description, Func<GuardArguments, bool> predicate)
        => Guard(new WorkflowGuard(name, description, predicate));

    /// <summary>Registers several guards.</summary>
    /// <param name="guards">The guards.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="guards"/> or one of them is <see langword="null"/>.</exception>
    public WorkflowBuilder Guards(IEnumerable<WorkflowGuard> guards)
    {
        ArgumentNullException.ThrowIfNull(guards);
        foreach (var guard in guards)
        {
            Guard(guard);
        }

        return this;
    }

    /// <summary>Validates everything declared and builds the immutable, thread-safe definition.</summary>
    /// <returns>The definition.</returns>
    /// <exception cref="InvalidDefinitionException">The workflow is invalid; the exception lists every fault, each with its JSON path.</exception>
    public WorkflowDefinition Build()
    {
        var errors = new List<string>(_preFaults);
        var statesByName = new Dictionary<TicketStatus, (StateSpec Spec, int Index)>();

        if (_states.Count == 0)
        {
            errors.Add("$.states: at least one state is required.");
        }

        for (var i = 0; i < _states.Count; i++)
        {
            var s = _states[i];
            var path = s.Path ?? $"$.states[{i}]";
            if (!statesByName.TryAdd(s.Name, (s, i)))
            {
                errors.Add($"{path}.name: state {TextPolicy.Echo(s.Name)} is declared twice (first at $.states[{statesByName[s.Name].Index}]).");
            }

            if (!Enum.IsDefined(s.Sla))
            {
                errors.Add($"{path}.sla: {TextPolicy.Echo(s.Sla)} is not an SLA mode; use {string.Join(", ", Enum.GetNames<SlaMode>())}.");
            }

            var reasonNames = new HashSet<string>(StringComparer.Ordinal);
            for (var r = 0; r < s.Reasons.Count; r++)
            {
                var reason = s.Reasons[r];
                if (!Names.IsStatus(reason.Name))
                {
                    errors.Add($"{path}.reasons[{r}]: {TextPolicy.Echo(reason.Name)} is not a valid reason name; use 1 to 64 ASCII letters, digits or underscores, starting with a letter.");
                }
                else if (!reasonNames.Add(reason.Name))
                {
                    errors.Add($"{path}.reasons[{r}]: reason {TextPolicy.Echo(reason.Name)} is declared twice in state {TextPolicy.Echo(s.Name)}.");
                }

                if (reason.Sla is { } mode && !Enum.IsDefined(mode))
                {
                    errors.Add($"{path}.reasons[{r}].sla: {TextPolicy.Echo(mode)} is not an SLA mode; use {string.Join(", ", Enum.GetNames<SlaMode>())}.");
                }
            }
        }

        if (Initial is not { } initial)
        {
            errors.Add("$.initial: an initial state is required.");
        }
        else if (_states.Count > 0 && !statesByName.ContainsKey(initial))
        {
            errors.Add($"$.initial: state {TextPolicy.Echo(initial)} is not declared; declared states: {Names.Quote(_states.Select(s => s.Name.Name))}.");
        }

        var resolvedGuards = new Dictionary<string, WorkflowGuard>(StringComparer.Ordinal);
        var seen = new Dictionary<(TicketStatus, WorkflowTrigger, TicketStatus), string>();
        var groups = new Dictionary<(TicketStatus, WorkflowTrigger), List<(TransitionSpec Spec, string Path)>>();
        var declared = Names.Quote(_states.Select(s => s.Name.Name).Distinct(StringComparer.Ordinal));
        for (var i = 0; i < _transitions.Count; i++)
        {
            var t = _transitions[i];
            var path = t.Path ?? $"$.transitions[{i}]";
            if (!statesByName.ContainsKey(t.From))
            {
                errors.Add($"{t.FromPath ?? path + ".from"}: state {TextPolicy.Echo(t.From)} is not declared; declared states: {declared}.");
            }

            if (!statesByName.TryGetValue(t.To, out var target))
            {
                errors.Add($"{path}.to: state {TextPolicy.Echo(t.To)} is not declared; declared states: {declared}.");
            }

            for (var g = 0; g < t.Guards.Count; g++)
            {
                var name = t.Guards[g];
                if (resolvedGuards.ContainsKey(name))
                {
                    continue;
                }

                string? error = $"{TextPolicy.Echo(name)} is not a valid guard name";
                var guard = Names.IsGuardName(name) ? WorkflowGuard.Resolve(name, _guards, out error) : null;
                if (guard is null)
                {
                    errors.Add($"{path}.guards[{g}]: {error}.");
                }
                else
                {
                    resolvedGuards[name] = guard;
                }
            }

            if (t.Guards.Distinct(StringComparer.Ordinal).Count() != t.Guards.Count)
            {
                errors.Add($"{path}.guards: a guard is listed twice.");
            }

            for (var r = 0; r < t.Reasons.Count; r++)
            {
                if (target.Spec is not null && !target.Spec.Reasons.Exists(x => string.Equals(x.Name, t.Reasons[r], StringComparison.Ordinal)))
                {
                    errors.Add(target.Spec.Reasons.Count == 0
                        ? $"{path}.reasons[{r}]: state {TextPolicy.Echo(t.To)} declares no reasons, so the transition cannot restrict them to {TextPolicy.Echo(t.Reasons[r])}."
                        : $"{path}.reasons[{r}]: {TextPolicy.Echo(t.Reasons[r])} is not a reason of state {TextPolicy.Echo(t.To)}; its reasons: {Names.Quote(target.Spec.Reasons.Select(x => x.Name))}.");
                }
            }

            if (t.Otherwise != RejectionOutcome.None && (t.OtherwiseGuard is null || !t.Guards.Contains(t.OtherwiseGuard, StringComparer.Ordinal)))
            {
                errors.Add($"{path}.otherwise.guard: {TextPolicy.Echo(t.OtherwiseGuard)} is not one of the transition's guards; the outcome {TextPolicy.Echo(t.Otherwise)} applies when that guard alone is unmet.");
            }

            if (!seen.TryAdd((t.From, t.Trigger, t.To), path))
            {
                errors.Add($"{path}: transition {TextPolicy.Echo(t.From)} --{t.Trigger}--> {TextPolicy.Echo(t.To)} repeats {seen[(t.From, t.Trigger, t.To)]}; merge their guards instead.");
            }

            if (!groups.TryGetValue((t.From, t.Trigger), out var group))
            {
                groups[(t.From, t.Trigger)] = group = [];
            }

            group.Add((t, path));
        }

        foreach (var ((from, trigger), group) in groups)
        {
            var targets = group.Select(x => x.Spec.To.Name).Distinct(StringComparer.Ordinal).ToArray();
            if (targets.Length > 1 && group.Exists(x => x.Spec.Guards.Count == 0))
            {
                var unguarded = group.First(x => x.Spec.Guards.Count == 0);
                errors.Add($"{unguarded.Path}: trigger {TextPolicy.Echo(trigger)} leads from {TextPolicy.Echo(from)} to {targets.Length} states ({Names.Quote(targets)}), so each of those transitions needs guards that tell them apart.");
            }
        }

        if (Initial is { } start && statesByName.ContainsKey(start))
        {
            var reached = new HashSet<TicketStatus> { start };
            var queue = new Queue<TicketStatus>([start]);
            while (queue.TryDequeue(out var state))
            {
                foreach (var t in _transitions)
                {
                    if (t.From == state && statesByName.ContainsKey(t.To) && reached.Add(t.To))
                    {
                        queue.Enqueue(t.To);
                    }
                }
            }

            for (var i = 0; i < _states.Count; i++)
            {
                if (!reached.Contains(_states[i].Name))
                {
                    errors.Add($"{_states[i].Path ?? $"$.states[{i}]"}: state '{_states[i].Name}' is unreachable from the initial state {TextPolicy.Echo(start)}.");
                }
            }
        }

        if (_states.Count > 0 && _states.TrueForAll(s => _transitions.Exists(t => t.From == s.Name)))
        {
            errors.Add("$.states: no state is terminal; at least one state must have no outgoing transition.");
        }

        if (errors.Count > 0)
        {
            // A JSON transition with several sources expands to several specs sharing a path: report each fault once.
            throw new InvalidDefinitionException($"workflow {TextPolicy.Echo(_name)}", errors.Distinct(StringComparer.Ordinal));
        }

        var states = _states.Select(s => new StateDefinition(
            s.Name,
            s.Sla,
            s.IsHold,
            s.Reasons.ToArray(),
            !_transitions.Exists(t => t.From == s.Name))).ToArray();
        var transitions = _transitions.Select(t => new TransitionDefinition(
            t.From,
            t.Trigger,
            t.To,
            t.Guards.Select(g => resolvedGuards[g]).ToArray(),
            t.Reasons.ToArray(),
            t.RequiresNotes,
            t.Otherwise,
            t.OtherwiseGuard,
            t.Cascade)).ToArray();
        return new WorkflowDefinition(_name, Kind, Initial!.Value, states, transitions, _guards.Values.OrderBy(g => g.Name, StringComparer.Ordinal).ToArray());
    }

    internal void AddFault(string fault) => _preFaults.Add(fault);

    internal void RemoveInitialForJson() => Initial = null;

    internal void AddState(TicketStatus state, string path, Action<StateBuilder> configure)
    {
        var spec = new StateSpec(state) { Path = path };
        _states.Add(spec);
        configure(new StateBuilder(spec));
    }

    internal void AddTransition(TicketStatus from, WorkflowTrigger trigger, TicketStatus to, string path, string fromPath, Action<TransitionBuilder> configure)
    {
        var spec = new TransitionSpec(from, trigger, to) { Path = path, FromPath = fromPath };
        _transitions.Add(spec);
        configure(new TransitionBuilder(spec));
    }

    private static string CheckName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
        {
            throw new ArgumentException("A workflow name must be 1 to 100 characters and not blank.", nameof(name));
        }

        return name;
    }

    private static void ThrowIfDefault(TicketStatus state, string paramName)
    {
        if (state.IsDefault)
        {
            throw new ArgumentException("default(TicketStatus) is not a status.", paramName);
        }
    }

    internal sealed class StateSpec(TicketStatus name)
    {
        public TicketStatus Name { get; set; } = name;

        public SlaMode Sla { get; set; } = SlaMode.Running;

        public bool IsHold { get; set; }

        public List<StateReason> Reasons { get; } = [];

        public string? Path { get; set; }
    }

    internal sealed class TransitionSpec(TicketStatus from, WorkflowTrigger trigger, TicketStatus to)
    {
        public TicketStatus From { get; set; } = from;

        public WorkflowTrigger Trigger { get; } = trigger;

        public TicketStatus To { get; set; } = to;

        public List<string> Guards { get; } = [];

        public List<string> Reasons { get; } = [];

        public bool RequiresNotes { get; set; }

        public RejectionOutcome Otherwise { get; set; }

        public string? OtherwiseGuard { get; set; }

        public CascadeRule? Cascade { get; set; }

        public string? Path { get; set; }

        public string? FromPath { get; set; }
    }
}

/// <summary>Configures one state of a <see cref="WorkflowBuilder"/>.</summary>
public sealed class StateBuilder
{
    private readonly WorkflowBuilder.StateSpec _spec;

    internal StateBuilder(WorkflowBuilder.StateSpec spec) => _spec = spec;

    /// <summary>Sets what the SLA clocks do in this state; <see cref="SlaMode.Running"/> by default.</summary>
    /// <param name="mode">The mode.</param>
    /// <returns>This builder.</returns>
    public StateBuilder Sla(SlaMode mode)
    {
        _spec.Sla = mode;
        return this;
    }

    /// <summary>Marks this as a hold state: while the ticket is in it, <see cref="Ticket.HoldReason"/> carries the reason given.</summary>
    /// <param name="isHold"><see langword="true"/> (the default) to mark, <see langword="false"/> to unmark.</param>
    /// <returns>This builder.</returns>
    public StateBuilder Hold(bool isHold = true)
    {
        _spec.IsHold = isHold;
        return this;
    }

    /// <summary>Declares a reason the ticket may enter this state for; once a state has reasons, every transition into it requires one.</summary>
    /// <param name="name">The reason: 1 to 64 ASCII letters, digits or underscores, starting with a letter (checked by Build).</param>
    /// <param name="sla">The SLA mode while in the state for this reason, or <see langword="null"/> for the state's mode.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    public StateBuilder Reason(string name, SlaMode? sla = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        _spec.Reasons.Add(new StateReason(name, sla));
        return this;
    }

    /// <summary>Removes every declared reason.</summary>
    /// <returns>This builder.</returns>
    public StateBuilder ClearReasons()
    {
        _spec.Reasons.Clear();
        return this;
    }
}

/// <summary>Configures one transition of a <see cref="WorkflowBuilder"/>.</summary>
public sealed class TransitionBuilder
{
    private readonly WorkflowBuilder.TransitionSpec _spec;

    internal TransitionBuilder(WorkflowBuilder.TransitionSpec spec) => _spec = spec;

    /// <summary>Adds guards, all of which must be met; each name must resolve when the workflow is built.</summary>
    /// <param name="guards">Guard names: registered guards or built-in forms such as <c>actor:Agent</c>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="guards"/> or one of them is <see langword="null"/>.</exception>
    public TransitionBuilder When(params string[] guards)
    {
        ArgumentNullException.ThrowIfNull(guards);
        foreach (var guard in guards)
        {
            ArgumentNullException.ThrowIfNull(guard, nameof(guards));
            _spec.Guards.Add(guard);
        }

        return this;
    }

    /// <summary>Removes a guard from the transition, if present.</summary>
    /// <param name="guard">The guard name.</param>
    /// <returns>This builder.</returns>
    public TransitionBuilder WithoutGuard(string guard)
    {
        _spec.Guards.RemoveAll(g => string.Equals(g, guard, StringComparison.Ordinal));
        return this;
    }

    /// <summary>Restricts the reasons allowed on this transition to some of the target state's reasons.</summary>
    /// <param name="reasons">The allowed reasons.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reasons"/> or one of them is <see langword="null"/>.</exception>
    public TransitionBuilder WithReasons(params string[] reasons)
    {
        ArgumentNullException.ThrowIfNull(reasons);
        foreach (var reason in reasons)
        {
            ArgumentNullException.ThrowIfNull(reason, nameof(reasons));
            _spec.Reasons.Add(reason);
        }

        return this;
    }

    /// <summary>Requires notes (<see cref="TransitionContext.Notes"/>), e.g. resolution notes.</summary>
    /// <param name="required"><see langword="true"/> (the default) to require notes.</param>
    /// <returns>This builder.</returns>
    public TransitionBuilder RequireNotes(bool required = true)
    {
        _spec.RequiresNotes = required;
        return this;
    }

    /// <summary>When <paramref name="guard"/> (one of this transition's guards) is the only unmet guard, report that a new linked
    /// ticket is needed instead of a plain rejection (see <see cref="RejectionOutcome.NewLinkedTicket"/>).</summary>
    /// <param name="guard">The guard, e.g. <c>WithinReopenWindow</c>; Build checks that the transition has it.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="guard"/> is <see langword="null"/>.</exception>
    public TransitionBuilder OrNewLinkedTicketWhenUnmet(string guard)
    {
        ArgumentNullException.ThrowIfNull(guard);
        _spec.Otherwise = RejectionOutcome.NewLinkedTicket;
        _spec.OtherwiseGuard = guard;
        return this;
    }

    /// <summary>When this transition happens, fire <paramref name="trigger"/> on every linked ticket of a link type and direction.</summary>
    /// <param name="linkType">The link type to follow.</param>
    /// <param name="direction">The direction to follow.</param>
    /// <param name="trigger">The trigger to fire on each linked ticket.</param>
    /// <param name="reason">The reason to give, if any.</param>
    /// <param name="notes">The notes to give, if any.</param>
    /// <param name="skipStatuses">Statuses of linked tickets to leave alone; <see cref="CascadeRule.DefaultSkipStatuses"/> when <see langword="null"/>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="trigger"/> is the default value.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="linkType"/> or <paramref name="direction"/> is not defined.</exception>
    public TransitionBuilder Cascade(
        TicketLinkType linkType,
        LinkDirection direction,
        WorkflowTrigger trigger,
        string? reason = null,
        string? notes = null,
        IEnumerable<TicketStatus>? skipStatuses = null)
    {
        WorkflowTrigger.ThrowIfDefault(trigger, nameof(trigger));
        if (!Enum.IsDefined(linkType))
        {
            throw new ArgumentOutOfRangeException(nameof(linkType), linkType, $"Use one of {string.Join(", ", Enum.GetNames<TicketLinkType>())}.");
        }

        if (!Enum.IsDefined(direction))
        {
            throw new ArgumentOutOfRangeException(nameof(direction), direction, $"Use one of {string.Join(", ", Enum.GetNames<LinkDirection>())}.");
        }

        _spec.Cascade = new CascadeRule(linkType, direction, trigger, reason, notes, skipStatuses?.ToArray() ?? CascadeRule.DefaultSkipStatuses);
        return this;
    }
}
