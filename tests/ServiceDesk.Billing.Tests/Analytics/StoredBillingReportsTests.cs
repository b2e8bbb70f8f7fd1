using System.Globalization;
using NodaTime;
using ServiceDesk.Sla;
using ServiceDesk.Storage;
using ServiceDesk.Storage.InMemory;
using ServiceDesk.Testing;
using static ServiceDesk.Billing.Tests.TestData;

namespace ServiceDesk.Billing.Tests;

/// <summary>The worked example of docs/billing.md "Reports from stored data" (the tables there are what this test prints),
/// and paging of the open tickets.</summary>
public class StoredBillingReportsTests
{
    private static readonly YearMonth March = new(2026, 3);
    private static readonly Instant ReportNow = Instant.FromUtc(2026, 4, 1, 0, 0);

    public static Contract Globex()
    {
        var o = Options("C-GLOBEX");
        o.TaxRate = 0.19m;
        o.RequireApproval = false;
        o.TimeAndMaterials = new TimeAndMaterialsPlan { DefaultHourlyRate = Eur(90.00m) };
        return o.Build();
    }

    public static Contract Initech()
    {
        var o = Options("C-INITECH");
        o.TaxRate = 0.19m;
        o.RequireApproval = false;
        o.Subscription = new SubscriptionPlan(Eur(600.00m), Duration.FromHours(5)) { OverageHourlyRate = Eur(100.00m) };
        return o.Build();
    }

    [Fact]
    public async Task WorkedExample_InDocs_MatchesTheReports()
    {
        // The example as docs/billing.md shows it.
        var billing = new InMemoryBillingStore();
        var tickets = new InMemoryTicketStore();
        Contract[] contracts = [Globex(), Initech()];
        var ledger = new DurableLedger(billing, contracts);
        await ledger.RecordTimeAsync(Entry("G1", Local(2026, 3, 2, 9), Duration.FromHours(3), contract: "C-GLOBEX"), ReportNow);
        await ledger.RecordTimeAsync(Entry("G2", Local(2026, 3, 4, 14), Duration.FromHours(1), contract: "C-GLOBEX", billable: false), ReportNow);
        await ledger.RecordTimeAsync(Entry("G3", Local(2026, 3, 5, 10), Duration.FromHours(2), contract: "C-GLOBEX", agent: Bob), ReportNow);
        await ledger.RecordTimeAsync(Entry("I1", Local(2026, 3, 9, 9), Duration.FromHours(4), contract: "C-INITECH", agent: Bob), ReportNow);
        await ledger.RecordTimeAsync(Entry("I2", Local(2026, 3, 11, 13), Duration.FromHours(2), contract: "C-INITECH", agent: Bob), ReportNow);
        await ledger.RecordTimeAsync(Entry("I3", Local(2026, 3, 12, 10), Duration.FromMinutes(90), contract: "C-INITECH"), ReportNow);
        await ledger.RunAsync(contracts[0], March, ReportNow); // Globex is invoiced, Initech not yet

        var factory = new TicketFactory(Tenant);
        var desk = new GroupId("service-desk");
        foreach (var (agent, priority, status) in new[]
        {
            (Alice, Priority.P1Critical, TicketStatus.InProgress), (Alice, Priority.P3Moderate, TicketStatus.New),
            (Alice, Priority.P3Moderate, TicketStatus.New), (Bob, Priority.P2High, TicketStatus.InProgress), (Bob, Priority.P2High, TicketStatus.Resolved),
        })
        {
            await tickets.AppendAsync(factory.Open(configure: t => t with { AssignmentGroup = desk, Assignee = agent, Priority = priority, Status = status }));
        }

        var office = new BusinessCalendarBuilder("Europe/Berlin").AddWeekdayHours(new LocalTime(9, 0), new LocalTime(17, 0)).Build();
        var costs = new Dictionary<AgentId, Money> { [Alice] = Eur(45.00m), [Bob] = Eur(38.00m) };
        var reports = new StoredBillingReports(billing, tickets, contracts);

        var profitability = await reports.GetProfitabilityAsync(Tenant, March, costs, ReportNow);
        var load = await reports.GetAgentLoadAsync(Tenant, [Alice, Bob], March, new Dictionary<AgentId, BusinessCalendar>(), office);

        string[] expected =
        [
            "| C-GLOBEX | 450.00 | invoice INV-000001 | 256.00 | 194.00 | 0.4311 |",
            "| C-INITECH | 850.00 | statement | 295.50 | 554.50 | 0.6524 |",
            "| alice | 1 / 0 / 2 / 0 / 0 | 4.5 h | 1 h | 176 h | 0.0256 |",
            "| bob | 0 / 1 / 0 / 0 / 0 | 8 h | 0 h | 176 h | 0.0455 |",
        ];
        Assert.Equal(expected, profitability.Select(Row).Concat(load.Select(Row)).ToArray());
        var docs = Docs();
        Assert.All(expected, line => Assert.Contains(line, docs, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AgentLoad_MoreTicketsThanOnePage_CountsEveryPage()
    {
        var tickets = new InMemoryTicketStore();
        var factory = new TicketFactory(Tenant);
        var desk = new GroupId("service-desk");
        var appends = Enumerable.Range(0, TicketQuery.MaxPageSize + 7)
            .Select(i => factory.Open(configure: t => t with { AssignmentGroup = desk, Assignee = Alice, Priority = (Priority)((i % 5) + 1), Status = i % 10 == 0 ? TicketStatus.Closed : TicketStatus.New }))
            .ToList();
        foreach (var append in appends)
        {
            await tickets.AppendAsync(append);
        }

        var reports = new StoredBillingReports(new InMemoryBillingStore(), tickets, [Globex()]);

        var load = Assert.Single(await reports.GetAgentLoadAsync(Tenant, [Alice], March, new Dictionary<AgentId, BusinessCalendar> { [Alice] = OfficeHours() }));

        // 1,007 tickets, of which 101 (every tenth) closed: 906 open; P1 holds i = 0, 5, 10, ... of which the even tens are closed.
        Assert.Equal(906, load.OpenTickets.Total);
        Assert.Equal(Enumerable.Range(0, 1007).Count(i => i % 5 == 0 && i % 10 != 0), load.OpenTickets.P1Critical);
    }

    private static string Row(StoredContractProfitability r)
        => $"| {r.Profitability.Contract} | {Amount(r.Profitability.Revenue)} | {(r.Invoice is { } n ? "invoice " + n : "statement")} | {Amount(r.Profitability.Cost)} | {Amount(r.Profitability.Margin)} | {r.Profitability.MarginRatio?.ToString(CultureInfo.InvariantCulture)} |";

    private static string Row(AgentLoad l)
    {
        var o = l.OpenTickets;
        return $"| {l.Agent} | {o.P1Critical} / {o.P2High} / {o.P3Moderate} / {o.P4Low} / {o.P5Planning} | {Hours(l.Utilisation.BillableTime)} | {Hours(l.Utilisation.NonBillableTime)} | {Hours(l.Utilisation.AvailableTime)} | {l.Utilisation.Utilisation?.ToString(CultureInfo.InvariantCulture)} |";
    }

    private static string Amount(Money m) => m.Amount.ToString("N2", CultureInfo.InvariantCulture);

    private static string Hours(Duration d) => d.TotalHours.ToString(CultureInfo.InvariantCulture) + " h";

    private static string Docs()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "docs", "billing.md")))
        {
            directory = directory.Parent;
        }

        return File.ReadAllText(Path.Combine(directory?.FullName ?? throw new FileNotFoundException("docs/billing.md not found"), "docs", "billing.md"));
    }
}
