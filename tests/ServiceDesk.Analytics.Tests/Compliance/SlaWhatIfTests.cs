using NodaTime;
using ServiceDesk.Sla;
using static ServiceDesk.Analytics.Tests.Compliance.SlaComplianceTests;
using static ServiceDesk.Analytics.Tests.TestData;

namespace ServiceDesk.Analytics.Tests.Compliance;

public sealed class SlaWhatIfTests
{
    internal static SlaWhatIfReport DocWhatIf()
    {
        var tickets = DocTickets();
        var facts = tickets.Where(t => t.Facts is not null).ToDictionary(t => t.History[0].Ticket, t => t.Facts);
        return SlaCompliance.WhatIf(
            tickets.Select(t => t.History),
            new SlaComplianceOptions { Policies = DocPolicies(), AsOf = DocAsOf },
            [DocPolicies(Duration.FromHours(12)), DocPolicies(Duration.FromMinutes(90))],
            id => facts.GetValueOrDefault(id));
    }

    [Fact]
    public void WhatIf_DocExample_SideBySide()
    {
        var w = DocWhatIf();

        Assert.Equal(DocReport().Metrics.Select(m => m.Total), w.InForce.Metrics.Select(m => m.Total));
        Assert.Equal(2, w.Alternatives.Count);
        var res = Assert.Single(w.Metrics, m => m.Metric == "resolution");
        Assert.Equal(new SlaOutcomeCounts(3, 2, 1, 0, 1, 2), res.InForce);

        // 12 h: H (11 h) is met, E (10 h, open) is no longer breached; the 75 % threshold (9 h) is reached by E and H.
        Assert.Equal(new SlaWhatIfAlternative(new SlaOutcomeCounts(4, 0, 2, 0, 1, 2), MetToBreached: 0, BreachedToMet: 1), res.Alternatives[0]);
        // 90 min: A and B (2 h) breach as well; C stays under contract-42's 4 h; 75 % (67.5 min) reached by A, B, E, H.
        Assert.Equal(new SlaWhatIfAlternative(new SlaOutcomeCounts(1, 4, 1, 0, 1, 4), MetToBreached: 2, BreachedToMet: 0), res.Alternatives[1]);

        // First response did not change.
        var fr = Assert.Single(w.Metrics, m => m.Metric == "first_response");
        Assert.All(fr.Alternatives, a => Assert.Equal((fr.InForce, 0, 0), (a.Counts, a.MetToBreached, a.BreachedToMet)));
    }

    [Fact]
    public void WhatIf_AnotherCalendar_ComparesLikeAnotherPolicy()
    {
        var h = new History("cal", Utc(2026, 3, 2, 9)).Resolve(Utc(2026, 3, 3, 9)).Events;   // 24 h wall, 8 h office time
        var office = new SlaPolicySet([Policy("p", Duration.FromHours(1), Duration.FromHours(10))]);
        var allDay = new SlaPolicySet([Policy("p", Duration.FromHours(1), Duration.FromHours(10), calendar: AlwaysOpen)]);

        var w = SlaCompliance.WhatIf([h], new SlaComplianceOptions { Policies = office, AsOf = DocAsOf }, [allDay]);
        var res = Assert.Single(w.Metrics, m => m.Metric == "resolution");
        Assert.Equal(1, res.InForce!.Met);
        Assert.Equal(new SlaWhatIfAlternative(new SlaOutcomeCounts(0, 1, 0, 0, 0, 0), 1, 0), res.Alternatives[0]);
    }

    [Fact]
    public void WhatIf_NoAlternative_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => SlaCompliance.WhatIf([], new SlaComplianceOptions { Policies = DocPolicies(), AsOf = DocAsOf }, []));
        Assert.Equal("alternatives", e.ParamName);
        Assert.Throws<ArgumentNullException>(() => SlaCompliance.WhatIf([], new SlaComplianceOptions { Policies = DocPolicies(), AsOf = DocAsOf }, [null!]));
    }

    [Fact]
    public void WhatIf_NoHistories_EmptyReports()
    {
        var w = SlaCompliance.WhatIf([], new SlaComplianceOptions { Policies = DocPolicies(), AsOf = DocAsOf }, [DocPolicies()]);
        Assert.Empty(w.Metrics);
        Assert.Equal(0, w.InForce.Tickets);
        Assert.Equal(0, Assert.Single(w.Alternatives).Tickets);
    }
}
