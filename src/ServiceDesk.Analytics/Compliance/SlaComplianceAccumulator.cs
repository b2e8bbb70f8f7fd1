using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Sla;

namespace ServiceDesk.Analytics;

/// <summary>
/// Collects SLA compliance one ticket history at a time: replays each history through the SLA package's
/// <see cref="SlaTracker"/> (the same clocks the engine runs), evaluates every metric of the ticket's policy at
/// <see cref="SlaComplianceOptions.AsOf"/> and counts the outcomes per metric, in total and by priority, group, contract,
/// service, month and policy. <see cref="ToReport"/> summarizes what was added.
/// </summary>
/// <remarks>
/// <para><b>Memory.</b> One counter per metric and distinct breakdown value; a history is not kept after <see cref="Add"/>.</para>
/// <para><b>Thread safety.</b> Not thread-safe: use one accumulator per thread.</para>
/// </remarks>
public sealed class SlaComplianceAccumulator
{
    private readonly SlaPolicySet _policies;
    private readonly Instant _asOf;
    private readonly DateTimeZone _zone;
    private readonly HashSet<TicketStatus> _holds;
    private readonly bool _everyCycle;
    private readonly Dictionary<string, int> _metricOrder = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MetricCounters> _metrics = new(StringComparer.Ordinal);
    private int _tickets;
    private int _evaluated;
    private int _withoutPolicy;
    private int _afterAsOf;

    /// <summary>Initializes an accumulator.</summary>
    /// <param name="options">The options: <see cref="SlaComplianceOptions.Policies"/> and <see cref="SlaComplianceOptions.AsOf"/>
    /// are required.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every fault.</exception>
    public SlaComplianceAccumulator(SlaComplianceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var faults = new List<string>();
        if (options.Policies is null)
        {
            faults.Add("Policies is null; give the SLA policy set to evaluate.");
        }

        if (options.AsOf is null)
        {
            faults.Add("AsOf is null; give the instant at which the clocks are evaluated (the library never reads the machine clock).");
        }

        if (options.Zone is null)
        {
            faults.Add("Zone is null; give the zone of the months (DateTimeZone.Utc by default).");
        }

        if (options.HoldStatuses.Any(s => s.IsDefault))
        {
            faults.Add("HoldStatuses contains default(TicketStatus), which is not a status.");
        }

        if (faults.Count > 0)
        {
            throw new ArgumentException("Invalid SLA compliance options: " + string.Join(" ", faults), nameof(options));
        }

        _policies = options.Policies!;
        _asOf = options.AsOf!.Value;
        _zone = options.Zone!;
        _holds = [.. options.HoldStatuses];
        _everyCycle = options.EveryCycle;
        foreach (var policy in _policies.Policies)
        {
            foreach (var metric in policy.Metrics)
            {
                _metricOrder.TryAdd(metric.Name, _metricOrder.Count);
            }
        }
    }

    /// <summary>Gets the number of histories added.</summary>
    public int Count => _tickets;

    /// <summary>Adds the history of one ticket.</summary>
    /// <param name="history">The ticket's events in order: a <see cref="TicketOpened"/> with version 1 first, then versions
    /// 2, 3, … without gaps, all of the same tenant and ticket, at non-decreasing instants.</param>
    /// <param name="facts">The ticket's contract, service, customer tier and routed policy; <see langword="null"/> when it
    /// has none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="history"/> or an event is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The history is empty or out of order (the message names the ticket and the
    /// event); nothing of it is counted.</exception>
    public void Add(IReadOnlyList<TicketEvent> history, SlaTicketFacts? facts = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        TicketStatisticsAccumulator.Validate(history);
        AddValidated(history, facts);
    }

    /// <summary>Summarizes the histories added so far; the accumulator can go on collecting afterwards.</summary>
    /// <returns>The report; with no history (or no evaluated ticket), zero counts and no metrics.</returns>
    public SlaComplianceReport ToReport()
    {
        var metrics = _metrics.Values
            .OrderBy(m => _metricOrder.GetValueOrDefault(m.Name, int.MaxValue))
            .ThenBy(m => m.Name, StringComparer.Ordinal)
            .Select(m => m.ToResult())
            .ToList();
        return new SlaComplianceReport(_tickets, _evaluated, _withoutPolicy, _afterAsOf, metrics.AsReadOnly());
    }

    /// <summary>Classifies an evaluated clock (see <see cref="SlaOutcome"/>).</summary>
    internal static SlaOutcome Classify(SlaClockState state) => state.Stage switch
    {
        SlaStage.Met => SlaOutcome.Met,
        SlaStage.Breached => SlaOutcome.Breached,
        SlaStage.Running or SlaStage.Paused => state.IsBreached ? SlaOutcome.Breached : SlaOutcome.InProgress,
        SlaStage.Cancelled => SlaOutcome.Cancelled,
        _ => SlaOutcome.NotStarted,
    };

    /// <summary>Evaluates a validated history's clocks at the evaluation instant; <see langword="null"/> when the ticket was
    /// opened after it or no policy applies (both counted).</summary>
    internal IReadOnlyList<SlaClockState>? AddValidated(IReadOnlyList<TicketEvent> history, SlaTicketFacts? facts)
    {
        _tickets++;
        var opened = (TicketOpened)history[0];
        if (opened.At > _asOf)
        {
            _afterAsOf++;
            return null;
        }

        // A re-selection recorded by the engine (SlaPolicyReselected) names the policy in force from then on; the last one
        // before the evaluation instant decides, as in the engine. A name the policy set does not know (a what-if with other
        // policies) falls back to the set's own selection.
        SlaPolicyReselected? reselected = null;
        for (var i = 1; i < history.Count && history[i].At <= _asOf; i++)
        {
            if (history[i] is SlaPolicyReselected r)
            {
                reselected = r;
            }
        }

        var policy = (reselected is null ? null : Named(reselected.Policy)) ?? SelectPolicy(opened, facts);
        if (policy is null)
        {
            _withoutPolicy++;
            return null;
        }

        // With a restart the new policy's clocks start at the re-selection and nothing before it counts; with elapsed time
        // kept (or retroactively) they run over the whole history, as the engine's memory does.
        var restartAt = reselected is { Restarted: true } && string.Equals(reselected.Policy, policy.Name, StringComparison.Ordinal)
            ? reselected.Version
            : 0;

        // The status at opening: what the first status change moved from (the engine's rule), or New.
        var initial = TicketStatus.New;
        for (var i = 1; i < history.Count; i++)
        {
            if (history[i] is StatusChanged first)
            {
                initial = first.From;
                break;
            }
        }

        var tracker = restartAt == 0 ? SlaTracker.Start(policy, opened.At, initial.Name, opened.Priority, Hold(initial, null)) : null;
        var priority = opened.Priority;
        var (status, hold) = (initial, Hold(initial, null));
        GroupId? group = null;

        // Every cycle: the clocks are looked at just before each event that can start a cycle (a status change or a
        // comment); when the next look shows a later cycle, the cycle seen before ended at that event, as it stood then.
        IReadOnlyList<SlaClockState>? before = null;
        List<SlaClockState>? ended = null;
        for (var i = 1; i < history.Count; i++)
        {
            var e = history[i];
            if (e.At > _asOf)
            {
                break;
            }

            if (e.Version == restartAt)
            {
                tracker = SlaTracker.Start(policy, e.At, status.Name, priority, hold);
                before = null; // the old policy's cycles are not judged: the re-selection restarted them
            }

            if (_everyCycle && tracker is not null && e is StatusChanged or CommentAdded)
            {
                var now = tracker.Evaluate(e.At);
                CollectEnded(before, now, ref ended);
                before = now;
            }

            switch (e)
            {
                case StatusChanged s:
                    (status, hold) = (s.To, Hold(s.To, s.Reason));
                    tracker?.ChangeStatus(s.At, s.To.Name, hold);
                    break;
                case PriorityChanged p:
                    tracker?.ChangePriority(p.At, p.To);
                    priority = p.To;
                    break;
                case CommentAdded c:
                    tracker?.Comment(c.At, Map(c.Actor.Kind), c.Visibility == CommentVisibility.Public);
                    break;
                case SlaDueOverridden o:
                    // A manual due (or its removal, Due null) for one metric, honoured as the engine's clocks honour it.
                    tracker?.OverrideDue(o.At, o.Metric, o.Due);
                    break;
                case Assigned a:
                    group = a.Group;
                    break;
                default:
                    break;
            }
        }

        _evaluated++;

        // Never null here: a restart version is one of the events before the evaluation instant, which the loop reached.
        var states = tracker!.Evaluate(_asOf);
        CollectEnded(before, states, ref ended);
        var month = opened.At.InZone(_zone).Date.ToYearMonth();
        foreach (var state in ended is null ? states : [.. ended, .. states])
        {
            if (!_metrics.TryGetValue(state.Metric, out var counters))
            {
                counters = new MetricCounters(state.Metric);
                _metrics.Add(state.Metric, counters);
            }

            var outcome = Classify(state);
            var reached = 0;
            foreach (var threshold in state.Thresholds)
            {
                reached += threshold.IsReached ? 1 : 0;
            }

            counters.Count(outcome, reached, priority, group?.Value, facts?.Contract?.Value, facts?.Service?.Value, month, policy.Name);
        }

        return states;
    }

    /// <summary>Adds to <paramref name="ended"/> the states in <paramref name="before"/> of the metrics whose cycle
    /// <paramref name="after"/> shows later (a started cycle that a new one replaced).</summary>
    private static void CollectEnded(IReadOnlyList<SlaClockState>? before, IReadOnlyList<SlaClockState> after, ref List<SlaClockState>? ended)
    {
        if (before is null)
        {
            return;
        }

        foreach (var old in before)
        {
            if (old.Cycle == 0)
            {
                continue;
            }

            foreach (var current in after)
            {
                if (current.Cycle > old.Cycle && string.Equals(current.Metric, old.Metric, StringComparison.Ordinal))
                {
                    (ended ??= []).Add(old);
                    break;
                }
            }
        }
    }

    private SlaPolicy? Named(string name)
    {
        foreach (var p in _policies.Policies)
        {
            if (string.Equals(p.Name, name, StringComparison.Ordinal))
            {
                return p;
            }
        }

        return null;
    }

    private SlaPolicy? SelectPolicy(TicketOpened opened, SlaTicketFacts? facts)
    {
        if (facts?.Policy is { } name)
        {
            foreach (var p in _policies.Policies)
            {
                if (string.Equals(p.Name, name, StringComparison.Ordinal))
                {
                    return p;
                }
            }
        }

        return _policies.Select(new SlaTicketContext(opened.Kind, opened.Priority)
        {
            CustomerTier = facts?.CustomerTier,
            Contract = facts?.Contract?.Value,
            Service = facts?.Service?.Value,
        });
    }

    private string? Hold(TicketStatus status, string? reason) => _holds.Contains(status) ? reason ?? status.Name : null;

    private static SlaActor Map(ActorKind kind) => kind switch
    {
        ActorKind.Agent => SlaActor.Agent,
        ActorKind.Requester => SlaActor.Customer,
        _ => SlaActor.System,
    };

    private sealed class Counter
    {
        private readonly int[] _outcomes = new int[5];
        private int _reached;

        public void Add(SlaOutcome outcome, int reached)
        {
            _outcomes[(int)outcome]++;
            _reached += reached;
        }

        public SlaOutcomeCounts ToCounts() => new(
            _outcomes[(int)SlaOutcome.Met],
            _outcomes[(int)SlaOutcome.Breached],
            _outcomes[(int)SlaOutcome.InProgress],
            _outcomes[(int)SlaOutcome.NotStarted],
            _outcomes[(int)SlaOutcome.Cancelled],
            _reached);
    }

    private sealed class MetricCounters(string name)
    {
        private readonly Counter _total = new();
        private readonly Dictionary<Priority, Counter> _priority = [];
        private readonly Dictionary<string, Counter> _group = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Counter> _contract = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Counter> _service = new(StringComparer.Ordinal);
        private readonly Dictionary<YearMonth, Counter> _month = [];
        private readonly Dictionary<string, Counter> _policy = new(StringComparer.Ordinal);

        public string Name { get; } = name;

        public void Count(SlaOutcome outcome, int reached, Priority priority, string? group, string? contract, string? service, YearMonth month, string policy)
        {
            _total.Add(outcome, reached);
            Of(_priority, priority).Add(outcome, reached);
            Of(_group, group ?? string.Empty).Add(outcome, reached);     // ids are never empty, so "" stands for none
            Of(_contract, contract ?? string.Empty).Add(outcome, reached);
            Of(_service, service ?? string.Empty).Add(outcome, reached);
            Of(_month, month).Add(outcome, reached);
            Of(_policy, policy).Add(outcome, reached);
        }

        public SlaMetricCompliance ToResult() => new(
            Name,
            _total.ToCounts(),
            Entries(_priority, p => p, Comparer<Priority>.Default),
            Entries(_group, v => v.Length == 0 ? (GroupId?)null : new GroupId(v), StringComparer.Ordinal),
            Entries(_contract, v => v.Length == 0 ? (ContractId?)null : new ContractId(v), StringComparer.Ordinal),
            Entries(_service, v => v.Length == 0 ? (ServiceId?)null : new ServiceId(v), StringComparer.Ordinal),
            Entries(_month, m => m, Comparer<YearMonth>.Default),
            Entries(_policy, p => p, StringComparer.Ordinal));

        private static Counter Of<TKey>(Dictionary<TKey, Counter> map, TKey key)
            where TKey : notnull
        {
            if (!map.TryGetValue(key, out var counter))
            {
                counter = new Counter();
                map.Add(key, counter);
            }

            return counter;
        }

        private static IReadOnlyList<SlaComplianceEntry<TResult>> Entries<TKey, TResult>(Dictionary<TKey, Counter> map, Func<TKey, TResult> key, IComparer<TKey> order)
            where TKey : notnull
            => map.OrderBy(p => p.Key, order).Select(p => new SlaComplianceEntry<TResult>(key(p.Key), p.Value.ToCounts())).ToList().AsReadOnly();
    }
}
