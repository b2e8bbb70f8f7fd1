using NodaTime;
using ServiceDesk.Sla;

namespace ServiceDesk.Routing.Tests.Assignment;

public sealed class AgentDirectoryTests
{
    private static readonly BusinessCalendar Office = new BusinessCalendarBuilder("Etc/UTC")
        .AddWeekdayHours(new LocalTime(9, 0), new LocalTime(17, 0))
        .Build();

    private static readonly Dictionary<string, BusinessCalendar> Calendars = new() { ["office"] = Office };

    internal const string Example = """
        {
          // Named places; an agent may also give coordinates inline.
          "locations": { "hq": { "latitude": 55.7558, "longitude": 37.6173 } },
          "groups": [
            { "id": "desk", "tier": "FirstLine", "nextTier": "field", "lead": "ann", "strategy": "leastLoaded" },
            { "id": "field", "tier": 2, "strategy": "nearest", "managers": ["boss"] },
            { "id": "vip", "tier": "FirstLine", "automatic": false },
          ],
          "agents": [
            { "id": "ann", "groups": ["desk", "vip"], "skills": { "printers": 80, "VPN": 40 }, "capacity": 10, "shift": "office" },
            { "id": "fred", "groups": ["field"], "location": "hq",
              "absences": [ { "from": "2026-03-02T00:00:00Z", "to": "2026-03-07T00:00:00Z" } ] },
            { "id": "gina", "groups": ["field", "desk"], "location": { "latitude": 59.9343, "longitude": 30.3351 } },
          ],
        }
        """;

    [Fact]
    public void FromJson_Example_BuildsGroupsAgentsAndLocations()
    {
        var directory = AgentDirectory.FromJson(Example, Calendars);

        Assert.Equal(["ann", "fred", "gina"], directory.Agents.Select(a => a.Id.Value));
        Assert.True(directory.TryGetAgent(new AgentId("ann"), out var ann));
        Assert.Equal(80, ann.SkillLevel("Printers"));
        Assert.Equal(10, ann.Capacity);
        Assert.Same(Office, ann.Shift);
        Assert.Null(ann.Location);
        Assert.True(directory.TryGetAgent(new AgentId("fred"), out var fred));
        Assert.Equal(new GeoPoint(55.7558, 37.6173), fred.Location);
        Assert.True(fred.IsAbsentAt(Instant.FromUtc(2026, 3, 4, 12, 0)));
        Assert.False(fred.IsAbsentAt(Instant.FromUtc(2026, 3, 7, 0, 0)));
        Assert.Equal(int.MaxValue, fred.Capacity);
        Assert.Equal(["ann", "gina"], directory.MembersOf(new GroupId("desk")).Select(a => a.Id.Value));
        Assert.Empty(directory.MembersOf(new GroupId("nobody")));
        Assert.Equal(new GroupId("field"), directory.Groups.NextTierOf(new GroupId("desk")));
        Assert.Equal(new GroupAssignment(AssignmentStrategy.LeastLoaded, true), directory.AssignmentOf(new GroupId("desk")));
        Assert.Equal(new GroupAssignment(AssignmentStrategy.Nearest, true), directory.AssignmentOf(new GroupId("field")));
        Assert.Equal(new GroupAssignment(AssignmentStrategy.RoundRobin, false), directory.AssignmentOf(new GroupId("vip")));
        Assert.Equal(new GroupAssignment(AssignmentStrategy.RoundRobin, true), directory.AssignmentOf(new GroupId("unknown")));
        Assert.Single(directory.Locations);
    }

    /// <summary>Every fault of a bad directory is listed with its JSON path, and nothing is built.</summary>
    [Fact]
    public void FromJson_BadDefinition_ListsEveryFaultWithItsPath()
    {
        const string Bad = """
            {
              "locations": { "hq": { "latitude": 95, "longitude": 37 }, "x": { "latitude": "north", "longitude": 1 } },
              "groups": [
                { "id": "desk", "tier": "Tier9", "lead": "nobody" },
                { "id": "field", "tier": 1, "strategy": "nearest", "colour": "red" },
                { "id": "field", "tier": 2 },
                { "id": "up", "tier": 2, "nextTier": "desk2" },
              ],
              "agents": [
                { "id": "ann", "groups": ["desk", "ghosts"], "skills": { "printers": 101, "vpn": 1.5 }, "capacity": 0, "shift": "night" },
                { "id": "ann", "groups": ["field"] },
                { "id": "fred", "groups": ["field"], "location": "mars", "absences": [ { "from": "2026-03-07T00:00:00Z", "to": "2026-03-02T00:00:00Z" }, { "from": "yesterday", "to": "2026-03-02T00:00:00Z" } ] },
                { "id": "gina", "groups": ["field"] },
                { "groups": ["field"] },
              ],
            }
            """;

        var ex = Assert.Throws<InvalidDefinitionException>(() => AgentDirectory.FromJson(Bad, Calendars));

        string[] expected =
        [
            "$.locations.hq.latitude: 95 is outside -90 to 90.",
            "$.locations.x.latitude: expected a number, found the string 'north'.",
            "$.groups[0].tier: the string 'Tier9' is not one of FirstLine, SecondLine",
            "$.groups[1].colour: unknown field",
            "$.groups[2].id: group 'field' is already defined at $.groups[1].",
            "$.agents[0].groups[1]: group 'ghosts' is not in the directory.",
            "$.agents[0].skills.printers: a skill level is a whole number from 0 to 100, found the number 101.",
            "$.agents[0].skills.vpn: a skill level is a whole number from 0 to 100, found the number 1.5.",
            "$.agents[0].capacity: a capacity is a whole number of open tickets from 1",
            "$.agents[0].shift: unknown calendar 'night'; known: office.",
            "$.agents[1].id: agent 'ann' is already defined at $.agents[0].",
            "$.agents[2].location: unknown location 'mars'",
            "$.agents[2].absences[0]: the absence must end after it starts",
            "$.agents[2].absences[1].from: 'yesterday' is not an ISO-8601 instant",
            "$.agents[3].location: agent 'gina' has no location, but group 'field' assigns the nearest agent.",
            "$.agents[4].id: missing; expected a string id.",
        ];
        foreach (var fault in expected)
        {
            Assert.Contains(ex.Errors, e => e.StartsWith(fault, StringComparison.Ordinal));
        }

        Assert.Equal("agent directory", ex.DefinitionName);
    }

    [Fact]
    public void FromJson_NotJsonOrDuplicateField_RefusedWithThePath()
    {
        var ex = Assert.Throws<InvalidDefinitionException>(() => AgentDirectory.FromJson("""{ "groups": [], "agents": [], "groups": [] }"""));
        Assert.Contains(ex.Errors, e => e.Contains("$.groups", StringComparison.Ordinal));
        ex = Assert.Throws<InvalidDefinitionException>(() => AgentDirectory.FromJson("[]"));
        Assert.Equal("$: expected an object, found an array.", Assert.Single(ex.Errors));
        ex = Assert.Throws<InvalidDefinitionException>(() => AgentDirectory.FromJson("{}"));
        Assert.Equal(["$.groups: missing; expected an array.", "$.agents: missing; expected an array."], ex.Errors);
        Assert.Throws<ArgumentNullException>(() => AgentDirectory.FromJson(null!));
    }

    /// <summary>A next tier must be a higher tier of the directory (the group directory's own check, with the JSON path).</summary>
    [Fact]
    public void FromJson_NextTierNotHigher_IsAFault()
    {
        const string Json = """
            { "groups": [ { "id": "x", "tier": "Tier9" }, { "id": "a", "tier": 2, "nextTier": "b" }, { "id": "b", "tier": 1 } ], "agents": [] }
            """;
        var ex = Assert.Throws<InvalidDefinitionException>(() => AgentDirectory.FromJson(Json));
        Assert.Contains(ex.Errors, e => e.StartsWith("$.groups[1].nextTier: 'b' is FirstLine, not above SecondLine", StringComparison.Ordinal));
    }
}
