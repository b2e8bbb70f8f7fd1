using System.Diagnostics;
using Microsoft.Data.Sqlite;
using NodaTime;
using ServiceDesk.Billing;

namespace ServiceDesk.Storage.Sqlite.Tests;

/// <summary>An invoice run killed with SIGKILL mid-run, twice, then run again: every contract has exactly one current
/// invoice for the month, the invoice numbers are 1 to the number of contracts without a gap, and no credit note was
/// needed.</summary>
public sealed class SqliteInvoiceRunCrashTests : IDisposable
{
    private const int ContractCount = 600;


    private readonly string _folder = Path.Combine(Path.GetTempPath(), "servicedesk-invoicecrash-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task KilledInvoiceRun_Rerun_OneCurrentInvoicePerContractAndGaplessNumbers()
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, "desk.db");
        var tenant = new TenantId("crash-billing");
        var contracts = InvoiceRunChild.Contracts(tenant, ContractCount);
        await using (var store = await SqliteTicketStore.OpenAsync(path))
        {
            var recorder = new DurableLedger(store, contracts);
            for (var i = 0; i < contracts.Count; i++)
            {
                var start = Instant.FromUtc(2025, 3, 1 + (i % 28), 8, 0);
                await recorder.RecordTimeAsync(
                    new TimeEntry(new TimeEntryId($"E-{i:D4}"), tenant, contracts[i].Id, TicketId.New(), new AgentId($"agent-{i:D4}"), "remote", start, Duration.FromMinutes(30 + (i % 90))),
                    InvoiceRunChild.Now);
            }

            Assert.Equal(ContractCount, (await store.ListTimeEntriesAsync(tenant, null, Instant.MaxValue)).Count);
        }
        var interrupted = new List<long>();
        foreach (var killAfter in new[] { 5, 11 })
        {
            var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
            var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
            start.ArgumentList.Add(typeof(InvoiceRunChild).Assembly.Location);
            start.ArgumentList.Add("invoice-run");
            start.ArgumentList.Add(path);
            start.ArgumentList.Add(tenant.Value);
            start.ArgumentList.Add(ContractCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var child = Process.Start(start)!;
            var commits = 0;
            while (commits < killAfter && child.StandardOutput.ReadLine() is { } line)
            {
                Assert.True(line.StartsWith("COMMITTED", StringComparison.Ordinal), $"the child printed: {line}");
                commits++;

                // Let the run go on; after the last answer, kill it at once, while it decides or commits the next batch.
                child.StandardInput.WriteLine("next");
                child.StandardInput.Flush();
            }

            if (commits != killAfter)
            {
                Assert.Fail($"the invoice run stopped after {commits} commits (exit code {(child.WaitForExit(10_000) ? child.ExitCode : -1)})");
            }

            child.Kill(entireProcessTree: true); // SIGKILL: no clean-up, possibly inside a commit.
            Assert.True(child.WaitForExit(30_000), "the killed invoice run did not exit");

            SqliteConnection.ClearAllPools();
            await using var store = await SqliteTicketStore.OpenAsync(path);
            Assert.Equal("ok", await store.CheckIntegrityAsync());
            interrupted.Add(await store.GetLastNumberAsync(tenant, InvoiceDocumentKind.Invoice));
        }
        // Each kill left a run half done: some contracts invoiced (whole batches only), not all.
        Assert.All(interrupted, n => Assert.InRange(n, InvoiceRunChild.BatchSize, ContractCount - 1));
        Assert.All(interrupted, n => Assert.Equal(0, n % InvoiceRunChild.BatchSize));
        Assert.True(interrupted[1] > interrupted[0], $"the second run resumed ({interrupted[0]} then {interrupted[1]} invoices)");

        await using (var store = await SqliteTicketStore.OpenAsync(path))
        {
            var ledger = new DurableLedger(store, contracts) { BatchSize = InvoiceRunChild.BatchSize };
            var resumed = await ledger.RunAsync(tenant, InvoiceRunChild.Period, InvoiceRunChild.Now);
            Assert.Equal(interrupted[1], resumed.Count(InvoiceRunOutcome.Unchanged));
            Assert.Equal(ContractCount - interrupted[1], resumed.Count(InvoiceRunOutcome.Issued));

            var current = await store.GetCurrentInvoicesAsync(tenant, InvoiceRunChild.Period);
            Assert.Equal(contracts.Select(c => c.Id.Value), current.Select(d => d.Contract.Value));
            Assert.Equal(ContractCount, await store.GetLastNumberAsync(tenant, InvoiceDocumentKind.Invoice));
            Assert.Equal(0, await store.GetLastNumberAsync(tenant, InvoiceDocumentKind.CreditNote));
            var documents = await store.ListDocumentsAsync(tenant, InvoiceDocumentKind.Invoice, 0, IBillingStore.MaxList);
            Assert.Equal(Enumerable.Range(1, ContractCount).Select(i => (long)i), documents.Select(d => d.Document.Number.Sequence));
            Assert.All(documents, d => Assert.Equal(InvoiceStatus.Current, d.Status));
            Assert.Equal(ContractCount, documents.Select(d => d.Document.Contract).Distinct().Count());
            for (var i = 0; i < contracts.Count; i++)
            {
                // 30 + (i % 90) minutes at 90 + i EUR, plus 19 % tax: each invoice bills its own entry exactly once.
                var entry = Assert.Single(current[i].BilledEntries);
                Assert.Equal($"E-{i:D4}", entry.Id.Value);
                var net = decimal.Round((30 + (i % 90)) / 60m * (90m + i), 2, MidpointRounding.AwayFromZero);
                Assert.Equal(net, current[i].Net.Amount);
            }
            var rerun = await ledger.RunAsync(tenant, InvoiceRunChild.Period, InvoiceRunChild.Now);
            Assert.Equal(ContractCount, rerun.Count(InvoiceRunOutcome.Unchanged));
            Assert.Equal(ContractCount, await store.GetLastNumberAsync(tenant, InvoiceDocumentKind.Invoice));
        }
    }
}
