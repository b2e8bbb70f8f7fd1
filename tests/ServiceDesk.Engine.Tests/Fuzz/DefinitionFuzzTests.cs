using System.Text.Json.Nodes;
using NodaTime;
using ServiceDesk.Routing;
using ServiceDesk.Sla;
using ServiceDesk.Workflow;

namespace ServiceDesk.Engine.Tests.Fuzz;

/// <summary>
/// Issue 19: a bounded fuzz suite over every public definition loader. Valid documents are mutated at random (values
/// replaced by hostile strings, numbers, instants, durations and structures; keys duplicated; the text cut or spliced) and
/// each loader must either accept the document, and then what it built must be usable, or refuse it with the documented
/// <see cref="InvalidDefinitionException"/>: never another exception, never a crash deep inside.
/// </summary>
/// <remarks>Each case is a seed; a failure prints it, and <c>new Random(seed)</c> replays the same mutations. CI runs a
/// fixed range of seeds (deterministic); environment variables widen it for local exploration.</remarks>
public sealed class DefinitionFuzzTests
{
    /// <summary>The seeds CI runs: 0 to 999, the same on every run so that CI is deterministic. To explore further, set
    /// <c>SERVICEDESK_FUZZ_FROM</c> (first seed) and <c>SERVICEDESK_FUZZ_RUNS</c> (how many) and run the tests locally.</summary>
    private static readonly (int From, int Runs) SeedRange = (
        int.TryParse(Environment.GetEnvironmentVariable("SERVICEDESK_FUZZ_FROM"), out var from) ? from : 0,
        int.TryParse(Environment.GetEnvironmentVariable("SERVICEDESK_FUZZ_RUNS"), out var runs) ? runs : 1_000);

    private const string PolicyJson = """
        {
          "calendars": {
            "business": {"zone":"Europe/Berlin","week":{"mon":[["09:00","18:00"]],"tue":[["09:00","18:00"]],"fri":[["22:00","06:00"]]},
                         "closures":["2026-12-25"]}
          },
          "policies": [
            {"name":"default","metrics":[
              {"name":"resolution","kind":"resolution","calendar":"business","target":"48h","targets":{"P1":"8h","P2":"24h"},
               "priorityChange":"retroactive","thresholds":[{"percent":75},{"before":"30m"},{"after":"1h"}]},
              {"name":"first_response","kind":"firstResponse","calendar":"business","target":"4h"}]},
            {"name":"vip","match":{"tiers":["VIP"],"kinds":["Incident"],"priorities":["P1"]},"metrics":[
              {"name":"custom","calendar":{"zone":"Etc/UTC","week":{"mon":[["08:00","12:00"]]}},"target":"1h30m",
               "start":{"any":[{"created":true},{"entered":["New"]}]},"stop":{"all":[{"status":["Resolved"]},{"not":{"hold":[]}}]},
               "pause":{"hold":["AwaitingVendor"]},"resume":{"comment":{"by":"agent","public":true}},"reset":{"event":"reassigned"},
               "cancel":{"priority":["P5"]},"reopen":"continue","retroactiveStart":true}]}
          ]
        }
        """;

    private static readonly string CalendarJson = Desk.Calendar.ToJson();

    private static readonly string RoutingJson = Desk.Options.RoutingRules!.ToJson(indented: false);

    private static readonly WorkflowDefinition Incident = IncidentLifecycle.Create();

    private static readonly string WorkflowJson = Incident.ToJson();

    /// <summary>Hostile text: NUL, lone surrogates, controls, right-to-left marks, long runs, JSON and SQL metacharacters,
    /// numbers written with decimal commas, instants and durations near and past every limit.</summary>
    private static readonly string[] HostileStrings =
    [
        "", " ", "\0", "a\0b", "\uD800", "x\uDC00y", "\u202Eevil", "\u0001\u001F", "\uFFFF", "\U0001F600",
        new string('x', 100_000), "'; DROP TABLE tickets; --", "\"", "\\", "{}", "[]", "null", "NaN", "Infinity", "-0",
        "1,5", "1.234,50", "1e309", "-79228162514264337593543950336", "99999999999999999999999", "0x10",
        "00:00", "24:00", "25:61", "23:59:60", "-01:00", "9999-12-31", "0001-01-01", "2026-02-30", "2026-13-01",
        "9999-12-31T23:59:59Z", "-9998-01-01T00:00:00Z", "P1D", "1d", "1h30m", "0m", "-1h", "999999999d", "1.5h", "h",
        "Mars/Olympus", "UTC", "Eastern Standard Time", "Etc/GMT+14", "Europe/../../etc/passwd",
        "P1", "P9", "Incident", "incident", "INCIDENT", "resolution", "firstResponse",
    ];

    private static readonly double[] HostileNumbers =
    [
        0, -1, 1, 0.5, -0.5, 3, 101, 1e15, -1e15, 1e300, double.Epsilon, int.MaxValue, (double)int.MaxValue + 1, long.MaxValue,
    ];

    [Fact]
    public void BusinessCalendar_FromMutatedJson_AcceptsUsableOrRefusesCleanly()
        => RunSeeds(CalendarJson, json =>
        {
            var calendar = BusinessCalendar.FromJson(json);
            var start = Instant.FromUtc(2026, 12, 7, 10, 0);
            _ = calendar.AddBusinessTime(start, Duration.FromHours(8));
            _ = calendar.BusinessTimeBetween(start, start + Duration.FromDays(30));
            _ = BusinessCalendar.FromJson(calendar.ToJson());
        });

    [Fact]
    public void SlaPolicySet_FromMutatedJson_AcceptsEvaluableOrRefusesCleanly()
        => RunSeeds(PolicyJson, json =>
        {
            var set = SlaPolicySet.FromJson(json);
            foreach (var policy in set.Policies)
            {
                foreach (var metric in policy.Metrics)
                {
                    foreach (var priority in new[] { Priority.P1Critical, Priority.P3Moderate, Priority.P5Planning })
                    {
                        // Every accepted target can be placed for a ticket opened now and as late as 2200.
                        _ = metric.Calendar.AddBusinessTime(Instant.FromUtc(2026, 12, 7, 10, 0), metric.TargetFor(priority));
                        _ = metric.Calendar.AddBusinessTime(SlaMetricOptions.PlaceableFrom, metric.TargetFor(priority));
                    }
                }
            }
        });

    [Fact]
    public void RoutingRuleSet_FromMutatedJson_AcceptsDecidableOrRefusesCleanly()
        => RunSeeds(RoutingJson, json =>
        {
            var rules = RoutingRuleSet.FromJson(json);
            var ticket = new Testing.TicketFactory(Desk.Tenant, new Testing.TestClock()).Open(configure: t => t with { Subject = "VPN down" }).Ticket;
            _ = rules.Decide(ticket, "VIP");
            _ = rules.DecideInterpreted(ticket, null);
            _ = RoutingRuleSet.FromJson(rules.ToJson());
        });

    [Fact]
    public void Workflow_FromMutatedJson_AcceptsOrRefusesCleanly()
        => RunSeeds(WorkflowJson, json =>
        {
            var workflow = WorkflowDefinition.FromJson(json, Incident.Guards);
            _ = WorkflowDefinition.FromJson(workflow.ToJson(), Incident.Guards);
        });

    /// <summary>Runs <see cref="Check"/> for every seed of <see cref="SeedRange"/> and fails listing every failing seed.</summary>
    private static void RunSeeds(string valid, Action<string> load)
    {
        var failures = new List<string>();
        for (var seed = SeedRange.From; seed < SeedRange.From + SeedRange.Runs; seed++)
        {
            if (Check(seed, valid, load) is { } failure)
            {
                failures.Add(failure);
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {SeedRange.Runs} seeds failed:\n" + string.Join("\n", failures.Take(5)));
    }

    /// <summary>Mutates the document with the seed, runs the loader and what uses its result, and reports any exception
    /// other than <see cref="InvalidDefinitionException"/>, with the seed and the document; <see langword="null"/> when the
    /// loader accepted or refused cleanly.</summary>
    private static string? Check(int seed, string valid, Action<string> load)
    {
        var json = Mutate(valid, new Random(seed));
        try
        {
            load(json);
            return null;
        }
        catch (InvalidDefinitionException ex)
        {
            // Refused cleanly: every fault names where it is, and no message echoes a hostile value whole.
            var ok = ex.Errors.Count > 0 && ex.Message.Length < 20_000;
            var longest = ex.Errors.Count == 0 ? "(none)" : ex.Errors.MaxBy(e => e.Length)!;
            return ok ? null : $"seed {seed}: a refusal without faults or with an unbounded message ({ex.Message.Length:N0} characters); longest fault: {longest[..Math.Min(300, longest.Length)]}";
        }
        catch (Exception ex)
        {
            var shown = json.Length > 2_000 ? json[..2_000] + "…" : json;
            return $"seed {seed}: {ex.GetType().Name}: {ex.Message}\n{shown}";
        }
    }

    /// <summary>One to three random mutations of a valid JSON document.</summary>
    internal static string Mutate(string valid, Random random)
    {
        var text = valid;
        var count = random.Next(1, 4);
        for (var i = 0; i < count; i++)
        {
            text = random.Next(10) switch
            {
                < 6 => ReplaceValue(text, random),
                6 => DuplicateKey(text, random),
                7 => Cut(text, random),
                8 => Splice(text, random),
                _ => RemoveValue(text, random),
            };
        }

        return text;
    }

    private static string ReplaceValue(string text, Random random)
    {
        if (TryParse(text) is not { } root)
        {
            return text;
        }

        var nodes = new List<(JsonNode Parent, string? Key, int Index)>();
        Collect(root, nodes);
        if (nodes.Count == 0)
        {
            return text;
        }

        var (parent, key, index) = nodes[random.Next(nodes.Count)];
        var replacement = Hostile(random);
        if (key is not null)
        {
            ((JsonObject)parent)[key] = replacement;
        }
        else
        {
            ((JsonArray)parent)[index] = replacement;
        }

        return root.ToJsonString();
    }

    private static string RemoveValue(string text, Random random)
    {
        if (TryParse(text) is not { } root)
        {
            return text;
        }

        var nodes = new List<(JsonNode Parent, string? Key, int Index)>();
        Collect(root, nodes);
        if (nodes.Count == 0)
        {
            return text;
        }

        var (parent, key, index) = nodes[random.Next(nodes.Count)];
        if (key is not null)
        {
            ((JsonObject)parent).Remove(key);
        }
        else
        {
            ((JsonArray)parent).RemoveAt(index);
        }

        return root.ToJsonString();
    }

    /// <summary>Repeats a <c>"key":</c> right after the object's opening brace with a hostile value.</summary>
    private static string DuplicateKey(string text, Random random)
    {
        var keys = new List<int>();
        for (var i = text.IndexOf('"', StringComparison.Ordinal); i >= 0 && i < text.Length - 1; i = text.IndexOf('"', i + 1))
        {
            var end = text.IndexOf('"', i + 1);
            if (end < 0)
            {
                break;
            }

            if (end + 1 < text.Length && text[end + 1] == ':')
            {
                keys.Add(i);
            }

            i = end;
        }

        if (keys.Count == 0)
        {
            return text;
        }

        var at = keys[random.Next(keys.Count)];
        var key = text[at..(text.IndexOf('"', at + 1) + 1)];
        return text.Insert(at, $"{key}:{Hostile(random)?.ToJsonString() ?? "null"},");
    }

    private static string Cut(string text, Random random) => text[..random.Next(text.Length)];

    private static string Splice(string text, Random random)
    {
        var at = random.Next(text.Length);
        var junk = random.Next(4) switch
        {
            0 => "\0",
            1 => "}",
            2 => ",,",
            _ => HostileStrings[random.Next(HostileStrings.Length)],
        };
        return text.Insert(at, junk.Length > 1_000 ? junk[..1_000] : junk);
    }

    private static JsonNode? Hostile(Random random)
        => random.Next(6) switch
        {
            0 or 1 => JsonValue.Create(HostileStrings[random.Next(HostileStrings.Length)]),
            2 => JsonValue.Create(HostileNumbers[random.Next(HostileNumbers.Length)] * (random.Next(2) == 0 ? 1 : -1)),
            3 => random.Next(3) switch { 0 => JsonValue.Create(true), 1 => JsonValue.Create(false), _ => null },
            4 => new JsonArray(JsonValue.Create(HostileStrings[random.Next(HostileStrings.Length)]), JsonValue.Create(random.Next())),
            _ => HostileObject(HostileStrings[random.Next(HostileStrings.Length)]),
        };

    private static JsonObject HostileObject(string key) => new() { [key.Length > 50 ? key[..50] : key] = JsonValue.Create(1) };

    private static JsonNode? TryParse(string text)
    {
        try
        {
            var root = JsonNode.Parse(text, documentOptions: new System.Text.Json.JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = System.Text.Json.JsonCommentHandling.Skip });
            if (root is not null)
            {
                Collect(root, []); // materializes the tree: a duplicate key (from an earlier mutation) fails here
            }

            return root;
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or ArgumentException or InvalidOperationException)
        {
            return null; // not a tree this mutation can edit; the text mutations still apply
        }
    }

    private static void Collect(JsonNode node, List<(JsonNode Parent, string? Key, int Index)> into)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj.ToList())
                {
                    into.Add((obj, key, -1));
                    if (child is not null)
                    {
                        Collect(child, into);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    into.Add((array, null, i));
                    if (array[i] is { } child)
                    {
                        Collect(child, into);
                    }
                }

                break;
        }
    }

    [Fact]
    public void Mutate_IsReproducibleFromTheSeed()
        => Assert.Equal(Mutate(PolicyJson, new Random(42)), Mutate(PolicyJson, new Random(42)));

    [Fact]
    public void HostileStrings_IncludeTheClassesTheIssueNames()
    {
        Assert.Contains(HostileStrings, s => s.Contains('\0', StringComparison.Ordinal));
        Assert.Contains(HostileStrings, s => !TextPolicy.IsStorable(s) && !s.Contains('\0', StringComparison.Ordinal));
        Assert.Contains(HostileStrings, s => s.Length >= 100_000);
        Assert.Contains(HostileStrings, s => s.Contains(',', StringComparison.Ordinal) && char.IsDigit(s[0]));
    }
}
