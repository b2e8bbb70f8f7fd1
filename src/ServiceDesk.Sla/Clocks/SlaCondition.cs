using System.Collections.Immutable;
using System.Globalization;

namespace ServiceDesk.Sla;

/// <summary>
/// A condition over a ticket's timeline that starts, pauses, resumes, stops, resets or cancels an SLA clock.
/// </summary>
/// <remarks>
/// <para>
/// A condition is checked at every <see cref="TimelineEntry"/>. <b>State</b> conditions (<see cref="StatusIn"/>,
/// <see cref="OnHold"/>, <see cref="PriorityIn"/>) hold while the ticket's state after the entry matches; <b>event</b>
/// conditions (<see cref="Created"/>, <see cref="StatusEntered"/>, <see cref="Commented"/>, <see cref="Event"/>) match
/// only the entry where the thing happens. Combine them with <see cref="Any"/>, <see cref="All"/> and <see cref="Not"/>.
/// Status and hold-reason names compare ordinally.
/// </para>
/// <para>Instances are immutable and thread-safe.</para>
/// </remarks>
public abstract class SlaCondition
{
    private protected SlaCondition()
    {
    }

    /// <summary>Gets a condition that never matches (e.g. "no cancel condition").</summary>
    public static SlaCondition Never { get; } = new NeverCondition();

    /// <summary>Matches the ticket's creation entry.</summary>
    public static SlaCondition Created { get; } = new CreatedCondition();

    /// <summary>Matches while the status is one of the given ones (a state condition).</summary>
    /// <param name="statuses">One or more status names.</param>
    /// <returns>The condition.</returns>
    /// <exception cref="ArgumentException">No status, or an empty one, is given.</exception>
    public static SlaCondition StatusIn(params string[] statuses) => new StatusInCondition(Names(statuses, nameof(statuses)));

    /// <summary>Matches the entry where the status becomes one of the given ones from another (an event condition).</summary>
    /// <param name="statuses">One or more status names.</param>
    /// <returns>The condition; on the creation entry it matches when the initial status is one of them.</returns>
    /// <exception cref="ArgumentException">No status, or an empty one, is given.</exception>
    public static SlaCondition StatusEntered(params string[] statuses) => new StatusEnteredCondition(Names(statuses, nameof(statuses)));

    /// <summary>Matches while the ticket is on hold (has a hold reason), for one of the given reasons or, with none given, any.</summary>
    /// <param name="reasons">The hold reasons; empty for any hold reason.</param>
    /// <returns>The condition.</returns>
    public static SlaCondition OnHold(params string[] reasons)
    {
        ArgumentNullException.ThrowIfNull(reasons);
        return new OnHoldCondition(reasons.Length == 0 ? [] : Names(reasons, nameof(reasons)));
    }

    /// <summary>Matches while the priority is one of the given ones.</summary>
    /// <param name="priorities">One or more priorities.</param>
    /// <returns>The condition.</returns>
    /// <exception cref="ArgumentException">No priority is given.</exception>
    public static SlaCondition PriorityIn(params Priority[] priorities)
    {
        ArgumentNullException.ThrowIfNull(priorities);
        if (priorities.Length == 0)
        {
            throw new ArgumentException("Give at least one priority.", nameof(priorities));
        }

        return new PriorityInCondition([.. priorities.Distinct().Order()]);
    }

    /// <summary>Matches a comment by the given actor, optionally only public (or only internal) ones.</summary>
    /// <param name="actor">Who wrote the comment.</param>
    /// <param name="isPublic"><see langword="true"/> for public replies only, <see langword="false"/> for internal notes only, <see langword="null"/> for both.</param>
    /// <returns>The condition.</returns>
    public static SlaCondition Commented(SlaActor actor, bool? isPublic = true) => new CommentedCondition(actor, isPublic);

    /// <summary>Matches a custom event by name.</summary>
    /// <param name="name">The event name (ordinal).</param>
    /// <returns>The condition.</returns>
    public static SlaCondition Event(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new EventCondition(name);
    }

    /// <summary>Matches when any of the conditions matches.</summary>
    /// <param name="conditions">One or more conditions.</param>
    /// <returns>The condition.</returns>
    public static SlaCondition Any(params SlaCondition[] conditions) => new AnyCondition(Conditions(conditions));

    /// <summary>Matches when all of the conditions match.</summary>
    /// <param name="conditions">One or more conditions.</param>
    /// <returns>The condition.</returns>
    public static SlaCondition All(params SlaCondition[] conditions) => new AllCondition(Conditions(conditions));

    /// <summary>Matches when the condition does not.</summary>
    /// <param name="condition">The condition.</param>
    /// <returns>The negation.</returns>
    public static SlaCondition Not(SlaCondition condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return new NotCondition(condition);
    }

    /// <summary>Describes the condition in the JSON policy syntax, e.g. <c>{"status":["Resolved","Closed"]}</c>.</summary>
    /// <returns>The JSON text.</returns>
    public override string ToString() => ToJson();

    /// <summary>Whether the condition matches at an entry.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="previous">The state before the entry; <see langword="null"/> at the creation entry.</param>
    internal abstract bool Matches(TimelineEntry entry, TicketState? previous);

    internal abstract string ToJson();

    private static ImmutableArray<string> Names(string[] names, string parameter)
    {
        ArgumentNullException.ThrowIfNull(names, parameter);
        if (names.Length == 0 || names.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("Give at least one name, none of them empty.", parameter);
        }

        return [.. names.Distinct(StringComparer.Ordinal)];
    }

    private static ImmutableArray<SlaCondition> Conditions(SlaCondition[] conditions)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        if (conditions.Length == 0 || conditions.Any(c => c is null))
        {
            throw new ArgumentException("Give at least one condition, none of them null.", nameof(conditions));
        }

        return [.. conditions];
    }

    private static string Quote(string text)
    {
        // A JSON string literal, escaped as System.Text.Json's default encoder does (what JsonSerializer.Serialize(text)
        // wrote before), without the serializer's reflection.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(text.Length + 2);
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStringValue(text);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string List(IEnumerable<string> names) => "[" + string.Join(",", names.Select(Quote)) + "]";

    private sealed class NeverCondition : SlaCondition
    {
        internal override bool Matches(TimelineEntry entry, TicketState? previous) => false;

        internal override string ToJson() => "{\"never\":true}";
    }

    private sealed class CreatedCondition : SlaCondition
    {
        internal override bool Matches(TimelineEntry entry, TicketState? previous) => entry.Kind == TimelineEntryKind.Created;

        internal override string ToJson() => "{\"created\":true}";
    }

    private sealed class StatusInCondition(ImmutableArray<string> statuses) : SlaCondition
    {
        internal override bool Matches(TimelineEntry entry, TicketState? previous) => statuses.Contains(entry.State.Status, StringComparer.Ordinal);

        internal override string ToJson() => "{\"status\":" + List(statuses) + "}";
    }

    private sealed class StatusEnteredCondition(ImmutableArray<string> statuses) : SlaCondition
    {
        internal override bool Matches(TimelineEntry entry, TicketState? previous)
            => statuses.Contains(entry.State.Status, StringComparer.Ordinal)
               && (previous is null || !statuses.Contains(previous.Value.Status, StringComparer.Ordinal));

        internal override string ToJson() => "{\"entered\":" + List(statuses) + "}";
    }

    private sealed class OnHoldCondition(ImmutableArray<string> reasons) : SlaCondition
    {
        internal override bool Matches(TimelineEntry entry, TicketState? previous)
            => entry.State.HoldReason is { } reason && (reasons.IsEmpty || reasons.Contains(reason, StringComparer.Ordinal));

        internal override string ToJson() => "{\"hold\":" + List(reasons) + "}";
    }

    private sealed class PriorityInCondition(ImmutableArray<Priority> priorities) : SlaCondition
    {
        internal override bool Matches(TimelineEntry entry, TicketState? previous) => priorities.Contains(entry.State.Priority);

        internal override string ToJson()
            => "{\"priority\":" + List(priorities.Select(p => string.Create(CultureInfo.InvariantCulture, $"P{(int)p}"))) + "}";
    }

    private sealed class CommentedCondition(SlaActor actor, bool? isPublic) : SlaCondition
    {
        internal override bool Matches(TimelineEntry entry, TicketState? previous)
            => entry.Kind == TimelineEntryKind.Comment && entry.Actor == actor && (isPublic is null || entry.IsPublic == isPublic);

        internal override string ToJson()
            => "{\"comment\":{\"by\":\"" + actor.ToString().ToLowerInvariant() + "\"" + (isPublic is { } p ? ",\"public\":" + (p ? "true" : "false") : string.Empty) + "}}";
    }

    private sealed class EventCondition(string name) : SlaCondition
    {
        internal override bool Matches(TimelineEntry entry, TicketState? previous)
            => entry.Kind == TimelineEntryKind.Custom && string.Equals(entry.EventName, name, StringComparison.Ordinal);

        internal override string ToJson() => "{\"event\":" + Quote(name) + "}";
    }

    private sealed class AnyCondition(ImmutableArray<SlaCondition> conditions) : SlaCondition
    {
        internal override bool Matches(TimelineEntry entry, TicketState? previous)
        {
            foreach (var condition in conditions)
            {
                if (condition.Matches(entry, previous))
                {
                    return true;
                }
            }

            return false;
        }

        internal override string ToJson() => "{\"any\":[" + string.Join(",", conditions.Select(c => c.ToJson())) + "]}";
    }

    private sealed class AllCondition(ImmutableArray<SlaCondition> conditions) : SlaCondition
    {
        internal override bool Matches(TimelineEntry entry, TicketState? previous)
        {
            foreach (var condition in conditions)
            {
                if (!condition.Matches(entry, previous))
                {
                    return false;
                }
            }

            return true;
        }

        internal override string ToJson() => "{\"all\":[" + string.Join(",", conditions.Select(c => c.ToJson())) + "]}";
    }

    private sealed class NotCondition(SlaCondition condition) : SlaCondition
    {
        internal override bool Matches(TimelineEntry entry, TicketState? previous) => !condition.Matches(entry, previous);

        internal override string ToJson() => "{\"not\":" + condition.ToJson() + "}";
    }
}
