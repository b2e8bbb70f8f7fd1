using System.Buffers;
using System.Text;
using System.Text.Json;
using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Routing;
using ServiceDesk.Sla;
using ServiceDesk.Storage;

namespace ServiceDesk.Engine.Internal;

/// <summary>
/// The stored form of a <see cref="TicketMemory"/>: compact JSON written and read by hand with <see cref="Utf8JsonWriter"/>
/// and <see cref="Utf8JsonReader"/> (no reflection, no per-property allocations beyond the values themselves; instants as
/// [unix seconds, nanoseconds] and durations as [days, nanosecond of day], so every value round-trips exactly).
/// </summary>
/// <remarks>Reading never throws: anything unreadable (another schema, a truncated or edited text) yields
/// <see langword="null"/> and the engine rebuilds the memory from the history.</remarks>
internal static class TicketMemoryJson
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    public static string Write(TicketMemory memory)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("s", TicketMemory.Schema);
            w.WriteNumber("v", memory.Version);
            if (memory.PolicyName is { } policy)
            {
                w.WriteString("p", policy);
                w.WriteString("pf", memory.PolicyFingerprint);
            }

            WriteInstant(w, "ss", memory.StatusSince);
            WriteInstant(w, "lp", memory.LastPublicUpdate);
            if (memory.Links.Count > 0)
            {
                w.WriteStartArray("l");
                foreach (var (other, type) in memory.Links)
                {
                    w.WriteStartArray();
                    w.WriteStringValue(other.Value);
                    w.WriteNumberValue((int)type);
                    w.WriteEndArray();
                }

                w.WriteEndArray();
            }

            if (memory.IncomingLinks.Count > 0)
            {
                w.WriteStartArray("li");
                foreach (var (other, type) in memory.IncomingLinks)
                {
                    w.WriteStartArray();
                    w.WriteStringValue(other.Value);
                    w.WriteNumberValue((int)type);
                    w.WriteEndArray();
                }

                w.WriteEndArray();
            }

            if (memory.ResolutionCycle > 0)
            {
                w.WriteNumber("rc", memory.ResolutionCycle);
            }

            if (memory.RatedCycle > 0)
            {
                w.WriteNumber("rr", memory.RatedCycle);
            }

            if (memory.Marks.Count > 0)
            {
                w.WriteStartArray("m");
                foreach (var mark in memory.Marks)
                {
                    w.WriteStartArray();
                    w.WriteNumberValue(mark.Level);
                    if (mark.Metric is null)
                    {
                        w.WriteNullValue();
                    }
                    else
                    {
                        w.WriteStringValue(mark.Metric);
                    }

                    w.WriteNumberValue(mark.Cycle);
                    WriteInstantValue(w, mark.IdleSince);
                    w.WriteEndArray();
                }

                w.WriteEndArray();
            }

            if (memory.Recorded.Count > 0)
            {
                w.WriteStartArray("r");
                foreach (var (metric, cycle, threshold) in memory.Recorded)
                {
                    w.WriteStartArray();
                    w.WriteStringValue(metric);
                    w.WriteNumberValue(cycle);
                    w.WriteStringValue(threshold);
                    w.WriteEndArray();
                }

                w.WriteEndArray();
            }

            if (memory.ApprovalCount > 0)
            {
                w.WriteNumber("ac", memory.ApprovalCount);
            }

            if (memory.Approval is { } approval)
            {
                WriteApproval(w, approval);
            }

            if (memory.Tracker is { } tracker)
            {
                WriteTracker(w, tracker.ToState());
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Reads the memory stored with a ticket: <see langword="null"/> when there is none or it cannot be used (unreadable, of
    /// another schema, of another ticket version, of another policy or of another definition of it, by
    /// <see cref="SlaPolicy.Fingerprint"/>); then the caller rebuilds it from the history.
    /// </summary>
    /// <param name="stored">The ticket and its derived state.</param>
    /// <param name="policy">The ticket's SLA policy as defined now, if any.</param>
    /// <param name="storedFingerprint">The policy fingerprint the stored memory names, whether or not it can be used;
    /// <see langword="null"/> when it names none or could not be read that far.</param>
    public static TicketMemory? TryRead(StoredTicket stored, SlaPolicy? policy, out string? storedFingerprint)
    {
        storedFingerprint = null;
        if (stored.DerivedState is not { } text)
        {
            return null;
        }

        try
        {
            return Read(text, policy, stored.Ticket.Version, ref storedFingerprint);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or ArgumentException or OverflowException)
        {
            return null;
        }
    }

    private static TicketMemory? Read(string text, SlaPolicy? policy, long version, ref string? storedFingerprint)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var r = new Utf8JsonReader(bytes);
        Expect(ref r, JsonTokenType.StartObject);
        var memory = new TicketMemory();
        SlaTrackerState? tracker = null;
        var schema = -1;
        while (Next(ref r) == JsonTokenType.PropertyName)
        {
            var name = r.GetString();
            switch (name)
            {
                case "s":
                    schema = ReadInt(ref r);
                    if (schema != TicketMemory.Schema)
                    {
                        return null;
                    }

                    break;
                case "v":
                    Next(ref r);
                    memory.Version = r.GetInt64();
                    break;
                case "p":
                    memory.PolicyName = ReadString(ref r);
                    break;
                case "pf":
                    memory.PolicyFingerprint = storedFingerprint = ReadString(ref r);
                    break;
                case "ss":
                    memory.StatusSince = ReadInstant(ref r);
                    break;
                case "lp":
                    memory.LastPublicUpdate = ReadInstant(ref r);
                    break;
                case "l":
                    Expect(ref r, JsonTokenType.StartArray);
                    while (Next(ref r) == JsonTokenType.StartArray)
                    {
                        var other = new TicketId(Guid.Parse(ReadString(ref r)!));
                        var type = (TicketLinkType)ReadInt(ref r);
                        Expect(ref r, JsonTokenType.EndArray);
                        memory.Links.Add((other, type));
                    }

                    break;
                case "li":
                    Expect(ref r, JsonTokenType.StartArray);
                    while (Next(ref r) == JsonTokenType.StartArray)
                    {
                        var from = new TicketId(Guid.Parse(ReadString(ref r)!));
                        var fromType = (TicketLinkType)ReadInt(ref r);
                        Expect(ref r, JsonTokenType.EndArray);
                        memory.IncomingLinks.Add((from, fromType));
                    }

                    break;
                case "rc":
                    memory.ResolutionCycle = ReadInt(ref r);
                    break;
                case "rr":
                    memory.RatedCycle = ReadInt(ref r);
                    break;
                case "m":
                    Expect(ref r, JsonTokenType.StartArray);
                    while (Next(ref r) == JsonTokenType.StartArray)
                    {
                        var level = ReadInt(ref r);
                        var metric = ReadString(ref r);
                        var cycle = ReadInt(ref r);
                        var idle = ReadInstant(ref r);
                        Expect(ref r, JsonTokenType.EndArray);
                        memory.Marks.Add(new EscalationMark(level, metric, cycle, idle));
                    }

                    break;
                case "r":
                    Expect(ref r, JsonTokenType.StartArray);
                    while (Next(ref r) == JsonTokenType.StartArray)
                    {
                        var metric = ReadString(ref r)!;
                        var cycle = ReadInt(ref r);
                        var threshold = ReadString(ref r)!;
                        Expect(ref r, JsonTokenType.EndArray);
                        memory.Recorded.Add((metric, cycle, threshold));
                    }

                    break;
                case "t":
                    tracker = ReadTracker(ref r);
                    break;
                case "ac":
                    memory.ApprovalCount = ReadInt(ref r);
                    break;
                case "a":
                    memory.Approval = ReadApproval(ref r);
                    break;
                default:
                    return null;
            }
        }

        if (schema != TicketMemory.Schema
            || memory.Version != version
            || !string.Equals(memory.PolicyName, policy?.Name, StringComparison.Ordinal)
            || (policy is not null && (tracker is null || !string.Equals(memory.PolicyFingerprint, policy.Fingerprint, StringComparison.Ordinal))))
        {
            return null;
        }

        if (policy is not null)
        {
            memory.Tracker = SlaTracker.FromState(policy, tracker!);
        }

        return memory;
    }

    /// <summary>Writes an approval as <c>[number, outcome, required, group|null, due|null, [approvers], [[approver, approved]...]]</c>.</summary>
    private static void WriteApproval(Utf8JsonWriter w, ApprovalMemory a)
    {
        w.WriteStartArray("a");
        w.WriteNumberValue(a.Number);
        w.WriteNumberValue((int)a.Outcome);
        w.WriteNumberValue(a.Required);
        if (a.Group is { } group)
        {
            w.WriteStringValue(group.Value);
        }
        else
        {
            w.WriteNullValue();
        }

        WriteInstantValue(w, a.DueAt);
        w.WriteStartArray();
        foreach (var approver in a.Approvers)
        {
            w.WriteStringValue(approver);
        }

        w.WriteEndArray();
        w.WriteStartArray();
        foreach (var (approver, approved) in a.Decisions)
        {
            w.WriteStartArray();
            w.WriteStringValue(approver);
            w.WriteBooleanValue(approved);
            w.WriteEndArray();
        }

        w.WriteEndArray();
        w.WriteEndArray();
    }

    private static ApprovalMemory ReadApproval(ref Utf8JsonReader r)
    {
        Expect(ref r, JsonTokenType.StartArray);
        var number = ReadInt(ref r);
        var outcome = (ApprovalOutcome)ReadInt(ref r);
        var required = ReadInt(ref r);
        var group = ReadString(ref r) is { } g ? new GroupId(g) : (GroupId?)null;
        var due = ReadInstant(ref r);
        Expect(ref r, JsonTokenType.StartArray);
        var approvers = new List<string>();
        while (Next(ref r) == JsonTokenType.String)
        {
            approvers.Add(r.GetString()!);
        }

        var approval = new ApprovalMemory(number, [.. approvers], group, required, due)
        {
            Outcome = Enum.IsDefined(outcome) ? outcome : throw new FormatException("approval outcome"),
        };
        Expect(ref r, JsonTokenType.StartArray);
        while (Next(ref r) == JsonTokenType.StartArray)
        {
            var approver = ReadString(ref r) ?? throw new FormatException("approver");
            var approved = Next(ref r) switch
            {
                JsonTokenType.True => true,
                JsonTokenType.False => false,
                _ => throw new FormatException("approved"),
            };
            Expect(ref r, JsonTokenType.EndArray);
            approval.Decisions.Add((approver, approved));
        }

        Expect(ref r, JsonTokenType.EndArray);
        return approval;
    }

    private static void WriteTracker(Utf8JsonWriter w, SlaTrackerState state)
    {
        w.WriteStartObject("t");
        WriteInstant(w, "c", state.CreatedAt);
        WriteInstant(w, "la", state.LastAt);
        w.WriteString("st", state.Current.Status);
        w.WriteString("h", state.Current.HoldReason);
        w.WriteNumber("pr", (int)state.Current.Priority);
        w.WriteStartArray("ms");
        foreach (var m in state.Metrics)
        {
            w.WriteStartObject();
            w.WriteString("n", m.Metric);
            w.WriteNumber("sg", (int)m.Stage);
            w.WriteNumber("cy", m.Cycle);
            WriteInstant(w, "cs", m.CycleStart);
            WriteInstant(w, "sa", m.StoppedAt);
            WriteInstant(w, "si", m.Since);
            WriteDuration(w, "el", m.Elapsed);
            WriteDuration(w, "pa", m.Paused);
            WriteDuration(w, "ta", m.Target);
            WriteInstant(w, "ts", m.TargetSince);
            WriteInstant(w, "ov", m.Override);
            WriteInstant(w, "po", m.PendingOverride);
            WriteInstant(w, "ba", m.BreachedAt);
            w.WriteNumber("pr", (int)m.Priority);
            if (m.Runs.Count > 0)
            {
                w.WriteStartArray("ru");
                foreach (var run in m.Runs)
                {
                    WriteInstantValue(w, run.Start);
                    WriteInstantValue(w, run.End);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static SlaTrackerState ReadTracker(ref Utf8JsonReader r)
    {
        Expect(ref r, JsonTokenType.StartObject);
        Instant created = default, last = default;
        string? status = null, hold = null;
        var priority = Priority.P3Moderate;
        var metrics = new List<SlaMetricProgress>();
        while (Next(ref r) == JsonTokenType.PropertyName)
        {
            switch (r.GetString())
            {
                case "c": created = ReadInstant(ref r) ?? throw new FormatException("c"); break;
                case "la": last = ReadInstant(ref r) ?? throw new FormatException("la"); break;
                case "st": status = ReadString(ref r); break;
                case "h": hold = ReadString(ref r); break;
                case "pr": priority = (Priority)ReadInt(ref r); break;
                case "ms":
                    Expect(ref r, JsonTokenType.StartArray);
                    while (Next(ref r) == JsonTokenType.StartObject)
                    {
                        metrics.Add(ReadProgress(ref r));
                    }

                    break;
                default: throw new FormatException("unknown tracker property");
            }
        }

        return new SlaTrackerState(created, last, new TicketState(status ?? throw new FormatException("st"), hold, priority), metrics);
    }

    private static SlaMetricProgress ReadProgress(ref Utf8JsonReader r)
    {
        string? name = null;
        SlaStage stage = default;
        int cycle = 0, priority = 0;
        Instant cycleStart = default, since = default, targetSince = default;
        Instant? stoppedAt = null, overridden = null, pending = null, breachedAt = null;
        Duration elapsed = default, paused = default, target = default;
        var runs = new List<SlaRunPeriod>();
        while (Next(ref r) == JsonTokenType.PropertyName)
        {
            switch (r.GetString())
            {
                case "n": name = ReadString(ref r); break;
                case "sg": stage = (SlaStage)ReadInt(ref r); break;
                case "cy": cycle = ReadInt(ref r); break;
                case "cs": cycleStart = ReadInstant(ref r) ?? default; break;
                case "sa": stoppedAt = ReadInstant(ref r); break;
                case "si": since = ReadInstant(ref r) ?? default; break;
                case "el": elapsed = ReadDuration(ref r); break;
                case "pa": paused = ReadDuration(ref r); break;
                case "ta": target = ReadDuration(ref r); break;
                case "ts": targetSince = ReadInstant(ref r) ?? default; break;
                case "ov": overridden = ReadInstant(ref r); break;
                case "po": pending = ReadInstant(ref r); break;
                case "ba": breachedAt = ReadInstant(ref r); break;
                case "pr": priority = ReadInt(ref r); break;
                case "ru":
                    Expect(ref r, JsonTokenType.StartArray);
                    while (Next(ref r) == JsonTokenType.StartArray)
                    {
                        var start = ReadInstantBody(ref r);
                        Expect(ref r, JsonTokenType.StartArray);
                        var end = ReadInstantBody(ref r);
                        runs.Add(new SlaRunPeriod(start, end));
                    }

                    break;
                default: throw new FormatException("unknown metric property");
            }
        }

        return new SlaMetricProgress
        {
            Metric = name ?? throw new FormatException("n"),
            Stage = Enum.IsDefined(stage) ? stage : throw new FormatException("sg"),
            Cycle = cycle,
            CycleStart = cycleStart,
            StoppedAt = stoppedAt,
            Since = since,
            Elapsed = elapsed,
            Paused = paused,
            Target = target,
            TargetSince = targetSince,
            Override = overridden,
            PendingOverride = pending,
            BreachedAt = breachedAt,
            Priority = (Priority)priority,
            Runs = runs,
        };
    }

    private static void WriteInstant(Utf8JsonWriter w, string name, Instant? instant)
    {
        if (instant is { } value)
        {
            w.WritePropertyName(name);
            WriteInstantValue(w, value);
        }
    }

    private static void WriteInstantValue(Utf8JsonWriter w, Instant? instant)
    {
        if (instant is not { } value)
        {
            w.WriteNullValue();
            return;
        }

        var seconds = value.ToUnixTimeSeconds();
        w.WriteStartArray();
        w.WriteNumberValue(seconds);
        w.WriteNumberValue((value - Instant.FromUnixTimeSeconds(seconds)).ToInt64Nanoseconds());
        w.WriteEndArray();
    }

    private static void WriteDuration(Utf8JsonWriter w, string name, Duration duration)
    {
        w.WriteStartArray(name);
        w.WriteNumberValue(duration.Days);
        w.WriteNumberValue(duration.NanosecondOfDay);
        w.WriteEndArray();
    }

    private static Instant? ReadInstant(ref Utf8JsonReader r)
    {
        var token = Next(ref r);
        if (token == JsonTokenType.Null)
        {
            return null;
        }

        if (token != JsonTokenType.StartArray)
        {
            throw new FormatException("instant");
        }

        return ReadInstantBody(ref r);
    }

    private static Instant ReadInstantBody(ref Utf8JsonReader r)
    {
        Next(ref r);
        var seconds = r.GetInt64();
        Next(ref r);
        var nanos = r.GetInt64();
        Expect(ref r, JsonTokenType.EndArray);
        if (nanos is < 0 or >= 1_000_000_000 || seconds < Instant.MinValue.ToUnixTimeSeconds() || seconds > Instant.MaxValue.ToUnixTimeSeconds())
        {
            throw new FormatException("instant out of range");
        }

        return Instant.FromUnixTimeSeconds(seconds).PlusNanoseconds(nanos);
    }

    private static Duration ReadDuration(ref Utf8JsonReader r)
    {
        Expect(ref r, JsonTokenType.StartArray);
        Next(ref r);
        var days = r.GetInt32();
        Next(ref r);
        var nanos = r.GetInt64();
        Expect(ref r, JsonTokenType.EndArray);
        return Duration.FromDays(days) + Duration.FromNanoseconds(nanos);
    }

    private static int ReadInt(ref Utf8JsonReader r)
    {
        Next(ref r);
        return r.GetInt32();
    }

    private static string? ReadString(ref Utf8JsonReader r)
    {
        return Next(ref r) switch
        {
            JsonTokenType.Null => null,
            JsonTokenType.String => r.GetString(),
            _ => throw new FormatException("string"),
        };
    }

    private static JsonTokenType Next(ref Utf8JsonReader r)
        => r.Read() ? r.TokenType : throw new FormatException("unexpected end");

    private static void Expect(ref Utf8JsonReader r, JsonTokenType type)
    {
        if (Next(ref r) != type)
        {
            throw new FormatException($"expected {type}");
        }
    }
}
