using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Storage;
using Xunit;

namespace ServiceDesk.Testing;

/// <summary>
/// The conformance suite of the <see cref="ITicketStore"/> contract: every storage adapter's test project derives a
/// class from it, implements <see cref="CreateStoreAsync"/>, and so runs every test below against its adapter.
/// </summary>
/// <remarks>
/// <para>The suite pins down number allocation, reads by id and by number, appends, expected-version concurrency,
/// idempotency, tenant isolation, history order and completeness, every query filter, keyset paging, bad-input
/// errors, cancellation, atomicity, and that returned objects are copies rather than views of the store; derived state
/// (<see cref="ITicketStore.GetStoredAsync"/>), <see cref="ITicketStore.GetManyAsync"/>, and batches with number advances
/// (<see cref="ITicketBatchStore"/>).</para>
/// <para><b>Optional capabilities.</b> The batch tests need an <see cref="ITicketBatchStore"/> and the derived-state tests a
/// store that overrides <see cref="ITicketStore.GetStoredAsync"/>; on a store without them they are reported as skipped,
/// with the reason, through <see cref="ConformanceSkipException"/>.</para>
/// <para><b>Lifetime.</b> xUnit creates one instance of the derived class per test; <see cref="CreateStoreAsync"/> runs
/// before each test and <see cref="DisposeStoreAsync"/> after it. Every test works in tenants of its own
/// (<see cref="NewTenant"/>), so an adapter may hand out one shared database to every test and never needs to clean
/// up between tests.</para>
/// <para><b>Data.</b> Instants are whole seconds from a <see cref="TestClock"/>, so adapters that store microseconds
/// (PostgreSQL) round-trip them exactly. Tickets are compared by value, with custom attributes compared key by key.</para>
/// <example>
/// <code>
/// public sealed class SqliteTicketStoreTests : TicketStoreConformanceTests
/// {
///     protected override Task&lt;ITicketStore&gt; CreateStoreAsync()
///         =&gt; Task.FromResult&lt;ITicketStore&gt;(new SqliteTicketStore("Data Source=:memory:"));
/// }
/// </code>
/// </example>
/// </remarks>
public abstract partial class TicketStoreConformanceTests : IAsyncLifetime
{
    private ITicketStore? _store;

    /// <summary>Initializes the suite with a <see cref="TestClock"/> that moves one second per reading.</summary>
    protected TicketStoreConformanceTests()
    {
        Clock = new TestClock(TestClock.DefaultStart, Duration.FromSeconds(1));
    }

    /// <summary>Gets the store under test, created by <see cref="CreateStoreAsync"/> before the test started.</summary>
    /// <exception cref="InvalidOperationException">Read before the store was created.</exception>
    protected ITicketStore Store
        => _store ?? throw new InvalidOperationException("The store is created by xUnit through IAsyncLifetime.InitializeAsync before each test.");

    /// <summary>Gets the clock that the suite's factories take instants from.</summary>
    protected TestClock Clock { get; }

    /// <summary>Gets how many tasks the concurrency tests run at once: 8 unless an adapter overrides it.</summary>
    protected virtual int Concurrency => 8;

    /// <summary>Creates the store under test; called once before every test.</summary>
    /// <returns>A store; it may share its data with the stores of other tests, since every test uses fresh tenants.</returns>
    protected abstract Task<ITicketStore> CreateStoreAsync();

    /// <summary>Disposes a store after a test: by default through <see cref="IAsyncDisposable"/> or
    /// <see cref="IDisposable"/> when the store implements one of them.</summary>
    /// <param name="store">The store <see cref="CreateStoreAsync"/> returned.</param>
    /// <returns>A task that completes when the store is disposed.</returns>
    protected virtual Task DisposeStoreAsync(ITicketStore store) => StoreDisposal.DisposeAsync(store);

    /// <summary>Returns a tenant id no other test uses.</summary>
    /// <returns>The tenant.</returns>
    protected static TenantId NewTenant() => new("conformance-" + Guid.NewGuid().ToString("N"));

    /// <summary>Returns a ticket factory for a tenant that takes its instants from <see cref="Clock"/>.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <returns>The factory.</returns>
    protected TicketFactory Factory(TenantId tenant) => new(tenant, Clock);

    /// <summary>Asserts that two snapshots are equal in every property, comparing custom attributes by value.</summary>
    /// <param name="expected">The expected snapshot.</param>
    /// <param name="actual">The snapshot read from the store.</param>
    protected static void AssertSameTicket(Ticket expected, Ticket? actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        Assert.NotNull(actual);
        Assert.Equal(expected with { Attributes = CustomAttributes.Empty }, actual with { Attributes = CustomAttributes.Empty });
        Assert.Equal(SortedAttributes(expected), SortedAttributes(actual));
    }

    /// <summary>Asserts that an append was rejected as a concurrency conflict with the given versions.</summary>
    /// <param name="append">The append that should be rejected.</param>
    /// <param name="expectedVersion">The <see cref="ConcurrencyException.ExpectedVersion"/> to see.</param>
    /// <param name="actualVersion">The <see cref="ConcurrencyException.ActualVersion"/> to see.</param>
    /// <returns>The exception.</returns>
    protected async Task<ConcurrencyException> AssertConflictAsync(TicketAppend append, long expectedVersion, long actualVersion)
    {
        ArgumentNullException.ThrowIfNull(append);
        var ex = await Assert.ThrowsAsync<ConcurrencyException>(() => Store.AppendAsync(append));
        Assert.Equal(append.Tenant, ex.Tenant);
        Assert.Equal(append.Ticket.Id, ex.Ticket);
        Assert.Equal(expectedVersion, ex.ExpectedVersion);
        Assert.Equal(actualVersion, ex.ActualVersion);
        return ex;
    }

    /// <summary>Appends and returns the stored snapshot, asserting it was not a replay.</summary>
    /// <param name="append">The append.</param>
    /// <returns>The stored snapshot.</returns>
    protected async Task<Ticket> AppendAsync(TicketAppend append)
    {
        ArgumentNullException.ThrowIfNull(append);
        var result = await Store.AppendAsync(append);
        Assert.False(result.IsReplay);
        AssertSameTicket(append.Ticket, result.Ticket);
        return result.Ticket;
    }

    /// <summary>Reads every page of a query, checking each page's size, and returns the tickets in order.</summary>
    /// <param name="query">The query of the first page.</param>
    /// <returns>The tickets of every page.</returns>
    protected async Task<List<Ticket>> QueryAllAsync(TicketQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var all = new List<Ticket>();
        var pages = 0;
        for (var q = query; ;)
        {
            var page = await Store.QueryAsync(q);
            Assert.True(page.Items.Count <= q.PageSize, $"A page of size {q.PageSize} held {page.Items.Count} tickets.");
            all.AddRange(page.Items);
            if (page.ContinuationToken is null)
            {
                return all;
            }

            Assert.True(++pages <= 10_000, "Paging did not end after 10,000 pages.");
            q = q with { ContinuationToken = page.ContinuationToken };
        }
    }

    /// <summary>Orders tickets the way every query must: by <see cref="Ticket.OpenedAt"/>, then by id.</summary>
    /// <param name="tickets">The tickets.</param>
    /// <returns>The ids in paging order.</returns>
    protected static List<TicketId> InPagingOrder(IEnumerable<Ticket> tickets)
    {
        var list = tickets.ToList();
        list.Sort((a, b) => TicketCursor.Compare(a.OpenedAt, a.Id, b.OpenedAt, b.Id));
        return list.ConvertAll(t => t.Id);
    }

    /// <summary>Tries to change a returned list through the mutable interfaces it may implement; a list that is a copy or
    /// read-only resists (by refusing or by changing only itself).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="list">The list returned by the store.</param>
    /// <param name="replacement">An element to write over the first one.</param>
    protected static void TryToMutate<T>(IReadOnlyList<T> list, T replacement)
    {
        ArgumentNullException.ThrowIfNull(list);
        if (list is IList<T> mutable && mutable.Count > 0)
        {
            try
            {
                mutable[0] = replacement;
            }
            catch (NotSupportedException)
            {
                // Read-only: the store's data is safe.
            }

            try
            {
                mutable.Clear();
            }
            catch (NotSupportedException)
            {
                // Read-only or fixed-size: the store's data is safe.
            }
        }
    }

    /// <inheritdoc />
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

    /// <inheritdoc />
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

    private static List<KeyValuePair<string, AttributeValue>> SortedAttributes(Ticket ticket)
        => [.. ticket.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal)];

    private static CommentAdded Comment(Ticket current, string text, long? version = null)
        => new(current.Tenant, current.Id, version ?? current.Version + 1, current.UpdatedAt, Actor.System, CommentVisibility.Public, text);
}
