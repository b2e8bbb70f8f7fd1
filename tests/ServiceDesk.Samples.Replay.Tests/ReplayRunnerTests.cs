using NodaTime;
using ServiceDesk.Engine;

namespace ServiceDesk.Samples.Replay.Tests;

/// <summary>Runs the first 300 incidents of the real log once on a temporary SQLite file and checks the report's books balance.</summary>
public sealed class ReplayRunnerFixture : IAsyncLifetime
{
    public string Folder { get; } = ReplayTestData.TempFolder();

    public ReplayReport Report { get; private set; } = null!;

    public async Task InitializeAsync() => Report = await new ReplayRunner(new ReplaySettings
    {
        EventsPath = ReplayTestData.ShippedLog,
        SqlitePath = Path.Combine(Folder, "replay.db"),
        Limit = 300,
        SweepInterval = Duration.FromHours(1), // the 300 incidents' events run to December 2016: fewer empty sweeps
    }).RunAsync();

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
        return Task.CompletedTask;
    }
}

public sealed class ReplayRunnerTests(ReplayRunnerFixture fixture) : IClassFixture<ReplayRunnerFixture>
{
    private ReplayReport Report => fixture.Report;

    [Fact]
    public void RunAsync_First300Incidents_EveryIncidentOpenedWithOneResolutionClock()
    {
        Assert.Equal(300, Report.Incidents);
        Assert.StartsWith("SQLite", Report.Store, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(fixture.Folder, "replay.db")));

        // met + breached + open = tickets with a clock; every replayed incident gets the one policy.
        Assert.Equal(Report.Incidents, Report.Sla.Sum(s => s.Total));
        Assert.All(Report.Sla, s => Assert.Equal(s.Met + s.Breached + s.Open, s.Total));
        Assert.Equal(Report.Sla.Sum(s => s.Met + s.Breached), Report.WallResolution.Count);
        Assert.Equal(Report.WallResolution.Count, Report.BusinessResolution.Count);
        Assert.True(Report.Sla.Sum(s => s.Met) > 0 && Report.Sla.Sum(s => s.Breached) > 0);
    }

    [Fact]
    public void RunAsync_First300Incidents_ReplaysEveryEventInTimeAndCountsCommands()
    {
        Assert.True(Report.Events > 1_500, $"events {Report.Events}");
        Assert.Equal(Report.Rows, Report.Events + Report.IssueCount);
        Assert.True(Report.Commands >= Report.Incidents + Report.TransitionsApplied);
        Assert.True(Report.TransitionsApplied > Report.Incidents, "every incident moves at least to Closed");
        Assert.True(Report.Simulated.Start < Report.Simulated.End);
        Assert.True(Report.Reassignments > 0 && Report.ReassignedTickets <= Report.Incidents);
        Assert.NotEmpty(Report.BusiestGroups);
        Assert.True(Report.EscalationsRan, Report.EscalationNotice);
        Assert.True(Report.Sweeps > 0);
    }

    [Fact]
    public void RunAsync_First300Incidents_ResolutionPercentilesAreOrdered()
    {
        foreach (var s in new[] { Report.WallResolution, Report.BusinessResolution })
        {
            Assert.True(s.P50 <= s.P90 && s.P90 <= s.P99, s.ToString());
            Assert.True(s.Mean > Duration.Zero);
        }

        Assert.True(Report.BusinessResolution.P50 <= Report.WallResolution.P50, "business time never exceeds wall time");
    }

    [Fact]
    public void RunAsync_First300Incidents_InvoiceTotalsEqualTheirLines()
    {
        Assert.Equal(4, Report.Contracts.Count);
        Assert.Equal(Report.Incidents, Report.Contracts.Sum(c => c.Tickets));
        Assert.All(Report.Contracts, c =>
        {
            Assert.True(c.Invoices > 0, c.Contract);
            Assert.Equal(c.Total, c.LinesTotal);
            Assert.Equal(c.Total, c.Net + c.Tax);
            Assert.Equal(c.Net, c.Months.Sum(m => m.Net));
            Assert.InRange(c.Tax - (c.Net * 0.20m), -0.01m * c.Invoices, 0.01m * c.Invoices); // tax is rounded per line
        });
        Assert.True(Report.Contracts.Sum(c => c.Entries) > Report.Incidents / 2, "time is logged when agents leave a working state");
    }

    [Fact]
    public async Task RunAsync_First300Incidents_InvoicesAreInTheDurableLedgerOfTheSqliteFile()
    {
        await using var store = await ServiceDesk.Storage.Sqlite.SqliteTicketStore.OpenAsync(Path.Combine(fixture.Folder, "replay.db"));
        var invoices = Report.Contracts.Sum(c => c.Invoices);
        Assert.Equal(invoices, await store.GetLastNumberAsync(ReplaySetup.Tenant, ServiceDesk.Billing.InvoiceDocumentKind.Invoice));
        Assert.Equal(0, await store.GetLastNumberAsync(ReplaySetup.Tenant, ServiceDesk.Billing.InvoiceDocumentKind.CreditNote));
        var stored = await store.ListDocumentsAsync(ReplaySetup.Tenant, ServiceDesk.Billing.InvoiceDocumentKind.Invoice, 0, ServiceDesk.Billing.IBillingStore.MaxList);
        Assert.Equal(Enumerable.Range(1, invoices).Select(i => (long)i), stored.Select(d => d.Document.Number.Sequence));
        foreach (var contract in Report.Contracts)
        {
            var mine = stored.Where(d => d.Document.Contract.Value == contract.Contract).ToList();
            Assert.Equal(contract.Months.Select(m => (m.Month, m.Net)), mine.Select(d => (d.Document.Period, d.Document.Net.Amount)));
            Assert.All(mine, d => Assert.Equal(ServiceDesk.Billing.InvoiceStatus.Current, d.Status));
        }

        Assert.Equal(Report.Contracts.Sum(c => c.Entries), (await store.ListTimeEntriesAsync(ReplaySetup.Tenant, null, Instant.MaxValue)).Count);
    }

    [Fact]
    public void InvoiceRows_First300Incidents_RowsAddUpToTheAllRow()
    {
        var rows = ConsoleReport.InvoiceRows(Report.Contracts);

        InvoiceTableTests.AssertAddsUp(rows);
        Assert.Equal(Report.Contracts.Sum(c => c.Total).ToString("N2", System.Globalization.CultureInfo.InvariantCulture), rows[^1][5]);
    }
}

public sealed class ReplayEscalationTests
{
    /// <summary>Stored one command at a time or 1,000 per transaction (sweeps only where a timer is due), the replay
    /// reports the same SLA figures, escalations and invoices.</summary>
    [Fact]
    public async Task RunAsync_BatchedOrOneByOne_SameReport()
    {
        var folder = ReplayTestData.TempFolder();
        ReplaySettings Settings(int batch) => new()
        {
            EventsPath = ReplayTestData.ShippedLog,
            SqlitePath = Path.Combine(folder, $"batch-{batch}.db"),
            Limit = 300,
            BatchSize = batch,
            SweepInterval = Duration.FromHours(1),
            Targets = new Dictionary<Priority, Duration>
            {
                [Priority.P1Critical] = Duration.FromHours(1),
                [Priority.P2High] = Duration.FromHours(2),
                [Priority.P3Moderate] = Duration.FromHours(4),
                [Priority.P4Low] = Duration.FromHours(8),
            },
        };

        var single = await new ReplayRunner(Settings(1)).RunAsync();
        var batched = await new ReplayRunner(Settings(1_000)).RunAsync();

        Assert.True(single.EscalationsByLevel.Sum(e => e.Count) > 0);
        Assert.Equal(single.EscalationsByLevel, batched.EscalationsByLevel);
        Assert.Equal(single.Sla, batched.Sla);
        Assert.Equal(single.SweepTotals.Escalations, batched.SweepTotals.Escalations);
        Assert.Equal(single.SweepTotals.Thresholds, batched.SweepTotals.Thresholds);
        Assert.Equal(single.Commands, batched.Commands);
        Assert.Equal(single.Contracts.Select(c => c.ToString()), batched.Contracts.Select(c => c.ToString()));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    [Theory]
    [InlineData(ReplayStore.Sqlite)]
    [InlineData(ReplayStore.InMemory)]
    public async Task RunAsync_TightPolicy_EscalatesEveryLevel(ReplayStore store)
    {
        // One business hour for every priority: many of the first 300 incidents reach 75%, 100% and 150%.
        var folder = ReplayTestData.TempFolder();
        var report = await new ReplayRunner(new ReplaySettings
        {
            EventsPath = ReplayTestData.ShippedLog,
            Store = store,
            SqlitePath = Path.Combine(folder, "tight.db"),
            Limit = 300,
            SweepInterval = Duration.FromHours(2),
            Targets = new Dictionary<Priority, Duration>
            {
                [Priority.P1Critical] = Duration.FromHours(1),
                [Priority.P2High] = Duration.FromHours(1),
                [Priority.P3Moderate] = Duration.FromHours(1),
                [Priority.P4Low] = Duration.FromHours(1),
            },
        }).RunAsync();

        Assert.True(report.EscalationsRan, report.EscalationNotice);
        Assert.True(report.Sweeps > 0);
        Assert.Equal([1, 2, 3], report.EscalationsByLevel.Select(e => e.Level));
        Assert.All(report.EscalationsByLevel, e => Assert.True(e.Count > 0));
        var level = report.EscalationsByLevel.ToDictionary(e => e.Level, e => e.Count);
        Assert.True(level[1] >= level[2] && level[2] >= level[3], "a ticket reaches 150% only after 100% and 75%");
        Assert.True(level[2] <= report.Sla.Sum(s => s.Breached), "only breached clocks are escalated at 100%");
        Assert.True(report.FunctionalEscalations > 0);
        Assert.True(report.SweepTotals.Thresholds > 0);
        Assert.Equal(0, report.SweepTotals.Failed);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}
