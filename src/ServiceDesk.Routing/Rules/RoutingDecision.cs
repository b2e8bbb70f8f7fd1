using System.Text;

namespace ServiceDesk.Routing;

/// <summary>A rule that matched a ticket, with what it contributed.</summary>
/// <param name="Rule">The rule.</param>
/// <param name="FoundKeywords">The rule's keywords present in the ticket's text (keywords under <c>not</c> are never listed).</param>
/// <param name="Applied">What the rule decided, e.g. <c>group network</c>.</param>
/// <param name="Overridden">What the rule wanted but an earlier rule had already decided (all-match mode).</param>
public sealed record RuleMatch(
    RoutingRule Rule, IReadOnlyList<string> FoundKeywords, IReadOnlyList<string> Applied, IReadOnlyList<string> Overridden);

/// <summary>The outcome of <see cref="RoutingRuleSet.Decide"/>: where the ticket goes and why.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class RoutingDecision
{
    internal RoutingDecision(
        IReadOnlyList<RuleMatch> matches,
        int rulesInSet,
        GroupId? group,
        SupportTier? tier,
        Priority priority,
        bool priorityChanged,
        string? slaPolicy,
        IReadOnlyList<string> tags)
    {
        Matches = matches;
        RulesInSet = rulesInSet;
        Group = group;
        Tier = tier;
        Priority = priority;
        PriorityChanged = priorityChanged;
        SlaPolicy = slaPolicy;
        Tags = tags;
    }

    /// <summary>Gets the rules that matched, in evaluation order.</summary>
    public IReadOnlyList<RuleMatch> Matches { get; }

    /// <summary>Gets a value indicating whether at least one rule matched.</summary>
    public bool IsMatch => Matches.Count > 0;

    /// <summary>Gets the assignment group decided, if any.</summary>
    public GroupId? Group { get; }

    /// <summary>Gets the support tier decided, if any.</summary>
    public SupportTier? Tier { get; }

    /// <summary>Gets the resulting priority (the ticket's own when no rule changed it).</summary>
    public Priority Priority { get; }

    /// <summary>Gets a value indicating whether <see cref="Priority"/> differs from the ticket's priority.</summary>
    public bool PriorityChanged { get; }

    /// <summary>Gets the SLA policy selected, if any.</summary>
    public string? SlaPolicy { get; }

    /// <summary>Gets the tags to add, in the order the rules added them, without duplicates.</summary>
    public IReadOnlyList<string> Tags { get; }

    private int RulesInSet { get; }

    /// <summary>Explains the decision: one line per matching rule with its condition, the keywords found and what it
    /// applied or was overridden in, or a line saying that none of the rules matched.</summary>
    /// <returns>The explanation, e.g. <c>rule 'vpn' (order 0, position 2) matched: keyword in ["vpn"]; found "vpn"; applied group network</c>.</returns>
    public string Explain()
    {
        if (Matches.Count == 0)
        {
            return $"no rule matched ({RulesInSet} evaluated); nothing decided";
        }

        var builder = new StringBuilder();
        foreach (var match in Matches)
        {
            if (builder.Length > 0)
            {
                builder.Append('\n');
            }

            var rule = match.Rule;
            builder.Append("rule '").Append(rule.Name).Append("' (order ").Append(rule.Order).Append(", position ")
                .Append(rule.Position).Append(") matched: ").Append(rule.ConditionText);
            if (match.FoundKeywords.Count > 0)
            {
                builder.Append("; found ").AppendJoin(", ", match.FoundKeywords.Select(k => $"\"{k}\""));
            }

            if (match.Applied.Count > 0)
            {
                builder.Append("; applied ").AppendJoin(", ", match.Applied);
            }

            if (match.Overridden.Count > 0)
            {
                builder.Append("; overridden by earlier rules: ").AppendJoin(", ", match.Overridden);
            }
        }

        return builder.ToString();
    }

    /// <inheritdoc cref="Explain"/>
    public override string ToString() => Explain();
}

/// <summary>Combines the actions of matching rules under the documented precedence.</summary>
internal sealed class DecisionAccumulator(Priority original)
{
    private List<RuleMatch>? _matches;
    private List<string>? _tags;
    private GroupId? _group;
    private string? _groupRule;
    private SupportTier? _tier;
    private string? _tierRule;
    private Priority? _priority;
    private string? _priorityRule;
    private Priority? _raise;
    private string? _sla;
    private string? _slaRule;

    public void Apply(RoutingRule rule, IReadOnlyList<string> keywords)
    {
        var applied = new List<string>();
        var overridden = new List<string>();
        if (rule.Group is { } group)
        {
            Take(ref _group, ref _groupRule, group, rule.Name, $"group {group}", applied, overridden);
        }

        if (rule.Tier is { } tier)
        {
            Take(ref _tier, ref _tierRule, tier, rule.Name, $"tier {tier}", applied, overridden);
        }

        if (rule.Priority is { } priority)
        {
            Take(ref _priority, ref _priorityRule, priority, rule.Name, $"priority {priority}", applied, overridden);
        }

        if (rule.RaisePriorityTo is { } raise)
        {
            applied.Add($"raise priority to {raise}");
            _raise = _raise is { } current && current < raise ? current : raise;
        }

        if (rule.SlaPolicy is { } sla)
        {
            Take(ref _sla, ref _slaRule, sla, rule.Name, $"SLA policy {TextPolicy.Echo(sla)}", applied, overridden);
        }

        foreach (var tag in rule.Tags)
        {
            _tags ??= [];
            if (!_tags.Contains(tag, StringComparer.Ordinal))
            {
                _tags.Add(tag);
                applied.Add($"tag {tag}");
            }
        }

        if (rule.StopsEvaluation)
        {
            applied.Add("stop");
        }

        (_matches ??= []).Add(new RuleMatch(rule, keywords, applied, overridden));
    }

    public RoutingDecision ToDecision(Priority ticketPriority, int rulesInSet)
    {
        var priority = _priority ?? original;
        if (_raise is { } raise && raise < priority)
        {
            priority = raise;
        }

        return new RoutingDecision(
            _matches is null ? [] : _matches,
            rulesInSet,
            _group,
            _tier,
            priority,
            priority != ticketPriority,
            _sla,
            _tags is null ? [] : _tags);
    }

    private static void Take<T>(ref T? slot, ref string? owner, T value, string rule, string text, List<string> applied, List<string> overridden)
        where T : struct
    {
        if (slot is null)
        {
            slot = value;
            owner = rule;
            applied.Add(text);
        }
        else
        {
            overridden.Add($"{text} (kept the value of {TextPolicy.Echo(owner)})");
        }
    }

    private static void Take(ref string? slot, ref string? owner, string value, string rule, string text, List<string> applied, List<string> overridden)
    {
        if (slot is null)
        {
            slot = value;
            owner = rule;
            applied.Add(text);
        }
        else
        {
            overridden.Add($"{text} (kept the value of {TextPolicy.Echo(owner)})");
        }
    }
}
