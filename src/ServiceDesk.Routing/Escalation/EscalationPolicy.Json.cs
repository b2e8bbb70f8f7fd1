using System.Text.Json;
using NodaTime;
using ServiceDesk.Serialization;
using ServiceDesk.Sla;

namespace ServiceDesk.Routing;

/// <summary>The JSON form of an escalation policy.</summary>
public sealed partial class EscalationPolicy
{
    private static readonly string[] RootKeys = ["calendar", "inactiveIn", "pausedIn", "rules"];
    private static readonly string[] RuleKeys = ["name", "level", "when", "delivery", "actions"];
    private static readonly string[] TriggerKeys = ["metric", "percent", "before", "after", "idle"];
    private static readonly string[] ActionKeys = ["notify", "nextTier", "toGroup", "raisePriority", "declareMajorIncident"];

    /// <summary>Loads an escalation policy from its JSON definition (format in docs/routing.md, "Escalation policies in JSON").</summary>
    /// <param name="json">The definition, e.g.
    /// <c>{"calendar":"office","rules":[{"name":"warn","level":1,"when":{"metric":"resolution","percent":75},
    /// "delivery":"businessHours","actions":[{"notify":"assignee"}]}]}</c>.</param>
    /// <param name="calendars">The calendars <c>calendar</c> may name; <see langword="null"/> when the policy names none
    /// (an inline calendar object is always allowed).</param>
    /// <param name="groups">The group directory for next tiers, group leads and manager chains; <see langword="null"/> for
    /// <see cref="SupportGroupDirectory.Empty"/>.</param>
    /// <returns>The immutable, thread-safe policy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDefinitionException">The text is not JSON in the definition dialect (<see cref="DefinitionJson"/>:
    /// comments and trailing commas allowed, duplicate fields rejected), or the definition has faults. Every fault is
    /// listed with its JSON path, e.g. <c>$.rules[1].when.percent: the number 0 is out of range; a percentage is 1 to
    /// 1,000.</c>: unknown or missing fields, wrong JSON types, an unknown calendar, status, notify target, delivery or
    /// priority, a trigger with none or several of percent/before/after/idle, durations out of range, and every fault
    /// <see cref="EscalationPolicyBuilder.Build"/> reports (with the same paths).</exception>
    /// <remarks>Durations use the syntax of SLA policies (<c>"30m"</c>, <c>"4h"</c>, <c>"1h30m"</c>; docs/sla.md). Names of
    /// statuses are case-sensitive, as everywhere; notify targets, deliveries and priorities are case-insensitive, and
    /// priorities may also be written 1 to 5.</remarks>
    public static EscalationPolicy FromJson(string json, IReadOnlyDictionary<string, BusinessCalendar>? calendars = null, SupportGroupDirectory? groups = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = DefinitionJson.Parse(json, "escalation policy");
        var errors = new List<string>();
        var builder = new EscalationPolicyBuilder().WithGroups(groups ?? SupportGroupDirectory.Empty);
        new EscalationJsonReader(errors, calendars).Read(document.RootElement, builder);
        if (errors.Count > 0)
        {
            throw new InvalidDefinitionException("escalation policy", errors);
        }

        try
        {
            return builder.Build();
        }
        catch (InvalidDefinitionException ex)
        {
            // The builder names rules as "rules[2]"; in JSON they are "$.rules[2]".
            throw new InvalidDefinitionException("escalation policy", ex.Errors.Select(e => e.StartsWith("rules[", StringComparison.Ordinal) ? "$." + e : e));
        }
    }

    /// <summary>Writes the policy's JSON definition, which <see cref="FromJson"/> reads back to a policy with the same rules,
    /// calendar and statuses (give it the same <c>groups</c>: the group directory is not part of the JSON).</summary>
    /// <param name="indented">Whether to indent the output; compact by default.</param>
    /// <returns>The JSON: the calendar inline (its own JSON form), <c>inactiveIn</c>, <c>pausedIn</c> and the rules in
    /// definition order. Durations are written in whole seconds at most (<c>"1h30m"</c>), as the JSON form has no
    /// finer unit.</returns>
    public string ToJson(bool indented = false)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All) }))
        {
            writer.WriteStartObject();
            if (BusinessHours is { } calendar)
            {
                writer.WritePropertyName("calendar");
                writer.WriteRawValue(calendar.ToJson());
            }

            WriteStatuses(writer, "inactiveIn", _inactive);
            WriteStatuses(writer, "pausedIn", _paused);
            writer.WriteStartArray("rules");
            foreach (var rule in _rules)
            {
                writer.WriteStartObject();
                writer.WriteString("name", rule.Name);
                writer.WriteNumber("level", rule.Level);
                writer.WriteStartObject("when");
                var trigger = rule.Trigger;
                if (trigger.Idle is { } idle)
                {
                    writer.WriteString("idle", SlaDurationText.Format(idle));
                }
                else
                {
                    writer.WriteString("metric", trigger.Metric);
                    if (trigger.Percent is { } percent)
                    {
                        writer.WriteNumber("percent", percent);
                    }
                    else if (trigger.OffsetFromDue is { } offset && offset < NodaTime.Duration.Zero)
                    {
                        writer.WriteString("before", SlaDurationText.Format(-offset));
                    }
                    else
                    {
                        writer.WriteString("after", SlaDurationText.Format(trigger.OffsetFromDue!.Value));
                    }
                }

                writer.WriteEndObject();
                writer.WriteString("delivery", rule.Delivery == NotificationDelivery.BusinessHours ? "businessHours" : "immediately");
                writer.WriteStartArray("actions");
                foreach (var action in rule.Actions)
                {
                    writer.WriteStartObject();
                    switch (action.Kind)
                    {
                        case EscalationActionKind.Notify:
                            writer.WriteString("notify", JsonNamingPolicy.CamelCase.ConvertName(action.NotifyTarget!.Value.ToString()));
                            break;
                        case EscalationActionKind.NextTier:
                            writer.WriteBoolean("nextTier", true);
                            break;
                        case EscalationActionKind.ToGroup:
                            writer.WriteString("toGroup", action.Group!.Value.Value);
                            break;
                        case EscalationActionKind.RaisePriority when action.Priority is { } priority:
                            writer.WriteString("raisePriority", priority.ToString());
                            break;
                        case EscalationActionKind.RaisePriority:
                            writer.WriteBoolean("raisePriority", true);
                            break;
                        default:
                            writer.WriteBoolean("declareMajorIncident", true);
                            break;
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteStatuses(Utf8JsonWriter writer, string name, TicketStatus[] statuses)
    {
        writer.WriteStartArray(name);
        foreach (var status in statuses)
        {
            writer.WriteStringValue(status.Name);
        }

        writer.WriteEndArray();
    }

    private sealed class EscalationJsonReader(List<string> errors, IReadOnlyDictionary<string, BusinessCalendar>? calendars)
    {
        public void Read(JsonElement root, EscalationPolicyBuilder builder)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"$: expected an object with \"rules\", found {DefinitionJson.Describe(root)}.");
                return;
            }

            UnknownKeys(root, "$", RootKeys);
            if (root.TryGetProperty("calendar", out var calendar) && Calendar(calendar, "$.calendar") is { } businessHours)
            {
                builder.WithBusinessHours(businessHours);
            }

            if (root.TryGetProperty("inactiveIn", out var inactive) && Statuses(inactive, "$.inactiveIn") is { } inactiveIn)
            {
                builder.InactiveIn(inactiveIn);
            }

            if (root.TryGetProperty("pausedIn", out var paused) && Statuses(paused, "$.pausedIn") is { } pausedIn)
            {
                builder.PausedIn(pausedIn);
            }

            if (!root.TryGetProperty("rules", out var rules))
            {
                errors.Add("$.rules: missing; expected an array of rules.");
                return;
            }

            if (rules.ValueKind != JsonValueKind.Array)
            {
                errors.Add($"$.rules: expected an array of rules, found {DefinitionJson.Describe(rules)}.");
                return;
            }

            var i = 0;
            foreach (var rule in rules.EnumerateArray())
            {
                Rule(rule, DefinitionJson.Item("$.rules", i++), builder);
            }
        }

        private void Rule(JsonElement rule, string path, EscalationPolicyBuilder builder)
        {
            if (rule.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{path}: expected a rule object, found {DefinitionJson.Describe(rule)}.");
                return;
            }

            var before = errors.Count;
            UnknownKeys(rule, path, RuleKeys);
            var name = rule.TryGetProperty("name", out var n) ? String(n, path + ".name") : Missing(path + ".name", "a string");
            int? level = null;
            if (!rule.TryGetProperty("level", out var l))
            {
                Missing(path + ".level", "an integer 1 to 99");
            }
            else if (l.ValueKind == JsonValueKind.Number && l.TryGetInt32(out var value))
            {
                level = value;
            }
            else
            {
                errors.Add($"{path}.level: expected an integer 1 to 99, found {DefinitionJson.Describe(l)}.");
            }

            var trigger = rule.TryGetProperty("when", out var when) ? Trigger(when, path + ".when") : MissingTrigger(path + ".when");
            var delivery = NotificationDelivery.Immediately;
            if (rule.TryGetProperty("delivery", out var d))
            {
                delivery = Enum<NotificationDelivery>(d, path + ".delivery") ?? delivery;
            }

            var actions = rule.TryGetProperty("actions", out var a) ? Actions(a, path + ".actions") : MissingActions(path + ".actions");
            if (errors.Count == before && name is not null && level is { } lv && trigger is not null && actions is not null)
            {
                builder.Rule(name, lv, trigger, delivery, [.. actions]);
            }
            else if (errors.Count == before)
            {
                errors.Add($"{path}: incomplete rule.");
            }
        }

        private EscalationTrigger? Trigger(JsonElement when, string path)
        {
            if (when.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{path}: expected {{\"metric\": …, \"percent\": …}}, {{\"metric\": …, \"before\": …}}, {{\"metric\": …, \"after\": …}} or {{\"idle\": …}}, found {DefinitionJson.Describe(when)}.");
                return null;
            }

            UnknownKeys(when, path, TriggerKeys);
            var kinds = new[] { "percent", "before", "after", "idle" }.Where(k => when.TryGetProperty(k, out _)).ToList();
            if (kinds.Count != 1)
            {
                errors.Add(kinds.Count == 0
                    ? $"{path}: give one of percent, before, after (with metric) or idle."
                    : $"{path}: give only one of percent, before, after or idle; found {string.Join(", ", kinds)}.");
                return null;
            }

            var kind = kinds[0];
            var hasMetric = when.TryGetProperty("metric", out var m);
            if (kind == "idle")
            {
                if (hasMetric)
                {
                    errors.Add($"{path}.metric: an idle trigger has no metric; idle time counts from the last public update.");
                    return null;
                }

                return Duration(when.GetProperty("idle"), path + ".idle", allowZero: false) is { } idle
                    ? Guard(path + ".idle", () => EscalationTrigger.IdleFor(idle))
                    : null;
            }

            var metric = hasMetric ? String(m, path + ".metric") : Missing(path + ".metric", "an SLA metric name such as \"resolution\"");
            if (metric is null)
            {
                return null;
            }

            if (kind == "percent")
            {
                var p = when.GetProperty("percent");
                if (p.ValueKind != JsonValueKind.Number || !p.TryGetInt32(out var percent))
                {
                    errors.Add($"{path}.percent: expected an integer 1 to 1,000, found {DefinitionJson.Describe(p)}.");
                    return null;
                }

                if (percent is < 1 or > 1000)
                {
                    errors.Add($"{path}.percent: {DefinitionJson.Describe(p)} is out of range; a percentage is 1 to 1,000.");
                    return null;
                }

                return Guard(path + ".metric", () => EscalationTrigger.SlaPercent(metric, percent));
            }

            var offset = Duration(when.GetProperty(kind), path + "." + kind, allowZero: true);
            return offset is { } o
                ? Guard(path + "." + kind, () => EscalationTrigger.SlaOffset(metric, kind == "before" ? -o : o))
                : null;
        }

        private List<EscalationAction>? Actions(JsonElement actions, string path)
        {
            if (actions.ValueKind != JsonValueKind.Array || actions.GetArrayLength() == 0)
            {
                errors.Add($"{path}: expected a non-empty array of actions such as [{{\"notify\": \"groupLead\"}}], found {DefinitionJson.Describe(actions)}.");
                return null;
            }

            var result = new List<EscalationAction>();
            var ok = true;
            var i = 0;
            foreach (var item in actions.EnumerateArray())
            {
                var at = DefinitionJson.Item(path, i++);
                if (Action(item, at) is { } action)
                {
                    result.Add(action);
                }
                else
                {
                    ok = false;
                }
            }

            return ok ? result : null;
        }

        private EscalationAction? Action(JsonElement item, string path)
        {
            var fields = item.ValueKind == JsonValueKind.Object ? item.EnumerateObject().ToList() : [];
            if (fields.Count != 1)
            {
                errors.Add($"{path}: expected an object with one of {string.Join(", ", ActionKeys)}, such as {{\"notify\": \"groupLead\"}}, found {(fields.Count > 1 ? "several fields" : DefinitionJson.Describe(item))}.");
                return null;
            }

            var (key, value) = (fields[0].Name, fields[0].Value);
            var at = DefinitionJson.Field(path, key);
            switch (key)
            {
                case "notify":
                    return Enum<NotifyTarget>(value, at) is { } target ? EscalationAction.Notify(target) : null;
                case "toGroup":
                    return String(value, at) is { } group && GuardValue(at, () => new GroupId(group)) is { } id ? EscalationAction.ToGroup(id) : null;
                case "nextTier":
                    return True(value, at) ? EscalationAction.ToNextTier() : null;
                case "declareMajorIncident":
                    return True(value, at) ? EscalationAction.DeclareMajorIncident() : null;
                case "raisePriority":
                    if (value.ValueKind == JsonValueKind.True)
                    {
                        return EscalationAction.RaisePriority();
                    }

                    return Priority(value, at) is { } priority ? EscalationAction.RaisePriority(priority) : null;
                default:
                    errors.Add($"{at}: unknown action; expected one of {string.Join(", ", ActionKeys)}.");
                    return null;
            }
        }

        private BusinessCalendar? Calendar(JsonElement element, string path)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                try
                {
                    return BusinessCalendar.FromJson(element.GetRawText());
                }
                catch (InvalidDefinitionException ex)
                {
                    errors.AddRange(ex.Errors.Select(e => e.StartsWith('$') ? path + e[1..] : $"{path}: {e}"));
                    return null;
                }
            }

            if (String(element, path) is not { } name)
            {
                return null;
            }

            if (calendars is not null && calendars.TryGetValue(name, out var calendar))
            {
                return calendar;
            }

            var known = calendars is null || calendars.Count == 0 ? "none" : string.Join(", ", calendars.Keys.Order(StringComparer.Ordinal));
            errors.Add($"{path}: unknown calendar {TextPolicy.Echo(name)}; known: {known}.");
            return null;
        }

        private TicketStatus[]? Statuses(JsonElement element, string path)
        {
            if (element.ValueKind != JsonValueKind.Array)
            {
                errors.Add($"{path}: expected an array of status names such as [\"Resolved\", \"Closed\"], found {DefinitionJson.Describe(element)}.");
                return null;
            }

            var result = new List<TicketStatus>();
            var i = 0;
            var ok = true;
            foreach (var item in element.EnumerateArray())
            {
                var at = DefinitionJson.Item(path, i++);
                if (String(item, at) is { } name && GuardValue(at, () => new TicketStatus(name)) is { } status)
                {
                    result.Add(status);
                }
                else
                {
                    ok = false;
                }
            }

            return ok ? [.. result] : null;
        }

        private Duration? Duration(JsonElement element, string path, bool allowZero)
        {
            var text = element.ValueKind == JsonValueKind.String ? element.GetString() : null;
            if (!SlaDurationText.TryParse(text, out var duration, out var negative) || negative)
            {
                errors.Add(text is null
                    ? $"{path}: expected a duration string, found {DefinitionJson.Describe(element)}; {SlaDurationText.Expectation}."
                    : $"{path}: {TextPolicy.Echo(text)} {SlaDurationText.Explain(text)}.");
                return null;
            }

            if (!allowZero && duration == NodaTime.Duration.Zero)
            {
                errors.Add($"{path}: {TextPolicy.Echo(text)} is zero; it must be more than zero.");
                return null;
            }

            if (duration > NodaTime.Duration.FromDays(365))
            {
                errors.Add($"{path}: {TextPolicy.Echo(text)} is out of range; at most \"8760h\" (365 times 24 hours of business time).");
                return null;
            }

            return duration;
        }

        private Priority? Priority(JsonElement value, string path)
        {
            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number is >= 1 and <= 5)
            {
                return (Priority)number;
            }

            if (value.ValueKind == JsonValueKind.String && value.GetString() is { } text)
            {
                foreach (var p in System.Enum.GetValues<Priority>())
                {
                    var name = p.ToString();
                    if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase) || string.Equals(name[..2], text, StringComparison.OrdinalIgnoreCase))
                    {
                        return p;
                    }
                }
            }

            errors.Add($"{path}: {DefinitionJson.Describe(value)} is not a priority; use true (one step up), 1 to 5, P1 to P5 or P1Critical to P5Planning.");
            return null;
        }

        private T? Enum<T>(JsonElement value, string path)
            where T : struct, System.Enum
        {
            if (value.ValueKind == JsonValueKind.String && value.GetString() is { } text && char.IsAsciiLetter(text.FirstOrDefault())
                && System.Enum.TryParse<T>(text, ignoreCase: true, out var parsed) && System.Enum.IsDefined(parsed))
            {
                return parsed;
            }

            errors.Add($"{path}: {DefinitionJson.Describe(value)} is not a {typeof(T).Name}; use one of {string.Join(", ", System.Enum.GetNames<T>())}.");
            return null;
        }

        private bool True(JsonElement value, string path)
        {
            if (value.ValueKind == JsonValueKind.True)
            {
                return true;
            }

            errors.Add($"{path}: expected true, found {DefinitionJson.Describe(value)}.");
            return false;
        }

        private string? String(JsonElement value, string path)
        {
            if (value.ValueKind == JsonValueKind.String)
            {
                return value.GetString();
            }

            errors.Add($"{path}: expected a string, found {DefinitionJson.Describe(value)}.");
            return null;
        }

        private string? Missing(string path, string what)
        {
            errors.Add($"{path}: missing; expected {what}.");
            return null;
        }

        private EscalationTrigger? MissingTrigger(string path)
        {
            errors.Add($"{path}: missing; expected a trigger such as {{\"metric\": \"resolution\", \"percent\": 75}} or {{\"idle\": \"8h\"}}.");
            return null;
        }

        private List<EscalationAction>? MissingActions(string path)
        {
            errors.Add($"{path}: missing; expected a non-empty array of actions such as [{{\"notify\": \"groupLead\"}}].");
            return null;
        }

        private T? Guard<T>(string path, Func<T> create)
            where T : class
        {
            try
            {
                return create();
            }
            catch (ArgumentException ex)
            {
                errors.Add($"{path}: {ex.Message.Split(" (Parameter", 2)[0]}");
                return null;
            }
        }

        private T? GuardValue<T>(string path, Func<T> create)
            where T : struct
        {
            try
            {
                return create();
            }
            catch (ArgumentException ex)
            {
                errors.Add($"{path}: {ex.Message.Split(" (Parameter", 2)[0]}");
                return null;
            }
        }

        private void UnknownKeys(JsonElement element, string path, string[] known) => Internal.DefinitionFaults.UnknownFields(element, path, known, errors);
    }
}
