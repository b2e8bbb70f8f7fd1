using Npgsql;
using NodaTime;
using ServiceDesk.Billing;

namespace ServiceDesk.Storage.PostgreSql.Tests;

/// <summary>Two app instances (two stores, each with its own connection pool) run the same invoice run at once on one
/// PostgreSQL schema, first to issue and then, after the terms change, to correct: every contract ends with exactly one
/// current invoice, each decision is applied once, and both series are gapless without duplicates.</summary>
public sealed class PostgreSqlBillingConcurrencyTests : IAsyncLifetime
{
    private const int ContractCount = 300;
    private static readonly YearMonth March = new(2025, 3);
    private static readonly Instant Now = Instant.FromUtc(2025, 4, 1, 6, 0);
    private readonly string _schema = "sdtest_billrace_" + Guid.NewGuid().ToString("N")[..12];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (PostgresServer.ConnectionString is { } cs)
        {
            await using var connection = new NpgsqlConnection(cs);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE;", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    [PostgresFact]
    public async Task TwoInstances_RunAndCorrectAtOnce_OneCurrentInvoicePerContractGapless()
    {
        await using var first = await OpenAsync("instance-a");
        await using var second = await OpenAsync("instance-b");
        var tenant = new TenantId("race-" + Guid.NewGuid().ToString("N")[..8]);
        var contracts = Contracts(tenant, 100m);
        var recorder = new DurableLedger(first, contracts);
        for (var i = 0; i < contracts.Count; i++)
        {
            await recorder.RecordTimeAsync(
                new TimeEntry(new TimeEntryId($"E-{i:D4}"), tenant, contracts[i].Id, TicketId.New(), new AgentId($"agent-{i:D4}"), "remote", Instant.FromUtc(2025, 3, 1 + (i % 28), 9, 0), Duration.FromMinutes(45)),
                Now);
        }

        // Issue: both instances at once, with different batch sizes so their transactions overlap unevenly.
        var issued = await Task.WhenAll(
            Task.Run(() => new DurableLedger(first, contracts) { BatchSize = 25 }.RunAsync(tenant, March, Now)),
            Task.Run(() => new DurableLedger(second, contracts) { BatchSize = 10 }.RunAsync(tenant, March, Now)));
        Assert.Equal(ContractCount, issued.Sum(r => r.Count(InvoiceRunOutcome.Issued)));
        Assert.All(issued, r => Assert.Equal(ContractCount, r.Count(InvoiceRunOutcome.Issued) + r.Count(InvoiceRunOutcome.Unchanged)));
        await AssertStateAsync(first, tenant, invoices: ContractCount, creditNotes: 0);

        // Correct: the rate changes, both instances rerun at once; each contract gets one credit note and one new invoice.
        var repriced = Contracts(tenant, 120m);
        var corrected = await Task.WhenAll(
            Task.Run(() => new DurableLedger(second, repriced) { BatchSize = 30 }.RunAsync(tenant, March, Now)),
            Task.Run(() => new DurableLedger(first, repriced) { BatchSize = 7 }.RunAsync(tenant, March, Now)));
        Assert.Equal(ContractCount, corrected.Sum(r => r.Count(InvoiceRunOutcome.Corrected)));
        var current = await AssertStateAsync(second, tenant, invoices: 2 * ContractCount, creditNotes: ContractCount);
        Assert.All(current, d => Assert.Equal(9000 + 1710, d.TotalMinorUnits)); // 0.75 h at 120 EUR + 19 % tax
    }

    [PostgresFact]
    public async Task TwoInstances_CommitAtOnce_NumbersGaplessWithoutDuplicates()
    {
        await using var first = await OpenAsync("instance-a");
        await using var second = await OpenAsync("instance-b");
        var tenant = new TenantId("numbers-" + Guid.NewGuid().ToString("N")[..8]);
        var contracts = Contracts(tenant, 100m);

        // Eight writers, four per instance, each committing its own contracts one transaction at a time.
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var store = w % 2 == 0 ? first : second;
            var numbers = new List<long>();
            for (var i = w; i < contracts.Count; i += 8)
            {
                var draft = InvoiceDraft.ForInvoice(contracts[i], March, new LocalDate(2025, 3, 31), [Line()], [], []);
                numbers.Add((await store.CommitAsync([new InvoiceCommit(null, null, draft)]))[0].Invoice!.Number.Sequence);
            }

            return numbers;
        })).ToArray();
        var all = (await Task.WhenAll(writers)).SelectMany(n => n).Order().ToList();

        Assert.Equal(Enumerable.Range(1, ContractCount).Select(i => (long)i), all);
        await AssertStateAsync(second, tenant, invoices: ContractCount, creditNotes: 0);
    }

    [PostgresFact]
    public async Task TwoInstances_RecordOverlappingTimeAtOnce_ExactlyOneOfEachPairStored()
    {
        await using var first = await OpenAsync("instance-a");
        await using var second = await OpenAsync("instance-b");
        var tenant = new TenantId("overlap-" + Guid.NewGuid().ToString("N")[..8]);
        var contracts = Contracts(tenant, 100m).Take(1).ToList();
        var a = new DurableLedger(first, contracts);
        var b = new DurableLedger(second, contracts);
        const int Agents = 8, PairsPerAgent = 40;

        // Every agent has 40 pairs of overlapping entries; each pair is recorded through both instances at the same moment,
        // and all agents race at once, so the advisory lock of one agent must not block the others.
        var races = Enumerable.Range(0, Agents).Select(agent => Task.Run(async () =>
        {
            var winners = 0;
            for (var i = 0; i < PairsPerAgent; i++)
            {
                var start = Instant.FromUtc(2025, 3, 1, 0, 0) + Duration.FromHours(2 * i);
                TimeEntry Make(string side, Instant at) => new(new TimeEntryId($"A{agent}-P{i:D3}-{side}"), tenant, contracts[0].Id, TicketId.New(), new AgentId($"agent-{agent}"), "remote", at, Duration.FromMinutes(45));
                var results = await Task.WhenAll(
                    Task.Run(() => Attempt(a, Make("a", start))),
                    Task.Run(() => Attempt(b, Make("b", start + Duration.FromMinutes(30)))));
                Assert.Equal(1, results.Count(stored => stored));
                winners++;
            }

            return winners;
        })).ToArray();
        Assert.Equal(Agents * PairsPerAgent, (await Task.WhenAll(races)).Sum());

        var entries = await second.ListTimeEntriesAsync(tenant, null, Instant.MaxValue);
        Assert.Equal(Agents * PairsPerAgent, entries.Count);
        foreach (var agent in entries.GroupBy(e => e.Agent))
        {
            var ordered = agent.OrderBy(e => e.Start).ToList();
            Assert.All(ordered.Zip(ordered.Skip(1)), p => Assert.True(p.First.End <= p.Second.Start, $"{p.First.Id} overlaps {p.Second.Id}"));
        }

        async Task<bool> Attempt(DurableLedger ledger, TimeEntry entry)
        {
            try
            {
                await ledger.RecordTimeAsync(entry, Now);
                return true;
            }
            catch (ArgumentException ex) when (ex.Message.Contains("overlaps", StringComparison.Ordinal))
            {
                return false;
            }
        }
    }

    private static InvoiceLine Line()
        => new(InvoiceLineKind.TimeAndMaterials, "Support", 1m, "hour", new Money(100m, Currency.Eur), new Money(100m, Currency.Eur), 0.19m, new Money(19m, Currency.Eur));

    private static List<Contract> Contracts(TenantId tenant, decimal rate)
        => [.. Enumerable.Range(0, ContractCount).Select(i => new ContractOptions
        {
            Id = new ContractId($"C-{i:D4}"),
            Tenant = tenant,
            Client = new CustomerId($"client-{i:D4}"),
            ClientLegalName = $"Client {i}",
            Start = new LocalDate(2025, 1, 1),
            Zone = DateTimeZone.Utc,
            Currency = Currency.Eur,
            Status = ContractStatus.Active,
            TaxRate = 0.19m,
            RequireApproval = false,
            TimeAndMaterials = new TimeAndMaterialsPlan { DefaultHourlyRate = new Money(rate, Currency.Eur) },
        }.Build())];

    private static async Task<IReadOnlyList<InvoiceDocument>> AssertStateAsync(IBillingStore store, TenantId tenant, int invoices, int creditNotes)
    {
        var invoiceDocs = await store.ListDocumentsAsync(tenant, InvoiceDocumentKind.Invoice, 0, IBillingStore.MaxList);
        Assert.Equal(Enumerable.Range(1, invoices).Select(i => (long)i), invoiceDocs.Select(d => d.Document.Number.Sequence));
        Assert.Equal(invoices, await store.GetLastNumberAsync(tenant, InvoiceDocumentKind.Invoice));
        var credits = await store.ListDocumentsAsync(tenant, InvoiceDocumentKind.CreditNote, 0, IBillingStore.MaxList);
        Assert.Equal(Enumerable.Range(1, creditNotes).Select(i => (long)i), credits.Select(d => d.Document.Number.Sequence));
        Assert.Equal(creditNotes, await store.GetLastNumberAsync(tenant, InvoiceDocumentKind.CreditNote));

        // Exactly one current invoice per contract, and each reversed invoice reversed by exactly one credit note.
        var current = await store.GetCurrentInvoicesAsync(tenant, March);
        Assert.Equal(ContractCount, current.Count);
        Assert.Equal(ContractCount, current.Select(d => d.Contract).Distinct().Count());
        Assert.Equal(ContractCount, invoiceDocs.Count(d => d.Status == InvoiceStatus.Current));
        Assert.Equal(creditNotes, credits.Select(c => c.Document.Reverses).Distinct().Count());
        return current;
    }

    private async Task<PostgreSqlTicketStore> OpenAsync(string name)
        => await PostgreSqlTicketStore.OpenAsync(new PostgreSqlTicketStoreOptions
        {
            ConnectionString = PostgresServer.RequireConnectionString() + ";Application Name=" + name,
            Schema = _schema,
        });
}
