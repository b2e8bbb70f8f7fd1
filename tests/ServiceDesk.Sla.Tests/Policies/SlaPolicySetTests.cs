using NodaTime;
using static ServiceDesk.Sla.Tests.TestCalendars;

namespace ServiceDesk.Sla.Tests.Policies;

/// <summary>Policy selection precedence, JSON policies and their validation.</summary>
public sealed class SlaPolicySetTests
{
    private const string PolicyJson = """
        {
          "calendars": {
            "business": {"zone":"America/New_York","week":{"mon":[["09:00","18:00"]],"tue":[["09:00","18:00"]],"wed":[["09:00","18:00"]],"thu":[["09:00","18:00"]],"fri":[["09:00","18:00"]]}},
            "always": {"zone":"America/New_York","week":{"mon":[["00:00","24:00"]],"tue":[["00:00","24:00"]],"wed":[["00:00","24:00"]],"thu":[["00:00","24:00"]],"fri":[["00:00","24:00"]],"sat":[["00:00","24:00"]],"sun":[["00:00","24:00"]]}}
          },
          "policies": [
            {"name":"default","metrics":[
              {"name":"resolution","kind":"resolution","calendar":"business","target":"48h","targets":{"P1":"8h","P2":"24h"},
               "priorityChange":"retroactive","thresholds":[{"percent":75},{"before":"30m"},{"after":"1h"}]},
              {"name":"first_response","kind":"firstResponse","calendar":"business","target":"4h"}]},
            {"name":"incidents-p1","match":{"kinds":["Incident"],"priorities":["P1"]},"metrics":[
              {"name":"resolution","kind":"resolution","calendar":"always","target":"4h"}]},
            {"name":"vip","match":{"tiers":["VIP"]},"metrics":[
              {"name":"resolution","kind":"resolution","calendar":"always","target":"6h"}]},
            {"name":"vip-again","match":{"tiers":["VIP"]},"metrics":[
              {"name":"resolution","kind":"resolution","calendar":"always","target":"7h"}]},
            {"name":"contract-42","match":{"contracts":["C-42"]},"metrics":[
              {"name":"custom","calendar":{"zone":"Etc/UTC","week":{"mon":[["08:00","12:00"]]}},"target":"1h30m",
               "start":{"any":[{"created":true},{"entered":["New"]}]},"stop":{"all":[{"status":["Resolved"]},{"not":{"hold":[]}}]},
               "pause":{"hold":["AwaitingVendor"]},"resume":{"comment":{"by":"agent","public":true}},"reset":{"event":"reassigned"},
               "cancel":{"priority":["P5"]},"reopen":"continue","retroactiveStart":true}]}
          ]
        }
        """;

    private static readonly SlaPolicySet Set = SlaPolicySet.FromJson(PolicyJson);

    [Theory]
    [InlineData(TicketKind.ServiceRequest, Priority.P3Moderate, null, null, "default")]
    [InlineData(TicketKind.Incident, Priority.P1Critical, null, null, "incidents-p1")]
    [InlineData(TicketKind.ServiceRequest, Priority.P1Critical, null, null, "default")]
    [InlineData(TicketKind.Incident, Priority.P1Critical, "VIP", null, "vip")]
    [InlineData(TicketKind.Incident, Priority.P1Critical, "VIP", "C-42", "contract-42")]
    [InlineData(TicketKind.Change, Priority.P4Low, null, "C-42", "contract-42")]
    public void Select_SeveralPoliciesMatch_MostSpecificThenFirstWins(TicketKind kind, Priority priority, string? tier, string? contract, string expected)
    {
        var ticket = new SlaTicketContext(kind, priority) { CustomerTier = tier, Contract = contract };

        Assert.Equal(expected, Set.Select(ticket)?.Name);
    }

    [Theory]
    [InlineData("Email", null, null, "email")]
    [InlineData("Email", "VIP", null, "email")]
    [InlineData("Email", "VIP", "C-42", "contract-42")]
    [InlineData("Printing", "VIP", null, "vip")]
    [InlineData("Printing", null, null, "incidents-p1")]
    public void Select_ServiceConstrainedPolicy_RanksBelowContractAboveTierPriorityAndKind(string service, string? tier, string? contract, string expected)
    {
        var email = new SlaPolicyOptions { Name = "email" };
        email.Services.Add("Email");
        email.Metrics.Add(SlaMetricOptions.Resolution(NyNineToSix(), Duration.FromHours(3)));
        var set = new SlaPolicySet([.. Set.Policies, email.Build()]); // defined last: wins by rank, not by order
        var ticket = new SlaTicketContext(TicketKind.Incident, Priority.P1Critical) { Service = service, CustomerTier = tier, Contract = contract };

        Assert.Equal(expected, set.Select(ticket)?.Name);
    }

    [Fact]
    public void Select_NoPolicyApplies_ReturnsNull()
    {
        var set = new SlaPolicySet([Set.Policies[1]]);
        Assert.Null(set.Select(new SlaTicketContext(TicketKind.Problem, Priority.P4Low)));
        Assert.Empty(set.Evaluate(new SlaTicketContext(TicketKind.Problem, Priority.P4Low), TicketTimeline.Create(Ny(2025, 3, 3, 10), "New", Priority.P4Low).Build(), Ny(2025, 3, 3, 11)));
    }

    [Fact]
    public void FromJson_FullPolicy_ReadsEveryField()
    {
        var resolution = Set.Policies[0].GetMetric("resolution")!;
        Assert.Equal(SlaMetricKind.Resolution, resolution.Kind);
        Assert.Equal(Duration.FromDays(2), resolution.Target);
        Assert.Equal(Duration.FromHours(8), resolution.TargetFor(Priority.P1Critical));
        Assert.Equal(Duration.FromDays(1), resolution.TargetFor(Priority.P2High));
        Assert.Equal(SlaPriorityChange.Retroactive, resolution.PriorityChange);
        Assert.Equal([SlaThreshold.Percent(75), SlaThreshold.BeforeDue(Duration.FromMinutes(30)), SlaThreshold.AfterDue(Duration.FromHours(1))], resolution.Thresholds);

        var custom = Set.Policies[4].Metrics[0];
        Assert.Equal(SlaMetricKind.Custom, custom.Kind);
        Assert.Equal(Duration.FromMinutes(90), custom.Target);
        Assert.Equal("Etc/UTC", custom.Calendar.Zone.Id);
        Assert.True(custom.RetroactiveStart);
        Assert.Equal(SlaReopenBehavior.Continue, custom.Reopen);
        Assert.Equal("""{"any":[{"created":true},{"entered":["New"]}]}""", custom.Start.ToString());
        Assert.Equal("""{"all":[{"status":["Resolved"]},{"not":{"hold":[]}}]}""", custom.Stop.ToString());
        Assert.Equal("""{"comment":{"by":"agent","public":true}}""", custom.Resume!.ToString());
        Assert.Equal("""{"priority":["P5"]}""", custom.Cancel.ToString());
    }

    [Fact]
    public void Evaluate_SelectedPolicy_RunsEveryMetric()
    {
        var ticket = new SlaTicketContext(TicketKind.Incident, Priority.P2High);
        var timeline = TicketTimeline.Create(Ny(2025, 3, 3, 10), "New", Priority.P2High).Comment(Ny(2025, 3, 3, 11), SlaActor.Agent).Build();

        var states = Set.Evaluate(ticket, timeline, Ny(2025, 3, 3, 12));

        Assert.Equal(["resolution", "first_response"], states.Select(s => s.Metric));
        Assert.Equal(Duration.FromDays(1), states[0].Target);
        Assert.Equal(SlaStage.Met, states[1].Stage);
    }

    [Fact]
    public void FromJson_ExternalCalendar_IsResolvedByName()
    {
        var calendars = new Dictionary<string, BusinessCalendar> { ["shared"] = NyNineToSix() };
        var set = SlaPolicySet.FromJson("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"shared","target":"8h"}]}]}""", calendars);
        Assert.Same(calendars["shared"], set.Policies[0].Metrics[0].Calendar);
    }

    [Theory]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"-4h"}]}]}""", "$.policies[0].metrics[0].target: '-4h' is negative")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"0m"}]}]}""", "$.policies[0].metrics[0].target: '0m' is zero")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4 hours"}]}]}""", "$.policies[0].metrics[0].target: '4 hours' is not a duration")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"nowhere","target":"4h"}]}]}""", "$.policies[0].metrics[0].calendar: unknown calendar 'nowhere'")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","target":"4h"}]}]}""", "$.policies[0].metrics[0].calendar: missing")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business"}]}]}""", "$.policies[0].metrics[0].target: missing")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"speed","calendar":"business","target":"4h"}]}]}""", "$.policies[0].metrics[0].kind: 'speed' is not a metric kind")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","calendar":"business","target":"4h"}]}]}""", "$.policies[0].metrics[0].start: missing")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h","targets":{"P9":"1h"}}]}]}""", "$.policies[0].metrics[0].targets.P9: 'P9' is not a priority")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h","targets":{"P1":"-1h"}}]}]}""", "$.policies[0].metrics[0].targets.P1: '-1h' is negative")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h","thresholds":[{"percent":0}]}]}]}""", "$.policies[0].metrics[0].thresholds[0].percent: the number 0 is not a valid percentage")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h","thresholds":[{"before":"-5m"}]}]}]}""", "$.policies[0].metrics[0].thresholds[0].before: '-5m' is negative")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h","thresholds":[{"percent":50},{"percent":50}]}]}]}""", "$.policies[0].metrics[0].thresholds[1]: 50% is listed twice")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h","stop":{"colour":"red"}}]}]}""", "$.policies[0].metrics[0].stop.colour: unknown condition")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h","stop":{"status":[],"hold":[]}}]}]}""", "$.policies[0].metrics[0].stop: a condition has exactly one of")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h","stop":{"comment":{"by":"robot"}}}]}]}""", "$.policies[0].metrics[0].stop.comment.by: 'robot' is not an actor")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h","reopen":"sometimes"}]}]}""", "$.policies[0].metrics[0].reopen: 'sometimes' is not a reopen behaviour")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h","priorityChange":"ignore"}]}]}""", "$.policies[0].metrics[0].priorityChange: 'ignore' is not a priority-change mode")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h","owner":"me"}]}]}""", "$.policies[0].metrics[0].owner: unknown field")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h"},{"name":"r","kind":"resolution","calendar":"business","target":"4h"}]}]}""", "$.policies[0].metrics[1].name: 'r' is already a metric of this policy")]
    [InlineData("""{"policies":[{"name":"p","metrics":[]}]}""", "$.policies[0].metrics: empty")]
    [InlineData("""{"policies":[{"metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h"}]}]}""", "$.policies[0].name: missing")]
    [InlineData("""{"policies":[{"name":"p","match":{"kinds":["Bug"]},"metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h"}]}]}""", "$.policies[0].match.kinds[0]: 'Bug' is not a ticket kind")]
    [InlineData("""{"policies":[{"name":"p","match":{"priorities":["high"]},"metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h"}]}]}""", "$.policies[0].match.priorities[0]: 'high' is not a priority")]
    [InlineData("""{"policies":[{"name":"p","match":{"region":["EU"]},"metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h"}]}]}""", "$.policies[0].match.region: unknown field")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h"}]},{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h"}]}]}""", "$.policies[1].name: 'p' is already the name of another policy")]
    [InlineData("""{"calendars":{"bad":{"zone":"Etc/UTC","week":{"mon":[["09:00","25:00"]]}}},"policies":[]}""", "$.calendars.bad.week.mon[0][1]: '25:00' is not a time of day")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":{"zone":"Mars/Base","week":{"mon":[["09:00","18:00"]]}},"target":"4h"}]}]}""", "$.policies[0].metrics[0].calendar.zone: unknown time zone 'Mars/Base'")]
    [InlineData("""{"rules":[]}""", "$.rules: unknown field")]
    [InlineData("""{"policies":{}}""", "$.policies: expected an array of policies")]
    [InlineData("""{}""", "$.policies: missing")]
    [InlineData("""{"policies":[42]}""", "$.policies[0]: expected a policy object")]
    [InlineData("""{"policies":[{"name":"p","metrics":{}}]}""", "$.policies[0].metrics: expected an array of metrics")]
    [InlineData("""{"policies":[{"name":"p","metrics":["r"]}]}""", "$.policies[0].metrics[0]: expected a metric object")]
    [InlineData("""{"policies":[{"name":"p","match":[],"metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h"}]}]}""", "$.policies[0].match: expected an object")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h","targets":["P1"]}]}]}""", "$.policies[0].metrics[0].targets: expected an object of priority targets")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h","retroactiveStart":"yes"}]}]}""", "$.policies[0].metrics[0].retroactiveStart: expected true or false")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h","thresholds":{}}]}]}""", "$.policies[0].metrics[0].thresholds: expected an array of thresholds")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h","thresholds":[{"percent":50,"before":"1h"}]}]}]}""", "$.policies[0].metrics[0].thresholds[0]: expected an object with one of percent, before or after")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h","thresholds":[{"at":"1h"}]}]}]}""", "$.policies[0].metrics[0].thresholds[0].at: unknown field")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h","stop":"resolved"}]}]}""", "$.policies[0].metrics[0].stop: expected a condition object")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h","stop":{"any":[]}}]}]}""", "$.policies[0].metrics[0].stop.any: expected a non-empty array of conditions")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h","start":{"created":false}}]}]}""", "$.policies[0].metrics[0].start.created: expected true")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h","stop":{"status":[]}}]}]}""", "$.policies[0].metrics[0].stop.status: expected a non-empty array of status names")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h","cancel":{"priority":["P7"]}}]}]}""", "$.policies[0].metrics[0].cancel.priority[0]: 'P7' is not a priority")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h","stop":{"comment":{"by":"agent","public":"yes"}}}]}]}""", "$.policies[0].metrics[0].stop.comment.public: expected true or false")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h","stop":{"comment":{"public":true}}}]}]}""", "$.policies[0].metrics[0].stop.comment.by: missing")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":4}]}]}""", "$.policies[0].metrics[0].target: expected a duration string")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"30m4h"}]}]}""", "$.policies[0].metrics[0].target: '30m4h' is not a duration")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"1d"}]}]}""", "$.policies[0].metrics[0].target: '1d' uses the unit \"d\", which is not accepted: it meant 24 hours of business time, not a working day; write \"24h\" for the same business time")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"2d4h30m"}]}]}""", "$.policies[0].metrics[0].target: '2d4h30m' uses the unit \"d\", which is not accepted: it meant 24 hours of business time, not a working day; write \"52h30m\" for the same business time")]
    [InlineData("""{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h","thresholds":[{"before":"1d"}]}]}]}""", "$.policies[0].metrics[0].thresholds[0].before: '1d' uses the unit \"d\"")]
    [InlineData("""{"policies":""", "$: not valid JSON")]
    public void FromJson_MalformedPolicy_ThrowsNamingFaultAndPath(string json, string expectedFault)
    {
        var calendars = new Dictionary<string, BusinessCalendar> { ["business"] = NyNineToSix() };

        var ex = Assert.Throws<InvalidDefinitionException>(() => SlaPolicySet.FromJson(json, calendars));

        Assert.Equal("SLA policy set", ex.DefinitionName);
        Assert.Contains(ex.Errors, e => e.StartsWith(expectedFault, StringComparison.Ordinal));
    }

    [Fact]
    public void Build_MetricOptionsWithSeveralFaults_ReportsAllAtOnce()
    {
        var options = new SlaMetricOptions { Target = -Duration.FromHours(1) };
        options.TargetsByPriority[Priority.P1Critical] = Duration.Zero;

        var ex = Assert.Throws<InvalidDefinitionException>(options.Build);

        string[] expected = ["$.name: missing", "$.calendar: missing", "$.target: -1h is not a valid target", "$.targets.P1: 0s is not a valid target", "$.start: missing", "$.stop: missing"];
        Assert.Equal(expected.Length, ex.Errors.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.StartsWith(expected[i], ex.Errors[i], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Threshold_OutOfRange_ThrowsWithValidRange()
    {
        Assert.Contains("more than 0 and at most 1000", Assert.Throws<ArgumentOutOfRangeException>(() => SlaThreshold.Percent(0)).Message, StringComparison.Ordinal);
        Assert.Equal("offset", Assert.Throws<ArgumentOutOfRangeException>(() => SlaThreshold.BeforeDue(-Duration.FromMinutes(1))).ParamName);
    }

    [Fact]
    public void FromJson_CommentsAndTrailingCommas_AreAcceptedLikeEveryDefinition()
    {
        var set = SlaPolicySet.FromJson("""
            {
              // the same dialect as routing rules and workflows
              "calendars": { "business": {"zone":"Etc/UTC","week":{"mon":[["09:00","17:00"],],},}, },
              "policies": [ {"name":"default","metrics":[{"name":"r","kind":"resolution","calendar":"business","target":"4h",},],}, ],
            }
            """);

        Assert.Equal("default", Assert.Single(set.Policies).Name);
    }

    [Fact]
    public void FromJson_DuplicateKeyInMetric_IsAFaultNamingItsPath()
    {
        var ex = Assert.Throws<InvalidDefinitionException>(() => SlaPolicySet.FromJson(
            """{"policies":[{"name":"p","metrics":[{"name":"r","kind":"resolution","calendar":"c","target":"4h","target":"8h"}]}]}"""));

        Assert.Equal(["$.policies[0].metrics[0].target: duplicate field; give each field once."], ex.Errors);
    }
}
