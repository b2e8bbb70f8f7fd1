using NodaTime;
using ServiceDesk.Billing;
using ServiceDesk.Sla;
using ServiceDesk.Storage;
using Xunit;

namespace ServiceDesk.Testing;

/// <content>The reports of <see cref="StoredBillingReports"/> over the store, compared with the in-memory calculators.</content>
public abstract partial class BillingStoreConformanceTests
{
    /// <summary>Gets the ticket store the report tests open tickets in: by default the store under test, when it is also an
    /// <see cref="ITicketStore"/> (the SQL adapters keep tickets and billing in one database); an adapter whose billing store
    /// is not a ticket store overrides this.</summary>
    /// <returns>The ticket store.</returns>
    /// <exception cref="InvalidOperationException">The store under test is not a ticket store and the method is not overridden.</exception>
    protected virtual Task<ITicketStore> CreateTicketStoreAsync()
        => Store is ITicketStore tickets
            ? Task.FromResult(tickets)
            : throw new InvalidOperationException($"{Store.GetType().Name} is not an ITicketStore; override CreateTicketStoreAsync to give the report tests one.");

    /// <summary>The stored profitability of every contract-month equals what <see cref="ProfitabilityCalculator"/> and
    /// <see cref="InvoiceLedger"/> compute from the same entries in memory: revenue from the current invoice (or the statement
    /// when the month is not invoiced), cost of every entry, billable or not, margin; a correction after the invoice marks it
    /// outdated while the revenue stays the invoice's.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Reports_Profitability_EqualsInMemoryCalculators()
    {
        var tenant = NewTenant();
        Contract[] contracts = [TimeAndMaterials(tenant, "C-1"), TimeAndMaterials(tenant, "C-2", hourlyRate: 80m), TimeAndMaterials(tenant, "C-3", requireApproval: true)];
        var ledger = new DurableLedger(Store, contracts);
        TimeEntry[] logged =
        [
            Entry(tenant, "E-1", day: 3, minutes: 90, contract: "C-1", agent: "alice"),
            Entry(tenant, "E-2", day: 4, minutes: 45, contract: "C-1", agent: "bob") with { Billable = false },
            Entry(tenant, "E-3", day: 5, minutes: 120, contract: "C-2", agent: "alice"),
            Entry(tenant, "E-4", day: 6, minutes: 30, contract: "C-2", agent: "carol"),
            Entry(tenant, "E-5", day: 7, minutes: 60, contract: "C-3", agent: "bob", approval: ApprovalState.Pending),
            Entry(tenant, "E-6", day: 10, minutes: 75, contract: "C-3", agent: "bob", approval: ApprovalState.Pending),
            Entry(tenant, "E-7", day: 11, minutes: 60, contract: "C-1", agent: "alice") with { Start = Instant.FromUtc(2025, 2, 11, 9, 0) },
        ];
        var stored = new List<TimeEntry>();
        foreach (var e in logged)
        {
            stored.Add(await ledger.RecordTimeAsync(e, Now));
        }

        stored[5] = await ledger.SetApprovalAsync(tenant, new TimeEntryId("E-6"), ApprovalState.Approved);
        var work = new OneOffWork(new OneOffWorkId("W-1"), new ContractId("C-2"), "VISIT", 1m, Instant.FromUtc(2025, 3, 12, 10, 0)) { Ticket = Ticket(1) };
        await ledger.RecordWorkAsync(tenant, work, Now);

        // March of C-1 and C-3 invoiced; C-2 not.
        await ledger.RunAsync(contracts[0], March, Now);
        await ledger.RunAsync(contracts[2], March, Now);
        var costs = new Dictionary<AgentId, Money> { [new AgentId("alice")] = new(42.5m, Currency.Eur), [new AgentId("bob")] = new(30m, Currency.Eur) };
        var reports = new StoredBillingReports(Store, await CreateTicketStoreAsync(), contracts);

        var rows = await reports.GetProfitabilityAsync(tenant, new YearMonth(2025, 2), March, costs, Now);

        var memory = new InvoiceLedger(new InMemoryInvoiceNumberSequence());
        var invoiced = memory.InvoiceAll([contracts[0], contracts[2]], March, stored, [work], Now);
        Assert.Equal(["C-1", "C-2", "C-3", "C-1", "C-2", "C-3"], rows.Select(r => r.Profitability.Contract.Value));
        Assert.Equal([.. Enumerable.Repeat(new YearMonth(2025, 2), 3), .. Enumerable.Repeat(March, 3)], rows.Select(r => r.Profitability.Month));
        foreach (var row in rows)
        {
            var contract = contracts.Single(c => c.Id == row.Profitability.Contract);
            var statement = BillingCalculator.CalculateMonth(contract, row.Profitability.Month, stored, [work], Now);
            var expected = ProfitabilityCalculator.Calculate(statement, costs);
            var invoice = invoiced.SingleOrDefault(r => r.Invoice?.Contract == contract.Id && row.Profitability.Month == March)?.Invoice;
            Assert.Equal(invoice is null ? RevenueSource.Statement : RevenueSource.Invoice, row.RevenueSource);
            Assert.Equal(invoice?.Net ?? expected.Revenue, row.Profitability.Revenue);
            Assert.Equal(expected.Cost, row.Profitability.Cost);
            Assert.Equal(expected.AgentsWithoutCostRate, row.Profitability.AgentsWithoutCostRate);
            Assert.Equal(row.Profitability.Revenue - expected.Cost, row.Profitability.Margin);
            Assert.False(row.InvoiceOutdated);
        }

        // C-1 March: 1.5 h at 100 = 150.00 revenue; alice 1.5 h at 42.50 + bob 0.75 h at 30 = 86.25 cost.
        var c1 = rows[3].Profitability;
        Assert.Equal((new Money(150m, Currency.Eur), new Money(86.25m, Currency.Eur), new Money(63.75m, Currency.Eur)), (c1.Revenue, c1.Cost, c1.Margin));
        Assert.Equal(new InvoiceNumber(InvoiceDocumentKind.Invoice, 1), rows[3].Invoice);

        // C-2 March (not invoiced): 2.5 h at 80 + a visit at 120 = 320.00 from the statement; carol has no cost rate.
        Assert.Equal(new Money(320m, Currency.Eur), rows[4].Profitability.Revenue);
        Assert.Equal([new AgentId("carol")], rows[4].Profitability.AgentsWithoutCostRate);

        // A correction after the invoice: still the invoice's revenue, now flagged, and costed as the entries are now.
        await ledger.RecordTimeAsync(stored[0].Correct(new TimeEntryId("E-1-fix"), duration: Duration.FromMinutes(150)), Now);
        var after = (await reports.GetProfitabilityAsync(tenant, March, costs, Now))[0];
        Assert.True(after.InvoiceOutdated);
        Assert.Equal(new Money(150m, Currency.Eur), after.Profitability.Revenue);
        Assert.Equal(new Money(128.75m, Currency.Eur), after.Profitability.Cost);
    }

    /// <summary>The load of each agent: open tickets assigned now by priority (resolved, closed and canceled ones and other
    /// agents' left out), and logged time of the agent's current entries in the month (superseded and rejected ones left out)
    /// with the utilisation against the agent's calendar, equal to <see cref="ProfitabilityCalculator.Utilisation(AgentId, BusinessCalendar, YearMonth, IEnumerable{TimeEntry})"/>.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Reports_AgentLoad_OpenTicketsAndUtilisation()
    {
        var tenant = NewTenant();
        var contracts = new[] { TimeAndMaterials(tenant) };
        var ledger = new DurableLedger(Store, contracts);
        var tickets = await CreateTicketStoreAsync();
        var factory = new TicketFactory(tenant);
        var alice = new AgentId("alice");
        var bob = new AgentId("bob");
        var group = new GroupId("service-desk");
        async Task<Ticket> OpenAsync(AgentId? agent, Priority priority, TicketStatus status)
            => (await tickets.AppendAsync(factory.Open(configure: t => t with { AssignmentGroup = group, Assignee = agent, Priority = priority, Status = status, HoldReason = status == TicketStatus.OnHold ? "Vendor" : null }))).Ticket;

        await OpenAsync(alice, Priority.P1Critical, TicketStatus.New);
        await OpenAsync(alice, Priority.P3Moderate, TicketStatus.InProgress);
        await OpenAsync(alice, Priority.P3Moderate, TicketStatus.OnHold);
        await OpenAsync(alice, Priority.P3Moderate, new TicketStatus("AwaitingVendor"));
        await OpenAsync(alice, Priority.P2High, TicketStatus.Resolved);
        await OpenAsync(alice, Priority.P2High, TicketStatus.Closed);
        await OpenAsync(bob, Priority.P4Low, TicketStatus.New);
        await OpenAsync(null, Priority.P1Critical, TicketStatus.New);

        var entries = new List<TimeEntry>
        {
            await ledger.RecordTimeAsync(Entry(tenant, "A-1", day: 3, minutes: 120, agent: "alice"), Now),
            await ledger.RecordTimeAsync(Entry(tenant, "A-2", day: 4, minutes: 60, agent: "alice") with { Billable = false }, Now),
            await ledger.RecordTimeAsync(Entry(tenant, "A-3", day: 5, minutes: 90, agent: "alice"), Now),
            await ledger.RecordTimeAsync(Entry(tenant, "A-4", day: 6, minutes: 30, agent: "alice", approval: ApprovalState.Rejected), Now),
            await ledger.RecordTimeAsync(Entry(tenant, "A-5", day: 7, minutes: 45, agent: "alice") with { Start = Instant.FromUtc(2025, 2, 27, 9, 0) }, Now),
            await ledger.RecordTimeAsync(Entry(tenant, "B-1", day: 3, minutes: 240, agent: "bob"), Now),
        };
        entries.Add(await ledger.RecordTimeAsync(entries[2].Correct(new TimeEntryId("A-3-fix"), duration: Duration.FromMinutes(30)), Now));
        var office = new BusinessCalendarBuilder(DateTimeZone.Utc).AddWeekdayHours(new LocalTime(9, 0), new LocalTime(17, 0)).Build();
        var halfDays = new BusinessCalendarBuilder(DateTimeZone.Utc).AddWeekdayHours(new LocalTime(9, 0), new LocalTime(13, 0)).Build();
        var reports = new StoredBillingReports(Store, tickets, contracts);

        var load = await reports.GetAgentLoadAsync(tenant, [alice, bob, alice, new AgentId("dave")], March, new Dictionary<AgentId, BusinessCalendar> { [bob] = halfDays }, office);

        Assert.Equal([alice, bob, new AgentId("dave")], load.Select(l => l.Agent));
        Assert.Equal(new OpenTicketCounts(1, 0, 3, 0, 0), load[0].OpenTickets);
        Assert.Equal(4, load[0].OpenTickets.Total);
        Assert.Equal(3, load[0].OpenTickets[Priority.P3Moderate]);
        Assert.Equal(new OpenTicketCounts(0, 0, 0, 1, 0), load[1].OpenTickets);
        Assert.Equal(default, load[2].OpenTickets);
        var current = entries.Where(e => e.Id.Value is not "A-3").ToList();
        Assert.Equal(ProfitabilityCalculator.Utilisation(alice, office, March, current), load[0].Utilisation);
        Assert.Equal(ProfitabilityCalculator.Utilisation(bob, halfDays, March, current), load[1].Utilisation);
        Assert.Equal((Duration.FromMinutes(150), Duration.FromMinutes(60)), (load[0].Utilisation.BillableTime, load[0].Utilisation.NonBillableTime));
        Assert.Equal(Duration.FromHours(21 * 8), load[0].Utilisation.AvailableTime); // 21 weekdays in March 2025
        Assert.Equal(Duration.FromHours(21 * 4), load[1].Utilisation.AvailableTime);
        Assert.Equal(Duration.Zero, load[2].Utilisation.BillableTime);

        // Only the listed statuses when OpenStatuses is set (AwaitingVendor is then not counted).
        var listed = new StoredBillingReports(Store, tickets, contracts) { OpenStatuses = [TicketStatus.New, TicketStatus.InProgress, TicketStatus.OnHold] };
        Assert.Equal(new OpenTicketCounts(1, 0, 2, 0, 0), (await listed.GetAgentLoadAsync(tenant, [alice], March, new Dictionary<AgentId, BusinessCalendar>(), office))[0].OpenTickets);
    }

    /// <summary>Bad report arguments are refused with a message naming the value and the valid range.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Reports_BadInput_Refused()
    {
        var tenant = NewTenant();
        var reports = new StoredBillingReports(Store, await CreateTicketStoreAsync(), [TimeAndMaterials(tenant)]);
        var costs = new Dictionary<AgentId, Money>();
        var calendars = new Dictionary<AgentId, BusinessCalendar>();

        var reversed = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => reports.GetProfitabilityAsync(tenant, March, new YearMonth(2025, 2), costs, Now));
        Assert.Contains("2025-03 to 2025-02", reversed.Message, StringComparison.Ordinal);
        var future = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => reports.GetProfitabilityAsync(tenant, new YearMonth(2025, 5), costs, Now));
        Assert.Contains("2025-05", future.Message, StringComparison.Ordinal);
        Assert.Contains("up to 2025-04", future.Message, StringComparison.Ordinal);
        var longRange = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => reports.GetProfitabilityAsync(tenant, new YearMonth(2010, 1), March, costs, Now));
        Assert.Contains("1 to 120", longRange.Message, StringComparison.Ordinal);
        var unknownTenant = await Assert.ThrowsAsync<ArgumentException>(() => reports.GetProfitabilityAsync(NewTenant(), March, costs, Now));
        Assert.Contains("no contract of tenant", unknownTenant.Message, StringComparison.Ordinal);

        var noCalendar = await Assert.ThrowsAsync<ArgumentException>(() => reports.GetAgentLoadAsync(tenant, [new AgentId("zoe")], March, calendars));
        Assert.Contains("Agent 'zoe' has no working calendar", noCalendar.Message, StringComparison.Ordinal);
        var none = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => reports.GetAgentLoadAsync(tenant, [], March, calendars));
        Assert.Contains("1 to 10,000", none.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => reports.GetAgentLoadAsync(tenant, [new AgentId("alice")], new Interval(null, Now), calendars));
    }
}
