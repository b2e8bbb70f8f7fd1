namespace ServiceDesk.Routing;

/// <summary>When a notification is delivered.</summary>
public enum NotificationDelivery
{
    /// <summary>At once, day or night (24×7).</summary>
    Immediately = 1,

    /// <summary>At once when the policy's business calendar is open, otherwise at its next opening.</summary>
    BusinessHours = 2,
}

/// <summary>One validated escalation rule: a level, a trigger, actions and how notifications are delivered.</summary>
/// <remarks>Immutable and thread-safe; created by <see cref="EscalationPolicyBuilder"/>.</remarks>
public sealed class EscalationRule
{
    internal EscalationRule(string name, int level, EscalationTrigger trigger, IReadOnlyList<EscalationAction> actions, NotificationDelivery delivery)
    {
        Name = name;
        Level = level;
        Trigger = trigger;
        Actions = actions;
        Delivery = delivery;
    }

    /// <summary>Gets the rule's unique name.</summary>
    public string Name { get; }

    /// <summary>Gets the escalation level, 1 to 99; it fires at most once per SLA cycle (or idle period).</summary>
    public int Level { get; }

    /// <summary>Gets when the rule fires.</summary>
    public EscalationTrigger Trigger { get; }

    /// <summary>Gets what the rule does, in order.</summary>
    public IReadOnlyList<EscalationAction> Actions { get; }

    /// <summary>Gets when the rule's notifications are delivered; other actions always apply at once.</summary>
    public NotificationDelivery Delivery { get; }

    /// <summary>Returns <c>level n 'name': trigger → actions</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => $"level {Level} {TextPolicy.Echo(Name)}: {Trigger} -> {string.Join(", ", Actions)}";
}

/// <summary>Identifies one firing of an escalation level, so that it fires only once: the level and either the SLA metric
/// and cycle, or the idle period (the instant of the last public update it was measured from).</summary>
/// <param name="Level">The escalation level.</param>
/// <param name="Metric">The SLA metric; <see langword="null"/> for an idle escalation.</param>
/// <param name="Cycle">The SLA cycle; 0 for an idle escalation.</param>
/// <param name="IdleSince">The last public update of the idle period; <see langword="null"/> for an SLA escalation.</param>
/// <remarks>The engine stores the marks of the firings it applied (for example in the ticket's escalation history) and
/// passes them back; the evaluation skips rules whose mark is present, which makes processing a timer twice harmless.</remarks>
public readonly record struct EscalationMark(int Level, string? Metric, int Cycle, NodaTime.Instant? IdleSince);
