using System.Text;
using System.Text.Json;
using ServiceDesk.Events;
using ServiceDesk.Serialization;

namespace ServiceDesk.Workflow;

/// <summary>Reads and writes the JSON form of a workflow; every fault is reported with its JSON path.</summary>
internal static class WorkflowJson
{
    private static readonly string[] RootKeys = ["name", "kind", "initial", "states", "transitions"];
    private static readonly string[] StateKeys = ["name", "sla", "hold", "reasons"];
    private static readonly string[] ReasonKeys = ["name", "sla"];
    private static readonly string[] TransitionKeys = ["from", "trigger", "to", "guards", "reasons", "requiresNotes", "otherwise", "cascade"];
    private static readonly string[] OtherwiseKeys = ["outcome", "guard"];
    private static readonly string[] CascadeKeys = ["linkType", "direction", "trigger", "reason", "notes", "skip"];

    public static WorkflowBuilder Read(string json, IEnumerable<WorkflowGuard> guards)
    {
        using (var document = DefinitionJson.Parse(json, "workflow JSON"))
        {
            var errors = new List<string>();
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDefinitionException("workflow JSON", [$"$: expected an object, found {DefinitionJson.Describe(root)}."]);
            }

            UnknownKeys(root, "$", RootKeys, errors);
            var name = String(root, "name", "$", errors, required: true);
            WorkflowBuilder builder;
            if (name is null || string.IsNullOrWhiteSpace(name) || name.Length > 100)
            {
                if (name is not null)
                {
                    errors.Add("$.name: a workflow name must be 1 to 100 characters and not blank.");
                }

                builder = new WorkflowBuilder("(unnamed)");
            }
            else
            {
                builder = new WorkflowBuilder(name);
            }

            builder.Guards(guards);
            if (String(root, "kind", "$", errors, required: false) is { } kindText)
            {
                if (System.Enum.TryParse<TicketKind>(kindText, ignoreCase: false, out var kind) && System.Enum.IsDefined(kind) && char.IsAsciiLetter(kindText[0]))
                {
                    builder.ForKind(kind);
                }
                else
                {
                    errors.Add($"$.kind: {TextPolicy.Echo(kindText)} is not a ticket kind; use {string.Join(", ", System.Enum.GetNames<TicketKind>())}.");
                }
            }

            var hasInitial = false;
            if (String(root, "initial", "$", errors, required: true) is { } initialText && Status(initialText, "$.initial", errors) is { } initial)
            {
                builder.InitialState(initial);
                hasInitial = true;
            }

            ReadStates(root, builder, errors);
            ReadTransitions(root, builder, errors);
            if (!hasInitial && builder.Initial is not null)
            {
                // The builder defaults the initial state to the first state; JSON requires it explicitly.
                builder.RemoveInitialForJson();
            }

            foreach (var error in errors)
            {
                builder.AddFault(error);
            }

            return builder;
        }
    }

    public static string Write(WorkflowDefinition definition)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("name", definition.Name);
            if (definition.Kind is { } kind)
            {
                w.WriteString("kind", kind.ToString());
            }

            w.WriteString("initial", definition.Initial.Name);
            w.WriteStartArray("states");
            foreach (var s in definition.States)
            {
                w.WriteStartObject();
                w.WriteString("name", s.Name.Name);
                if (s.Sla != SlaMode.Running)
                {
                    w.WriteString("sla", s.Sla.ToString());
                }

                if (s.IsHold)
                {
                    w.WriteBoolean("hold", true);
                }

                if (s.Reasons.Count > 0)
                {
                    w.WriteStartArray("reasons");
                    foreach (var r in s.Reasons)
                    {
                        if (r.Sla is { } mode)
                        {
                            w.WriteStartObject();
                            w.WriteString("name", r.Name);
                            w.WriteString("sla", mode.ToString());
                            w.WriteEndObject();
                        }
                        else
                        {
                            w.WriteStringValue(r.Name);
                        }
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("transitions");
            foreach (var t in definition.Transitions)
            {
                w.WriteStartObject();
                w.WriteString("from", t.From.Name);
                w.WriteString("trigger", t.Trigger.Name);
                w.WriteString("to", t.To.Name);
                WriteStrings(w, "guards", t.Guards.Select(g => g.Name));
                WriteStrings(w, "reasons", t.Reasons);
                if (t.RequiresNotes)
                {
                    w.WriteBoolean("requiresNotes", true);
                }

                if (t.Otherwise != RejectionOutcome.None)
                {
                    w.WriteStartObject("otherwise");
                    w.WriteString("outcome", t.Otherwise.ToString());
                    w.WriteString("guard", t.OtherwiseGuard);
                    w.WriteEndObject();
                }

                if (t.Cascade is { } c)
                {
                    w.WriteStartObject("cascade");
                    w.WriteString("linkType", c.LinkType.ToString());
                    w.WriteString("direction", c.Direction.ToString());
                    w.WriteString("trigger", c.Trigger.Name);
                    if (c.Reason is not null)
                    {
                        w.WriteString("reason", c.Reason);
                    }

                    if (c.Notes is not null)
                    {
                        w.WriteString("notes", c.Notes);
                    }

                    WriteStrings(w, "skip", c.SkipStatuses.Select(s => s.Name), always: true);
                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values, bool always = false)
    {
        var list = values.ToArray();
        if (list.Length == 0 && !always)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (var v in list)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    private static void ReadStates(JsonElement root, WorkflowBuilder builder, List<string> errors)
    {
        if (!root.TryGetProperty("states", out var states))
        {
            errors.Add("$.states: required; an array of states.");
            return;
        }

        if (states.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"$.states: expected an array, found {DefinitionJson.Describe(states)}.");
            return;
        }

        var i = 0;
        foreach (var state in states.EnumerateArray())
        {
            var path = $"$.states[{i++}]";
            if (state.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{path}: expected an object, found {DefinitionJson.Describe(state)}.");
                continue;
            }

            UnknownKeys(state, path, StateKeys, errors);
            var nameText = String(state, "name", path, errors, required: true);
            var name = nameText is null ? null : Status(nameText, path + ".name", errors);
            var sla = ReadEnum<SlaMode>(state, "sla", path, errors);
            var hold = Bool(state, "hold", path, errors);
            var reasons = new List<StateReason>();
            if (state.TryGetProperty("reasons", out var reasonArray))
            {
                if (reasonArray.ValueKind != JsonValueKind.Array)
                {
                    errors.Add($"{path}.reasons: expected an array, found {DefinitionJson.Describe(reasonArray)}.");
                }
                else
                {
                    var r = 0;
                    foreach (var reason in reasonArray.EnumerateArray())
                    {
                        var reasonPath = $"{path}.reasons[{r++}]";
                        if (reason.ValueKind == JsonValueKind.String)
                        {
                            reasons.Add(new StateReason(reason.GetString()!));
                        }
                        else if (reason.ValueKind == JsonValueKind.Object)
                        {
                            UnknownKeys(reason, reasonPath, ReasonKeys, errors);
                            if (String(reason, "name", reasonPath, errors, required: true) is { } reasonName)
                            {
                                reasons.Add(new StateReason(reasonName, ReadEnum<SlaMode>(reason, "sla", reasonPath, errors)));
                            }
                        }
                        else
                        {
                            errors.Add($"{reasonPath}: expected a reason name or an object with 'name' and 'sla', found {DefinitionJson.Describe(reason)}.");
                        }
                    }
                }
            }

            if (name is { } status)
            {
                builder.AddState(status, path, s =>
                {
                    s.Sla(sla ?? SlaMode.Running).Hold(hold ?? false);
                    foreach (var reason in reasons)
                    {
                        s.Reason(reason.Name, reason.Sla);
                    }
                });
            }
        }
    }

    private static void ReadTransitions(JsonElement root, WorkflowBuilder builder, List<string> errors)
    {
        if (!root.TryGetProperty("transitions", out var transitions))
        {
            errors.Add("$.transitions: required; an array of transitions.");
            return;
        }

        if (transitions.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"$.transitions: expected an array, found {DefinitionJson.Describe(transitions)}.");
            return;
        }

        var i = 0;
        foreach (var t in transitions.EnumerateArray())
        {
            var path = $"$.transitions[{i++}]";
            if (t.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{path}: expected an object, found {DefinitionJson.Describe(t)}.");
                continue;
            }

            UnknownKeys(t, path, TransitionKeys, errors);
            var froms = new List<(TicketStatus Status, string Path)>();
            if (!t.TryGetProperty("from", out var from))
            {
                errors.Add($"{path}.from: required; a state name or an array of state names.");
            }
            else if (from.ValueKind == JsonValueKind.String)
            {
                if (Status(from.GetString()!, path + ".from", errors) is { } s)
                {
                    froms.Add((s, path + ".from"));
                }
            }
            else if (from.ValueKind == JsonValueKind.Array && from.GetArrayLength() > 0)
            {
                var f = 0;
                foreach (var item in from.EnumerateArray())
                {
                    var itemPath = $"{path}.from[{f++}]";
                    if (item.ValueKind != JsonValueKind.String)
                    {
                        errors.Add($"{itemPath}: expected a state name, found {DefinitionJson.Describe(item)}.");
                    }
                    else if (Status(item.GetString()!, itemPath, errors) is { } s)
                    {
                        froms.Add((s, itemPath));
                    }
                }
            }
            else
            {
                errors.Add($"{path}.from: expected a state name or a non-empty array of state names, found {DefinitionJson.Describe(from)}.");
            }

            var triggerText = String(t, "trigger", path, errors, required: true);
            WorkflowTrigger? trigger = null;
            if (triggerText is not null)
            {
                if (Names.IsIdentifier(triggerText, WorkflowTrigger.MaxLength))
                {
                    trigger = new WorkflowTrigger(triggerText);
                }
                else
                {
                    errors.Add($"{path}.trigger: {TextPolicy.Echo(triggerText)} is not a valid trigger name; use 1 to {WorkflowTrigger.MaxLength} ASCII letters, digits or underscores, starting with a letter.");
                }
            }

            var toText = String(t, "to", path, errors, required: true);
            var to = toText is null ? null : Status(toText, path + ".to", errors);
            var guards = Strings(t, "guards", path, errors);
            var reasons = Strings(t, "reasons", path, errors);
            var requiresNotes = Bool(t, "requiresNotes", path, errors) ?? false;
            var otherwise = RejectionOutcome.None;
            string? otherwiseGuard = null;
            if (t.TryGetProperty("otherwise", out var o))
            {
                if (o.ValueKind != JsonValueKind.Object)
                {
                    errors.Add($"{path}.otherwise: expected an object with 'outcome' and 'guard', found {DefinitionJson.Describe(o)}.");
                }
                else
                {
                    UnknownKeys(o, path + ".otherwise", OtherwiseKeys, errors);
                    otherwise = ReadEnum<RejectionOutcome>(o, "outcome", path + ".otherwise", errors) ?? RejectionOutcome.None;
                    otherwiseGuard = String(o, "guard", path + ".otherwise", errors, required: true);
                }
            }

            var cascade = t.TryGetProperty("cascade", out var c) ? Cascade(c, path + ".cascade", errors) : null;
            if (trigger is not { } trig || to is not { } target)
            {
                continue;
            }

            foreach (var (source, fromPath) in froms)
            {
                builder.AddTransition(source, trig, target, path, fromPath, b =>
                {
                    b.When(guards.ToArray()).WithReasons(reasons.ToArray()).RequireNotes(requiresNotes);
                    if (otherwise == RejectionOutcome.NewLinkedTicket && otherwiseGuard is not null)
                    {
                        b.OrNewLinkedTicketWhenUnmet(otherwiseGuard);
                    }

                    if (cascade is { } rule)
                    {
                        b.Cascade(rule.LinkType, rule.Direction, rule.Trigger, rule.Reason, rule.Notes, rule.SkipStatuses);
                    }
                });
            }
        }
    }

    private static CascadeRule? Cascade(JsonElement c, string path, List<string> errors)
    {
        if (c.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{path}: expected an object, found {DefinitionJson.Describe(c)}.");
            return null;
        }

        UnknownKeys(c, path, CascadeKeys, errors);
        var linkType = ReadEnum<TicketLinkType>(c, "linkType", path, errors);
        var direction = ReadEnum<LinkDirection>(c, "direction", path, errors);
        var triggerText = String(c, "trigger", path, errors, required: true);
        var reason = String(c, "reason", path, errors, required: false);
        var notes = String(c, "notes", path, errors, required: false);
        var skip = new List<TicketStatus>();
        var hasSkip = c.TryGetProperty("skip", out _);
        var skipNames = Strings(c, "skip", path, errors);
        for (var i = 0; i < skipNames.Count; i++)
        {
            if (Status(skipNames[i], $"{path}.skip[{i}]", errors) is { } s)
            {
                skip.Add(s);
            }
        }

        if (linkType is null)
        {
            errors.Add($"{path}.linkType: required; one of {string.Join(", ", System.Enum.GetNames<TicketLinkType>())}.");
        }

        if (direction is null)
        {
            errors.Add($"{path}.direction: required; one of {string.Join(", ", System.Enum.GetNames<LinkDirection>())}.");
        }

        if (triggerText is not null && !Names.IsIdentifier(triggerText, WorkflowTrigger.MaxLength))
        {
            errors.Add($"{path}.trigger: {TextPolicy.Echo(triggerText)} is not a valid trigger name.");
            triggerText = null;
        }

        if (reason is not null && (string.IsNullOrWhiteSpace(reason) || reason.Length > Ticket.MaxHoldReasonLength))
        {
            errors.Add($"{path}.reason: must be 1 to {Ticket.MaxHoldReasonLength} characters and not blank.");
        }

        return linkType is { } lt && direction is { } d && triggerText is not null
            ? new CascadeRule(lt, d, new WorkflowTrigger(triggerText), reason, notes, hasSkip ? skip : CascadeRule.DefaultSkipStatuses)
            : null;
    }

    private static void UnknownKeys(JsonElement element, string path, string[] known, List<string> errors)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (Array.IndexOf(known, property.Name) < 0)
            {
                errors.Add($"{DefinitionJson.Field(path, property.Name)}: unknown property; expected {string.Join(", ", known)}.");
            }
        }
    }

    private static string? String(JsonElement element, string key, string path, List<string> errors, bool required)
    {
        if (!element.TryGetProperty(key, out var value))
        {
            if (required)
            {
                errors.Add($"{path}.{key}: required.");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add($"{path}.{key}: expected a string, found {DefinitionJson.Describe(value)}.");
            return null;
        }

        return value.GetString();
    }

    private static bool? Bool(JsonElement element, string key, string path, List<string> errors)
    {
        if (!element.TryGetProperty(key, out var value))
        {
            return null;
        }

        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }

        errors.Add($"{path}.{key}: expected true or false, found {DefinitionJson.Describe(value)}.");
        return null;
    }

    private static List<string> Strings(JsonElement element, string key, string path, List<string> errors)
    {
        var list = new List<string>();
        if (!element.TryGetProperty(key, out var value))
        {
            return list;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"{path}.{key}: expected an array of strings, found {DefinitionJson.Describe(value)}.");
            return list;
        }

        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                list.Add(item.GetString()!);
            }
            else
            {
                errors.Add($"{path}.{key}[{i}]: expected a string, found {DefinitionJson.Describe(item)}.");
            }

            i++;
        }

        return list;
    }

    private static TEnum? ReadEnum<TEnum>(JsonElement element, string key, string path, List<string> errors)
        where TEnum : struct, System.Enum
    {
        var text = String(element, key, path, errors, required: false);
        if (text is null)
        {
            return null;
        }

        if (text.Length > 0 && char.IsAsciiLetter(text[0]) && System.Enum.TryParse<TEnum>(text, ignoreCase: false, out var value) && System.Enum.IsDefined(value))
        {
            return value;
        }

        errors.Add($"{path}.{key}: {TextPolicy.Echo(text)} is not valid; use {string.Join(", ", System.Enum.GetNames<TEnum>())}.");
        return null;
    }

    private static TicketStatus? Status(string text, string path, List<string> errors)
    {
        if (Names.IsStatus(text))
        {
            return new TicketStatus(text);
        }

        errors.Add($"{path}: {TextPolicy.Echo(text)} is not a valid state name; use 1 to {TicketStatus.MaxLength} ASCII letters, digits or underscores, starting with a letter.");
        return null;
    }
}
