using ServiceDesk.Events;

namespace ServiceDesk.Routing;

/// <summary>Who a notification escalation addresses.</summary>
public enum NotifyTarget
{
    /// <summary>The ticket's assignee.</summary>
    Assignee = 1,

    /// <summary>The lead of the ticket's assignment group (<see cref="SupportGroup.Lead"/>).</summary>
    GroupLead = 2,

    /// <summary>The manager chain of the ticket's assignment group (<see cref="SupportGroup.Managers"/>), nearest first.</summary>
    ManagerChain = 3,

    /// <summary>The customer's account manager; Routing names the role and the engine resolves the person.</summary>
    AccountManager = 4,
}

/// <summary>What an escalation action does.</summary>
public enum EscalationActionKind
{
    /// <summary>Notify someone (<see cref="EscalationKind.Notify"/>).</summary>
    Notify = 1,

    /// <summary>Move to the next tier of the current group (<see cref="EscalationKind.Functional"/>).</summary>
    NextTier = 2,

    /// <summary>Move to a named group (<see cref="EscalationKind.Functional"/>).</summary>
    ToGroup = 3,

    /// <summary>Raise the priority by one step, or to a given priority (<see cref="EscalationKind.Hierarchical"/>).</summary>
    RaisePriority = 4,

    /// <summary>Declare a major incident (<see cref="EscalationKind.Hierarchical"/>).</summary>
    DeclareMajorIncident = 5,
}

/// <summary>One thing an escalation rule does when it fires. Immutable and thread-safe.</summary>
public sealed class EscalationAction
{
    private EscalationAction(EscalationActionKind kind, NotifyTarget? target = null, GroupId? group = null, Priority? priority = null)
    {
        Kind = kind;
        NotifyTarget = target;
        Group = group;
        Priority = priority;
    }

    /// <summary>Gets what the action does.</summary>
    public EscalationActionKind Kind { get; }

    /// <summary>Gets whom a <see cref="EscalationActionKind.Notify"/> action addresses.</summary>
    public NotifyTarget? NotifyTarget { get; }

    /// <summary>Gets the group of a <see cref="EscalationActionKind.ToGroup"/> action.</summary>
    public GroupId? Group { get; }

    /// <summary>Gets the priority of a <see cref="EscalationActionKind.RaisePriority"/> action; <see langword="null"/> for one step.</summary>
    public Priority? Priority { get; }

    /// <summary>Gets the kind of the <see cref="Escalated"/> event the action produces.</summary>
    public EscalationKind EventKind => Kind switch
    {
        EscalationActionKind.Notify => EscalationKind.Notify,
        EscalationActionKind.NextTier or EscalationActionKind.ToGroup => EscalationKind.Functional,
        _ => EscalationKind.Hierarchical,
    };

    /// <summary>Creates a notification (produced as an output and an event, never sent by Routing).</summary>
    /// <param name="target">Whom to notify.</param>
    /// <returns>The action.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="target"/> is not defined.</exception>
    public static EscalationAction Notify(NotifyTarget target)
    {
        if (!Enum.IsDefined(target))
        {
            throw new ArgumentOutOfRangeException(nameof(target), target, $"Use one of {string.Join(", ", Enum.GetNames<NotifyTarget>())}.");
        }

        return new(EscalationActionKind.Notify, target);
    }

    /// <summary>Creates a functional escalation to the next tier of the ticket's group (<see cref="SupportGroup.NextTier"/>).</summary>
    /// <returns>The action.</returns>
    public static EscalationAction ToNextTier() => new(EscalationActionKind.NextTier);

    /// <summary>Creates a functional escalation to a named group.</summary>
    /// <param name="group">The group; not the default value.</param>
    /// <returns>The action.</returns>
    /// <exception cref="ArgumentException"><paramref name="group"/> is the default value.</exception>
    public static EscalationAction ToGroup(GroupId group)
    {
        GroupId.ThrowIfDefault(group);
        return new(EscalationActionKind.ToGroup, group: group);
    }

    /// <summary>Creates a hierarchical escalation raising the priority one step (P3 → P2), or to <paramref name="priority"/>
    /// when given; never lowers it.</summary>
    /// <param name="priority">The priority to raise to, or <see langword="null"/> for one step.</param>
    /// <returns>The action.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="priority"/> is not defined.</exception>
    public static EscalationAction RaisePriority(Priority? priority = null)
    {
        if (priority is { } p && !Enum.IsDefined(p))
        {
            throw new ArgumentOutOfRangeException(nameof(priority), p, "Use a defined Priority, P1Critical to P5Planning.");
        }

        return new(EscalationActionKind.RaisePriority, priority: priority);
    }

    /// <summary>Creates a hierarchical escalation declaring a major incident.</summary>
    /// <returns>The action.</returns>
    public static EscalationAction DeclareMajorIncident() => new(EscalationActionKind.DeclareMajorIncident);

    /// <summary>Returns a description such as <c>notify GroupLead</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => Kind switch
    {
        EscalationActionKind.Notify => $"notify {NotifyTarget}",
        EscalationActionKind.NextTier => "move to next tier",
        EscalationActionKind.ToGroup => $"move to group {Group}",
        EscalationActionKind.RaisePriority => Priority is { } p ? $"raise priority to {p}" : "raise priority one step",
        _ => "declare major incident",
    };
}
