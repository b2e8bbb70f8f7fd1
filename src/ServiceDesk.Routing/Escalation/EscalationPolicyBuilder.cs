using System.Globalization;
using ServiceDesk.Sla;

namespace ServiceDesk.Routing;

/// <summary>Defines escalation rules and validates them into an immutable <see cref="EscalationPolicy"/>.</summary>
/// <example>
/// <code>
/// var policy = new EscalationPolicyBuilder()
///     .WithBusinessHours(calendar)
///     .Rule("warn", 1, EscalationTrigger.SlaPercent("resolution", 75), NotificationDelivery.BusinessHours, EscalationAction.Notify(NotifyTarget.Assignee))
///     .Rule("breach", 2, EscalationTrigger.SlaPercent("resolution", 100), NotificationDelivery.Immediately,
///           EscalationAction.Notify(NotifyTarget.GroupLead), EscalationAction.ToNextTier())
///     .Rule("stale", 1, EscalationTrigger.IdleFor(Duration.FromHours(8)), NotificationDelivery.BusinessHours, EscalationAction.Notify(NotifyTarget.Assignee))
///     .Build();
/// </code>
/// </example>
/// <remarks>Not thread-safe; the policy it builds is.</remarks>
public sealed class EscalationPolicyBuilder
{
    private readonly List<(string Name, int Level, EscalationTrigger Trigger, NotificationDelivery Delivery, EscalationAction[] Actions)> _rules = [];
    private BusinessCalendar? _calendar;
    private SupportGroupDirectory _groups = SupportGroupDirectory.Empty;
    private TicketStatus[] _inactive = [TicketStatus.Resolved, TicketStatus.Closed, TicketStatus.Canceled];
    private TicketStatus[] _paused = [TicketStatus.OnHold];

    /// <summary>Sets the business calendar for idle time and for <see cref="NotificationDelivery.BusinessHours"/>;
    /// without one, idle time is real time and business-hours delivery is a validation fault.</summary>
    /// <param name="calendar">The calendar.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="calendar"/> is <see langword="null"/>.</exception>
    public EscalationPolicyBuilder WithBusinessHours(BusinessCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        _calendar = calendar;
        return this;
    }

    /// <summary>Sets the group directory used to resolve next tiers, group leads and manager chains.</summary>
    /// <param name="groups">The directory.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> is <see langword="null"/>.</exception>
    public EscalationPolicyBuilder WithGroups(SupportGroupDirectory groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        _groups = groups;
        return this;
    }

    /// <summary>Sets the statuses in which nothing escalates (default Resolved, Closed, Canceled).</summary>
    /// <param name="statuses">The statuses.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="statuses"/> is <see langword="null"/>.</exception>
    public EscalationPolicyBuilder InactiveIn(params TicketStatus[] statuses)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        _inactive = [.. statuses];
        return this;
    }

    /// <summary>Sets the statuses in which idle escalations wait (default OnHold); SLA escalations follow their clocks.</summary>
    /// <param name="statuses">The statuses.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="statuses"/> is <see langword="null"/>.</exception>
    public EscalationPolicyBuilder PausedIn(params TicketStatus[] statuses)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        _paused = [.. statuses];
        return this;
    }

    /// <summary>Adds a rule.</summary>
    /// <param name="name">The unique name, 1 to 100 characters.</param>
    /// <param name="level">The level, 1 to 99; unique per metric (and among idle rules).</param>
    /// <param name="trigger">When it fires.</param>
    /// <param name="delivery">When its notifications are delivered.</param>
    /// <param name="actions">One or more actions, at most one of them changing the priority.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException">An argument or an action is <see langword="null"/>.</exception>
    public EscalationPolicyBuilder Rule(string name, int level, EscalationTrigger trigger, NotificationDelivery delivery, params EscalationAction[] actions)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(trigger);
        ArgumentNullException.ThrowIfNull(actions);
        foreach (var action in actions)
        {
            ArgumentNullException.ThrowIfNull(action, nameof(actions));
        }

        _rules.Add((name, level, trigger, delivery, [.. actions]));
        return this;
    }

    /// <summary>Validates the rules into a policy.</summary>
    /// <returns>The immutable, thread-safe policy.</returns>
    /// <exception cref="InvalidDefinitionException">Every fault, each with its path (<c>rules[2].level</c>): a blank,
    /// over-long or duplicate name; a level outside 1 to 99; a level repeated for the same metric (or among idle rules);
    /// an undefined delivery; business-hours delivery without a business calendar; no action; more than one priority
    /// action; the same action twice.</exception>
    public EscalationPolicy Build()
    {
        var errors = new List<string>();
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var levels = new Dictionary<(string?, int), int>();
        var rules = new List<EscalationRule>();
        for (var i = 0; i < _rules.Count; i++)
        {
            var (name, level, trigger, delivery, actions) = _rules[i];
            var path = string.Create(CultureInfo.InvariantCulture, $"rules[{i}]");
            var before = errors.Count;
            if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
            {
                errors.Add($"{path}.name: a rule name must be 1 to 100 characters and not blank; got {TextPolicy.Echo(name)}.");
            }
            else if (!names.TryAdd(name, i))
            {
                errors.Add($"{path}.name: {TextPolicy.Echo(name)} is already the name of rules[{names[name]}].");
            }

            if (level is < 1 or > 99)
            {
                errors.Add($"{path}.level: {level} is out of range; a level is 1 to 99.");
            }
            else if (!levels.TryAdd((trigger.Metric, level), i))
            {
                errors.Add($"{path}.level: level {level} is already used for {(trigger.Metric is { } m ? $"metric {TextPolicy.Echo(m)}" : "idle time")} by rules[{levels[(trigger.Metric, level)]}]; each level fires once per cycle, so it must be unique.");
            }

            if (!Enum.IsDefined(delivery))
            {
                errors.Add($"{path}.delivery: {delivery} is not defined; use Immediately or BusinessHours.");
            }
            else if (delivery == NotificationDelivery.BusinessHours && _calendar is null && actions.Any(a => a.Kind == EscalationActionKind.Notify))
            {
                errors.Add($"{path}.delivery: business-hours delivery needs the policy's business calendar; call WithBusinessHours.");
            }

            if (actions.Length == 0)
            {
                errors.Add($"{path}.actions: the rule has no action.");
            }

            if (actions.Count(a => a.Kind == EscalationActionKind.RaisePriority) > 1)
            {
                errors.Add($"{path}.actions: more than one priority action; keep one.");
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var a = 0; a < actions.Length; a++)
            {
                if (!seen.Add(actions[a].ToString()))
                {
                    errors.Add($"{path}.actions[{a}]: {TextPolicy.Echo(actions[a])} is listed twice.");
                }
            }

            if (errors.Count == before)
            {
                rules.Add(new EscalationRule(name, level, trigger, actions, delivery));
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidDefinitionException("escalation policy", errors);
        }

        return new EscalationPolicy(rules, _calendar, _groups, _inactive, _paused);
    }
}
