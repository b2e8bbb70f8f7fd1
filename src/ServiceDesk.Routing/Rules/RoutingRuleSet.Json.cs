using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using NodaTime.Text;
using ServiceDesk.Serialization;

namespace ServiceDesk.Routing;

/// <summary>The JSON form of a rule set.</summary>
public sealed partial class RoutingRuleSet
{
    /// <summary>Loads and compiles a rule set from its JSON definition (format in docs/routing.md).</summary>
    /// <param name="json">The definition, e.g.
    /// <c>{"mode":"firstMatch","rules":[{"name":"vpn","when":{"keywords":["vpn"]},"then":{"group":"network","tier":"secondLine"}}]}</c>.</param>
    /// <returns>The rule set.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDefinitionException">The text is not JSON, or the definition has faults. Every fault is
    /// listed with its JSON path, e.g. <c>$.rules[1].when.all[0].priority: 'P9' is not a priority</c>: unknown or
    /// missing fields, wrong JSON types, unknown enum names, invalid ids, keywords, tiers and attribute keys, a condition
    /// object with zero or several condition fields, empty lists, nesting deeper than
    /// <see cref="RoutingCondition.MaxDepth"/>, and every fault <see cref="RoutingRuleSetBuilder.Build"/> reports.</exception>
    /// <remarks>Comments and trailing commas are allowed. Enum names (mode, kind, priority, channel, tier) are
    /// case-insensitive; priorities may also be written 1 to 5.</remarks>
    public static RoutingRuleSet FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using (var document = DefinitionJson.Parse(json, "routing rule set"))
        {
            var errors = new List<string>();
            var builder = RuleJsonReader.Read(document.RootElement, errors);
            return builder.BuildCore(errors);
        }
    }

    /// <summary>Writes the rule set's JSON definition, which <see cref="FromJson(string)"/> reads back to a rule set that
    /// decides and explains identically.</summary>
    /// <param name="indented">Whether to indent the output; compact by default.</param>
    /// <returns>The JSON: <c>mode</c>, then the rules in definition order (so positions are kept) with their <c>order</c>,
    /// condition and actions. Enum values are written by name.</returns>
    public string ToJson(bool indented = false)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All) }))
        {
            writer.WriteStartObject();
            writer.WriteString("mode", Mode == RuleEvaluationMode.AllMatch ? "allMatch" : "firstMatch");
            writer.WriteStartArray("rules");
            foreach (var rule in _rules.OrderBy(r => r.Position))
            {
                writer.WriteStartObject();
                writer.WriteString("name", rule.Name);
                if (rule.Order != 0)
                {
                    writer.WriteNumber("order", rule.Order);
                }

                writer.WritePropertyName("when");
                rule.Condition.WriteJson(writer);
                writer.WriteStartObject("then");
                if (rule.Group is { } group)
                {
                    writer.WriteString("group", group.Value);
                }

                if (rule.Tier is { } tier)
                {
                    writer.WriteString("tier", tier.ToString());
                }

                if (rule.Priority is { } priority)
                {
                    writer.WriteString("priority", priority.ToString());
                }

                if (rule.RaisePriorityTo is { } raise)
                {
                    writer.WriteString("raisePriority", raise.ToString());
                }

                if (rule.SlaPolicy is { } sla)
                {
                    writer.WriteString("slaPolicy", sla);
                }

                if (rule.Tags.Count > 0)
                {
                    writer.WriteStartArray("tags");
                    foreach (var tag in rule.Tags)
                    {
                        writer.WriteStringValue(tag);
                    }

                    writer.WriteEndArray();
                }

                if (rule.StopsEvaluation)
                {
                    writer.WriteBoolean("stop", true);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static class RuleJsonReader
    {
        private static readonly string[] RootKeys = ["mode", "rules"];
        private static readonly string[] RuleKeys = ["name", "order", "when", "then"];
        private static readonly string[] ThenKeys = ["group", "tier", "priority", "raisePriority", "slaPolicy", "tags", "stop"];
        private static readonly string[] AttributeKeys = ["key", "op", "value", "type"];

        private static readonly string[] ConditionKeys =
        [
            "all", "any", "not", "always", "kind", "category", "service", "configurationItem", "customer", "customerTier",
            "contract", "priority", "priorityAtLeast", "channel", "location", "keywords", "attribute",
        ];

        public static RoutingRuleSetBuilder Read(JsonElement root, List<string> errors)
        {
            var builder = new RoutingRuleSetBuilder();
            if (root.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"$: expected an object with \"mode\" and \"rules\", found {Describe(root)}.");
                return builder;
            }

            Internal.DefinitionFaults.UnknownFields(root, "$", RootKeys, errors);
            if (root.TryGetProperty("mode", out var mode))
            {
                if (ParseEnum<RuleEvaluationMode>(mode, "$.mode", errors) is { } m)
                {
                    builder.Mode = m;
                }
            }

            if (!root.TryGetProperty("rules", out var rules))
            {
                errors.Add("$.rules: required; give an array of rules (it may be empty).");
                return builder;
            }

            if (rules.ValueKind != JsonValueKind.Array)
            {
                errors.Add($"$.rules: expected an array, found {Describe(rules)}.");
                return builder;
            }

            var index = 0;
            foreach (var rule in rules.EnumerateArray())
            {
                ReadRule(builder, rule, index, string.Create(CultureInfo.InvariantCulture, $"$.rules[{index}]"), errors);
                index++;
            }

            return builder;
        }

        private static void ReadRule(RoutingRuleSetBuilder builder, JsonElement rule, int index, string path, List<string> errors)
        {
            if (rule.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{path}: expected a rule object, found {Describe(rule)}.");
                builder.Rule("(invalid)", r => r.StopProcessing());
                builder.FaultedConditions.Add(index);
                return;
            }

            Internal.DefinitionFaults.UnknownFields(rule, path, RuleKeys, errors);
            var name = (rule.TryGetProperty("name", out var n) ? String(n, $"{path}.name", errors) : Missing($"{path}.name", "a string", errors))
                ?? string.Create(CultureInfo.InvariantCulture, $"(rule {index})");
            RoutingCondition? condition = null;
            if (rule.TryGetProperty("when", out var when))
            {
                condition = ReadCondition(when, $"{path}.when", errors);
            }

            if (condition is null)
            {
                if (when.ValueKind == JsonValueKind.Undefined)
                {
                    errors.Add($"{path}.when: required; give a condition such as {{\"always\": true}}.");
                }

                builder.FaultedConditions.Add(index);
            }

            builder.Rule(name, r =>
            {
                if (condition is not null)
                {
                    r.When(condition);
                }

                if (rule.TryGetProperty("order", out var order))
                {
                    if (order.ValueKind == JsonValueKind.Number && order.TryGetInt32(out var o))
                    {
                        r.WithOrder(o);
                    }
                    else
                    {
                        errors.Add($"{path}.order: expected a 32-bit integer, found {Describe(order)}.");
                    }
                }

                if (rule.TryGetProperty("then", out var then))
                {
                    var before = errors.Count;
                    ReadThen(r, then, $"{path}.then", errors);
                    if (errors.Count > before)
                    {
                        builder.FaultedActions.Add(index);
                    }
                }
                else
                {
                    errors.Add($"{path}.then: required; give at least one action (group, tier, priority, raisePriority, slaPolicy, tags, stop).");
                    r.StopProcessing();
                }
            });
        }

        private static void ReadThen(RoutingRuleBuilder rule, JsonElement then, string path, List<string> errors)
        {
            if (then.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{path}: expected an object of actions, found {Describe(then)}.");
                rule.StopProcessing();
                return;
            }

            Internal.DefinitionFaults.UnknownFields(then, path, ThenKeys, errors);
            SupportTier? tier = null;
            if (then.TryGetProperty("tier", out var t))
            {
                tier = ParseEnum<SupportTier>(t, $"{path}.tier", errors);
                if (tier is { } parsed)
                {
                    rule.AtTier(parsed);
                }
            }

            if (then.TryGetProperty("group", out var g) && String(g, $"{path}.group", errors) is { } group
                && Try($"{path}.group", errors, () => (object)new GroupId(group)) is GroupId id)
            {
                rule.AssignTo(id, tier);
            }

            if (then.TryGetProperty("priority", out var p) && ParsePriority(p, $"{path}.priority", errors) is { } priority)
            {
                rule.SetPriority(priority);
            }

            if (then.TryGetProperty("raisePriority", out var rp) && ParsePriority(rp, $"{path}.raisePriority", errors) is { } raise)
            {
                rule.RaisePriorityTo(raise);
            }

            if (then.TryGetProperty("slaPolicy", out var s) && String(s, $"{path}.slaPolicy", errors) is { } sla)
            {
                rule.UseSlaPolicy(sla);
            }

            if (then.TryGetProperty("tags", out var tags) && Strings(tags, $"{path}.tags", errors) is { } list)
            {
                rule.AddTags(list);
            }

            if (then.TryGetProperty("stop", out var stop))
            {
                if (stop.ValueKind is JsonValueKind.True)
                {
                    rule.StopProcessing();
                }
                else if (stop.ValueKind is not JsonValueKind.False)
                {
                    errors.Add($"{path}.stop: expected true or false, found {Describe(stop)}.");
                }
            }
        }

        private static RoutingCondition? ReadCondition(JsonElement element, string path, List<string> errors)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{path}: expected a condition object such as {{\"keywords\": [\"vpn\"]}}, found {Describe(element)}.");
                return null;
            }

            var keys = new List<string>();
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name == "subcategory")
                {
                    continue;
                }

                if (Array.IndexOf(ConditionKeys, property.Name) < 0)
                {
                    errors.Add($"{DefinitionJson.Field(path, property.Name)}: unknown condition; use one of {string.Join(", ", ConditionKeys)}.");
                    return null;
                }

                keys.Add(property.Name);
            }

            if (keys.Count != 1)
            {
                errors.Add(keys.Count == 0
                    ? $"{path}: empty condition; give exactly one of {string.Join(", ", ConditionKeys)}."
                    : $"{path}: a condition object holds exactly one condition, found {string.Join(", ", keys)}; combine them with \"all\" or \"any\".");
                return null;
            }

            var key = keys[0];
            var value = element.GetProperty(key);
            var at = $"{path}.{key}";
            if (key != "category" && element.TryGetProperty("subcategory", out _))
            {
                errors.Add($"{path}.subcategory: only allowed next to \"category\".");
            }

            switch (key)
            {
                case "all":
                case "any":
                    {
                        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
                        {
                            errors.Add($"{at}: expected a non-empty array of conditions, found {Describe(value)}.");
                            return null;
                        }

                        var children = new List<RoutingCondition>();
                        var i = 0;
                        var failed = false;
                        foreach (var child in value.EnumerateArray())
                        {
                            var c = ReadCondition(child, string.Create(CultureInfo.InvariantCulture, $"{at}[{i++}]"), errors);
                            if (c is null)
                            {
                                failed = true;
                            }
                            else
                            {
                                children.Add(c);
                            }
                        }

                        return failed ? null : Try(at, errors, () => key == "all" ? RoutingCondition.All([.. children]) : RoutingCondition.Any([.. children]));
                    }

                case "not":
                    return ReadCondition(value, at, errors) is { } inner ? Try(at, errors, () => RoutingCondition.Not(inner)) : null;
                case "always":
                    if (value.ValueKind != JsonValueKind.True)
                    {
                        errors.Add($"{at}: expected true, found {Describe(value)}.");
                        return null;
                    }

                    return RoutingCondition.Always;
                case "category":
                    {
                        var category = String(value, at, errors);
                        string? subcategory = null;
                        var subOk = !element.TryGetProperty("subcategory", out var sub) || (subcategory = String(sub, $"{path}.subcategory", errors)) is not null;
                        return category is null || !subOk ? null : Try(at, errors, () => RoutingCondition.CategoryIs(category, subcategory));
                    }

                case "kind":
                    return Enums<TicketKind>(value, at, errors, null) is { } kinds ? Try(at, errors, () => RoutingCondition.KindIn(kinds)) : null;
                case "priority":
                    return Enums<Priority>(value, at, errors, ParsePriority) is { } priorities ? Try(at, errors, () => RoutingCondition.PriorityIn(priorities)) : null;
                case "priorityAtLeast":
                    return ParsePriority(value, at, errors) is { } least ? RoutingCondition.PriorityAtLeast(least) : null;
                case "channel":
                    return Enums<Channel>(value, at, errors, null) is { } channels ? Try(at, errors, () => RoutingCondition.ChannelIn(channels)) : null;
                case "service":
                    return Ids(value, at, errors, v => new ServiceId(v), RoutingCondition.ServiceIn);
                case "configurationItem":
                    return Ids(value, at, errors, v => new ConfigurationItemId(v), RoutingCondition.ConfigurationItemIn);
                case "customer":
                    return Ids(value, at, errors, v => new CustomerId(v), RoutingCondition.CustomerIn);
                case "contract":
                    return Ids(value, at, errors, v => new ContractId(v), RoutingCondition.ContractIn);
                case "location":
                    return Ids(value, at, errors, v => new LocationId(v), RoutingCondition.LocationIn);
                case "customerTier":
                    return Ids(value, at, errors, v => v, RoutingCondition.CustomerTierIn);
                case "keywords":
                    return Ids(value, at, errors, v => v, RoutingCondition.HasKeyword);
                default:
                    return ReadAttribute(value, at, errors);
            }
        }

        private static RoutingCondition? ReadAttribute(JsonElement value, string at, List<string> errors)
        {
            if (value.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{at}: expected {{\"key\": …, \"op\": …, \"value\": …}}, found {Describe(value)}.");
                return null;
            }

            Internal.DefinitionFaults.UnknownFields(value, at, AttributeKeys, errors);
            var key = value.TryGetProperty("key", out var k) ? String(k, $"{at}.key", errors) : Missing($"{at}.key", "a string", errors);
            var op = value.TryGetProperty("op", out var o) ? String(o, $"{at}.op", errors) : "exists";
            AttributeOperator? comparison = op switch
            {
                null or "exists" => null,
                "eq" => AttributeOperator.Equal,
                "ne" => AttributeOperator.NotEqual,
                "lt" => AttributeOperator.Less,
                "le" => AttributeOperator.LessOrEqual,
                "gt" => AttributeOperator.Greater,
                "ge" => AttributeOperator.GreaterOrEqual,
                _ => (AttributeOperator)0,
            };
            if (comparison == 0)
            {
                errors.Add($"{at}.op: {TextPolicy.Echo(op)} is not an operator; use exists, eq, ne, lt, le, gt or ge.");
                return null;
            }

            if (key is null || op is null || Try($"{at}.key", errors, () => RoutingCondition.HasAttribute(key)) is not { } exists)
            {
                return null;
            }

            if (comparison is null)
            {
                if (value.TryGetProperty("value", out _))
                {
                    errors.Add($"{at}.value: not allowed with op \"exists\".");
                    return null;
                }

                return exists;
            }

            if (!value.TryGetProperty("value", out var v))
            {
                errors.Add($"{at}.value: required with op \"{op}\".");
                return null;
            }

            var type = value.TryGetProperty("type", out var t) ? String(t, $"{at}.type", errors) : null;
            AttributeValue? parsed = (type, v.ValueKind) switch
            {
                (null, JsonValueKind.String) => AttributeValue.FromString(v.GetString()!),
                (null, JsonValueKind.True or JsonValueKind.False) => AttributeValue.FromBoolean(v.GetBoolean()),
                (null, JsonValueKind.Number) when v.TryGetInt64(out var l) => AttributeValue.FromInteger(l),
                (null, JsonValueKind.Number) when v.TryGetDecimal(out var d) => AttributeValue.FromDecimal(d),
                ("instant", JsonValueKind.String) when InstantPattern.ExtendedIso.Parse(v.GetString()!) is { Success: true } r => AttributeValue.FromInstant(r.Value),
                ("date", JsonValueKind.String) when LocalDatePattern.Iso.Parse(v.GetString()!) is { Success: true } r => AttributeValue.FromDate(r.Value),
                _ => null,
            };
            if (parsed is null)
            {
                errors.Add(type is null or "instant" or "date"
                    ? $"{at}.value: {Describe(v)} is not a valid {type ?? "string, number or Boolean"} value{(type is null ? string.Empty : " (ISO-8601 text)")}."
                    : $"{at}.type: {TextPolicy.Echo(type)} is not a type; use \"instant\" or \"date\", or omit it for strings, numbers and Booleans.");
                return null;
            }

            return Try(at, errors, () => RoutingCondition.AttributeIs(key, comparison.Value, parsed.Value));
        }

        private static RoutingCondition? Ids<T>(JsonElement value, string at, List<string> errors, Func<string, T> create, Func<T[], RoutingCondition> condition)
        {
            (JsonElement Item, string Path)[] items;
            if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0)
            {
                items = [.. value.EnumerateArray().Select((item, i) => (item, string.Create(CultureInfo.InvariantCulture, $"{at}[{i}]")))];
            }
            else if (value.ValueKind == JsonValueKind.String)
            {
                items = [(value, at)];
            }
            else
            {
                errors.Add(value.ValueKind == JsonValueKind.Array
                    ? $"{at}: empty array; give at least one value."
                    : $"{at}: expected a string or an array of strings, found {Describe(value)}.");
                return null;
            }

            var ids = new T[items.Length];
            var ok = true;
            for (var i = 0; i < items.Length; i++)
            {
                var (item, itemPath) = items[i];
                if (String(item, itemPath, errors) is not { } text)
                {
                    ok = false;
                    continue;
                }

                if (Try(itemPath, errors, () => (object)create(text)!) is T id
                    && (typeof(T) != typeof(string) || Try(itemPath, errors, () => condition([id])) is not null))
                {
                    ids[i] = id;
                }
                else
                {
                    ok = false;
                }
            }

            return ok ? Try(at, errors, () => condition(ids)) : null;
        }

        private static T[]? Enums<T>(JsonElement value, string at, List<string> errors, Func<JsonElement, string, List<string>, T?>? parse)
            where T : struct, Enum
        {
            parse ??= ParseEnum<T>;
            if (value.ValueKind != JsonValueKind.Array)
            {
                return parse(value, at, errors) is { } single ? [single] : null;
            }

            if (value.GetArrayLength() == 0)
            {
                errors.Add($"{at}: empty array; give at least one value.");
                return null;
            }

            var list = new List<T>();
            var i = 0;
            var ok = true;
            foreach (var item in value.EnumerateArray())
            {
                if (parse(item, string.Create(CultureInfo.InvariantCulture, $"{at}[{i++}]"), errors) is { } parsed)
                {
                    list.Add(parsed);
                }
                else
                {
                    ok = false;
                }
            }

            return ok ? [.. list] : null;
        }

        private static Priority? ParsePriority(JsonElement value, string at, List<string> errors)
        {
            if (value.ValueKind == JsonValueKind.Number)
            {
                if (value.TryGetInt32(out var n) && n is >= 1 and <= 5)
                {
                    return (Priority)n;
                }

                errors.Add($"{at}: {Describe(value)} is not a priority; use 1 to 5 or P1Critical to P5Planning.");
                return null;
            }

            return ParseEnum<Priority>(value, at, errors);
        }

        private static T? ParseEnum<T>(JsonElement value, string at, List<string> errors)
            where T : struct, Enum
        {
            if (value.ValueKind == JsonValueKind.String)
            {
                var text = value.GetString()!;
                foreach (var name in Enum.GetNames<T>())
                {
                    if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
                    {
                        return Enum.Parse<T>(name);
                    }
                }
            }

            errors.Add($"{at}: {Describe(value)} is not a {typeof(T).Name}; use one of {string.Join(", ", Enum.GetNames<T>())}.");
            return null;
        }

        private static string[]? Strings(JsonElement value, string at, List<string> errors)
        {
            if (value.ValueKind == JsonValueKind.String)
            {
                return [value.GetString()!];
            }

            if (value.ValueKind != JsonValueKind.Array)
            {
                errors.Add($"{at}: expected a string or an array of strings, found {Describe(value)}.");
                return null;
            }

            if (value.GetArrayLength() == 0)
            {
                errors.Add($"{at}: empty array; give at least one value.");
                return null;
            }

            var list = new List<string>();
            var i = 0;
            var ok = true;
            foreach (var item in value.EnumerateArray())
            {
                if (String(item, string.Create(CultureInfo.InvariantCulture, $"{at}[{i++}]"), errors) is { } s)
                {
                    list.Add(s);
                }
                else
                {
                    ok = false;
                }
            }

            return ok ? [.. list] : null;
        }

        private static string? String(JsonElement value, string at, List<string> errors)
        {
            if (value.ValueKind == JsonValueKind.String)
            {
                return value.GetString();
            }

            errors.Add($"{at}: expected a string, found {Describe(value)}.");
            return null;
        }

        private static string? Missing(string at, string what, List<string> errors)
        {
            errors.Add($"{at}: required; give {what}.");
            return null;
        }

        private static T? Try<T>(string at, List<string> errors, Func<T> create)
            where T : class
        {
            try
            {
                return create();
            }
            catch (ArgumentException e)
            {
                var message = e.Message;
                var cut = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
                errors.Add($"{at}: {(cut >= 0 ? message[..cut] : message)}");
                return null;
            }
        }

        private static string Describe(JsonElement value) => DefinitionJson.Describe(value);
    }
}
