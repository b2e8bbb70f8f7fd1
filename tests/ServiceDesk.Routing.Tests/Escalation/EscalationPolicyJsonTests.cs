using NodaTime;
using ServiceDesk.Sla;

namespace ServiceDesk.Routing.Tests.Escalation;

/// <summary>The JSON form of escalation policies, read in the one definition dialect.</summary>
public sealed class EscalationPolicyJsonTests
{
    private static readonly BusinessCalendar Office = new BusinessCalendarBuilder(DateTimeZoneProviders.Tzdb["Europe/Paris"])
        .AddWeekdayHours(new LocalTime(9, 0), new LocalTime(17, 0))
        .Build();

    private static readonly Dictionary<string, BusinessCalendar> Calendars = new(StringComparer.Ordinal) { ["office"] = Office };

    private const string Valid = """
        {
          // the same dialect as every other definition: comments and trailing commas
          "calendar": "office",
          "inactiveIn": ["Resolved", "Closed", "Canceled"],
          "pausedIn": ["OnHold", "AwaitingVendor"],
          "rules": [
            { "name": "half", "level": 1, "when": { "metric": "resolution", "percent": 50 }, "actions": [ { "notify": "assignee" } ] },
            { "name": "warn", "level": 2, "when": { "metric": "resolution", "before": "1h" }, "delivery": "businessHours",
              "actions": [ { "notify": "GroupLead" } ] },
            { "name": "breach", "level": 3, "when": { "metric": "resolution", "percent": 100 }, "delivery": "BusinessHours",
              "actions": [ { "notify": "managerChain" }, { "nextTier": true }, { "raisePriority": true } ] },
            { "name": "late", "level": 4, "when": { "metric": "resolution", "after": "2h" },
              "actions": [ { "declareMajorIncident": true }, { "toGroup": "major" }, { "raisePriority": "P1" }, { "notify": "accountManager" }, ] },
            { "name": "stale", "level": 1, "when": { "idle": "4h" }, "actions": [ { "notify": "assignee" } ] },
          ],
        }
        """;

    [Fact]
    public void FromJson_EveryTriggerAndAction_BuildsTheSamePolicyAsTheBuilder()
    {
        var policy = EscalationPolicy.FromJson(Valid, Calendars);

        Assert.Same(Office, policy.BusinessHours);
        Assert.Equal(["half", "warn", "breach", "late", "stale"], policy.Rules.Select(r => r.Name));
        Assert.Equal(["resolution at 50%", EscalationTrigger.SlaOffset("resolution", Duration.FromHours(-1)).ToString(), "resolution at 100%",
            EscalationTrigger.SlaOffset("resolution", Duration.FromHours(2)).ToString(), EscalationTrigger.IdleFor(Duration.FromHours(4)).ToString()],
            policy.Rules.Select(r => r.Trigger.ToString()));
        Assert.Equal(Duration.FromHours(-1), policy.Rules[1].Trigger.OffsetFromDue);
        Assert.Equal(NotificationDelivery.BusinessHours, policy.Rules[1].Delivery);
        Assert.Equal(NotificationDelivery.Immediately, policy.Rules[0].Delivery);
        Assert.Equal(
            [EscalationAction.DeclareMajorIncident(), EscalationAction.ToGroup(new GroupId("major")), EscalationAction.RaisePriority(Priority.P1Critical), EscalationAction.Notify(NotifyTarget.AccountManager)],
            policy.Rules[3].Actions.ToArray(),
            (a, b) => a.ToString() == b.ToString());
        Assert.Equal(
            [EscalationAction.Notify(NotifyTarget.ManagerChain), EscalationAction.ToNextTier(), EscalationAction.RaisePriority()],
            policy.Rules[2].Actions.ToArray(),
            (a, b) => a.ToString() == b.ToString());
    }

    [Fact]
    public void ToJson_RoundTrip_GivesTheSameRulesCalendarAndStatuses()
    {
        var policy = EscalationPolicy.FromJson(Valid, Calendars);

        var json = policy.ToJson(indented: true);
        var again = EscalationPolicy.FromJson(json);

        Assert.Equal(json, again.ToJson(indented: true));
        Assert.Equal(policy.Rules.Select(Describe), again.Rules.Select(Describe));
        Assert.Equal(Office.ToJson(), again.BusinessHours!.ToJson());
        Assert.Contains("\"pausedIn\": [\n    \"OnHold\",\n    \"AwaitingVendor\"\n  ]", json.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);

        static string Describe(EscalationRule r) => $"{r.Name} {r.Level} {r.Trigger} {r.Delivery} {string.Join(", ", r.Actions)}";
    }

    [Fact]
    public void ToJson_BuilderPolicyWithoutCalendar_RoundTrips()
    {
        var policy = new EscalationPolicyBuilder()
            .Rule("at-due", 1, EscalationTrigger.SlaOffset("resolution", Duration.Zero), NotificationDelivery.Immediately, EscalationAction.ToGroup(new GroupId("major")))
            .Build();

        var again = EscalationPolicy.FromJson(policy.ToJson());

        Assert.Null(again.BusinessHours);
        Assert.Equal(Duration.Zero, Assert.Single(again.Rules).Trigger.OffsetFromDue);
        Assert.Equal("move to group major", Assert.Single(again.Rules[0].Actions).ToString());
    }

    [Fact]
    public void FromJson_InlineCalendar_IsUsed()
    {
        var policy = EscalationPolicy.FromJson("""
            { "calendar": { "zone": "Etc/UTC", "week": { "mon": [["09:00", "17:00"]] } },
              "rules": [ { "name": "r", "level": 1, "when": { "idle": "8h" }, "delivery": "businessHours", "actions": [ { "notify": "assignee" } ] } ] }
            """);

        Assert.Equal("Etc/UTC", policy.BusinessHours!.Zone.Id);
    }

    [Fact]
    public void FromJson_DuplicateKey_IsAFaultNamingItsPath()
    {
        var ex = Assert.Throws<InvalidDefinitionException>(() => EscalationPolicy.FromJson(
            """{ "rules": [ { "name": "r", "level": 1, "level": 2, "when": { "idle": "8h" }, "actions": [ { "notify": "assignee" } ] } ] }"""));

        Assert.Equal("escalation policy", ex.DefinitionName);
        Assert.Equal(["$.rules[0].level: duplicate field; give each field once."], ex.Errors);
    }

    [Fact]
    public void FromJson_ManyFaults_EveryOneListedWithItsPath()
    {
        var ex = Assert.Throws<InvalidDefinitionException>(() => EscalationPolicy.FromJson("""
            {
              "calendar": "night",
              "inactiveIn": ["Resolved", "bad status"],
              "colour": "red",
              "rules": [
                { "name": "a", "level": 1, "when": { "metric": "resolution", "percent": 0 }, "actions": [ { "notify": "boss" } ] },
                { "name": "b", "level": "one", "when": { "metric": "resolution", "percent": 50, "idle": "1h" }, "actions": [] },
                { "name": "c", "level": 1, "when": { "metric": "resolution", "before": "soon" }, "delivery": "later", "actions": [ { "raisePriority": "P9" }, { "nextTier": 1 } ] },
                { "name": "d", "level": 1, "when": { "idle": "0s" }, "actions": [ { "toGroup": "g", "notify": "assignee" }, "nextTier" ] },
                { "level": 1, "actions": [ { "escalate": true } ] },
                7
              ]
            }
            """, Calendars));

        Assert.Equal(
            [
                "$.colour: unknown field; expected one of calendar, inactiveIn, pausedIn, rules.",
                "$.calendar: unknown calendar 'night'; known: office.",
                "$.inactiveIn[1]: 'bad status' is not a valid status name: use 1 to 64 ASCII letters, digits or underscores, starting with a letter.",
                "$.rules[0].when.percent: the number 0 is out of range; a percentage is 1 to 1,000.",
                "$.rules[0].actions[0].notify: the string 'boss' is not a NotifyTarget; use one of Assignee, GroupLead, ManagerChain, AccountManager.",
                "$.rules[1].level: expected an integer 1 to 99, found the string 'one'.",
                "$.rules[1].when: give only one of percent, before, after or idle; found percent, idle.",
                "$.rules[1].actions: expected a non-empty array of actions such as [{\"notify\": \"groupLead\"}], found an array.",
                "$.rules[2].when.before: 'soon' is not a duration; " + ExpectedDuration,
                "$.rules[2].delivery: the string 'later' is not a NotificationDelivery; use one of Immediately, BusinessHours.",
                "$.rules[2].actions[0].raisePriority: the string 'P9' is not a priority; use true (one step up), 1 to 5, P1 to P5 or P1Critical to P5Planning.",
                "$.rules[2].actions[1].nextTier: expected true, found the number 1.",
                "$.rules[3].when.idle: '0s' is zero; it must be more than zero.",
                "$.rules[3].actions[0]: expected an object with one of notify, nextTier, toGroup, raisePriority, declareMajorIncident, such as {\"notify\": \"groupLead\"}, found several fields.",
                "$.rules[3].actions[1]: expected an object with one of notify, nextTier, toGroup, raisePriority, declareMajorIncident, such as {\"notify\": \"groupLead\"}, found the string 'nextTier'.",
                "$.rules[4].name: missing; expected a string.",
                "$.rules[4].when: missing; expected a trigger such as {\"metric\": \"resolution\", \"percent\": 75} or {\"idle\": \"8h\"}.",
                "$.rules[4].actions[0].escalate: unknown action; expected one of notify, nextTier, toGroup, raisePriority, declareMajorIncident.",
                "$.rules[5]: expected a rule object, found the number 7.",
            ],
            ex.Errors);
    }

    [Fact]
    public void FromJson_BuilderFaults_AreReportedWithJsonPaths()
    {
        var ex = Assert.Throws<InvalidDefinitionException>(() => EscalationPolicy.FromJson("""
            { "rules": [
                { "name": "a", "level": 1, "when": { "metric": "resolution", "percent": 50 }, "actions": [ { "notify": "assignee" } ] },
                { "name": "a", "level": 1, "when": { "metric": "resolution", "percent": 75 }, "delivery": "businessHours", "actions": [ { "notify": "assignee" } ] }
            ] }
            """));

        Assert.Contains(ex.Errors, e => e.StartsWith("$.rules[1].name: 'a' is already the name of rules[0]", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("$.rules[1].level: level 1 is already used", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("$.rules[1].delivery: business-hours delivery needs the policy's business calendar", StringComparison.Ordinal));
    }

    [Fact]
    public void FromJson_DayUnit_IsRefusedWithTheHoursToWrite()
    {
        var ex = Assert.Throws<InvalidDefinitionException>(() => EscalationPolicy.FromJson(
            """{ "rules": [ { "name": "stale", "level": 1, "when": { "idle": "1d12h" }, "actions": [ { "notify": "assignee" } ] } ] }"""));

        Assert.Equal(
            "$.rules[0].when.idle: '1d12h' uses the unit \"d\", which is not accepted: it meant 24 hours of business time, not a working day; write \"36h\" for the same business time, or the business hours of the working days you mean (units h, m, s).",
            Assert.Single(ex.Errors));
    }

    [Fact]
    public void ToJson_LongIdle_IsWrittenInHours()
    {
        var json = EscalationPolicy.FromJson(
            """{ "rules": [ { "name": "stale", "level": 1, "when": { "idle": "50h30m" }, "actions": [ { "notify": "assignee" } ] } ] }""").ToJson();

        Assert.Contains("\"idle\":\"50h30m\"", json.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_NotJson_IsOneFault()
    {
        var ex = Assert.Throws<InvalidDefinitionException>(() => EscalationPolicy.FromJson("{ \"rules\": [ }"));

        Assert.StartsWith("$: not valid JSON (line 1, ", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    private const string ExpectedDuration = "expected a duration of business time such as \"30m\", \"4h\", \"1h30m\" or \"72h\" (units h, m, s: hours, minutes and seconds of business time on the calendar; there is no day unit).";
}
