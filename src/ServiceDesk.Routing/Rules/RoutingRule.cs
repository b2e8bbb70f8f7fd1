using System.Text;

namespace ServiceDesk.Routing;

/// <summary>One validated rule of a <see cref="RoutingRuleSet"/>: a condition and the actions taken when it holds.</summary>
/// <remarks>Created by <see cref="RoutingRuleSetBuilder.Build"/> or <see cref="RoutingRuleSet.FromJson(string)"/>. Immutable and
/// thread-safe.</remarks>
public sealed class RoutingRule
{
    internal RoutingRule(
        string name,
        int order,
        int position,
        RoutingCondition condition,
        GroupId? group,
        SupportTier? tier,
        Priority? priority,
        Priority? raisePriority,
        string? slaPolicy,
        IReadOnlyList<string> tags,
        bool stopsEvaluation)
    {
        Name = name;
        Order = order;
        Position = position;
        Condition = condition;
        Group = group;
        Tier = tier;
        Priority = priority;
        RaisePriorityTo = raisePriority;
        SlaPolicy = slaPolicy;
        Tags = tags;
        StopsEvaluation = stopsEvaluation;
        ConditionText = condition.ToString();
        ActionsText = DescribeActions();
    }

    /// <summary>Gets the rule's unique name (ordinal), which explanations cite.</summary>
    public string Name { get; }

    /// <summary>Gets the rule's order: rules are evaluated by ascending order, then by <see cref="Position"/>.</summary>
    public int Order { get; }

    /// <summary>Gets the zero-based position at which the rule was defined (in the builder or the JSON array).</summary>
    public int Position { get; }

    /// <summary>Gets the condition.</summary>
    public RoutingCondition Condition { get; }

    /// <summary>Gets the assignment group this rule sets, if any.</summary>
    public GroupId? Group { get; }

    /// <summary>Gets the support tier this rule sets, if any.</summary>
    public SupportTier? Tier { get; }

    /// <summary>Gets the priority this rule sets, if any.</summary>
    public Priority? Priority { get; }

    /// <summary>Gets the priority this rule raises the ticket to (never lowering it), if any.</summary>
    public Priority? RaisePriorityTo { get; }

    /// <summary>Gets the name of the SLA policy this rule selects, if any.</summary>
    public string? SlaPolicy { get; }

    /// <summary>Gets the tags this rule adds (possibly none).</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>Gets a value indicating whether, in <see cref="RuleEvaluationMode.AllMatch"/> mode, no rule after this
    /// one is evaluated once it matched. In first-match mode every match stops evaluation.</summary>
    public bool StopsEvaluation { get; }

    internal string ConditionText { get; }

    internal string ActionsText { get; }

    /// <summary>Returns <c>rule 'name' (order n): when … then …</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => $"rule {TextPolicy.Echo(Name)} (order {Order}): when {ConditionText} then {ActionsText}";

    private string DescribeActions()
    {
        var parts = new List<string>();
        if (Group is { } group)
        {
            parts.Add($"group {group}");
        }

        if (Tier is { } tier)
        {
            parts.Add($"tier {tier}");
        }

        if (Priority is { } priority)
        {
            parts.Add($"priority {priority}");
        }

        if (RaisePriorityTo is { } raise)
        {
            parts.Add($"raise priority to {raise}");
        }

        if (SlaPolicy is { } sla)
        {
            parts.Add($"SLA policy {TextPolicy.Echo(sla)}");
        }

        if (Tags.Count > 0)
        {
            parts.Add($"tags [{string.Join(", ", Tags)}]");
        }

        if (StopsEvaluation)
        {
            parts.Add("stop");
        }

        var builder = new StringBuilder();
        builder.AppendJoin("; ", parts);
        return builder.ToString();
    }
}
