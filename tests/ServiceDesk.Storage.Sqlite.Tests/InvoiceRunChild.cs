using NodaTime;
using ServiceDesk.Billing;
using ServiceDesk.Storage.Sqlite;

namespace ServiceDesk.Storage.Sqlite.Tests;

/// <summary>
/// The child process of <see cref="SqliteInvoiceRunCrashTests"/>: runs the invoice run of <see cref="Contracts"/> for
/// <see cref="Period"/> on the database, committing <see cref="BatchSize"/> contracts per transaction and printing
/// <c>COMMITTED n</c> after each commit and waiting for a line on its input before it goes on, until the parent kills it.
/// </summary>
public static class InvoiceRunChild
{
    public const int BatchSize = 20;

    public static readonly YearMonth Period = new(2025, 3);

    public static readonly Instant Now = Instant.FromUtc(2025, 4, 1, 6, 0);

    /// <summary>The contracts both processes invoice: time and materials at 90 + i EUR an hour, 19 % tax.</summary>
    public static IReadOnlyList<Contract> Contracts(TenantId tenant, int count)
        => [.. Enumerable.Range(0, count).Select(i => new ContractOptions
        {
            Id = new ContractId($"C-{i:D4}"),
            Tenant = tenant,
            Client = new CustomerId($"client-{i:D4}"),
            ClientLegalName = $"Client {i} Ltd",
            Start = new LocalDate(2025, 1, 1),
            Zone = DateTimeZoneProviders.Tzdb["Europe/Berlin"],
            Currency = Currency.Eur,
            Status = ContractStatus.Active,
            TaxRate = 0.19m,
            RequireApproval = false,
            TimeAndMaterials = new TimeAndMaterialsPlan { DefaultHourlyRate = new Money(90m + i, Currency.Eur) },
        }.Build())];

    public static async Task<int> MainAsync(string[] args)
    {
        if (args is not ["invoice-run", var path, var tenantName, var countText])
        {
            await Console.Error.WriteLineAsync("usage: invoice-run <database> <tenant> <contracts>");
            return 2;
        }

        await using var store = await SqliteTicketStore.OpenAsync(path);
        var tenant = new TenantId(tenantName);
        var contracts = Contracts(tenant, int.Parse(countText, System.Globalization.CultureInfo.InvariantCulture));
        var ledger = new DurableLedger(new Reporting(store), contracts) { BatchSize = BatchSize };
        var report = await ledger.RunAsync(tenant, Period, Now);
        Console.WriteLine($"DONE {report.Runs.Count} runs: {string.Join(", ", report.Runs.GroupBy(r => r.Outcome).Select(g => $"{g.Key} {g.Count()}"))}; {report.Runs.FirstOrDefault()?.Statement.Allocations.Count} allocations, faults {string.Join("; ", report.Runs.FirstOrDefault()?.Statement.Faults.Select(f => f.Message) ?? [])}");
        return 0;
    }

    /// <summary>Prints a line after every commit, so the parent knows the run is under way.</summary>
    private sealed class Reporting(IBillingStore inner) : IBillingStore
    {
        private int _commits;

        public async Task<IReadOnlyList<InvoiceCommitResult>> CommitAsync(IReadOnlyList<InvoiceCommit> commits, CancellationToken cancellationToken = default)
        {
            var results = await inner.CommitAsync(commits, cancellationToken);
            Console.WriteLine($"COMMITTED {++_commits}");

            // Waits for the parent: it answers every line, and kills the process right after its last answer, so the kill
            // lands while the next batch is being decided or committed.
            _ = Console.ReadLine();
            return results;
        }

        public Task<bool> AddTimeEntryAsync(TimeEntry entry, CancellationToken cancellationToken = default) => inner.AddTimeEntryAsync(entry, cancellationToken);

        public Task<int> AddTimeEntriesAsync(IReadOnlyList<TimeEntry> entries, CancellationToken cancellationToken = default) => inner.AddTimeEntriesAsync(entries, cancellationToken);

        public Task<TimeEntry?> GetTimeEntryAsync(TenantId tenant, TimeEntryId id, CancellationToken cancellationToken = default) => inner.GetTimeEntryAsync(tenant, id, cancellationToken);

        public Task<IReadOnlyList<TimeEntry>> ListTimeEntriesAsync(TenantId tenant, ContractId? contract, Instant before, CancellationToken cancellationToken = default)
            => inner.ListTimeEntriesAsync(tenant, contract, before, cancellationToken);

        public Task<IReadOnlyList<TimeEntry>> ListAgentTimeEntriesAsync(TenantId tenant, AgentId agent, Interval interval, CancellationToken cancellationToken = default)
            => inner.ListAgentTimeEntriesAsync(tenant, agent, interval, cancellationToken);

        public Task<TimeEntry?> SetApprovalAsync(TenantId tenant, TimeEntryId id, ApprovalState approval, CancellationToken cancellationToken = default)
            => inner.SetApprovalAsync(tenant, id, approval, cancellationToken);

        public Task<bool> AddOneOffWorkAsync(TenantId tenant, OneOffWork work, CancellationToken cancellationToken = default) => inner.AddOneOffWorkAsync(tenant, work, cancellationToken);

        public Task<IReadOnlyList<OneOffWork>> ListOneOffWorksAsync(TenantId tenant, ContractId? contract = null, TicketId? ticket = null, CancellationToken cancellationToken = default)
            => inner.ListOneOffWorksAsync(tenant, contract, ticket, cancellationToken);

        public Task<IReadOnlyList<InvoiceDocument>> GetCurrentInvoicesAsync(TenantId tenant, YearMonth period, ContractId? contract = null, CancellationToken cancellationToken = default)
            => inner.GetCurrentInvoicesAsync(tenant, period, contract, cancellationToken);

        public Task<IReadOnlyList<StoredInvoiceDocument>> ListDocumentsAsync(TenantId tenant, InvoiceDocumentKind kind, long afterSequence = 0, int maxCount = 1000, CancellationToken cancellationToken = default)
            => inner.ListDocumentsAsync(tenant, kind, afterSequence, maxCount, cancellationToken);

        public Task<long> GetLastNumberAsync(TenantId tenant, InvoiceDocumentKind kind, CancellationToken cancellationToken = default) => inner.GetLastNumberAsync(tenant, kind, cancellationToken);

        public Task<IReadOnlyList<BilledEntry>> GetBilledEntriesAsync(TenantId tenant, ContractId? contract = null, CancellationToken cancellationToken = default)
            => inner.GetBilledEntriesAsync(tenant, contract, cancellationToken);
    }
}
