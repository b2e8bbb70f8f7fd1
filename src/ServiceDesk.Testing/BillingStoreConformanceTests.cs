using NodaTime;
using ServiceDesk.Billing;
using Xunit;

namespace ServiceDesk.Testing;

/// <summary>
/// The conformance suite of <see cref="IBillingStore"/>: time entries with approval and corrections, one-off works,
/// commits of invoices and credit notes with gapless numbers, the billed-entry index, concurrency, tenant isolation,
/// cancellation, and the invoice run of <see cref="DurableLedger"/> over the store. Every storage adapter's test project
/// derives a class from it and implements <see cref="CreateStoreAsync"/>.
/// </summary>
/// <remarks>
/// <para>xUnit creates one instance per test; <see cref="CreateStoreAsync"/> runs before each test and
/// <see cref="DisposeStoreAsync"/> after it. Every test works in tenants of its own (<see cref="NewTenant"/>), so tests may
/// share one database.</para>
/// </remarks>
public abstract partial class BillingStoreConformanceTests : IAsyncLifetime
{
    /// <summary>The month most tests invoice: March 2025.</summary>
    protected static readonly YearMonth March = new(2025, 3);

    /// <summary>The instant most tests run at: 1 April 2025, 00:00 UTC.</summary>
    protected static readonly Instant Now = Instant.FromUtc(2025, 4, 1, 0, 0);

    private IBillingStore? _store;

    /// <summary>Gets the store under test, created by <see cref="CreateStoreAsync"/>.</summary>
    /// <exception cref="InvalidOperationException">Read before the store was created.</exception>
    protected IBillingStore Store
        => _store ?? throw new InvalidOperationException("The store is created by xUnit through IAsyncLifetime.InitializeAsync before each test.");

    /// <summary>Gets how many tasks the concurrency tests run at once: 8 unless an adapter overrides it.</summary>
    protected virtual int Concurrency => 8;

    /// <summary>Creates the store under test; called once before every test.</summary>
    /// <returns>The store.</returns>
    protected abstract Task<IBillingStore> CreateStoreAsync();

    /// <summary>Creates a second store on the same data (another connection pool, as a second app instance would have), for
    /// the concurrency tests; by default the store under test itself.</summary>
    /// <returns>The second store; disposed by <see cref="DisposeStoreAsync"/> unless it is the store under test.</returns>
    protected virtual Task<IBillingStore> CreateSecondStoreAsync() => Task.FromResult(Store);

    /// <summary>Disposes a store after a test: through <see cref="IAsyncDisposable"/> or <see cref="IDisposable"/> when it
    /// implements one.</summary>
    /// <param name="store">The store.</param>
    /// <returns>A task that completes when the store is disposed.</returns>
    protected virtual Task DisposeStoreAsync(IBillingStore store) => StoreDisposal.DisposeAsync(store);

    /// <summary>Returns a tenant id no other test uses.</summary>
    /// <returns>The tenant.</returns>
    protected static TenantId NewTenant() => new("billing-" + Guid.NewGuid().ToString("N"));

    /// <summary>A time-and-materials contract: 100 EUR an hour, 19 % tax, UTC, from 1 January 2025, with a price list of one
    /// item (<c>VISIT</c>, 120 EUR).</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="id">The contract id.</param>
    /// <param name="requireApproval">Whether entries need approval.</param>
    /// <param name="hourlyRate">The hourly rate in EUR.</param>
    /// <returns>The contract.</returns>
    protected static Contract TimeAndMaterials(TenantId tenant, string id = "C-1", bool requireApproval = false, decimal hourlyRate = 100m)
        => new ContractOptions
        {
            Id = new ContractId(id),
            Tenant = tenant,
            Client = new CustomerId("client-" + id),
            ClientLegalName = "Client " + id + " Ltd",
            Start = new LocalDate(2025, 1, 1),
            Zone = DateTimeZone.Utc,
            Currency = Currency.Eur,
            Status = ContractStatus.Active,
            TaxRate = 0.19m,
            RequireApproval = requireApproval,
            TimeAndMaterials = new TimeAndMaterialsPlan { DefaultHourlyRate = new Money(hourlyRate, Currency.Eur) },
            PriceList = new PriceListBuilder("Standard", Currency.Eur).Add("VISIT", "On-site visit", "visit", 120m).Build(),
            OneOffWorks = new OneOffWorksPlan(),
        }.Build();

    /// <summary>A time entry of March 2025.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="id">The entry id.</param>
    /// <param name="day">The day of March.</param>
    /// <param name="minutes">The duration in minutes.</param>
    /// <param name="contract">The contract id.</param>
    /// <param name="agent">The agent id.</param>
    /// <param name="approval">The approval state.</param>
    /// <returns>The entry.</returns>
    protected static TimeEntry Entry(TenantId tenant, string id, int day = 3, int minutes = 60, string contract = "C-1", string agent = "alice", ApprovalState approval = ApprovalState.Approved)
        => new(new TimeEntryId(id), tenant, new ContractId(contract), Ticket(1), new AgentId(agent), "remote", Instant.FromUtc(2025, 3, day, 9, 0), Duration.FromMinutes(minutes))
        {
            Approval = approval,
        };

    /// <summary>A fixed ticket id per number.</summary>
    /// <param name="n">The number.</param>
    /// <returns>The ticket id.</returns>
    protected static TicketId Ticket(int n) => new(new Guid(n, 0x1234, 0x5678, 1, 2, 3, 4, 5, 6, 7, 8));

    /// <summary>The draft of a one-line invoice of March for a contract, billing the given entries.</summary>
    /// <param name="contract">The contract.</param>
    /// <param name="hours">The hours on the line.</param>
    /// <param name="entries">The entries billed.</param>
    /// <returns>The draft.</returns>
    protected static InvoiceDraft Draft(Contract contract, decimal hours, params TimeEntry[] entries)
    {
        ArgumentNullException.ThrowIfNull(contract);
        var net = new Money(hours * 100m, Currency.Eur);
        var line = new InvoiceLine(InvoiceLineKind.TimeAndMaterials, "Support", hours, "hour", new Money(100m, Currency.Eur), net, 0.19m, (net * 0.19m).Round());
        return InvoiceDraft.ForInvoice(contract, March, new LocalDate(2025, 3, 31), [line], entries, []);
    }

    /// <summary>Commits one decision.</summary>
    /// <param name="commit">The commit.</param>
    /// <returns>Its result.</returns>
    protected async Task<InvoiceCommitResult> CommitAsync(InvoiceCommit commit)
    {
        var results = await Store.CommitAsync([commit]);
        Assert.Single(results);
        return results[0];
    }

    /// <summary>Asserts that a tenant's series holds exactly the numbers 1 to its last number, each once.</summary>
    /// <param name="store">The store to read.</param>
    /// <param name="tenant">The tenant.</param>
    /// <param name="kind">The series.</param>
    /// <returns>The documents of the series.</returns>
    protected static async Task<IReadOnlyList<StoredInvoiceDocument>> AssertGaplessAsync(IBillingStore store, TenantId tenant, InvoiceDocumentKind kind)
    {
        ArgumentNullException.ThrowIfNull(store);
        var last = await store.GetLastNumberAsync(tenant, kind);
        var documents = new List<StoredInvoiceDocument>();
        long after = 0;
        while (true)
        {
            var page = await store.ListDocumentsAsync(tenant, kind, after, 500);
            if (page.Count == 0)
            {
                break;
            }

            documents.AddRange(page);
            after = page[^1].Document.Number.Sequence;
        }

        Assert.Equal(Enumerable.Range(1, (int)last).Select(i => (long)i), documents.Select(d => d.Document.Number.Sequence));
        Assert.All(documents, d => Assert.Equal(kind, d.Document.Kind));
        return documents;
    }

#if XUNIT_V3
    async ValueTask IAsyncLifetime.InitializeAsync()
#else
    async Task IAsyncLifetime.InitializeAsync()
#endif
    {
#if XUNIT_V3
        ConformanceSkipAttribute.SkipIfAsked(GetType());
#endif
        _store = await CreateStoreAsync() ?? throw new InvalidOperationException("CreateStoreAsync returned null.");
    }

#if XUNIT_V3
    async ValueTask IAsyncDisposable.DisposeAsync()
#else
    async Task IAsyncLifetime.DisposeAsync()
#endif
    {
        if (_store is { } store)
        {
            _store = null;
            await DisposeStoreAsync(store);
        }
    }
}
