using System.Collections.Concurrent;
using NodaTime;
using ServiceDesk.Storage;
using Xunit;

namespace ServiceDesk.Testing;

/// <summary>
/// The conformance suite of the contracts beside the tickets: <see cref="ITimerStore"/> (schedules, leased timer claims,
/// queues), <see cref="IOutboxStore"/> and <see cref="ITimeEntryStore"/>. Every storage adapter's test project derives a
/// class from it, implements <see cref="CreateStoreAsync"/>, and so runs every test below against its adapter.
/// </summary>
/// <remarks>
/// <para>The suite pins down how <see cref="TicketAppend.Schedule"/> is stored (atomically with the events, never by a
/// replay or a rejected append), timer claims (only due timers, earliest first, at most the requested count, one holder
/// per timer while its lease runs, lease expiry, completion and release with stale-token detection, all tenants, and
/// racing sweepers), the next claimable instant (leases counted at their expiry), queue order, filters and paging, the
/// outbox (every event once, by position, until acknowledged), time entries by start, tenant isolation, bad-input errors
/// and cancellation; and that a batch (<see cref="ITicketBatchStore"/>, skipped on a store without it) writes its
/// schedules, outbox messages and time entries with it or, when rejected, not at all.</para>
/// <para><b>The store.</b> <see cref="CreateStoreAsync"/> returns one object that implements <see cref="ITicketStore"/>,
/// <see cref="ITimerStore"/>, <see cref="IOutboxStore"/> and <see cref="ITimeEntryStore"/> (the adapter's store class);
/// the suite fails with a message naming what is missing otherwise.</para>
/// <para><b>Lifetime and sharing.</b> xUnit creates one instance of the derived class per test;
/// <see cref="CreateStoreAsync"/> runs before each test and <see cref="DisposeStoreAsync"/> after it. Every test works in
/// tenants of its own (<see cref="NewTenant"/>), and outbox and time-entry tests read only their tenants, so those may share
/// a database with other tests. Timer claims and the next claimable instant, however, cover every tenant of the store (as
/// the contract says), so <b>the store must hold no timers but the test's own</b>: return a fresh store per test (a new
/// in-memory instance, a
/// new SQLite database, a new PostgreSQL schema or database), or empty the schedule table in
/// <see cref="CreateStoreAsync"/> and do not run this class in parallel with other users of that database. A claim that
/// returns a timer of a tenant the test did not create fails with a message saying so. (Tickets appended without a
/// schedule, as by <see cref="TicketStoreConformanceTests"/>, have no timer, so that suite may share the database.)</para>
/// <para><b>Data.</b> Instants are whole seconds from a <see cref="TestClock"/> that moves one second per reading, so
/// adapters that store microseconds round-trip them exactly.</para>
/// <example>
/// <code>
/// public sealed class SqliteSchedulingStoreTests : SchedulingStoreConformanceTests
/// {
///     protected override Task&lt;ITicketStore&gt; CreateStoreAsync()
///         =&gt; Task.FromResult&lt;ITicketStore&gt;(new SqliteTicketStore("Data Source=:memory:"));
///
///     // Optional: fewer timers for a slow database.
///     protected override int ConcurrentTimerCount =&gt; 2_000;
/// }
/// </code>
/// </example>
/// </remarks>
public abstract partial class SchedulingStoreConformanceTests : IAsyncLifetime
{
    private readonly ConcurrentDictionary<TenantId, bool> _tenants = new();
    private ITicketStore? _store;

    /// <summary>Initializes the suite with a <see cref="TestClock"/> that moves one second per reading.</summary>
    protected SchedulingStoreConformanceTests()
    {
        Clock = new TestClock(TestClock.DefaultStart, Duration.FromSeconds(1));
    }

    /// <summary>Gets the store under test as an <see cref="ITicketStore"/>, created by <see cref="CreateStoreAsync"/>.</summary>
    /// <exception cref="InvalidOperationException">Read before the store was created.</exception>
    protected ITicketStore Store
        => _store ?? throw new InvalidOperationException("The store is created by xUnit through IAsyncLifetime.InitializeAsync before each test.");

    /// <summary>Gets the store under test as an <see cref="ITimerStore"/>.</summary>
    /// <exception cref="InvalidOperationException">Read before the store was created.</exception>
    protected ITimerStore Timers => (ITimerStore)Store;

    /// <summary>Gets the store under test as an <see cref="IOutboxStore"/>.</summary>
    /// <exception cref="InvalidOperationException">Read before the store was created.</exception>
    protected IOutboxStore Outbox => (IOutboxStore)Store;

    /// <summary>Gets the store under test as an <see cref="ITimeEntryStore"/>.</summary>
    /// <exception cref="InvalidOperationException">Read before the store was created.</exception>
    protected ITimeEntryStore TimeEntries => (ITimeEntryStore)Store;

    /// <summary>Gets the clock that the suite's factories take instants from.</summary>
    protected TestClock Clock { get; }

    /// <summary>Gets how many tasks the concurrent append tests run at once: 8 unless an adapter overrides it.</summary>
    protected virtual int Concurrency => 8;

    /// <summary>Gets how many sweepers race in <see cref="Claim_ConcurrentClaimers_ClaimEveryTimerExactlyOnce"/>: 4 unless an
    /// adapter overrides it.</summary>
    protected virtual int ConcurrentClaimers => 4;

    /// <summary>Gets how many due timers the sweepers of <see cref="Claim_ConcurrentClaimers_ClaimEveryTimerExactlyOnce"/>
    /// race over: 10,000 unless an adapter overrides it (a slow database may use fewer; not fewer than 100).</summary>
    protected virtual int ConcurrentTimerCount => 10_000;

    /// <summary>Creates the store under test; called once before every test.</summary>
    /// <returns>A store implementing <see cref="ITicketStore"/>, <see cref="ITimerStore"/>, <see cref="IOutboxStore"/> and
    /// <see cref="ITimeEntryStore"/>, holding no timers of other tests (see remarks).</returns>
    protected abstract Task<ITicketStore> CreateStoreAsync();

    /// <summary>Disposes a store after a test: by default through <see cref="IAsyncDisposable"/> or
    /// <see cref="IDisposable"/> when the store implements one of them.</summary>
    /// <param name="store">The store <see cref="CreateStoreAsync"/> returned.</param>
    /// <returns>A task that completes when the store is disposed.</returns>
    protected virtual Task DisposeStoreAsync(ITicketStore store) => StoreDisposal.DisposeAsync(store);

    /// <summary>Returns a tenant id no other test uses, and remembers it as one of this test's tenants.</summary>
    /// <returns>The tenant.</returns>
    protected TenantId NewTenant()
    {
        var tenant = new TenantId("conformance-" + Guid.NewGuid().ToString("N"));
        _tenants[tenant] = true;
        return tenant;
    }

    /// <summary>Returns a ticket factory for a tenant that takes its instants from <see cref="Clock"/>.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <returns>The factory.</returns>
    protected TicketFactory Factory(TenantId tenant) => new(tenant, Clock);

    /// <summary>Returns a copy of an append that carries a schedule (or none).</summary>
    /// <param name="append">The append.</param>
    /// <param name="schedule">The schedule to store with it, or <see langword="null"/> to leave the stored one.</param>
    /// <returns>The copy.</returns>
    protected static TicketAppend WithSchedule(TicketAppend append, TicketSchedule? schedule)
    {
        ArgumentNullException.ThrowIfNull(append);
        return new TicketAppend(append.Ticket, append.Events, append.ExpectedVersion, append.IdempotencyKey) { Schedule = schedule };
    }

    /// <summary>Returns a queued schedule with a timer.</summary>
    /// <param name="dueAt">When the timer is due.</param>
    /// <param name="purpose">Its purpose.</param>
    /// <param name="deadline">The deadline, if any.</param>
    /// <returns>The schedule.</returns>
    protected static TicketSchedule TimerAt(Instant dueAt, string purpose = "test timer", Instant? deadline = null)
        => new(dueAt, purpose, deadline, queued: true);

    /// <summary>Returns a queued schedule without a timer.</summary>
    /// <param name="deadline">The deadline, or <see langword="null"/>.</param>
    /// <returns>The schedule.</returns>
    protected static TicketSchedule Deadline(Instant? deadline) => new(null, null, deadline, queued: true);

    /// <summary>Opens a ticket (numbered by the factory) with a schedule, or none, and returns the stored snapshot.</summary>
    /// <param name="factory">The factory of the ticket's tenant.</param>
    /// <param name="schedule">The schedule, or <see langword="null"/> for none.</param>
    /// <param name="configure">Changes the defaults of the snapshot.</param>
    /// <returns>The stored version-1 snapshot.</returns>
    protected async Task<Ticket> OpenAsync(TicketFactory factory, TicketSchedule? schedule, Func<Ticket, Ticket>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return await AppendAsync(WithSchedule(factory.Open(configure: configure), schedule));
    }

    /// <summary>Appends and returns the stored snapshot, asserting it was not a replay.</summary>
    /// <param name="append">The append.</param>
    /// <returns>The stored snapshot.</returns>
    protected async Task<Ticket> AppendAsync(TicketAppend append)
    {
        ArgumentNullException.ThrowIfNull(append);
        var result = await Store.AppendAsync(append);
        Assert.False(result.IsReplay);
        return result.Ticket;
    }

    /// <summary>Claims due timers, asserting that every lease is of a tenant this test created and that the leases are
    /// ordered by due instant.</summary>
    /// <param name="now">The instant of the claim.</param>
    /// <param name="maxCount">The most timers to claim.</param>
    /// <param name="lease">The lease duration; five minutes by default.</param>
    /// <returns>The leases.</returns>
    protected async Task<IReadOnlyList<TimerLease>> ClaimAsync(Instant now, int maxCount = ITimerStore.MaxClaim, Duration? lease = null)
    {
        var duration = lease ?? Duration.FromMinutes(5);
        var leases = await Timers.ClaimDueTimersAsync(now, maxCount, duration);
        Assert.NotNull(leases);
        Assert.True(leases.Count <= maxCount, $"A claim of at most {maxCount} returned {leases.Count} leases.");
        foreach (var l in leases)
        {
            Assert.True(
                _tenants.ContainsKey(l.Tenant),
                $"The claim returned a timer of tenant '{l.Tenant}', which this test did not create: CreateStoreAsync must return a store holding no due timers of other tests (see the remarks of SchedulingStoreConformanceTests).");
            Assert.True(l.DueAt <= now, $"The claim at {now} returned a timer due at {l.DueAt}.");
            Assert.Equal(now + duration, l.ExpiresAt);
        }

        for (var i = 1; i < leases.Count; i++)
        {
            Assert.True(leases[i - 1].DueAt <= leases[i].DueAt, $"Leases are not ordered by due instant: {leases[i - 1].DueAt} before {leases[i].DueAt}.");
        }

        return leases;
    }

    /// <summary>Reads a tenant's unacknowledged outbox messages (up to 1,000), checking that positions strictly increase.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <returns>The messages.</returns>
    protected async Task<IReadOnlyList<OutboxMessage>> ReadOutboxAsync(TenantId tenant)
    {
        var messages = await Outbox.ReadOutboxAsync(IOutboxStore.MaxRead, tenant);
        AssertIncreasingPositions(messages);
        Assert.All(messages, m => Assert.Equal(tenant, m.Event.Tenant));
        return messages;
    }

    /// <summary>Reads every page of a queue query, checking each page's size, and returns the items in order.</summary>
    /// <param name="query">The query of the first page.</param>
    /// <returns>The items of every page.</returns>
    protected async Task<List<ScheduledTicket>> QueryAllAsync(ScheduleQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var all = new List<ScheduledTicket>();
        var pages = 0;
        for (var q = query; ;)
        {
            var page = await Timers.QueryScheduleAsync(q);
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

    /// <summary>Orders tickets in queue order (deadline, tickets without one last, then opening instant, then id).</summary>
    /// <param name="items">The tickets and their schedules.</param>
    /// <returns>The ids in queue order.</returns>
    protected static List<TicketId> InQueueOrder(IEnumerable<(Ticket Ticket, TicketSchedule Schedule)> items)
        => [.. items.Select(i => ScheduleCursor.At(i.Ticket, i.Schedule)).Order().Select(c => c.Id)];

    /// <summary>Asserts that two snapshots are equal in every property, comparing custom attributes by value.</summary>
    /// <param name="expected">The expected snapshot.</param>
    /// <param name="actual">The snapshot read from the store.</param>
    protected static void AssertSameTicket(Ticket expected, Ticket? actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        Assert.NotNull(actual);
        Assert.Equal(expected with { Attributes = CustomAttributes.Empty }, actual with { Attributes = CustomAttributes.Empty });
        Assert.Equal(
            expected.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).ToList(),
            actual.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).ToList());
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
        var store = await CreateStoreAsync() ?? throw new InvalidOperationException("CreateStoreAsync returned null.");
        var missing = new List<string>();
        if (store is not ITimerStore)
        {
            missing.Add(nameof(ITimerStore));
        }

        if (store is not IOutboxStore)
        {
            missing.Add(nameof(IOutboxStore));
        }

        if (store is not ITimeEntryStore)
        {
            missing.Add(nameof(ITimeEntryStore));
        }

        if (missing.Count > 0)
        {
            await DisposeStoreAsync(store);
            throw new InvalidOperationException(
                $"{store.GetType().FullName} does not implement {string.Join(", ", missing)}; SchedulingStoreConformanceTests needs one store object implementing ITicketStore, ITimerStore, IOutboxStore and ITimeEntryStore.");
        }

        _store = store;
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

    private static void AssertIncreasingPositions(IReadOnlyList<OutboxMessage> messages)
    {
        Assert.NotNull(messages);
        for (var i = 1; i < messages.Count; i++)
        {
            Assert.True(
                messages[i - 1].Position < messages[i].Position,
                $"Outbox positions must strictly increase in a read: {messages[i - 1].Position} came before {messages[i].Position}.");
        }
    }
}
