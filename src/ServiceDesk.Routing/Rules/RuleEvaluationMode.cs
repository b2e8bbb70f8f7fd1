namespace ServiceDesk.Routing;

/// <summary>How a <see cref="RoutingRuleSet"/> combines the rules that match a ticket.</summary>
/// <remarks>
/// Rules are always visited in the set's evaluation order: ascending <see cref="RoutingRule.Order"/>, ties broken by
/// the position at which the rule was defined (never by name).
/// </remarks>
public enum RuleEvaluationMode
{
    /// <summary>The first rule that matches decides; the rest are not evaluated.</summary>
    FirstMatch = 1,

    /// <summary>
    /// Every matching rule contributes, in evaluation order, until one that <see cref="RoutingRule.StopsEvaluation"/>:
    /// the first rule that sets a group, a priority or an SLA policy wins that value, priority raises accumulate
    /// (the most urgent wins) and tags are collected without duplicates.
    /// </summary>
    AllMatch = 2,
}
