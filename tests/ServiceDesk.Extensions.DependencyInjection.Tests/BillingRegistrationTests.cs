using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NodaTime;
using ServiceDesk.Billing;
using ServiceDesk.Sla;
using ServiceDesk.Storage;
using ServiceDesk.Storage.InMemory;
using ServiceDesk.Storage.PostgreSql;
using ServiceDesk.Storage.Sqlite;
using ServiceDesk.Testing;

namespace ServiceDesk.Extensions.DependencyInjection.Tests;

/// <summary><see cref="IBillingStore"/> is registered with every store, and <c>AddBilling</c> adds the durable ledger and the
/// stored reports over the contracts added.</summary>
public sealed class BillingRegistrationTests
{
    private static readonly TenantId Tenant = new("acme");
    private static readonly YearMonth March = new(2025, 3);
    private static readonly Instant Now = Instant.FromUtc(2025, 4, 1, 0, 0);

    [Fact]
    public async Task AddServiceDesk_InMemory_RegistersInMemoryBillingStoreAndLedger()
    {
        using var host = Hosts.Build(s => s.AddServiceDesk().UseInMemory().AddBilling(Contract()));
        await host.StartAsync();

        var billing = host.Services.GetRequiredService<IBillingStore>();
        Assert.IsType<InMemoryBillingStore>(billing);
        Assert.Same(billing, host.Services.GetRequiredService<IBillingStore>());
        var ledger = host.Services.GetRequiredService<DurableLedger>();
        Assert.Same(billing, ledger.Store);
        Assert.Same(ledger, host.Services.GetRequiredService<DurableLedger>());

        var report = await RunAsync(host);
        Assert.Equal(InvoiceRunOutcome.Issued, Assert.Single(report.Runs).Outcome);
        var load = await host.Services.GetRequiredService<StoredBillingReports>().GetAgentLoadAsync(Tenant, [new AgentId("alice")], March, new Dictionary<AgentId, BusinessCalendar>(), Office());
        Assert.Equal(Duration.FromHours(1), Assert.Single(load).Utilisation.BillableTime);
        await host.StopAsync();
    }

    [Fact]
    public async Task AddServiceDesk_Sqlite_BillingStoreIsTheStoreAndSurvivesRestart()
    {
        var path = Path.Combine(Hosts.TempFolder(), "desk.db");
        try
        {
            using (var host = Hosts.Build(s => s.AddServiceDesk().UseSqlite(path).AddBilling(Contract())))
            {
                await host.StartAsync();
                Assert.Same(host.Services.GetRequiredService<ITicketStore>(), host.Services.GetRequiredService<IBillingStore>());
                Assert.IsType<SqliteTicketStore>(host.Services.GetRequiredService<IBillingStore>());
                Assert.Equal(InvoiceRunOutcome.Issued, Assert.Single((await RunAsync(host)).Runs).Outcome);
                await host.StopAsync();
            }

            using (var again = Hosts.Build(s => s.AddServiceDesk().UseSqlite(path).AddBilling(Contract())))
            {
                await again.StartAsync();
                var rerun = await again.Services.GetRequiredService<DurableLedger>().RunAsync(Tenant, March, Now);
                Assert.Equal(InvoiceRunOutcome.Unchanged, Assert.Single(rerun.Runs).Outcome);
                Assert.Equal(1, await again.Services.GetRequiredService<IBillingStore>().GetLastNumberAsync(Tenant, InvoiceDocumentKind.Invoice));
                await again.StopAsync();
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
    }

    [PostgresFact]
    public async Task AddServiceDesk_PostgreSql_BillingStoreIsTheStore()
    {
        var schema = "di_billing_" + Guid.NewGuid().ToString("N")[..8];
        using var host = Hosts.Build(s => s.AddServiceDesk()
            .UsePostgreSql(new PostgreSqlTicketStoreOptions { ConnectionString = PostgresServer.RequireConnectionString(), Schema = schema })
            .AddBilling(Contract()));
        await host.StartAsync();

        Assert.Same(host.Services.GetRequiredService<ITicketStore>(), host.Services.GetRequiredService<IBillingStore>());
        Assert.Equal(InvoiceRunOutcome.Issued, Assert.Single((await RunAsync(host)).Runs).Outcome);
        Assert.Equal(1, await host.Services.GetRequiredService<IBillingStore>().GetLastNumberAsync(Tenant, InvoiceDocumentKind.Invoice));
        await host.StopAsync();
    }

    [Fact]
    public async Task AddServiceDesk_WithoutAddBilling_RegistersStoreButNoLedger()
    {
        using var host = Hosts.Build(s => s.AddServiceDesk().UseInMemory());
        await host.StartAsync();

        Assert.NotNull(host.Services.GetService<IBillingStore>());
        Assert.Null(host.Services.GetService<DurableLedger>());
        Assert.Null(host.Services.GetService<StoredBillingReports>());
        await host.StopAsync();
    }

    [Fact]
    public async Task AddServiceDesk_StoreWithoutBilling_ResolvingBillingStoreSaysWhy()
    {
        using var host = Hosts.Build(s => s.AddServiceDesk().UseStore("Custom", (_, _) => Task.FromResult<ITicketStore>(new OriginalMembersTicketStore(new InMemoryTicketStore()))));
        await host.StartAsync();

        var error = Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<IBillingStore>());
        Assert.Contains("OriginalMembersTicketStore", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not implement IBillingStore", error.Message, StringComparison.Ordinal);
        await host.StopAsync();
    }

    private static async Task<InvoiceRunReport> RunAsync(IHost host)
    {
        var ledger = host.Services.GetRequiredService<DurableLedger>();
        var entry = new TimeEntry(new TimeEntryId("E-1"), Tenant, new ContractId("C-1"), new TicketId(Guid.NewGuid()), new AgentId("alice"), "remote", Instant.FromUtc(2025, 3, 3, 9, 0), Duration.FromHours(1));
        await ledger.RecordTimeAsync(entry, Now);
        return await ledger.RunAsync(Tenant, March, Now);
    }

    private static BusinessCalendar Office()
        => new BusinessCalendarBuilder(DateTimeZone.Utc).AddWeekdayHours(new LocalTime(9, 0), new LocalTime(17, 0)).Build();

    private static Contract Contract()
        => new ContractOptions
        {
            Id = new ContractId("C-1"),
            Tenant = Tenant,
            Client = new CustomerId("globex"),
            ClientLegalName = "Globex Ltd",
            Start = new LocalDate(2025, 1, 1),
            Zone = DateTimeZone.Utc,
            Currency = Currency.Eur,
            Status = ContractStatus.Active,
            RequireApproval = false,
            TimeAndMaterials = new TimeAndMaterialsPlan { DefaultHourlyRate = new Money(100m, Currency.Eur) },
        }.Build();
}
