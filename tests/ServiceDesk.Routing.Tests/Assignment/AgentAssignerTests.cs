using NodaTime;
using ServiceDesk.Sla;
using static ServiceDesk.Routing.Tests.TestData;

namespace ServiceDesk.Routing.Tests.Assignment;

public class AgentAssignerTests
{
    private static readonly GroupId Network = new("network");
    private static readonly GroupId Level2 = new("network-l2");

    private static AgentProfile Agent(string id, Func<AgentProfile, AgentProfile>? configure = null)
    {
        var agent = new AgentProfile(new AgentId(id)) { Groups = [Network], Capacity = 10 };
        return configure?.Invoke(agent) ?? agent;
    }

    private static AgentProfile With(AgentProfile a, Workload? workload = null, Instant? last = null, GeoPoint? location = null, IReadOnlyDictionary<string, int>? skills = null)
        => new(a.Id)
        {
            Groups = a.Groups,
            Capacity = a.Capacity,
            Workload = workload ?? a.Workload,
            LastAssignedAt = last ?? a.LastAssignedAt,
            Location = location ?? a.Location,
            Skills = skills ?? a.Skills,
            Shift = a.Shift,
            Absences = a.Absences,
        };

    private static AssignmentRequest Request(Instant? now = null, Priority priority = Priority.P3Moderate)
        => new(Ticket(t => t with { Priority = priority }), Network, now ?? T0);

    [Fact]
    public void Filters_RejectNonMembersUnskilledOffShiftAbsentAndFull()
    {
        var nineToFive = new BusinessCalendarBuilder("Europe/Paris").AddWeekdayHours(new LocalTime(9, 0), new LocalTime(17, 0)).Build();
        var nightShift = new BusinessCalendarBuilder("Asia/Tokyo").AddWeekdayHours(new LocalTime(22, 0), new LocalTime(23, 0)).Build();
        var agents = new[]
        {
            new AgentProfile(new AgentId("outsider")) { Groups = [new GroupId("hr")] },
            Agent("junior", a => With(a, skills: new Dictionary<string, int> { ["cisco"] = 2 })),
            Agent("night", a => new AgentProfile(a.Id) { Groups = a.Groups, Skills = new Dictionary<string, int> { ["Cisco"] = 5 }, Shift = nightShift }),
            Agent("away", a => new AgentProfile(a.Id) { Groups = a.Groups, Skills = new Dictionary<string, int> { ["cisco"] = 5 }, Absences = [new Interval(T0 - Duration.FromDays(1), T0 + Duration.FromDays(1))] }),
            Agent("full", a => With(a, workload: new Workload(p1: 2, p3: 2), skills: new Dictionary<string, int> { ["cisco"] = 9 })),
            Agent("ok", a => new AgentProfile(a.Id) { Groups = a.Groups, Capacity = 10, Skills = new Dictionary<string, int> { ["CISCO"] = 4 }, Shift = nineToFive }),
        };
        var assigner = new AgentAssigner(
            [EligibilityFilter.GroupMember, EligibilityFilter.HasSkills, EligibilityFilter.OnShift, EligibilityFilter.NotAbsent, EligibilityFilter.UnderCapacity()],
            AgentChooser.LeastLoaded());
        var request = new AssignmentRequest(Ticket(), Network, T0 + Duration.FromHours(1)) { RequiredSkills = [new SkillRequirement("cisco", 3)] };

        var result = assigner.Assign(request, agents);

        Assert.Equal(AssignmentOutcome.Assigned, result.Outcome);
        Assert.Equal(new AgentId("ok"), result.Agent);
        Assert.Equal(1, result.Eligible);
        Assert.Equal(6, result.Candidates);
        Assert.Equal("assigned to ok in network (1 of 6 eligible)", result.ToString());
    }

    [Fact]
    public void UnderCapacity_CountsTheNewTicketsWeight()
    {
        var agent = Agent("a", a => With(a, workload: new Workload(p1: 1, p2: 2))); // load 4 + 4 = 8 of 10
        var filter = EligibilityFilter.UnderCapacity();

        Assert.True(filter.IsEligible(agent, Request(priority: Priority.P2High)));
        Assert.False(filter.IsEligible(agent, Request(priority: Priority.P1Critical)));
    }

    [Fact]
    public void Assign_NobodyEligible_QueuesToGroupAndNamesTheFilter()
    {
        var assigner = new AgentAssigner([EligibilityFilter.GroupMember, EligibilityFilter.NotAbsent], AgentChooser.LeastLoaded());
        var agents = new[] { new AgentProfile(new AgentId("x")) { Groups = [Level2] }, new AgentProfile(new AgentId("y")) };

        var result = assigner.Assign(Request(), agents);

        Assert.Equal(AssignmentOutcome.QueuedToGroup, result.Outcome);
        Assert.Equal(Network, result.Group);
        Assert.Null(result.Agent);
        Assert.Equal("group-member", result.MostRejectingFilter);
    }

    [Fact]
    public void Assign_NobodyEligibleWithNextTierFallback_MovesToNextTier()
    {
        var groups = new SupportGroupDirectory([new SupportGroup(Network, SupportTier.FirstLine) { NextTier = Level2 }, new SupportGroup(Level2, SupportTier.SecondLine)]);
        var assigner = new AgentAssigner([EligibilityFilter.GroupMember], AgentChooser.LeastLoaded(), AssignmentFallback.NextTier, groups);

        var result = assigner.Assign(Request(), []);

        Assert.Equal(AssignmentOutcome.MovedToNextTier, result.Outcome);
        Assert.Equal(Level2, result.Group);

        var top = assigner.Assign(new AssignmentRequest(Ticket(), Level2, T0), []);
        Assert.Equal(AssignmentOutcome.QueuedToGroup, top.Outcome);
    }

    [Fact]
    public void SupportGroupDirectory_InvalidNextTiers_ListsEveryFault()
    {
        var ex = Assert.Throws<InvalidDefinitionException>(() => new SupportGroupDirectory(
        [
            new SupportGroup(Network, SupportTier.SecondLine) { NextTier = Level2 },
            new SupportGroup(Level2, SupportTier.FirstLine) { NextTier = new GroupId("ghost") },
            new SupportGroup(Level2, SupportTier.ThirdLine),
        ]));

        Assert.Equal(
            [
                "groups[2]: group 'network-l2' is listed twice.",
                "groups[0].nextTier: 'network-l2' is FirstLine, not above SecondLine; the next tier must be higher.",
                "groups[1].nextTier: group 'ghost' is not in the directory.",
            ],
            ex.Errors);
    }

    [Fact]
    public void LeastLoaded_Ties_BrokenByLongestWaitThenId()
    {
        var agents = new[]
        {
            Agent("c", a => With(a, workload: new Workload(p3: 1), last: T0)),
            Agent("b", a => With(a, workload: new Workload(p3: 1), last: T0 - Duration.FromHours(2))),
            Agent("a", a => With(a, workload: new Workload(p3: 1), last: T0 - Duration.FromHours(2))),
            Agent("d", a => With(a, workload: new Workload(p1: 1))),
        };
        var assigner = new AgentAssigner([], AgentChooser.LeastLoaded());

        Assert.Equal(new AgentId("a"), assigner.Assign(Request(), agents).Agent);
        Assert.Equal(new AgentId("a"), assigner.Assign(Request(), agents.Reverse().ToArray()).Agent);

        var never = agents.Append(Agent("z", a => With(a, workload: new Workload(p4: 1)))).ToArray();
        Assert.Equal(new AgentId("z"), assigner.Assign(Request(), never).Agent);
    }

    [Fact]
    public void BestSkillMatch_PicksHighestTotalLevel()
    {
        var agents = new[]
        {
            Agent("a", a => With(a, skills: new Dictionary<string, int> { ["cisco"] = 5, ["linux"] = 1 })),
            Agent("b", a => With(a, skills: new Dictionary<string, int> { ["cisco"] = 3, ["linux"] = 4 })),
            Agent("c", a => With(a, skills: new Dictionary<string, int> { ["cisco"] = 9 })),
        };
        var request = new AssignmentRequest(Ticket(), Network, T0) { RequiredSkills = [new SkillRequirement("cisco", 1), new SkillRequirement("linux", 1)] };

        Assert.Equal(new AgentId("c"), new AgentAssigner([], AgentChooser.BestSkillMatch()).Assign(request, agents).Agent);
        Assert.Equal(new AgentId("b"), new AgentAssigner([EligibilityFilter.HasSkills], AgentChooser.BestSkillMatch()).Assign(request, agents).Agent);
    }

    [Fact]
    public void Nearest_PicksTheClosestFieldEngineerByGreatCircle()
    {
        var paris = new GeoPoint(48.8566, 2.3522);
        var agents = new[]
        {
            Agent("lyon", a => With(a, location: new GeoPoint(45.7640, 4.8357))),
            Agent("london", a => With(a, location: new GeoPoint(51.5074, -0.1278))),
            Agent("nowhere"),
        };
        var request = new AssignmentRequest(Ticket(), Network, T0) { Site = paris };

        Assert.Equal(new AgentId("london"), new AgentAssigner([], AgentChooser.Nearest()).Assign(request, agents).Agent);
        Assert.Equal(
            AssignmentOutcome.QueuedToGroup,
            new AgentAssigner([EligibilityFilter.WithinDistance(300)], AgentChooser.Nearest()).Assign(request, agents).Outcome);
        Assert.InRange(paris.DistanceKilometresTo(new GeoPoint(51.5074, -0.1278)), 342, 345);
        Assert.InRange(new GeoPoint(0, 0).DistanceKilometresTo(new GeoPoint(0, 180)), 20015, 20016);
    }

    [Fact]
    public void RoundRobin_CursorSurvivesRestartAndSkipsIneligible()
    {
        var agents = new[] { Agent("c"), Agent("a"), Agent("b") };
        var store = new InMemoryRoundRobinCursorStore();
        var assigner = new AgentAssigner([EligibilityFilter.NotAbsent], AgentChooser.RoundRobin(store));

        Assert.Equal(new AgentId("a"), assigner.Assign(Request(), agents).Agent);
        Assert.Equal(new AgentId("b"), assigner.Assign(Request(), agents).Agent);

        var restarted = new InMemoryRoundRobinCursorStore(store.Export());
        var after = new AgentAssigner([EligibilityFilter.NotAbsent], AgentChooser.RoundRobin(restarted));
        Assert.Equal(new AgentId("c"), after.Assign(Request(), agents).Agent);
        Assert.Equal(new AgentId("a"), after.Assign(Request(), agents).Agent);

        var bAway = agents.Select(a => a.Id.Value == "b" ? new AgentProfile(a.Id) { Groups = a.Groups, Absences = [new Interval(T0, T0 + Duration.FromHours(1))] } : a).ToArray();
        Assert.Equal(new AgentId("c"), after.Assign(Request(), bAway).Agent);
    }

    [Fact]
    public void RoundRobin_ConcurrentCallers_StayFair()
    {
        var agents = Enumerable.Range(0, 7).Select(i => Agent($"agent-{i}")).ToArray();
        var assigner = new AgentAssigner([], AgentChooser.RoundRobin(new InMemoryRoundRobinCursorStore()));
        var request = Request();
        var counts = new int[agents.Length];

        Parallel.For(0, 7000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            var agent = assigner.Assign(request, agents).Agent!.Value;
            Interlocked.Increment(ref counts[int.Parse(agent.Value[6..], System.Globalization.CultureInfo.InvariantCulture)]);
        });

        Assert.All(counts, c => Assert.Equal(1000, c));
    }

    [Fact]
    public void Assign_ManyAgents_AllocatesNothing()
    {
        var agents = Enumerable.Range(0, 200).Select(i => Agent($"agent-{i:D3}", a => With(a, workload: new Workload(p3: i % 7)))).ToArray();
        var assigner = new AgentAssigner(
            [EligibilityFilter.GroupMember, EligibilityFilter.NotAbsent, EligibilityFilter.UnderCapacity()], AgentChooser.LeastLoaded());
        var request = Request();
        assigner.Assign(request, agents);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            assigner.Assign(request, agents);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void RoundRobin_AfterTheFirstTurn_AllocatesNothing()
    {
        var agents = Enumerable.Range(0, 50).Select(i => Agent($"agent-{i:D2}")).ToArray();
        var assigner = new AgentAssigner([EligibilityFilter.GroupMember], AgentChooser.RoundRobin(new InMemoryRoundRobinCursorStore()));
        var request = Request();
        assigner.Assign(request, agents);
        assigner.Assign(request, agents);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            assigner.Assign(request, agents);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Assign_MoreThanStackLimitAgents_StillChoosesCorrectly()
    {
        var agents = Enumerable.Range(0, 5000).Select(i => Agent($"agent-{i:D4}", a => With(a, workload: new Workload(p3: 1 + (i % 5))))).ToArray();
        var lightest = Agent("zzz", a => With(a, workload: new Workload()));
        var result = new AgentAssigner([EligibilityFilter.GroupMember], AgentChooser.LeastLoaded()).Assign(Request(), [.. agents, lightest]);

        Assert.Equal(new AgentId("zzz"), result.Agent);
        Assert.Equal(5001, result.Eligible);
    }

    [Fact]
    public void Arguments_AreValidated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new GeoPoint(91, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GeoPoint(0, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Workload(p2: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkloadWeights(1, 1, 1, 1, 1001));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SkillRequirement("x", 101));
        Assert.Throws<ArgumentException>(() => new AgentProfile(new AgentId("a")) { Skills = new Dictionary<string, int> { ["a"] = 1, ["A"] = 2 } });
        Assert.Throws<ArgumentException>(() => new AgentProfile(default));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AgentProfile(new AgentId("a")) { Capacity = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => EligibilityFilter.WithinDistance(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AgentAssigner([], AgentChooser.LeastLoaded(), (AssignmentFallback)0));
        Assert.Throws<ArgumentException>(() => new AgentAssigner([], AgentChooser.LeastLoaded()).Assign(default, []));
        Assert.Throws<ArgumentException>(() => new AssignmentRequest(Ticket(), default, T0));
    }
}
