using System.Globalization;

namespace ServiceDesk.Routing;

/// <summary>Defines routing rules fluently and validates them into an immutable <see cref="RoutingRuleSet"/>.</summary>
/// <example>
/// <code>
/// var rules = new RoutingRuleSetBuilder(RuleEvaluationMode.FirstMatch)
///     .Rule("vip-outage", r => r
///         .When(RoutingCondition.All(RoutingCondition.CustomerTierIn("VIP"), RoutingCondition.HasKeyword("outage", "down")))
///         .AssignTo(new GroupId("major-incidents"), SupportTier.SecondLine)
///         .RaisePriorityTo(Priority.P1Critical))
///     .Rule("network", r => r.When(RoutingCondition.CategoryIs("Network")).AssignTo(new GroupId("network"), SupportTier.FirstLine))
///     .Build();
/// </code>
/// </example>
/// <remarks>Not thread-safe; the rule set it builds is.</remarks>
public sealed class RoutingRuleSetBuilder
{
    /// <summary>The maximum length of a rule name: 100 characters.</summary>
    public const int MaxNameLength = 100;

    /// <summary>The maximum length of a tag: 64 characters.</summary>
    public const int MaxTagLength = 64;

    /// <summary>The maximum length of an SLA policy name: 100 characters.</summary>
    public const int MaxSlaPolicyLength = 100;

    private readonly List<RoutingRuleBuilder> _rules = [];

    /// <summary>Initializes a builder.</summary>
    /// <param name="mode">How matching rules combine; <see cref="RuleEvaluationMode.FirstMatch"/> by default.</param>
    public RoutingRuleSetBuilder(RuleEvaluationMode mode = RuleEvaluationMode.FirstMatch) => Mode = mode;

    /// <summary>Gets or sets how matching rules combine.</summary>
    public RuleEvaluationMode Mode { get; set; }

    internal HashSet<int> FaultedConditions { get; } = [];

    internal HashSet<int> FaultedActions { get; } = [];

    /// <summary>Adds a rule; rules are evaluated by ascending order and then in the order they are added here.</summary>
    /// <param name="name">The rule's unique name, 1 to 100 characters.</param>
    /// <param name="configure">Sets the condition and actions.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public RoutingRuleSetBuilder Rule(string name, Action<RoutingRuleBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configure);
        var rule = new RoutingRuleBuilder(name);
        configure(rule);
        _rules.Add(rule);
        return this;
    }

    /// <summary>Validates every rule and compiles the set.</summary>
    /// <returns>The immutable, thread-safe rule set.</returns>
    /// <exception cref="InvalidDefinitionException">
    /// One or more faults, each with its path: an undefined mode; a blank, over-long or duplicate rule name; a rule
    /// without a condition; a rule without any action; a default group id; an undefined tier or priority; a rule that
    /// both sets and raises the priority; a blank or over-long SLA policy; a blank, over-long, whitespace-containing or
    /// duplicate tag.
    /// </exception>
    public RoutingRuleSet Build() => BuildCore([]);

    internal RoutingRuleSet BuildCore(List<string> errors)
    {
        if (!Enum.IsDefined(Mode))
        {
            errors.Add($"$.mode: {Mode} is not a defined mode; use FirstMatch or AllMatch.");
        }

        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var rules = new List<RoutingRule>(_rules.Count);
        for (var i = 0; i < _rules.Count; i++)
        {
            var rule = _rules[i];
            var path = string.Create(CultureInfo.InvariantCulture, $"$.rules[{i}]");
            var faults = errors.Count;
            if (string.IsNullOrWhiteSpace(rule.Name) || rule.Name.Length > MaxNameLength || rule.Name.Any(char.IsControl))
            {
                errors.Add($"{path}.name: a rule name must be 1 to {MaxNameLength} characters, not blank and without control characters; got {TextPolicy.Echo(rule.Name)}.");
            }
            else if (!names.TryAdd(rule.Name, i))
            {
                errors.Add($"{path}.name: {TextPolicy.Echo(rule.Name)} is already the name of $.rules[{names[rule.Name]}]; rule names must be unique.");
            }

            if (rule.Condition is null && !FaultedConditions.Contains(i))
            {
                errors.Add($"{path}.when: the rule has no condition; use RoutingCondition.Always for a catch-all.");
            }

            ValidateActions(rule, path, errors, FaultedActions.Contains(i));
            if (errors.Count == faults && rule.Condition is not null)
            {
                rules.Add(new RoutingRule(
                    rule.Name, rule.Order, i, rule.Condition, rule.Group, rule.Tier, rule.Priority, rule.Raise, rule.SlaPolicy,
                    rule.Tags.ToArray(), rule.Stops));
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidDefinitionException("routing rule set", errors);
        }

        return new RoutingRuleSet(Mode, rules);
    }

    private static void ValidateActions(RoutingRuleBuilder rule, string path, List<string> errors, bool actionsFaulted)
    {
        if (!actionsFaulted && rule.Group is null && rule.Tier is null && rule.Priority is null && rule.Raise is null && rule.SlaPolicy is null
            && rule.Tags.Count == 0 && !rule.Stops)
        {
            errors.Add($"{path}.then: the rule has no action; set a group, tier, priority, SLA policy or tags, or stop processing.");
        }

        if (rule.Group is { IsDefault: true })
        {
            errors.Add($"{path}.then.group: default(GroupId) identifies nothing.");
        }

        if (rule.Tier is { } tier && !Enum.IsDefined(tier))
        {
            errors.Add($"{path}.then.tier: {tier} is not a defined tier; valid values are {string.Join(", ", Enum.GetNames<SupportTier>())}.");
        }

        if (rule.Priority is { } priority && !Enum.IsDefined(priority))
        {
            errors.Add($"{path}.then.priority: {priority} is not a defined priority; valid values are P1Critical to P5Planning.");
        }

        if (rule.Raise is { } raise && !Enum.IsDefined(raise))
        {
            errors.Add($"{path}.then.raisePriority: {raise} is not a defined priority; valid values are P1Critical to P5Planning.");
        }

        if (rule.Priority is not null && rule.Raise is not null)
        {
            errors.Add($"{path}.then: the rule both sets and raises the priority; use one of priority or raisePriority.");
        }

        if (rule.SlaPolicy is { } sla && (string.IsNullOrWhiteSpace(sla) || sla.Length > MaxSlaPolicyLength))
        {
            errors.Add($"{path}.then.slaPolicy: an SLA policy name must be 1 to {MaxSlaPolicyLength} characters and not blank; got {TextPolicy.Echo(sla)}.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var t = 0; t < rule.Tags.Count; t++)
        {
            var tag = rule.Tags[t];
            if (tag.Length == 0 || tag.Length > MaxTagLength || tag.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                errors.Add($"{path}.then.tags[{t}]: a tag must be 1 to {MaxTagLength} characters without whitespace; got {TextPolicy.Echo(tag)}.");
            }
            else if (!seen.Add(tag))
            {
                errors.Add($"{path}.then.tags[{t}]: {TextPolicy.Echo(tag)} is listed twice.");
            }
        }
    }
}
