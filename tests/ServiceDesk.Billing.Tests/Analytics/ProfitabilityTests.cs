using NodaTime;
using static ServiceDesk.Billing.Tests.TestData;

namespace ServiceDesk.Billing.Tests;

public class ProfitabilityTests
{
    [Fact]
    public void Calculate_WorkedSubscription_RevenueMinusAgentCost()
    {
        var statement = BillingCalculator.CalculateMonth(WorkedExampleTests.SubscriptionContract(), new YearMonth(2026, 3), WorkedExampleTests.SubscriptionEntries(), null, Now);

        var p = ProfitabilityCalculator.Calculate(statement, new Dictionary<AgentId, Money> { [Alice] = Eur(40m) });

        // Alice: 3 h + 20 min + 1 h non-billable = 4 h 20 min at 40.00 = 173.33; Bob has no cost rate.
        Assert.Equal(Eur(747.50m), p.Revenue);
        Assert.Equal(Eur(173.33m), p.Cost);
        Assert.Equal(Eur(574.17m), p.Margin);
        Assert.Equal(0.7681m, p.MarginRatio);
        Assert.Equal([Bob], p.AgentsWithoutCostRate);
        Assert.Throws<CurrencyMismatchException>(() => ProfitabilityCalculator.Calculate(statement, new Dictionary<AgentId, Money> { [Alice] = new Money(1m, Currency.Usd) }));
    }

    [Fact]
    public void Utilisation_Month_BillableOverCalendarHours()
    {
        var calendar = OfficeHours();
        TimeEntry[] entries =
        [
            Entry("A", Local(2026, 3, 2, 9), Duration.FromHours(22)),
            Entry("B", Local(2026, 3, 3, 9), Duration.FromHours(2), billable: false),
            Entry("C", Local(2026, 3, 4, 9), Duration.FromHours(5), agent: Bob),
            Entry("D", Local(2026, 4, 1, 9), Duration.FromHours(5)),
        ];

        var u = ProfitabilityCalculator.Utilisation(Alice, calendar, new YearMonth(2026, 3), entries);

        // March 2026 has 22 weekdays of 10 office hours.
        Assert.Equal(Duration.FromHours(220), u.AvailableTime);
        Assert.Equal((Duration.FromHours(22), Duration.FromHours(2)), (u.BillableTime, u.NonBillableTime));
        Assert.Equal(0.1m, u.Utilisation);
    }
}
