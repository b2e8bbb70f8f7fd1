using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using ServiceDesk.Events;
using static ServiceDesk.Analytics.Tests.TestData;

namespace ServiceDesk.Analytics.Tests.Problems;

public sealed class ProblemCandidateFinderTests
{
    internal static readonly IncidentFacts Mail = new(Email, new ConfigurationItemId("mx-01"), new TicketCategory("Email", "Delivery"));
    internal static readonly IncidentFacts Tunnel = new(Vpn, new ConfigurationItemId("gw-02"), new TicketCategory("Network", "VPN"));

    internal static readonly string[] DocNames = ["I1", "I2", "I3", "I4", "V1", "V2", "V3", "W1", "W2", "R1", "R2", "R3", "X1"];

    /// <summary>The worked example of docs/analytics.md, March 2026, Monday-Friday 09:00-17:00 UTC.</summary>
    internal static IReadOnlyList<(IReadOnlyList<TicketEvent> History, IncidentFacts Facts)> DocIncidents() =>
    [
        (new History("I1", Utc(2026, 3, 2, 9)).Resolve(Utc(2026, 3, 2, 11)).Events, Mail),                 // 2 h
        (new History("I2", Utc(2026, 3, 4, 10)).Resolve(Utc(2026, 3, 4, 14)).Close(Utc(2026, 3, 6, 9)).Events, Mail),  // 4 h
        (new History("I3", Utc(2026, 3, 10, 9)).Resolve(Utc(2026, 3, 11, 10)).Events, Mail),               // 9 h
        (new History("I4", Utc(2026, 3, 30, 9)).Events, Mail),                                             // outside I1's window
        (new History("V1", Utc(2026, 3, 2, 13)).Resolve(Utc(2026, 3, 2, 15)).Events, Tunnel),              // 2 h
        (new History("V2", Utc(2026, 3, 2, 14)).Events, Tunnel),                                           // open
        (new History("V3", Utc(2026, 3, 3, 9)).Status(Utc(2026, 3, 3, 10), TicketStatus.Canceled).Events, Tunnel),
        (new History("W1", Utc(2026, 3, 5, 9)).Events, new IncidentFacts(Category: new TicketCategory("Hardware", "Printer"))),
        (new History("W2", Utc(2026, 3, 6, 9)).Events, new IncidentFacts(Category: new TicketCategory("Hardware", "Printer"))),
        (new History("R1", Utc(2026, 3, 2, 9), kind: TicketKind.ServiceRequest).Events, Mail),             // not incidents
        (new History("R2", Utc(2026, 3, 2, 10), kind: TicketKind.ServiceRequest).Events, Mail),
        (new History("R3", Utc(2026, 3, 2, 11), kind: TicketKind.ServiceRequest).Events, Mail),
        (new History("X1", Utc(2026, 3, 2, 9)).Events, new IncidentFacts()),                               // nothing to group by
    ];

    internal static ProblemCandidateOptions DocOptions() => new() { Calendar = OfficeUtc, Window = Duration.FromDays(14), MinimumCount = 3 };

    internal static (IReadOnlyList<ProblemCandidate> Candidates, ProblemCandidateFinder Finder) DocCandidates()
    {
        var finder = new ProblemCandidateFinder(DocOptions());
        foreach (var (history, facts) in DocIncidents())
        {
            finder.Add(history, facts);
        }

        return (finder.ToCandidates(), finder);
    }

    internal static string Name(TicketId id) => DocNames.Single(n => History.IdOf(n) == id);

    [Fact]
    public void ToCandidates_DocExample_RankedWithIncidentsWeeksAndTimeLost()
    {
        var (candidates, finder) = DocCandidates();

        Assert.Equal((10, 1), (finder.Count, finder.Ungrouped));
        Assert.Equal(2, candidates.Count);

        var mail = candidates[0];
        Assert.Equal(new ProblemKey(Email, new ConfigurationItemId("mx-01"), "Email", "Delivery", null), mail.Key);
        Assert.Equal(["I1", "I2", "I3"], mail.Incidents.Select(Name));
        Assert.Equal((Utc(2026, 3, 2, 9), Utc(2026, 3, 10, 9)), (mail.First, mail.Last));
        Assert.Equal(2, mail.DistinctWeeks);                                    // ISO weeks 10 and 11
        Assert.Equal(Duration.FromHours(15), mail.BusinessTimeLost);            // 2 + 4 + 9
        Assert.Equal(0, mail.Unresolved);

        var vpn = candidates[1];
        Assert.Equal(["V1", "V2", "V3"], vpn.Incidents.Select(Name));
        Assert.Equal((1, 2), (vpn.DistinctWeeks, vpn.Unresolved));
        Assert.Equal(Duration.FromHours(2), vpn.BusinessTimeLost);
        Assert.Equal("vpn / gw-02 / Network / VPN", vpn.Key.ToString());
    }

    [Fact]
    public void ToCandidates_FullTies_OrderedByKeyText_WhateverTheOrderAdded()
    {
        IReadOnlyList<(IReadOnlyList<TicketEvent>, IncidentFacts)> Group(string ci) =>
        [
            (new History(ci + "1", Utc(2026, 3, 2, 9)).Resolve(Utc(2026, 3, 2, 10)).Events, new IncidentFacts(ConfigurationItem: new ConfigurationItemId(ci))),
            (new History(ci + "2", Utc(2026, 3, 3, 9)).Resolve(Utc(2026, 3, 3, 10)).Events, new IncidentFacts(ConfigurationItem: new ConfigurationItemId(ci))),
        ];

        var all = Group("b-ci").Concat(Group("a-ci")).Concat(Group("c-ci")).ToList();
        var options = new ProblemCandidateOptions { Calendar = OfficeUtc, MinimumCount = 2 };
        IReadOnlyList<string> Keys(IEnumerable<(IReadOnlyList<TicketEvent> History, IncidentFacts Facts)> incidents)
        {
            var finder = new ProblemCandidateFinder(options);
            foreach (var (h, f) in incidents)
            {
                finder.Add(h, f);
            }

            return [.. finder.ToCandidates().Select(c => c.Key.ToString())];
        }

        Assert.Equal(["a-ci", "b-ci", "c-ci"], Keys(all));
        Assert.Equal(["a-ci", "b-ci", "c-ci"], Keys(Enumerable.Reverse(all)));
    }

    [Fact]
    public void ToCandidates_RankingOrder_CountThenWeeksThenTimeLost()
    {
        var finder = new ProblemCandidateFinder(new ProblemCandidateOptions { Calendar = OfficeUtc, MinimumCount = 2, GroupBy = ProblemGrouping.Symptom });
        void Add(string name, Instant opened, Duration fix, string symptom)
            => finder.Add(new History(name, opened).Resolve(opened + fix).Events, new IncidentFacts(Symptom: symptom));

        // "many": 3 incidents in one week. "weekly": 2 in two weeks. "slow": 2 in one week, 5 h lost. "quick": 2, 2 h.
        Add("m1", Utc(2026, 3, 2, 9), Duration.FromHours(1), "many");
        Add("m2", Utc(2026, 3, 3, 9), Duration.FromHours(1), "many");
        Add("m3", Utc(2026, 3, 4, 9), Duration.FromHours(1), "many");
        Add("w1", Utc(2026, 3, 6, 9), Duration.FromHours(1), "weekly");
        Add("w2", Utc(2026, 3, 9, 9), Duration.FromHours(1), "weekly");
        Add("s1", Utc(2026, 3, 2, 9), Duration.FromHours(3), "slow");
        Add("s2", Utc(2026, 3, 3, 9), Duration.FromHours(2), "slow");
        Add("q1", Utc(2026, 3, 2, 9), Duration.FromHours(1), "quick");
        Add("q2", Utc(2026, 3, 3, 9), Duration.FromHours(1), "quick");

        Assert.Equal(["many", "weekly", "slow", "quick"], finder.ToCandidates().Select(c => c.Key.Symptom));
    }

    [Fact]
    public void ToCandidates_WindowIsHalfOpen_AndTheLatestFullestWindowWins()
    {
        var finder = new ProblemCandidateFinder(new ProblemCandidateOptions { Calendar = OfficeUtc, Window = Duration.FromDays(7), MinimumCount = 2 });
        var ci = new IncidentFacts(ConfigurationItem: new ConfigurationItemId("db"));
        finder.Add(new History("d0", Utc(2026, 3, 2, 9)).Events, ci);
        finder.Add(new History("d7", Utc(2026, 3, 9, 9)).Events, ci);          // exactly 7 days later: not in d0's window
        finder.Add(new History("d20", Utc(2026, 3, 22, 9)).Events, ci);
        finder.Add(new History("d21", Utc(2026, 3, 23, 9)).Events, ci);
        finder.Add(new History("d1", Utc(2026, 3, 3, 9)).Events, ci);

        // Windows of two: [d0, d1], [d1, d7] and [d20, d21]; the latest wins.
        var c = Assert.Single(finder.ToCandidates());
        Assert.Equal([History.IdOf("d20"), History.IdOf("d21")], c.Incidents);
        Assert.Equal(2, c.Unresolved);
        Assert.Equal(Duration.Zero, c.BusinessTimeLost);
    }

    [Fact]
    public void Add_GroupingChoosesTheKey_FieldsNotGroupedAreNull()
    {
        var finder = new ProblemCandidateFinder(new ProblemCandidateOptions { Calendar = OfficeUtc, MinimumCount = 2, GroupBy = ProblemGrouping.Category });
        finder.Add(new History("a", Utc(2026, 3, 2, 9)).Events, Mail);
        finder.Add(new History("b", Utc(2026, 3, 2, 10)).Events, Mail with { Service = Vpn, Category = new TicketCategory("Email", "Spam") });
        var c = Assert.Single(finder.ToCandidates());
        Assert.Equal(new ProblemKey(null, null, "Email", null, null), c.Key);
    }

    [Fact]
    public void Constructor_BadOptions_OneExceptionNamingEachValueAndRange()
    {
        var options = new ProblemCandidateOptions { Window = Duration.Zero, MinimumCount = 1, GroupBy = ProblemGrouping.Subcategory };
        var e = Assert.Throws<ArgumentException>(() => new ProblemCandidateFinder(options));
        Assert.Contains("Calendar is null", e.Message, StringComparison.Ordinal);
        Assert.Contains("Window is 0:00:00:00; it must be more than zero", e.Message, StringComparison.Ordinal);
        Assert.Contains("MinimumCount is 1; it must be at least 2", e.Message, StringComparison.Ordinal);
        Assert.Contains("Subcategory needs Category", e.Message, StringComparison.Ordinal);

        var none = Assert.Throws<ArgumentException>(() => new ProblemCandidateFinder(new ProblemCandidateOptions { Calendar = OfficeUtc, GroupBy = ProblemGrouping.None, Window = Duration.FromHours(-1) }));
        Assert.Contains("GroupBy is None", none.Message, StringComparison.Ordinal);
        Assert.Contains("Window is -0:01:00:00", none.Message, StringComparison.Ordinal);

        var kinds = new ProblemCandidateOptions { Calendar = OfficeUtc };
        kinds.Kinds.Clear();
        Assert.Contains("Kinds is empty", Assert.Throws<ArgumentException>(() => new ProblemCandidateFinder(kinds)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_EmptyOrOutOfOrderHistory_Throws_NothingCounted()
    {
        var finder = new ProblemCandidateFinder(DocOptions());
        Assert.Throws<ArgumentException>(() => finder.Add([], Mail));
        var h = new History("o", Utc(2026, 3, 2, 12)).Resolve(Utc(2026, 3, 2, 11)).Events;
        Assert.Contains("out of order", Assert.Throws<ArgumentException>(() => finder.Add(h, Mail)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => finder.Add(new History("n", Utc(2026, 3, 2, 9)).Events, null!));
        Assert.Equal(0, finder.Count);
        Assert.Empty(finder.ToCandidates());
    }

    [Property(MaxTest = 200)]
    public bool Candidates_AreTheFullestWindowPerKey_WithinTheWindow_Ranked(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        var window = Duration.FromHours(random.Next(1, 24 * 20));
        var minimum = random.Next(2, 5);
        var finder = new ProblemCandidateFinder(new ProblemCandidateOptions { Calendar = OfficeUtc, Window = window, MinimumCount = minimum });
        var openings = new Dictionary<string, List<Instant>>();
        for (var i = 0; i < random.Next(0, 40); i++)
        {
            var ci = "ci" + random.Next(0, 4);
            var at = Utc(2026, 3, 1, 0) + Duration.FromHours(random.Next(0, 24 * 60));
            finder.Add(new History("p" + i, at).Resolve(at + Duration.FromHours(random.Next(0, 30))).Events, new IncidentFacts(ConfigurationItem: new ConfigurationItemId(ci)));
            openings.TryAdd(ci, []);
            openings[ci].Add(at);
        }

        var candidates = finder.ToCandidates();
        var expected = openings.Select(p => (Key: p.Key, Best: p.Value.Max(s => p.Value.Count(t => t >= s && t < s + window))))
            .Where(x => x.Best >= minimum).ToDictionary(x => x.Key, x => x.Best);
        var ranked = candidates.Zip(candidates.Skip(1)).All(p =>
            p.First.Count > p.Second.Count
            || (p.First.Count == p.Second.Count && (p.First.DistinctWeeks > p.Second.DistinctWeeks
                || (p.First.DistinctWeeks == p.Second.DistinctWeeks && p.First.BusinessTimeLost >= p.Second.BusinessTimeLost))));
        return candidates.Count == expected.Count
            && candidates.All(c => expected[c.Key.ConfigurationItem!.Value.Value] == c.Count && c.Last - c.First < window && c.Count >= minimum
                && c.BusinessTimeLost >= Duration.Zero && c.Unresolved == 0)
            && ranked;
    }
}
