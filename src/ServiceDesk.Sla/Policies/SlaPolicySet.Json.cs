using System.Globalization;
using System.Text.Json;
using NodaTime;
using ServiceDesk.Serialization;
using ServiceDesk.Sla.Internal;

namespace ServiceDesk.Sla;

/// <summary>The JSON form of policy sets.</summary>
public sealed partial class SlaPolicySet
{
    private static readonly string[] ConditionKeys = ["created", "never", "status", "entered", "hold", "priority", "comment", "event", "any", "all", "not"];

    /// <summary>Loads a policy set from JSON (format in docs/sla.md).</summary>
    /// <param name="json">The definition: <c>{"calendars":{...},"policies":[...]}</c>.</param>
    /// <param name="calendars">Calendars the policies may name besides those defined in the document; may be <see langword="null"/>.</param>
    /// <returns>The policy set.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDefinitionException">
    /// The text is not JSON or has faults: unknown fields, unknown calendars, kinds, priorities or presets, zero or negative
    /// targets and offsets, bad conditions, duplicate names. Every fault is listed with its JSON path; faults inside an
    /// inline or named calendar are prefixed with the calendar's path.
    /// </exception>
    public static SlaPolicySet FromJson(string json, IReadOnlyDictionary<string, BusinessCalendar>? calendars = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        using (var document = DefinitionJson.Parse(json, "SLA policy set"))
        {
            var errors = new List<string>();
            var policies = new PolicyReader(errors, calendars).Read(document.RootElement);
            if (errors.Count > 0)
            {
                throw new InvalidDefinitionException("SLA policy set", errors);
            }

            return new SlaPolicySet(policies);
        }
    }

    private sealed class PolicyReader(List<string> errors, IReadOnlyDictionary<string, BusinessCalendar>? external)
    {
        private readonly Dictionary<string, BusinessCalendar> _calendars = new(StringComparer.Ordinal);

        internal List<SlaPolicy> Read(JsonElement root)
        {
            var result = new List<SlaPolicy>();
            if (root.ValueKind != JsonValueKind.Object)
            {
                errors.Add("$: expected a JSON object with \"policies\".");
                return result;
            }

            if (root.TryGetProperty("calendars", out var calendars))
            {
                ReadCalendars(calendars, "$.calendars");
            }

            var hasPolicies = false;
            foreach (var property in Properties(root, "$"))
            {
                switch (property.Name)
                {
                    case "calendars":
                        break;
                    case "policies":
                        hasPolicies = true;
                        if (property.Value.ValueKind != JsonValueKind.Array)
                        {
                            errors.Add("$.policies: expected an array of policies.");
                            break;
                        }

                        var names = new HashSet<string>(StringComparer.Ordinal);
                        var i = 0;
                        foreach (var item in property.Value.EnumerateArray())
                        {
                            var path = Index("$.policies", i++);
                            if (ReadPolicy(item, path) is { } policy)
                            {
                                if (!names.Add(policy.Name))
                                {
                                    errors.Add($"{path}.name: {TextPolicy.Echo(policy.Name)} is already the name of another policy; names must be unique.");
                                }

                                result.Add(policy);
                            }
                        }

                        break;
                    default:
                        errors.Add($"{DefinitionJson.Field("$", property.Name)}: unknown field; expected calendars or policies.");
                        break;
                }
            }

            if (!hasPolicies)
            {
                errors.Add("$.policies: missing; expected an array of policies.");
            }

            return result;
        }

        private static string Index(string path, int i) => string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]");

        private static string Describe(JsonElement element) => JsonFaults.Describe(element);

        private IEnumerable<JsonProperty> Properties(JsonElement element, string path) => JsonFaults.Properties(element, path, errors);

        private void ReadCalendars(JsonElement calendars, string path)
        {
            if (calendars.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{path}: expected an object of named calendars.");
                return;
            }

            foreach (var property in Properties(calendars, path))
            {
                if (ReadCalendar(property.Value, DefinitionJson.Field(path, property.Name)) is { } calendar)
                {
                    _calendars[property.Name] = calendar;
                }
            }
        }

        private BusinessCalendar? ReadCalendar(JsonElement element, string path)
        {
            try
            {
                return BusinessCalendar.FromJson(element.GetRawText());
            }
            catch (InvalidDefinitionException ex)
            {
                // Re-root the calendar's own paths ("$.week...") under where it sits in this document.
                errors.AddRange(ex.Errors.Select(e => e.StartsWith('$') ? path + e[1..] : $"{path}: {e}"));
                return null;
            }
        }

        private SlaPolicy? ReadPolicy(JsonElement element, string path)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{path}: expected a policy object, found {Describe(element)}.");
                return null;
            }

            var options = new SlaPolicyOptions();
            var before = errors.Count;
            var metrics = new List<(SlaMetricOptions Options, string Path)>();
            foreach (var property in Properties(element, path))
            {
                var propertyPath = DefinitionJson.Field(path, property.Name);
                switch (property.Name)
                {
                    case "name":
                        options.Name = ReadString(property.Value, propertyPath);
                        break;
                    case "match":
                        ReadMatch(property.Value, propertyPath, options);
                        break;
                    case "metrics":
                        if (property.Value.ValueKind != JsonValueKind.Array)
                        {
                            errors.Add($"{propertyPath}: expected an array of metrics.");
                            break;
                        }

                        var i = 0;
                        foreach (var item in property.Value.EnumerateArray())
                        {
                            var metricPath = Index(propertyPath, i++);
                            metrics.Add((ReadMetric(item, metricPath) ?? new SlaMetricOptions(), metricPath));
                        }

                        break;
                    default:
                        errors.Add($"{propertyPath}: unknown field; a policy has name, match and metrics.");
                        break;
                }
            }

            foreach (var (metric, _) in metrics)
            {
                options.Metrics.Add(metric);
            }

            if (errors.Count > before)
            {
                return null;
            }

            return options.BuildCore(path, errors);
        }

        private void ReadMatch(JsonElement element, string path, SlaPolicyOptions options)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{path}: expected an object with kinds, priorities, tiers, contracts or services.");
                return;
            }

            foreach (var property in Properties(element, path))
            {
                var propertyPath = DefinitionJson.Field(path, property.Name);
                var values = ReadStrings(property.Value, propertyPath);
                switch (property.Name)
                {
                    case "kinds":
                        for (var i = 0; i < values.Count; i++)
                        {
                            if (Enum.TryParse<TicketKind>(values[i], ignoreCase: true, out var kind) && Enum.IsDefined(kind) && !char.IsAsciiDigit(values[i][0]))
                            {
                                options.Kinds.Add(kind);
                            }
                            else
                            {
                                errors.Add($"{Index(propertyPath, i)}: {TextPolicy.Echo(values[i])} is not a ticket kind; expected one of {string.Join(", ", Enum.GetNames<TicketKind>())}.");
                            }
                        }

                        break;
                    case "priorities":
                        for (var i = 0; i < values.Count; i++)
                        {
                            if (TryParsePriority(values[i], out var priority))
                            {
                                options.Priorities.Add(priority);
                            }
                            else
                            {
                                errors.Add($"{Index(propertyPath, i)}: {TextPolicy.Echo(values[i])} is not a priority; expected P1 to P5.");
                            }
                        }

                        break;
                    case "tiers":
                        options.CustomerTiers.UnionWith(values);
                        break;
                    case "contracts":
                        options.Contracts.UnionWith(values);
                        break;
                    case "services":
                        options.Services.UnionWith(values);
                        break;
                    default:
                        errors.Add($"{propertyPath}: unknown field; expected kinds, priorities, tiers, contracts or services.");
                        break;
                }
            }
        }

        private static bool TryParsePriority(string text, out Priority priority)
        {
            priority = default;
            if (text.Length == 2 && (text[0] == 'P' || text[0] == 'p') && text[1] is >= '1' and <= '5')
            {
                priority = (Priority)(text[1] - '0');
                return true;
            }

            return false;
        }

        private SlaMetricOptions? ReadMetric(JsonElement element, string path)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{path}: expected a metric object, found {Describe(element)}.");
                return null;
            }

            BusinessCalendar? calendar = null;
            var target = Duration.Zero;
            if (element.TryGetProperty("calendar", out var calendarElement))
            {
                calendar = ResolveCalendar(calendarElement, $"{path}.calendar");
            }

            if (element.TryGetProperty("target", out var targetElement))
            {
                target = ReadDuration(targetElement, $"{path}.target", allowZero: false) ?? Duration.Zero;
            }

            var options = new SlaMetricOptions();
            if (element.TryGetProperty("kind", out var kindElement))
            {
                var kind = ReadString(kindElement, $"{path}.kind");
                switch (kind)
                {
                    case "firstResponse":
                        options = SlaMetricOptions.FirstResponse(calendar!, target);
                        break;
                    case "nextResponse":
                        options = SlaMetricOptions.NextResponse(calendar!, target);
                        break;
                    case "resolution":
                        options = SlaMetricOptions.Resolution(calendar!, target);
                        break;
                    case "custom":
                    case null:
                        break;
                    default:
                        errors.Add($"{path}.kind: {TextPolicy.Echo(kind)} is not a metric kind; expected firstResponse, nextResponse, resolution or custom.");
                        break;
                }
            }

            options.Calendar = calendar;
            options.Target = target;
            foreach (var property in Properties(element, path))
            {
                var propertyPath = DefinitionJson.Field(path, property.Name);
                switch (property.Name)
                {
                    case "kind":
                    case "calendar":
                    case "target":
                        break;
                    case "name":
                        options.Name = ReadString(property.Value, propertyPath);
                        break;
                    case "targets":
                        ReadTargets(property.Value, propertyPath, options);
                        break;
                    case "start":
                        options.Start = ReadCondition(property.Value, propertyPath);
                        break;
                    case "stop":
                        options.Stop = ReadCondition(property.Value, propertyPath);
                        break;
                    case "pause":
                        options.Pause = ReadCondition(property.Value, propertyPath);
                        break;
                    case "resume":
                        options.Resume = ReadCondition(property.Value, propertyPath);
                        break;
                    case "reset":
                        options.Reset = ReadCondition(property.Value, propertyPath);
                        break;
                    case "cancel":
                        options.Cancel = ReadCondition(property.Value, propertyPath);
                        break;
                    case "reopen":
                        options.Reopen = ReadString(property.Value, propertyPath) switch
                        {
                            "newCycle" => SlaReopenBehavior.NewCycle,
                            "continue" => SlaReopenBehavior.Continue,
                            var other => Fault<SlaReopenBehavior>($"{propertyPath}: {TextPolicy.Echo(other)} is not a reopen behaviour; expected newCycle or continue."),
                        };
                        break;
                    case "priorityChange":
                        options.PriorityChange = ReadString(property.Value, propertyPath) switch
                        {
                            "keepElapsed" => SlaPriorityChange.KeepElapsed,
                            "restart" => SlaPriorityChange.Restart,
                            "retroactive" => SlaPriorityChange.Retroactive,
                            var other => Fault<SlaPriorityChange>($"{propertyPath}: {TextPolicy.Echo(other)} is not a priority-change mode; expected keepElapsed, restart or retroactive."),
                        };
                        break;
                    case "retroactiveStart":
                        if (property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                        {
                            options.RetroactiveStart = property.Value.GetBoolean();
                        }
                        else
                        {
                            errors.Add($"{propertyPath}: expected true or false, found {Describe(property.Value)}.");
                        }

                        break;
                    case "thresholds":
                        ReadThresholds(property.Value, propertyPath, options);
                        break;
                    default:
                        errors.Add($"{propertyPath}: unknown field; a metric has name, kind, calendar, target, targets, start, stop, pause, resume, reset, cancel, reopen, retroactiveStart, priorityChange and thresholds.");
                        break;
                }
            }

            if (!element.TryGetProperty("target", out _))
            {
                errors.Add($"{path}.target: missing; {SlaDurationText.Expectation}.");
            }

            if (!element.TryGetProperty("calendar", out _))
            {
                errors.Add($"{path}.calendar: missing; name a calendar of \"calendars\" or give one inline.");
            }

            return options;
        }

        private T Fault<T>(string error)
        {
            errors.Add(error);
            return default!;
        }

        private BusinessCalendar? ResolveCalendar(JsonElement element, string path)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                return ReadCalendar(element, path);
            }

            var name = ReadString(element, path);
            if (name is null)
            {
                return null;
            }

            if (_calendars.TryGetValue(name, out var calendar) || (external is not null && external.TryGetValue(name, out calendar)))
            {
                return calendar;
            }

            var known = _calendars.Keys.Concat(external?.Keys ?? []).Order(StringComparer.Ordinal).ToList();
            errors.Add($"{path}: unknown calendar {TextPolicy.Echo(name)}; known: {(known.Count == 0 ? "none" : string.Join(", ", known))}.");
            return null;
        }

        private void ReadTargets(JsonElement element, string path, SlaMetricOptions options)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{path}: expected an object of priority targets such as {{\"P1\":\"4h\"}}.");
                return;
            }

            foreach (var property in Properties(element, path))
            {
                var propertyPath = DefinitionJson.Field(path, property.Name);
                if (!TryParsePriority(property.Name, out var priority))
                {
                    errors.Add($"{propertyPath}: {TextPolicy.Echo(property.Name)} is not a priority; expected P1 to P5.");
                    continue;
                }

                if (ReadDuration(property.Value, propertyPath, allowZero: false) is { } target)
                {
                    options.TargetsByPriority[priority] = target;
                }
            }
        }

        private void ReadThresholds(JsonElement element, string path, SlaMetricOptions options)
        {
            if (element.ValueKind != JsonValueKind.Array)
            {
                errors.Add($"{path}: expected an array of thresholds such as [{{\"percent\":75}},{{\"before\":\"30m\"}}].");
                return;
            }

            var i = 0;
            foreach (var item in element.EnumerateArray())
            {
                var itemPath = Index(path, i++);
                if (item.ValueKind != JsonValueKind.Object || item.EnumerateObject().Count() != 1)
                {
                    errors.Add($"{itemPath}: expected an object with one of percent, before or after.");
                    continue;
                }

                var property = item.EnumerateObject().First();
                var propertyPath = DefinitionJson.Field(itemPath, property.Name);
                switch (property.Name)
                {
                    case "percent":
                        if (property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetDecimal(out var percent) && percent > 0 && percent <= SlaThreshold.MaxPercent)
                        {
                            options.Thresholds.Add(SlaThreshold.Percent(percent));
                        }
                        else
                        {
                            errors.Add($"{propertyPath}: {Describe(property.Value)} is not a valid percentage; expected a number more than 0 and at most {SlaThreshold.MaxPercent}.");
                        }

                        break;
                    case "before":
                        if (ReadDuration(property.Value, propertyPath, allowZero: false) is { } before)
                        {
                            options.Thresholds.Add(SlaThreshold.BeforeDue(before));
                        }

                        break;
                    case "after":
                        if (ReadDuration(property.Value, propertyPath, allowZero: false) is { } after)
                        {
                            options.Thresholds.Add(SlaThreshold.AfterDue(after));
                        }

                        break;
                    default:
                        errors.Add($"{propertyPath}: unknown field; expected percent, before or after.");
                        break;
                }
            }
        }

        private SlaCondition? ReadCondition(JsonElement element, string path)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{path}: expected a condition object such as {{\"status\":[\"Resolved\"]}}, found {Describe(element)}.");
                return null;
            }

            var properties = element.EnumerateObject().ToList();
            if (properties.Count != 1)
            {
                errors.Add($"{path}: a condition has exactly one of {string.Join(", ", ConditionKeys)}; found {properties.Count} fields.");
                return null;
            }

            var property = properties[0];
            var propertyPath = DefinitionJson.Field(path, property.Name);
            switch (property.Name)
            {
                case "created":
                case "never":
                    if (property.Value.ValueKind != JsonValueKind.True)
                    {
                        errors.Add($"{propertyPath}: expected true.");
                        return null;
                    }

                    return property.Name == "created" ? SlaCondition.Created : SlaCondition.Never;
                case "status":
                case "entered":
                {
                    var names = ReadStrings(property.Value, propertyPath);
                    if (names.Count == 0)
                    {
                        errors.Add($"{propertyPath}: expected a non-empty array of status names.");
                        return null;
                    }

                    return property.Name == "status" ? SlaCondition.StatusIn([.. names]) : SlaCondition.StatusEntered([.. names]);
                }

                case "hold":
                    return SlaCondition.OnHold([.. ReadStrings(property.Value, propertyPath)]);
                case "priority":
                {
                    var names = ReadStrings(property.Value, propertyPath);
                    var priorities = new List<Priority>();
                    for (var i = 0; i < names.Count; i++)
                    {
                        if (TryParsePriority(names[i], out var priority))
                        {
                            priorities.Add(priority);
                        }
                        else
                        {
                            errors.Add($"{Index(propertyPath, i)}: {TextPolicy.Echo(names[i])} is not a priority; expected P1 to P5.");
                        }
                    }

                    return priorities.Count == names.Count && names.Count > 0 ? SlaCondition.PriorityIn([.. priorities]) : null;
                }

                case "comment":
                    return ReadComment(property.Value, propertyPath);
                case "event":
                {
                    var name = ReadString(property.Value, propertyPath);
                    return string.IsNullOrEmpty(name) ? null : SlaCondition.Event(name);
                }

                case "any":
                case "all":
                {
                    if (property.Value.ValueKind != JsonValueKind.Array || property.Value.GetArrayLength() == 0)
                    {
                        errors.Add($"{propertyPath}: expected a non-empty array of conditions.");
                        return null;
                    }

                    var parts = property.Value.EnumerateArray().Select((c, i) => ReadCondition(c, Index(propertyPath, i))).ToList();
                    if (parts.Exists(p => p is null))
                    {
                        return null;
                    }

                    return property.Name == "any" ? SlaCondition.Any([.. parts!]) : SlaCondition.All([.. parts!]);
                }

                case "not":
                    return ReadCondition(property.Value, propertyPath) is { } inner ? SlaCondition.Not(inner) : null;
                default:
                    errors.Add($"{propertyPath}: unknown condition; expected one of {string.Join(", ", ConditionKeys)}.");
                    return null;
            }
        }

        private SlaCondition? ReadComment(JsonElement element, string path)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{path}: expected {{\"by\":\"agent\"|\"customer\"|\"system\",\"public\":true|false}}.");
                return null;
            }

            SlaActor? actor = null;
            bool? isPublic = null;
            var faulted = false;
            foreach (var property in Properties(element, path))
            {
                var propertyPath = DefinitionJson.Field(path, property.Name);
                switch (property.Name)
                {
                    case "by":
                        actor = ReadString(property.Value, propertyPath) switch
                        {
                            "agent" => SlaActor.Agent,
                            "customer" => SlaActor.Customer,
                            "system" => SlaActor.System,
                            var other => Fault<SlaActor?>($"{propertyPath}: {TextPolicy.Echo(other)} is not an actor; expected agent, customer or system."),
                        };
                        faulted |= actor is null;
                        break;
                    case "public":
                        if (property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                        {
                            isPublic = property.Value.GetBoolean();
                        }
                        else
                        {
                            faulted = true;
                            errors.Add($"{propertyPath}: expected true or false (omit it for both public and internal comments).");
                        }

                        break;
                    default:
                        faulted = true;
                        errors.Add($"{propertyPath}: unknown field; expected by and public.");
                        break;
                }
            }

            if (actor is null && !faulted)
            {
                errors.Add($"{path}.by: missing; expected agent, customer or system.");
            }

            return actor is null || faulted ? null : SlaCondition.Commented(actor.Value, isPublic);
        }

        private string? ReadString(JsonElement element, string path)
        {
            if (element.ValueKind == JsonValueKind.String && element.GetString() is { Length: > 0 } text)
            {
                return text;
            }

            errors.Add($"{path}: expected a non-empty string, found {Describe(element)}.");
            return null;
        }

        private List<string> ReadStrings(JsonElement element, string path)
        {
            var result = new List<string>();
            if (element.ValueKind != JsonValueKind.Array)
            {
                errors.Add($"{path}: expected an array of strings, found {Describe(element)}.");
                return result;
            }

            var i = 0;
            foreach (var item in element.EnumerateArray())
            {
                if (ReadString(item, Index(path, i++)) is { } text)
                {
                    result.Add(text);
                }
            }

            return result;
        }

        private Duration? ReadDuration(JsonElement element, string path, bool allowZero)
        {
            var text = element.ValueKind == JsonValueKind.String ? element.GetString() : null;
            if (!SlaDurationText.TryParse(text, out var duration, out var negative))
            {
                errors.Add(text is null
                    ? $"{path}: expected a duration string, found {Describe(element)}; {SlaDurationText.Expectation}."
                    : $"{path}: {TextPolicy.Echo(text)} {SlaDurationText.Explain(text)}.");
                return null;
            }

            if (negative || (!allowZero && duration == Duration.Zero))
            {
                errors.Add($"{path}: {TextPolicy.Echo(text)} is {(negative ? "negative" : "zero")}; it must be more than zero.");
                return null;
            }

            return duration;
        }
    }
}
