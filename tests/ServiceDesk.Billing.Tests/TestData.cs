using NodaTime;
using ServiceDesk.Sla;

namespace ServiceDesk.Billing.Tests;

/// <summary>Shared builders for the billing tests.</summary>
internal static class TestData
{
    public static readonly TenantId Tenant = new("acme-msp");
    public static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
    public static readonly AgentId Alice = new("alice");
    public static readonly AgentId Bob = new("bob");
    public static readonly Instant Now = Instant.FromUtc(2026, 6, 1, 0, 0);

    public static Money Eur(decimal amount) => new(amount, Currency.Eur);

    public static TicketId Ticket(int n) => new(new Guid(n, 0x1234, 0x5678, 1, 2, 3, 4, 5, 6, 7, 8));

    public static Instant Local(int year, int month, int day, int hour, int minute = 0)
        => Berlin.AtStrictly(new LocalDateTime(year, month, day, hour, minute)).ToInstant();

    public static ContractOptions Options(string id = "C-1")
        => new()
        {
            Id = new ContractId(id),
            Tenant = Tenant,
            Client = new CustomerId("globex"),
            ClientLegalName = "Globex GmbH",
            Start = new LocalDate(2026, 1, 1),
            Zone = Berlin,
            Currency = Currency.Eur,
            Status = ContractStatus.Active,
        };

    public static BusinessCalendar OfficeHours()
        => new BusinessCalendarBuilder("Europe/Berlin").AddWeekdayHours(new LocalTime(8, 0), new LocalTime(18, 0)).Build();

    public static TimeEntry Entry(
        string id, Instant start, Duration duration, string activity = "remote", AgentId? agent = null, string contract = "C-1",
        bool billable = true, ApprovalState approval = ApprovalState.Approved, int ticket = 1)
        => new(new TimeEntryId(id), Tenant, new ContractId(contract), Ticket(ticket), agent ?? Alice, activity, start, duration)
        {
            Billable = billable,
            Approval = approval,
        };

    /// <summary>Random but reproducible entries for property tests.</summary>
    public static List<TimeEntry> RandomEntries(int seed, int count, string[] contracts, YearMonth from, int months)
    {
        var random = new Random(seed);
        var activities = new[] { "remote", "onsite", "callout" };
        var agents = new[] { Alice, Bob, new AgentId("carol") };
        var list = new List<TimeEntry>(count);
        for (var i = 0; i < count; i++)
        {
            var month = from.PlusMonths(random.Next(months));
            var day = random.Next(1, 29);
            var start = Local(month.Year, month.Month, day, random.Next(0, 23), random.Next(0, 60));
            var duration = Duration.FromMinutes(random.Next(1, 300)) + Duration.FromSeconds(random.Next(0, 60));
            list.Add(new TimeEntry(
                new TimeEntryId($"E{i:D5}"), Tenant, new ContractId(contracts[random.Next(contracts.Length)]), Ticket(random.Next(1, 20)),
                agents[random.Next(agents.Length)], activities[random.Next(activities.Length)], start, duration)
            {
                Billable = random.Next(5) > 0,
                Approval = random.Next(10) > 0 ? ApprovalState.Approved : ApprovalState.Pending,
                Priority = (Priority)random.Next(1, 6),
                Service = random.Next(3) == 0 ? null : new ServiceId(random.Next(2) == 0 ? "email" : "erp"),
            });
        }

        return list;
    }

    /// <summary>A contract combining every plan, with parameters from a seed.</summary>
    public static Contract RandomContract(int seed, string id, BusinessCalendar calendar)
    {
        var random = new Random(seed);
        var prices = new PriceListBuilder("Standard", Currency.Eur)
            .Add("OVERAGE", "Overage hour", CatalogueItem.HourUnit, 85.50m)
            .Add("VISIT", "On-site visit", "visit", 120m, 0.07m)
            .Build();
        var options = Options(id);
        options.PriceList = prices;
        options.TaxRate = 0.19m;
        options.TimeRounding = TimeRoundingRule.UpTo(new[] { 0, 1, 6, 15 }[random.Next(4)], new[] { 0, 15, 30 }[random.Next(3)]);
        options.Subscription = new SubscriptionPlan(Eur(random.Next(0, 1000) + 0.99m), Duration.FromHours(random.Next(0, 20)))
        {
            RolloverUnused = random.Next(2) == 0 || id == "K1",
            OverageItemCode = random.Next(2) == 0 ? "OVERAGE" : null,
            OverageHourlyRate = null,
            Activities = ["remote"],
        };
        if (options.Subscription.OverageItemCode is null)
        {
            options.Subscription = options.Subscription with { OverageHourlyRate = Eur(77.77m) };
        }

        options.TimeAndMaterials = new TimeAndMaterialsPlan
        {
            DefaultHourlyRate = random.Next(3) == 0 ? null : Eur(93.33m),
            Rates = [new HourlyRate(Eur(150m)) { Activity = "callout", Priority = Priority.P1Critical }, new HourlyRate(Eur(110.10m)) { Activity = "onsite" }],
            AfterHoursMultiplier = 1.5m,
            BusinessHours = calendar,
        };
        options.PrepaidBundles.Add(new PrepaidBundle("B10", Duration.FromHours(10), new LocalDate(2026, 2, 1)) { Price = Eur(900m), Activities = ["onsite"] });
        options.OneOffWorks = new OneOffWorksPlan();
        return options.Build();
    }
}
