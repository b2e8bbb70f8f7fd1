using FsCheck.Xunit;
using NodaTime;
using ServiceDesk.Sla;
using static ServiceDesk.Billing.Tests.TestData;

namespace ServiceDesk.Billing.Tests;

/// <summary>The fast paths (one-month statements, the ledger, the contract-month rollup, 64-bit pricing) equal the reference computations.</summary>
public class FastPathPropertyTests
{

    private static readonly BusinessCalendar Calendar = OfficeHours();
    private static readonly YearMonth Through = new(2026, 4);
    private static readonly string[] ContractIds = ["K1", "K2", "K3"];

    private static (Contract[] Contracts, List<TimeEntry> Entries, List<OneOffWork> Works) World(int seed)
    {
        var contracts = ContractIds.Select((id, i) => RandomContract(seed + i, id, Calendar)).ToArray();
        var entries = RandomEntries(seed, 40 + Math.Abs(seed % 60), ContractIds, new YearMonth(2026, 1), 4);
        var random = new Random(seed);
        var works = Enumerable.Range(0, 4)
            .Select(i => new OneOffWork(new OneOffWorkId($"W{i}"), new ContractId(ContractIds[random.Next(3)]), "VISIT", random.Next(1, 4), Local(2026, 1 + random.Next(4), 10, 10)))
            .ToList();
        return (contracts, entries, works);
    }

    /// <summary>Everything a statement says, as comparable values.</summary>
    private static object[] Content(ContractMonthStatement s) =>
    [
        s.Contract.Id, s.Month, s.Period, s.InForce, s.BillableTime, s.NonBillableTime, s.IncludedTime, s.RolloverIn, s.QuotaUsed, s.QuotaLeft,
        s.RolloverOut, s.PrepaidUsed, s.OverageTime, s.TimeAndMaterialsTime, s.UncoveredTime, s.Revenue, s.NetTotal, s.TaxTotal,
        string.Join("|", s.Allocations), string.Join("|", s.Bundles), string.Join("|", s.Lines), string.Join("|", s.Works),
        string.Join("|", s.Excluded), string.Join("|", s.Faults),
    ];

    [Property(MaxTest = 30)]
    public bool CalculateMonth_AnyInput_EqualsLastOfCalculateMonths(int seed)
    {
        var (contracts, entries, works) = World(seed);
        var month = new YearMonth(2026, 1 + Math.Abs(seed % 4));
        return contracts.All(c => Content(BillingCalculator.CalculateMonth(c, month, entries, works, Now))
            .SequenceEqual(Content(BillingCalculator.CalculateMonths(c, month, entries, works, Now)[^1])));
    }

    [Property(MaxTest = 30)]
    public bool Invoice_FirstRun_BillsTheFullStatement(int seed)
    {
        var (contracts, entries, works) = World(seed);
        var ledger = new InvoiceLedger(new InMemoryInvoiceNumberSequence());
        var month = new YearMonth(2026, 1 + Math.Abs(seed % 4));
        return contracts.All(c =>
        {
            var run = ledger.Invoice(c, month, entries, works, Now);
            var reference = BillingCalculator.CalculateMonths(c, month, entries, works, Now)[^1];
            return Content(run.Statement).SequenceEqual(Content(reference))
                && (run.Invoice is null ? reference.Lines.Count == 0 : run.Invoice.Lines.SequenceEqual(reference.Lines));
        });
    }

    [Property(MaxTest = 25)]
    public bool ByContractAndMonth_EqualStartsShuffled_EqualsAggregateOfStatements(int seed)
    {
        // Starts truncated to 7-day steps, at 16:00 Berlin (Thursdays): many entries share a start and cross the end of business
        // hours by different amounts, so the id tie-break decides how bundles and after-hours time are split.
        var (contracts, entries, _) = World(seed);
        var step = Duration.FromDays(7).BclCompatibleTicks;
        var tied = entries
            .Select(e => e with { Start = Instant.FromUnixTimeTicks((e.Start.ToUnixTimeTicks() / step * step) + Duration.FromHours(15).BclCompatibleTicks) })
            .OrderBy(e => HashCode.Combine(e.Id.Value.Length, e.Id.Value[^1], seed))
            .ToList();
        var statements = contracts.SelectMany(c => BillingCalculator.CalculateMonths(c, Through, tied, null, Now));
        var slow = BillingRollup.Aggregate(statements, RollupDimensions.Contract | RollupDimensions.Period);
        var fast = BillingRollup.ByContractAndMonth(contracts, tied, Through, Now);
        return tied.GroupBy(e => (e.Contract, e.Start)).Any(g => g.Count() > 1) && slow.SequenceEqual(fast);
    }

    /// <summary>
    /// The fast path equals the simple reference (statements, then <see cref="BillingRollup.Aggregate"/>) for contracts in
    /// zones with and without DST (including a 30-minute shift), periods of 1 to 12 months and mid-month starts, with
    /// entries exactly on each month boundary, one tick and one nanosecond before it (two starts in the same tick), some
    /// lasting a nanosecond, and around every DST transition of the year; shuffled, and in order of start.
    /// </summary>
    [Property(MaxTest = 25)]
    public bool ByContractAndMonth_DstMonthsAndMonthBoundaries_EqualsReference(int seed)
    {
        var random = new Random(seed);
        string[] zones = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Tokyo"];
        var through = new YearMonth(2026, 12);
        var contracts = zones.Select((zone, i) =>
        {
            var o = Options($"Z{i}");
            o.Zone = DateTimeZoneProviders.Tzdb[zone];
            o.Start = new LocalDate(2026, 1 + random.Next(2), 1 + random.Next(random.Next(2) == 0 ? 1 : 28));
            o.TimeRounding = TimeRoundingRule.UpTo(random.Next(2) * 15, 0);
            o.Subscription = new SubscriptionPlan(Eur(300m), Duration.FromHours(random.Next(1, 30)))
            {
                PeriodMonths = new[] { 1, 1, 2, 3, 6, 12 }[random.Next(6)],
                RolloverUnused = random.Next(2) == 0,
                OverageHourlyRate = Eur(95m),
                Activities = ["remote"],
            };
            o.TimeAndMaterials = new TimeAndMaterialsPlan { DefaultHourlyRate = Eur(80m), AfterHoursMultiplier = 1.5m, BusinessHours = Calendar };
            o.PrepaidBundles.Add(new PrepaidBundle("B", Duration.FromHours(random.Next(1, 20)), new LocalDate(2026, 3, 1)) { Activities = ["onsite"] });
            return o.Build();
        }).ToArray();

        var entries = new List<TimeEntry>();
        var activities = new[] { "remote", "onsite", "callout" };
        void Add(Contract c, Instant start)
            => entries.Add(Entry($"E{entries.Count:D5}", start, random.Next(30) == 0 ? Duration.Epsilon : Duration.FromMinutes(random.Next(1, 240)), activities[random.Next(3)], contract: c.Id.Value) with
            {
                Billable = random.Next(6) > 0,
            });

        foreach (var c in contracts)
        {
            for (var m = c.Start.ToYearMonth(); m <= through; m = m.PlusMonths(1))
            {
                var boundary = c.GetMonthInterval(m).Start;
                Add(c, boundary);
                Add(c, boundary - Duration.Epsilon);
                Add(c, boundary - Duration.FromTicks(1));
                Add(c, boundary + Duration.FromMinutes(random.Next(0, 60 * 24 * 28)));
            }

            var year = new Interval(Instant.FromUtc(2026, 1, 1, 0, 0), Instant.FromUtc(2027, 1, 1, 0, 0));
            foreach (var transition in c.Zone.GetZoneIntervals(year).Skip(1).Select(z => z.Start))
            {
                Add(c, transition);
                Add(c, transition - Duration.FromMinutes(30));
                Add(c, transition + Duration.FromMinutes(random.Next(0, 120)));
            }
        }

        var now = Instant.FromUtc(2027, 2, 1, 0, 0);
        var shuffled = entries.OrderBy(_ => random.Next()).ToList();
        var statements = contracts.SelectMany(c => BillingCalculator.CalculateMonths(c, through, shuffled, null, now));
        var slow = BillingRollup.Aggregate(statements, RollupDimensions.Contract | RollupDimensions.Period);
        var fast = BillingRollup.ByContractAndMonth(contracts, shuffled, through, now);
        var fastOrdered = BillingRollup.ByContractAndMonth(contracts, [.. shuffled.OrderBy(e => e.Start).ThenBy(e => e.Id)], through, now);
        return slow.Count > 40 && slow.SequenceEqual(fast) && slow.SequenceEqual(fastOrdered);
    }

    [Property(MaxTest = 200)]
    public bool TimeAndMaterials_AnyRateAndDuration_RevenueExactToTenDecimals(int seed)
    {
        // Rates up to 10^9 with 4 decimals and durations up to 24 hours: both the 64-bit and the 128-bit path.
        var random = new Random(seed);
        var rate = random.Next(1, 1_000_000_000) / (decimal)new[] { 1, 10, 10_000 }[random.Next(3)];
        var options = Options("C-X");
        options.TimeAndMaterials = new TimeAndMaterialsPlan { DefaultHourlyRate = Eur(decimal.Round(rate, 2)) };
        var contract = options.Build();
        var ticks = random.NextInt64(1, Duration.FromHours(24).BclCompatibleTicks);
        var entry = Entry("X", Local(2026, 3, 2, 9), Duration.FromTicks(ticks), contract: "C-X");

        var allocation = BillingCalculator.CalculateMonth(contract, new YearMonth(2026, 3), [entry], null, Now).Allocations.Single();

        var expected = decimal.Round(decimal.Round(rate, 2) * ticks / 36_000_000_000m, 10, MidpointRounding.AwayFromZero);
        return allocation.Revenue.Amount == expected;
    }
}
