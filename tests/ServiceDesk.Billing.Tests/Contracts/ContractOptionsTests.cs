using NodaTime;

namespace ServiceDesk.Billing.Tests;

public class ContractOptionsTests
{
    [Fact]
    public void Build_EmptyOptions_ListsEveryMissingField()
    {
        var ex = Assert.Throws<InvalidDefinitionException>(() => new ContractOptions().Build());

        Assert.Equal(
            ["Id:", "Tenant:", "Client:", "ClientLegalName:", "Start:", "Zone:", "Currency:", "Plans:"],
            ex.Errors.Select(e => e[..(e.IndexOf(':', StringComparison.Ordinal) + 1)]).ToArray());
    }

    [Fact]
    public void Build_EveryPlanFault_ListsAllInOneException()
    {
        var usd = new Money(10m, Currency.Usd);
        var prices = new PriceListBuilder("USD list", Currency.Usd).Add("VISIT", "Visit", "visit", 10m).Build();
        var o = TestData.Options();
        o.End = new LocalDate(2025, 12, 31);
        o.Status = (ContractStatus)42;
        o.Tier = (ClientTier)42;
        o.ExpiryWarningDays = -1;
        o.Renewal = new RenewalPolicy { AutoRenew = true, TermMonths = 0, NoticeDays = -1 };
        o.SlaPolicyId = " ";
        o.TaxRate = 1.5m;
        o.PaymentStages.Add(new PaymentStage("Deposit", new LocalDate(2026, 1, 1), TestData.Eur(-0.001m)));
        o.PaymentStages.Add(new PaymentStage("Deposit", new LocalDate(2026, 2, 1), usd));
        o.PriceList = prices;
        o.Subscription = new SubscriptionPlan(TestData.Eur(-1m), Duration.FromHours(-1))
        {
            RolloverCap = Duration.FromHours(-1),
            OverageHourlyRate = TestData.Eur(1m),
            OverageItemCode = "VISIT",
            Activities = ["remote", "remote"],
        };
        o.TimeAndMaterials = new TimeAndMaterialsPlan
        {
            Rates = [new HourlyRate(TestData.Eur(1m)) { Activity = "a" }, new HourlyRate(TestData.Eur(-1m)) { Activity = "a", Priority = (Priority)9 }],
            AfterHoursMultiplier = 0.5m,
        };
        o.PrepaidBundles.Add(new PrepaidBundle("B", Duration.Zero, new LocalDate(2026, 2, 1)) { ExpiresOn = new LocalDate(2026, 1, 1), Price = usd });
        o.PrepaidBundles.Add(new PrepaidBundle("B", Duration.FromHours(1), new LocalDate(2026, 2, 1)));
        o.OneOffWorks = new OneOffWorksPlan { AllowedItems = ["NOPE"] };
        o.CoveredServices.Add(new ServiceId("email"));
        o.CoveredServices.Add(new ServiceId("email"));

        var ex = Assert.Throws<InvalidDefinitionException>(o.Build);

        string[] expected =
        [
            "End: 2025-12-31 is before Start",
            "Status: 42",
            "Tier: 42",
            "ExpiryWarningDays",
            "Renewal.TermMonths",
            "Renewal.NoticeDays",
            "SlaPolicyId",
            "TaxRate",
            "PaymentStages[0].Amount: must be positive",
            "PaymentStages[0].Amount: must be rounded",
            "PaymentStages[1].Name: 'Deposit' is used more than once",
            "PaymentStages[1].Amount: must be in the contract's currency",
            "PriceList: 'USD list' is in USD",
            "Subscription.Fee: must be zero or more",
            "Subscription.IncludedTime",
            "Subscription.RolloverCap: must not be negative",
            "Subscription.RolloverCap: set only together with RolloverUnused",
            "Subscription: set exactly one of OverageHourlyRate and OverageItemCode",
            "Subscription.OverageItemCode: item 'VISIT' is priced per 'visit'",
            "Subscription.Activities: 'remote' is listed more than once",
            "TimeAndMaterials.Rates[1].Rate: must be zero or more",
            "TimeAndMaterials.Rates[1].Priority",
            "TimeAndMaterials.AfterHoursMultiplier",
            "TimeAndMaterials.BusinessHours",
            "PrepaidBundles[0].Time",
            "PrepaidBundles[0].Price",
            "PrepaidBundles[0].ExpiresOn",
            "PrepaidBundles[1].Name: 'B' is used more than once",
            "OneOffWorks.AllowedItems[0]: 'NOPE'",
            "CoveredServices: 'email' is listed more than once",
        ];
        foreach (var text in expected)
        {
            Assert.Contains(ex.Errors, e => e.StartsWith(text, StringComparison.Ordinal));
        }

        Assert.Equal(expected.Length, ex.Errors.Count);
    }

    [Fact]
    public void Build_MissingDependencies_ReportsEach()
    {
        var o = TestData.Options();
        o.Renewal = new RenewalPolicy { AutoRenew = true };
        o.Subscription = new SubscriptionPlan(TestData.Eur(10m), Duration.FromHours(1)) { OverageItemCode = "X" };
        o.TimeAndMaterials = new TimeAndMaterialsPlan { AfterHoursMultiplier = 2m };
        o.OneOffWorks = new OneOffWorksPlan();

        var ex = Assert.Throws<InvalidDefinitionException>(o.Build);

        Assert.Contains(ex.Errors, e => e.StartsWith("Renewal.AutoRenew: an open-ended contract", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("Subscription.OverageItemCode: 'X' needs a PriceList", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("TimeAndMaterials: set DefaultHourlyRate or at least one of Rates", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("TimeAndMaterials.BusinessHours", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("OneOffWorks: one-off works are priced from a price list", StringComparison.Ordinal));
        Assert.Equal(5, ex.Errors.Count);
    }

    [Fact]
    public void Build_TooManyBundles_Fault()
    {
        var o = TestData.Options();
        for (var i = 0; i <= ContractOptions.MaxPrepaidBundles; i++)
        {
            o.PrepaidBundles.Add(new PrepaidBundle($"B{i}", Duration.FromHours(1), new LocalDate(2026, 1, 1)));
        }

        var ex = Assert.Throws<InvalidDefinitionException>(o.Build);

        Assert.Equal("PrepaidBundles: at most 64 bundles per contract; got 65.", Assert.Single(ex.Errors));
    }

    [Fact]
    public void Build_ValidOptions_CopiesCollections()
    {
        var o = TestData.Options();
        var activities = new List<string> { "remote" };
        o.Subscription = new SubscriptionPlan(TestData.Eur(100m), Duration.FromHours(10)) { OverageHourlyRate = TestData.Eur(90m), Activities = activities };
        o.CoveredServices.Add(new ServiceId("email"));

        var contract = o.Build();
        activities.Add("onsite");
        o.CoveredServices.Add(new ServiceId("erp"));

        Assert.Single(contract.Subscription!.Activities);
        Assert.Single(contract.CoveredServices);
        Assert.True(contract.Covers(new ServiceId("email")));
        Assert.False(contract.Covers(new ServiceId("erp")));
        Assert.True(contract.Covers(new ConfigurationItemId("srv-1")));
    }

    [Fact]
    public void GetExpiryWarning_WithinWarningDays_Warns()
    {
        var o = TestData.Options();
        o.End = new LocalDate(2026, 12, 31);
        o.ExpiryWarningDays = 30;
        o.OneOffWorks = new OneOffWorksPlan();
        o.PriceList = new PriceListBuilder("P", Currency.Eur).Build();
        var contract = o.Build();

        Assert.Null(contract.GetExpiryWarning(new LocalDate(2026, 11, 30)));
        var warning = contract.GetExpiryWarning(new LocalDate(2026, 12, 1));
        Assert.Equal(new ContractExpiryWarning(contract.Id, new LocalDate(2026, 12, 31), 30, false, null), warning);
        Assert.Equal(0, contract.GetExpiryWarning(new LocalDate(2026, 12, 31))!.DaysLeft);
        Assert.Null(contract.GetExpiryWarning(new LocalDate(2027, 1, 1)));
        Assert.Equal(ContractStatus.Expired, contract.GetStatus(new LocalDate(2027, 1, 1)));
        Assert.False(contract.IsInForce(new LocalDate(2027, 1, 1)));
    }

    [Fact]
    public void GetExpiryWarning_AutoRenew_WarnsBeforeEachTermEndWithNoticeDeadline()
    {
        var o = TestData.Options();
        o.End = new LocalDate(2026, 12, 31);
        o.Renewal = new RenewalPolicy { AutoRenew = true, TermMonths = 12, NoticeDays = 60 };
        o.ExpiryWarningDays = 90;
        o.OneOffWorks = new OneOffWorksPlan();
        o.PriceList = new PriceListBuilder("P", Currency.Eur).Build();
        var contract = o.Build();

        var warning = contract.GetExpiryWarning(new LocalDate(2027, 12, 1));

        Assert.Equal(new LocalDate(2027, 12, 31), warning!.EndsOn);
        Assert.True(warning.RenewsAutomatically);
        Assert.Equal(new LocalDate(2027, 11, 1), warning.NoticeDeadline);
        Assert.Equal(ContractStatus.Active, contract.GetStatus(new LocalDate(2028, 6, 1)));
        Assert.True(contract.IsInForce(new LocalDate(2028, 6, 1)));
    }

    [Fact]
    public void Renew_ManualContract_ExtendsByOneTerm()
    {
        var o = TestData.Options();
        o.End = new LocalDate(2026, 12, 31);
        o.Renewal = new RenewalPolicy { TermMonths = 6 };
        o.OneOffWorks = new OneOffWorksPlan();
        o.PriceList = new PriceListBuilder("P", Currency.Eur).Build();
        var contract = o.Build().WithStatus(ContractStatus.Expired);

        var renewed = contract.Renew();

        Assert.Equal(new LocalDate(2027, 6, 30), renewed.End);
        Assert.Equal(ContractStatus.Active, renewed.Status);
        Assert.Equal(new LocalDate(2026, 12, 31), contract.End);
    }

    [Fact]
    public void IsInForce_DraftOrSuspended_IsFalse()
    {
        var o = TestData.Options();
        o.OneOffWorks = new OneOffWorksPlan();
        o.PriceList = new PriceListBuilder("P", Currency.Eur).Build();
        var contract = o.Build();

        Assert.True(contract.IsInForce(new YearMonth(2026, 1)));
        Assert.False(contract.IsInForce(new YearMonth(2025, 12)));
        Assert.False(contract.WithStatus(ContractStatus.Draft).IsInForce(new LocalDate(2026, 2, 1)));
        Assert.False(contract.WithStatus(ContractStatus.Suspended).IsInForce(new LocalDate(2026, 2, 1)));
        Assert.Throws<InvalidOperationException>(contract.Renew);
    }

    [Fact]
    public void PaymentStage_GetState_PaidOpenOrOverdue()
    {
        var stage = new PaymentStage("Deposit", new LocalDate(2026, 3, 1), TestData.Eur(500m));

        Assert.Equal(PaymentStageState.Open, stage.GetState(new LocalDate(2026, 3, 1)));
        Assert.Equal(PaymentStageState.Overdue, stage.GetState(new LocalDate(2026, 3, 2)));
        Assert.Equal(PaymentStageState.Paid, stage.MarkPaid(new LocalDate(2026, 3, 5)).GetState(new LocalDate(2026, 3, 5)));
        Assert.Equal(PaymentStageState.Overdue, stage.MarkPaid(new LocalDate(2026, 3, 5)).GetState(new LocalDate(2026, 3, 4)));
    }

    [Fact]
    public void GetOverduePayments_MixedStages_ListsUnpaidPastDue()
    {
        var o = TestData.Options();
        o.TimeAndMaterials = new TimeAndMaterialsPlan { DefaultHourlyRate = TestData.Eur(100m) };
        o.PaymentStages.Add(new PaymentStage("Deposit", new LocalDate(2026, 1, 15), TestData.Eur(1000m)) { PaidOn = new LocalDate(2026, 1, 10) });
        o.PaymentStages.Add(new PaymentStage("Second", new LocalDate(2026, 2, 15), TestData.Eur(1000m)));
        o.PaymentStages.Add(new PaymentStage("Final", new LocalDate(2026, 6, 15), TestData.Eur(1000m)));

        var overdue = o.Build().GetOverduePayments(new LocalDate(2026, 3, 1));

        Assert.Equal(["Second"], overdue.Select(p => p.Name));
    }

    [Fact]
    public void Build_NullCollectionsInPlans_ReportedNotThrown()
    {
        var o = TestData.Options();
        o.PriceList = new PriceListBuilder("P", Currency.Eur).Build();
        o.OneOffWorks = new OneOffWorksPlan { AllowedItems = null! };
        o.TimeAndMaterials = new TimeAndMaterialsPlan { DefaultHourlyRate = TestData.Eur(1m), Activities = null! };

        var ex = Assert.Throws<InvalidDefinitionException>(o.Build);

        Assert.Equal(2, ex.Errors.Count);
        Assert.Contains(ex.Errors, e => e.StartsWith("OneOffWorks.AllowedItems: must not be null", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("TimeAndMaterials.Activities: must not be null", StringComparison.Ordinal));
    }

    [Fact]
    public void GetMonthInterval_DstMonth_StartsAtLocalMidnight()
    {
        var o = TestData.Options();
        o.OneOffWorks = new OneOffWorksPlan();
        o.PriceList = new PriceListBuilder("P", Currency.Eur).Build();
        var contract = o.Build();

        var march = contract.GetMonthInterval(new YearMonth(2026, 3));

        Assert.Equal(Instant.FromUtc(2026, 2, 28, 23, 0), march.Start);
        Assert.Equal(Instant.FromUtc(2026, 3, 31, 22, 0), march.End);
        Assert.Equal(new YearMonth(2026, 4), contract.GetMonth(Instant.FromUtc(2026, 3, 31, 22, 0)));
    }
}
