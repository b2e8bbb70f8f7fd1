using System.Collections.ObjectModel;
using NodaTime;

namespace ServiceDesk.Sla;

/// <summary>What a ticket looks like to SLA policy selection.</summary>
/// <param name="Kind">The ticket kind.</param>
/// <param name="Priority">The priority.</param>
public sealed record SlaTicketContext(TicketKind Kind, Priority Priority)
{
    /// <summary>Gets the customer's tier (e.g. <c>"VIP"</c>), if any; compared ordinally.</summary>
    public string? CustomerTier { get; init; }

    /// <summary>Gets the contract the ticket is raised under, if any; compared ordinally.</summary>
    public string? Contract { get; init; }

    /// <summary>Gets the affected service, if any; compared ordinally.</summary>
    public string? Service { get; init; }
}

/// <summary>
/// An immutable SLA policy: the tickets it applies to (by kind, priority, customer tier, contract and service) and
/// the metrics (clocks) it runs on them.
/// </summary>
/// <remarks>
/// Each criterion is a set of accepted values; an empty set accepts any value. Which policy applies when several match
/// is decided by <see cref="SlaPolicySet.Select"/>. Build with <see cref="SlaPolicyOptions"/> or load a
/// <see cref="SlaPolicySet"/> from JSON. Instances are immutable and thread-safe.
/// </remarks>
public sealed class SlaPolicy
{
    internal SlaPolicy(string name, IReadOnlyList<SlaMetric> metrics, TicketKind[] kinds, Priority[] priorities, string[] tiers, string[] contracts, string[] services)
    {
        Name = name;
        Metrics = metrics;
        Kinds = new ReadOnlyCollection<TicketKind>(kinds);
        Priorities = new ReadOnlyCollection<Priority>(priorities);
        CustomerTiers = new ReadOnlyCollection<string>(tiers);
        Contracts = new ReadOnlyCollection<string>(contracts);
        Services = new ReadOnlyCollection<string>(services);
    }

    /// <summary>Gets the policy's name, unique within a set.</summary>
    public string Name { get; }

    /// <summary>Gets the metrics, in definition order; names are unique.</summary>
    public IReadOnlyList<SlaMetric> Metrics { get; }

    /// <summary>Gets the ticket kinds it applies to; empty for any.</summary>
    public IReadOnlyList<TicketKind> Kinds { get; }

    /// <summary>Gets the priorities it applies to; empty for any.</summary>
    public IReadOnlyList<Priority> Priorities { get; }

    /// <summary>Gets the customer tiers it applies to; empty for any (also for tickets without a tier).</summary>
    public IReadOnlyList<string> CustomerTiers { get; }

    /// <summary>Gets the contracts it applies to; empty for any (also for tickets without a contract).</summary>
    public IReadOnlyList<string> Contracts { get; }

    /// <summary>Gets the services it applies to; empty for any (also for tickets without a service).</summary>
    public IReadOnlyList<string> Services { get; }

    /// <summary>
    /// Gets the policy's specificity, used by <see cref="SlaPolicySet.Select"/>: one bit per constrained criterion, from
    /// the most significant: contract (16), service (8), customer tier (4), priority (2), kind (1).
    /// </summary>
    public int Specificity => (Contracts.Count > 0 ? 16 : 0) | (Services.Count > 0 ? 8 : 0) | (CustomerTiers.Count > 0 ? 4 : 0)
        | (Priorities.Count > 0 ? 2 : 0) | (Kinds.Count > 0 ? 1 : 0);

    /// <summary>Gets a value indicating whether the policy applies to a ticket.</summary>
    /// <param name="ticket">The ticket's context.</param>
    /// <returns><see langword="true"/> when every constrained criterion accepts the ticket's value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ticket"/> is <see langword="null"/>.</exception>
    public bool AppliesTo(SlaTicketContext ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        return (Kinds.Count == 0 || Kinds.Contains(ticket.Kind))
            && (Priorities.Count == 0 || Priorities.Contains(ticket.Priority))
            && Accepts(CustomerTiers, ticket.CustomerTier)
            && Accepts(Contracts, ticket.Contract)
            && Accepts(Services, ticket.Service);
    }

    /// <summary>Gets a metric by name.</summary>
    /// <param name="name">The metric's name.</param>
    /// <returns>The metric, or <see langword="null"/>.</returns>
    public SlaMetric? GetMetric(string name) => Metrics.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.Ordinal));

    /// <summary>Evaluates every metric of the policy over a ticket's timeline.</summary>
    /// <param name="timeline">The timeline.</param>
    /// <param name="now">The evaluation instant.</param>
    /// <returns>One state per metric, in definition order.</returns>
    public IReadOnlyList<SlaClockState> Evaluate(TicketTimeline timeline, Instant now)
        => [.. Metrics.Select(m => SlaClock.Evaluate(m, timeline, now))];

    /// <summary>Returns the policy's name.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => Name;

    /// <summary>
    /// Gets a content hash of the definition: the first 16 hex digits of the SHA-256 of a canonical text of the name, the
    /// match criteria and every metric (kind, targets, conditions, reopen and priority-change rules, thresholds and the
    /// calendar's JSON). Two policies with the same fingerprint evaluate every ticket alike; the engine records it with each
    /// ticket's SLA state to tell which definition a deadline came from and to repair deadlines after a change.
    /// </summary>
    /// <remarks>Computed once, on first use; thread-safe.</remarks>
    public string Fingerprint => _fingerprint ??= ComputeFingerprint();

    private string? _fingerprint;

    private string ComputeFingerprint()
    {
        var text = new System.Text.StringBuilder();
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        text.Append(invariant, $"policy {Name}\n");
        text.Append(invariant, $"kinds {string.Join(",", Kinds)}\npriorities {string.Join(",", Priorities)}\n");
        text.Append(invariant, $"tiers {string.Join(",", CustomerTiers)}\ncontracts {string.Join(",", Contracts)}\nservices {string.Join(",", Services)}\n");
        foreach (var m in Metrics)
        {
            text.Append(invariant, $"metric {m.Name} {m.Kind} {m.Target.Days}:{m.Target.NanosecondOfDay} {m.Reopen} {m.RetroactiveStart} {m.PriorityChange}\n");
            foreach (var (priority, target) in m.TargetsByPriority.OrderBy(p => p.Key))
            {
                text.Append(invariant, $"target {priority} {target.Days}:{target.NanosecondOfDay}\n");
            }

            text.Append(invariant, $"start {m.Start.ToJson()}\nstop {m.Stop.ToJson()}\npause {m.Pause.ToJson()}\nresume {m.Resume?.ToJson()}\n");
            text.Append(invariant, $"reset {m.Reset.ToJson()}\ncancel {m.Cancel.ToJson()}\n");
            foreach (var t in m.Thresholds)
            {
                text.Append(invariant, $"threshold {t.Kind} {t.Percentage} {t.Offset.Days}:{t.Offset.NanosecondOfDay}\n");
            }

            text.Append("calendar ").Append(m.Calendar.ToJson()).Append('\n');
        }

        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString()));
        return Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }

    private static bool Accepts(IReadOnlyList<string> accepted, string? value)
        => accepted.Count == 0 || (value is not null && accepted.Contains(value, StringComparer.Ordinal));
}

/// <summary>The mutable first stage of an <see cref="SlaPolicy"/>.</summary>
/// <remarks>Defaults: no name (required), applies to every ticket, no metrics (at least one is required).</remarks>
public sealed class SlaPolicyOptions
{
    /// <summary>Gets or sets the policy's name.</summary>
    public string? Name { get; set; }

    /// <summary>Gets the ticket kinds it applies to; empty for any.</summary>
    public ISet<TicketKind> Kinds { get; } = new HashSet<TicketKind>();

    /// <summary>Gets the priorities it applies to; empty for any.</summary>
    public ISet<Priority> Priorities { get; } = new HashSet<Priority>();

    /// <summary>Gets the customer tiers it applies to; empty for any.</summary>
    public ISet<string> CustomerTiers { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets the contracts it applies to; empty for any.</summary>
    public ISet<string> Contracts { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets the services it applies to; empty for any.</summary>
    public ISet<string> Services { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets the metrics.</summary>
    public IList<SlaMetricOptions> Metrics { get; } = [];

    /// <summary>The longest name of a policy: 200 characters (the length events that name a policy keep).</summary>
    public const int MaxNameLength = 200;

    /// <summary>Validates and builds the policy.</summary>
    /// <returns>The policy.</returns>
    /// <exception cref="InvalidDefinitionException">A fault: no name, no metric, a faulty metric or two metrics with the same name; every fault is listed.</exception>
    public SlaPolicy Build()
    {
        var errors = new List<string>();
        return BuildCore("$", errors) ?? throw new InvalidDefinitionException("SLA policy", errors);
    }

    internal SlaPolicy? BuildCore(string path, List<string> errors)
    {
        var before = errors.Count;
        if (string.IsNullOrWhiteSpace(Name))
        {
            errors.Add($"{path}.name: missing; give the policy a name.");
        }
        else if (Name.Length > MaxNameLength || !TextPolicy.IsStorable(Name))
        {
            errors.Add($"{path}.name: {TextPolicy.Echo(Name)} is not a policy name; it must be 1 to {MaxNameLength} characters without NUL or lone surrogates (tickets and events keep it).");
        }

        if (Metrics.Count == 0)
        {
            errors.Add($"{path}.metrics: empty; a policy needs at least one metric.");
        }

        foreach (var priority in Priorities)
        {
            if (priority is < Priority.P1Critical or > Priority.P5Planning)
            {
                errors.Add($"{path}.match.priorities: {priority} is not a priority; expected P1 to P5.");
            }
        }

        foreach (var kind in Kinds)
        {
            if (!Enum.IsDefined(kind))
            {
                errors.Add($"{path}.match.kinds: {kind} is not a ticket kind; expected {string.Join(", ", Enum.GetNames<TicketKind>())}.");
            }
        }

        var metrics = new List<SlaMetric>();
        for (var i = 0; i < Metrics.Count; i++)
        {
            var metricPath = FormattableString.Invariant($"{path}.metrics[{i}]");
            if (Metrics[i].BuildCore(metricPath, errors) is { } metric)
            {
                if (metrics.Exists(m => string.Equals(m.Name, metric.Name, StringComparison.Ordinal)))
                {
                    errors.Add($"{metricPath}.name: {TextPolicy.Echo(metric.Name)} is already a metric of this policy; names must be unique.");
                }

                metrics.Add(metric);
            }
        }

        return errors.Count > before
            ? null
            : new SlaPolicy(Name!, metrics.AsReadOnly(), [.. Kinds.Order()], [.. Priorities.Order()], [.. CustomerTiers.Order(StringComparer.Ordinal)], [.. Contracts.Order(StringComparer.Ordinal)], [.. Services.Order(StringComparer.Ordinal)]);
    }
}
