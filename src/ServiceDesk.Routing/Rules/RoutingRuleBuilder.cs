namespace ServiceDesk.Routing;

/// <summary>Configures one rule inside a <see cref="RoutingRuleSetBuilder"/>.</summary>
/// <remarks>
/// Methods record what they are given; <see cref="RoutingRuleSetBuilder.Build"/> validates everything at once and
/// reports every fault with its path (<c>$.rules[2].then.tags[0]</c>). Not thread-safe; use from one thread.
/// </remarks>
public sealed class RoutingRuleBuilder
{
    private readonly List<string> _tags = [];

    internal RoutingRuleBuilder(string name) => Name = name;

    internal string Name { get; }

    internal int Order { get; private set; }

    internal RoutingCondition? Condition { get; private set; }

    internal GroupId? Group { get; private set; }

    internal SupportTier? Tier { get; private set; }

    internal Priority? Priority { get; private set; }

    internal Priority? Raise { get; private set; }

    internal string? SlaPolicy { get; private set; }

    internal IReadOnlyList<string> Tags => _tags;

    internal bool Stops { get; private set; }

    /// <summary>Sets the condition under which the rule applies (required).</summary>
    /// <param name="condition">The condition; use <see cref="RoutingCondition.Always"/> for a catch-all.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="condition"/> is <see langword="null"/>.</exception>
    public RoutingRuleBuilder When(RoutingCondition condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        Condition = condition;
        return this;
    }

    /// <summary>Sets the rule's order; rules run by ascending order, then in the order they were defined. Default 0.</summary>
    /// <param name="order">Any integer.</param>
    /// <returns>This builder.</returns>
    public RoutingRuleBuilder WithOrder(int order)
    {
        Order = order;
        return this;
    }

    /// <summary>Routes the ticket to a group at a tier.</summary>
    /// <param name="group">The assignment group; not the default value.</param>
    /// <param name="tier">The group's support tier, if the rule states it.</param>
    /// <returns>This builder.</returns>
    public RoutingRuleBuilder AssignTo(GroupId group, SupportTier? tier = null)
    {
        Group = group;
        Tier = tier;
        return this;
    }

    /// <summary>Sets the support tier without naming a group (the engine maps the tier to a group).</summary>
    /// <param name="tier">The tier.</param>
    /// <returns>This builder.</returns>
    public RoutingRuleBuilder AtTier(SupportTier tier)
    {
        Tier = tier;
        return this;
    }

    /// <summary>Sets the priority (may lower it). A rule may set or raise the priority, not both.</summary>
    /// <param name="priority">The priority.</param>
    /// <returns>This builder.</returns>
    public RoutingRuleBuilder SetPriority(Priority priority)
    {
        Priority = priority;
        return this;
    }

    /// <summary>Raises the priority to at least <paramref name="priority"/>; never lowers it.</summary>
    /// <param name="priority">The least urgent priority the ticket ends with.</param>
    /// <returns>This builder.</returns>
    public RoutingRuleBuilder RaisePriorityTo(Priority priority)
    {
        Raise = priority;
        return this;
    }

    /// <summary>Selects the SLA policy, by name (1 to 100 characters).</summary>
    /// <param name="policy">The policy name, as known to ServiceDesk.Sla.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="policy"/> is <see langword="null"/>.</exception>
    public RoutingRuleBuilder UseSlaPolicy(string policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        SlaPolicy = policy;
        return this;
    }

    /// <summary>Adds tags (1 to 64 characters each, no whitespace, unique within the rule).</summary>
    /// <param name="tags">The tags.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tags"/> or an element is <see langword="null"/>.</exception>
    public RoutingRuleBuilder AddTags(params string[] tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        foreach (var tag in tags)
        {
            ArgumentNullException.ThrowIfNull(tag, nameof(tags));
            _tags.Add(tag);
        }

        return this;
    }

    /// <summary>In <see cref="RuleEvaluationMode.AllMatch"/> mode, stops evaluation after this rule when it matches.</summary>
    /// <returns>This builder.</returns>
    public RoutingRuleBuilder StopProcessing()
    {
        Stops = true;
        return this;
    }
}
