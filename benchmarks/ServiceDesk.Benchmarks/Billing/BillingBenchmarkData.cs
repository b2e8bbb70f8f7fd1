using NodaTime;
using ServiceDesk.Billing;
using ServiceDesk.Sla;

namespace ServiceDesk.Benchmarks.Billing;

/// <summary>Reproducible contracts and time entries for the billing benchmarks.</summary>
internal static class BillingBenchmarkData
{
    public static readonly TenantId Tenant = new("bench");
    public static readonly Instant Now = Instant.FromUtc(2027, 1, 1, 0, 0);

    private static readonly string[] Zones = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "Europe/London"];

    /// <summary>Contracts that combine a subscription, time and materials with an after-hours multiplier, and a bundle.</summary>
    public static Contract[] Contracts(int count, LocalDate start)
    {
        var calendars = Zones.Select(z => new BusinessCalendarBuilder(z).AddWeekdayHours(new LocalTime(8, 0), new LocalTime(18, 0)).Build()).ToArray();
        var eur = Currency.Eur;
        var contracts = new Contract[count];
        for (var i = 0; i < count; i++)
        {
            var zone = i % Zones.Length;
            var o = new ContractOptions
            {
                Id = new ContractId($"C{i:D6}"),
                Tenant = Tenant,
                Client = new CustomerId($"client-{i % 97}"),
                ClientLegalName = $"Client {i % 97}",
                Start = start,
                Zone = calendars[zone].Zone,
                Currency = eur,
                Status = ContractStatus.Active,
                TaxRate = 0.19m,
                TimeRounding = TimeRoundingRule.UpTo(15, 30),
                Subscription = new SubscriptionPlan(new Money(400m + (i % 10 * 50m), eur), Duration.FromHours(5 + (i % 20)))
                {
                    RolloverUnused = i % 2 == 0,
                    OverageHourlyRate = new Money(95m, eur),
                    Activities = ["remote"],
                },
                TimeAndMaterials = new TimeAndMaterialsPlan
                {
                    DefaultHourlyRate = new Money(85m, eur),
                    Rates = [new HourlyRate(new Money(140m, eur)) { Activity = "callout", Priority = Priority.P1Critical }],
                    AfterHoursMultiplier = 1.5m,
                    BusinessHours = calendars[zone],
                },
            };
            o.PrepaidBundles.Add(new PrepaidBundle("B", Duration.FromHours(20), start) { Activities = ["onsite"] });
            contracts[i] = o.Build();
        }

        return contracts;
    }

    /// <summary>Entries spread evenly over the contracts and over <paramref name="months"/> months from <paramref name="from"/>.</summary>
    public static TimeEntry[] Entries(Contract[] contracts, int count, LocalDate from, int months, int seed = 42)
    {
        var random = new Random(seed);
        var activities = new[] { "remote", "remote", "remote", "onsite", "callout" };
        var agents = Enumerable.Range(0, 200).Select(a => new AgentId($"agent-{a}")).ToArray();
        var tickets = Enumerable.Range(1, 5000).Select(t => new TicketId(new Guid(t, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10))).ToArray();
        var first = contracts[0].Zone.AtStartOfDay(from).ToInstant();
        var span = (contracts[0].Zone.AtStartOfDay(from.PlusMonths(months)).ToInstant() - first - Duration.FromDays(2)).BclCompatibleTicks;
        var entries = new TimeEntry[count];
        for (var i = 0; i < count; i++)
        {
            var contract = contracts[i % contracts.Length];
            var start = first + Duration.FromDays(1) + Duration.FromTicks((long)(random.NextDouble() * span) / 600_000_000 * 600_000_000);
            entries[i] = new TimeEntry(
                new TimeEntryId($"E{i:D8}"), Tenant, contract.Id, tickets[random.Next(tickets.Length)], agents[random.Next(agents.Length)],
                activities[random.Next(activities.Length)], start, Duration.FromMinutes(random.Next(5, 240)))
            {
                Billable = random.Next(10) > 0,
                Approval = ApprovalState.Approved,
                Priority = (Priority)random.Next(1, 6),
            };
        }

        return entries;
    }
}
