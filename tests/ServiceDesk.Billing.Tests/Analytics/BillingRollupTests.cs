using NodaTime;
using static ServiceDesk.Billing.Tests.TestData;

namespace ServiceDesk.Billing.Tests;

public class BillingRollupTests
{
    private static readonly YearMonth March = new(2026, 3);

    [Fact]
    public void Aggregate_ByAgent_AttributesTimeToAgentsAndFeeToNoAgent()
    {
        var statement = BillingCalculator.CalculateMonth(WorkedExampleTests.SubscriptionContract(), March, WorkedExampleTests.SubscriptionEntries(), null, Now);

        var rows = BillingRollup.Aggregate([statement], RollupDimensions.Agent);

        Assert.Equal([null, "alice", "bob"], rows.Select(r => r.Key.Agent?.Value));
        var none = rows[0];
        Assert.Equal((Duration.Zero, Duration.FromHours(10), Duration.Zero, Eur(500m)), (none.BillableTime, none.IncludedTime, none.QuotaLeft, none.Revenue));
        var alice = rows[1];
        Assert.Equal((Duration.FromMinutes(210), Duration.FromHours(1)), (alice.BillableTime, alice.NonBillableTime));
        var bob = rows[2];
        Assert.Equal((Duration.FromMinutes(555), Duration.FromMinutes(165), Eur(247.50m)), (bob.BillableTime, bob.OverageTime, bob.Revenue));
    }

    [Fact]
    public void ByContractAndMonth_WorkedExamples_MatchStatements()
    {
        Contract[] contracts = [WorkedExampleTests.SubscriptionContract(), WorkedExampleTests.CallOutContract(), WorkedExampleTests.BundleContract()];
        var entries = WorkedExampleTests.SubscriptionEntries().Concat(WorkedExampleTests.CallOutEntries()).Concat(WorkedExampleTests.BundleEntries()).ToList();

        var rows = BillingRollup.ByContractAndMonth(contracts, entries, March, Now);

        Assert.Equal(9, rows.Count);
        var pre = rows.Where(r => r.Key.Contract == new ContractId("C-PRE")).ToList();
        Assert.Equal([new YearMonth(2026, 1), new YearMonth(2026, 2), March], pre.Select(r => r.Key.Period!.Value));
        Assert.Equal((Duration.FromHours(15), Eur(1600m)), (pre[1].PrepaidUsed, pre[1].Revenue));
        Assert.Equal((Duration.FromHours(5), Duration.FromHours(4), Eur(380m)), (pre[2].PrepaidUsed, pre[2].TimeAndMaterialsTime, pre[2].Revenue));
        var sub = rows.Single(r => r.Key.Contract == new ContractId("C-SUB") && r.Key.Period == March);
        Assert.Equal((Duration.FromMinutes(765), Duration.FromMinutes(165), Eur(747.50m)), (sub.BillableTime, sub.OverageTime, sub.Revenue));
    }

    [Fact]
    public void Calculate_Rollover_CarriesUnusedIncludedTimeOneMonthOnly()
    {
        var o = Options("C-R");
        o.Subscription = new SubscriptionPlan(Eur(100m), Duration.FromHours(10)) { RolloverUnused = true, RolloverCap = Duration.FromHours(4), OverageHourlyRate = Eur(50m) };
        var contract = o.Build();
        TimeEntry[] entries =
        [
            Entry("J", Local(2026, 1, 5, 9), Duration.FromHours(4), contract: "C-R"),
            Entry("F", Local(2026, 2, 5, 9), Duration.FromHours(13), contract: "C-R"),
        ];

        var months = BillingCalculator.CalculateMonths(contract, March, entries, null, Now);

        Assert.Equal(Duration.FromHours(4), months[0].RolloverOut);
        Assert.Equal((Duration.FromHours(4), Duration.FromHours(13), Duration.FromHours(1)), (months[1].RolloverIn, months[1].QuotaUsed, months[1].QuotaLeft));
        Assert.Equal(Duration.FromHours(1), months[1].RolloverOut);
        Assert.Equal((Duration.FromHours(1), Duration.FromHours(11)), (months[2].RolloverIn, months[2].QuotaLeft));
        Assert.Equal(Duration.Zero, months[1].OverageTime);
    }

    [Fact]
    public void Calculate_UncoveredServiceAndRejected_NotCharged()
    {
        var o = Options("C-U");
        o.CoveredServices.Add(new ServiceId("email"));
        o.TimeAndMaterials = new TimeAndMaterialsPlan { Rates = [new HourlyRate(Eur(100m)) { Activity = "remote" }] };
        var contract = o.Build();
        TimeEntry[] entries =
        [
            Entry("A", Local(2026, 3, 2, 9), Duration.FromHours(1), contract: "C-U") with { Service = new ServiceId("erp") },
            Entry("B", Local(2026, 3, 2, 11), Duration.FromHours(1), contract: "C-U", activity: "onsite"),
            Entry("C", Local(2026, 3, 2, 13), Duration.FromHours(1), contract: "C-U", approval: ApprovalState.Rejected),
            Entry("D", Local(2026, 3, 2, 15), Duration.FromHours(1), contract: "C-U") with { Service = new ServiceId("email") },
        ];

        var s = BillingCalculator.CalculateMonth(contract, March, entries, null, Now);

        Assert.Equal(Duration.FromHours(2), s.UncoveredTime);
        Assert.Equal(Duration.FromHours(1), s.TimeAndMaterialsTime);
        Assert.Equal(("C", ExclusionReason.Rejected), (s.Excluded.Single().Id, s.Excluded.Single().Reason));
        Assert.Equal(Eur(100m), s.NetTotal);
    }

    [Fact]
    public void Calculate_RatePrecedence_MostSpecificThenFirstDeclared()
    {
        var o = Options("C-P");
        o.TimeAndMaterials = new TimeAndMaterialsPlan
        {
            Rates =
            [
                new HourlyRate(Eur(10m)) { Activity = "remote" },
                new HourlyRate(Eur(20m)) { Role = "senior" },
                new HourlyRate(Eur(30m)) { Activity = "remote", Role = "senior" },
                new HourlyRate(Eur(40m)) { Priority = Priority.P1Critical },
            ],
        };
        var contract = o.Build();
        TimeEntry[] entries =
        [
            Entry("A", Local(2026, 3, 2, 9), Duration.FromHours(1), contract: "C-P") with { Role = "senior" },
            Entry("B", Local(2026, 3, 2, 10), Duration.FromHours(1), contract: "C-P") with { Priority = Priority.P1Critical },
            Entry("C", Local(2026, 3, 2, 11), Duration.FromHours(1), contract: "C-P", activity: "onsite"),
        ];

        var s = BillingCalculator.CalculateMonth(contract, March, entries, null, Now);

        Assert.Equal([30m, 10m], s.Allocations.Take(2).Select(a => a.Revenue.Amount));
        Assert.Equal(AllocationSource.Uncovered, s.Allocations[2].Source);
    }

    [Fact]
    public void ByContractAndMonth_ManyContractsOverDecadesWithCopiedIds_EqualsAggregateOfStatements()
    {
        // Month lookup over 26 years (including Samoa's skipped day in December 2011) at every month boundary, and
        // contract ids that are equal strings but other instances than the contracts' own.
        var random = new Random(7);
        string[] zones = ["Europe/Berlin", "Pacific/Apia", "America/New_York", "Asia/Kathmandu"];
        var through = new YearMonth(2026, 12);
        var contracts = Enumerable.Range(0, 120).Select(i =>
        {
            var o = Options($"M{i:D3}");
            o.Zone = DateTimeZoneProviders.Tzdb[zones[i % zones.Length]];
            o.Start = new LocalDate(2001 + (i % 3 == 0 ? 0 : random.Next(25)), 1 + random.Next(12), 1);
            o.TimeAndMaterials = new TimeAndMaterialsPlan { DefaultHourlyRate = Eur(80m) };
            return o.Build();
        }).ToArray();
        var entries = new List<TimeEntry>();
        foreach (var c in contracts.Where((_, i) => i % 10 == 0))
        {
            for (var m = c.Start.ToYearMonth(); m <= through; m = m.PlusMonths(1))
            {
                var boundary = c.GetMonthInterval(m).Start;
                foreach (var start in new[] { boundary, boundary - Duration.FromTicks(1), boundary + Duration.FromHours(random.Next(0, 24 * 28)) })
                {
                    entries.Add(Entry($"B{entries.Count:D6}", start, Duration.FromMinutes(random.Next(1, 240)), contract: c.Id.Value));
                }
            }
        }

        for (var i = 0; i < 3_000; i++)
        {
            var c = contracts[random.Next(contracts.Length)];
            var id = random.Next(2) == 0 ? c.Id.Value : string.Concat(c.Id.Value.AsSpan(0, 1), c.Id.Value.AsSpan(1));
            var start = Instant.FromUtc(2000, 12, 1, 0, 0) + Duration.FromMinutes(random.NextInt64(26L * 366 * 24 * 60));
            entries.Add(Entry($"R{i:D6}", start, Duration.FromMinutes(random.Next(1, 240)), contract: id));
        }

        var now = Instant.FromUtc(2027, 2, 1, 0, 0);
        var shuffled = entries.OrderBy(_ => random.Next()).ToList();
        var statements = contracts.SelectMany(c => BillingCalculator.CalculateMonths(c, through, shuffled, null, now));
        var slow = BillingRollup.Aggregate(statements, RollupDimensions.Contract | RollupDimensions.Period);

        Assert.Equal(slow, BillingRollup.ByContractAndMonth(contracts, shuffled, through, now));
        Assert.Equal(slow, BillingRollup.ByContractAndMonth(contracts, [.. shuffled.OrderBy(e => e.Start).ThenBy(e => e.Id)], through, now));
    }

    [Fact]
    public void Calculate_EntryBeforeStartOrOfOtherTenant_ExcludedOrIgnored()
    {
        var contract = WorkedExampleTests.CallOutContract();
        TimeEntry[] entries =
        [
            Entry("early", Local(2025, 12, 30, 10), Duration.FromHours(1), contract: "C-TM"),
            Entry("foreign", Local(2026, 1, 5, 10), Duration.FromHours(1), contract: "C-TM") with { Tenant = new TenantId("other") },
            Entry("ok", Local(2026, 1, 5, 12), Duration.FromHours(1), contract: "C-TM"),
        ];

        var january = BillingCalculator.CalculateMonths(contract, new YearMonth(2026, 1), entries, null, Now).Single();

        Assert.Equal(("early", ExclusionReason.NotInForce), (january.Excluded.Single().Id, january.Excluded.Single().Reason));
        Assert.Equal("ok", january.Allocations.Single().Entry.Id.Value);
        Assert.Equal(Duration.FromHours(1), BillingRollup.ByContractAndMonth([contract], entries, new YearMonth(2026, 1), Now).Single().BillableTime);
    }

    [Fact]
    public void Aggregate_WorkedExamplesByContractAgentActivity_MatchesSnapshot()
    {
        Contract[] contracts = [WorkedExampleTests.SubscriptionContract(), WorkedExampleTests.CallOutContract(), WorkedExampleTests.BundleContract()];
        var entries = WorkedExampleTests.SubscriptionEntries().Concat(WorkedExampleTests.CallOutEntries()).Concat(WorkedExampleTests.BundleEntries()).ToList();
        var statements = contracts.SelectMany(c => BillingCalculator.CalculateMonths(c, March, entries, null, Now));

        var report = BillingRollup.Aggregate(statements, RollupDimensions.Contract | RollupDimensions.Period | RollupDimensions.Agent | RollupDimensions.Activity)
            .Select(r => $"{r.Key.Contract} {r.Key.Period:uuuu-MM} {r.Key.Agent?.Value ?? "-"} {r.Key.Activity ?? "-"}: billable {r.BillableTime:H:mm}, non-billable {r.NonBillableTime:H:mm}, "
                + $"included {r.IncludedTime:H:mm}, used {r.QuotaUsed:H:mm}, left {r.QuotaLeft:H:mm}, prepaid {r.PrepaidUsed:H:mm}, overage {r.OverageTime:H:mm}, "
                + $"T&M {r.TimeAndMaterialsTime:H:mm}, revenue {r.Revenue}")
            .ToList();

        Snapshooter.Xunit.Snapshot.Match(report);
    }

    [Fact]
    public void Calculate_NotInForce_ExcludesEntries()
    {
        var o = Options("C-N");
        o.End = new LocalDate(2026, 3, 15);
        o.TimeAndMaterials = new TimeAndMaterialsPlan { DefaultHourlyRate = Eur(100m) };
        var contract = o.Build();
        TimeEntry[] entries =
        [
            Entry("A", Local(2026, 3, 15, 9), Duration.FromHours(1), contract: "C-N"),
            Entry("B", Local(2026, 3, 16, 9), Duration.FromHours(1), contract: "C-N"),
        ];

        var s = BillingCalculator.CalculateMonth(contract, March, entries, null, Now);

        Assert.Equal(Duration.FromHours(1), s.TimeAndMaterialsTime);
        Assert.Equal(("B", ExclusionReason.NotInForce), (s.Excluded.Single().Id, s.Excluded.Single().Reason));
        Assert.False(BillingCalculator.CalculateMonth(contract, new YearMonth(2026, 4), entries, null, Now).InForce);
    }
}
