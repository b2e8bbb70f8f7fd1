using System.Collections.Concurrent;
using System.Reflection;
using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Testing;
using Xunit.Abstractions;

namespace ServiceDesk.Storage.InMemory.Tests;

/// <summary>A defect planted in a store decorator.</summary>
public enum StoreFault
{
    None,
    LeakAcrossTenants,
    IgnoreIdempotencyKey,
    ReverseHistory,
    IgnoreCancellation,
    IgnoreCustomerFilter,
    SwallowConflicts,
    SharedSequenceAcrossKinds,
    GapInNumbers,
    TokenAtFirstItem,
    HistoryIsLiveView,
    NonAtomicAppend,
}

/// <summary>A defect planted in a scheduling store decorator.</summary>
public enum SchedulingFault
{
    None,
    ClaimIgnoresLease,
    OutboxOutOfOrder,
    AppendWithoutScheduleClearsIt,
    QueueByOpeningOnly,
    TimeEntriesIncludeEnd,
    ClaimIgnoresCancellation,
    AcknowledgeCountsEveryPosition,
    NextDueNotImplemented,
    NextDueIgnoresLeases,
}

/// <summary>A defect planted in a decorator of the derived-state, many-ticket and batch members.</summary>
public enum BatchFault
{
    None,
    DerivedStateNeverCleared,
    GetManyReversed,
    GetManyRepeatsDuplicates,
    BatchAppliedOneByOne,
    BatchIgnoresNumberAdvances,
    BatchIgnoresCancellation,
}

/// <summary>Proves that the conformance suite can fail: each planted defect makes the suite test that pins it fail,
/// while the same test passes against the correct store.</summary>
public sealed class ConformanceSuiteSensitivityTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(StoreFault.LeakAcrossTenants, nameof(TicketStoreConformanceTests.Reads_OtherTenantsTicket_AreNeverVisible))]
    [InlineData(StoreFault.LeakAcrossTenants, nameof(TicketStoreConformanceTests.Append_ToOtherTenantsTicket_ThrowsConcurrencyExceptionWithActualZero))]
    [InlineData(StoreFault.IgnoreIdempotencyKey, nameof(TicketStoreConformanceTests.Append_RetryWithSameKey_ReturnsFirstResultAsReplayAndStoresNothing))]
    [InlineData(StoreFault.IgnoreIdempotencyKey, nameof(TicketStoreConformanceTests.Append_SameKeyOnDifferentTicket_ThrowsArgumentExceptionAndStoresNothing))]
    [InlineData(StoreFault.ReverseHistory, nameof(TicketStoreConformanceTests.ReadHistory_AfterManyAppends_ReturnsEveryEventInVersionOrder))]
    [InlineData(StoreFault.IgnoreCancellation, nameof(TicketStoreConformanceTests.Append_CancelledToken_ThrowsAndStoresNothing))]
    [InlineData(StoreFault.IgnoreCustomerFilter, nameof(TicketStoreConformanceTests.Query_ByCustomer_ReturnsOnlyThatCustomer))]
    [InlineData(StoreFault.SwallowConflicts, nameof(TicketStoreConformanceTests.Append_StaleExpectedVersion_ThrowsConcurrencyExceptionWithBothVersions))]
    [InlineData(StoreFault.SwallowConflicts, nameof(TicketStoreConformanceTests.Append_ConcurrentWritersOnSameVersion_ExactlyOneWins))]
    [InlineData(StoreFault.SharedSequenceAcrossKinds, nameof(TicketStoreConformanceTests.AllocateNumber_DifferentKinds_HaveIndependentSequences))]
    [InlineData(StoreFault.GapInNumbers, nameof(TicketStoreConformanceTests.AllocateNumber_ConcurrentCallers_NoDuplicatesAndNoGaps))]
    [InlineData(StoreFault.TokenAtFirstItem, nameof(TicketStoreConformanceTests.Query_TicketsOpenedAtSameInstant_AreOrderedByIdAcrossPages))]
    [InlineData(StoreFault.TokenAtFirstItem, nameof(TicketStoreConformanceTests.Query_TicketsAddedAndChangedBetweenPages_NoSkipsOrDuplicates))]
    [InlineData(StoreFault.HistoryIsLiveView, nameof(TicketStoreConformanceTests.ReadHistory_ReturnedList_IsNotAViewOfTheStore))]
    [InlineData(StoreFault.NonAtomicAppend, nameof(TicketStoreConformanceTests.Append_ConcurrentReaders_SeeEachAppendAllOrNothing))]
    public async Task SuiteTest_StoreWithPlantedFault_Fails(StoreFault fault, string test)
    {
        await RunSuiteTestAsync(StoreFault.None, test);

        var failure = await Record.ExceptionAsync(() => RunSuiteTestAsync(fault, test));

        Assert.NotNull(failure);
        output.WriteLine($"{fault} -> {failure.GetType().Name}: {failure.Message}");

        // A failed assertion, or the contract's own exception thrown where the contract says there must be none (a retry
        // reported as a conflict); anything else would be a crash of the harness rather than a verdict of the suite.
        Assert.True(failure is Xunit.Sdk.XunitException or ConcurrencyException, failure.ToString());
    }

    [Theory]
    [InlineData(SchedulingFault.ClaimIgnoresLease, nameof(SchedulingStoreConformanceTests.Claim_LeasedTimer_IsNotClaimedAgainUntilExpiry))]
    [InlineData(SchedulingFault.OutboxOutOfOrder, nameof(SchedulingStoreConformanceTests.Outbox_AppendedEvents_AreReadOnceInPositionOrder))]
    [InlineData(SchedulingFault.OutboxOutOfOrder, nameof(SchedulingStoreConformanceTests.Outbox_PositionsOfOneTicket_IncreaseWithVersion))]
    [InlineData(SchedulingFault.AppendWithoutScheduleClearsIt, nameof(SchedulingStoreConformanceTests.Schedule_AppendWithoutSchedule_KeepsStoredOne))]
    [InlineData(SchedulingFault.AppendWithoutScheduleClearsIt, nameof(SchedulingStoreConformanceTests.Claim_LeasedTimer_IsNotClaimedAgainUntilExpiry))]
    [InlineData(SchedulingFault.QueueByOpeningOnly, nameof(SchedulingStoreConformanceTests.Query_Queue_IsInDeadlineThenOpenedThenIdOrder))]
    [InlineData(SchedulingFault.TimeEntriesIncludeEnd, nameof(SchedulingStoreConformanceTests.TimeEntries_Range_ReturnsEntriesStartedInRangeInOrder))]
    [InlineData(SchedulingFault.ClaimIgnoresCancellation, nameof(SchedulingStoreConformanceTests.AllMembers_CancelledToken_ThrowAndChangeNothing))]
    [InlineData(SchedulingFault.AcknowledgeCountsEveryPosition, nameof(SchedulingStoreConformanceTests.Outbox_Acknowledge_RemovesMessagesAndCountsOnlyNewOnes))]
    [InlineData(SchedulingFault.NextDueNotImplemented, nameof(SchedulingStoreConformanceTests.NextTimerDue_ManyTimers_IsTheEarliest))]
    [InlineData(SchedulingFault.NextDueNotImplemented, nameof(SchedulingStoreConformanceTests.NextTimerDue_TimersOfSeveralTenants_IsTheEarliestOfAll))]
    [InlineData(SchedulingFault.NextDueIgnoresLeases, nameof(SchedulingStoreConformanceTests.NextTimerDue_LeasedTimers_CountAtTheirLeaseExpiry))]
    [InlineData(SchedulingFault.NextDueIgnoresLeases, nameof(SchedulingStoreConformanceTests.NextTimerDue_AfterReleaseCompleteOrScheduledAppend_FollowsTheTimer))]
    public async Task SchedulingSuiteTest_StoreWithPlantedFault_Fails(SchedulingFault fault, string test)
    {
        await RunSuiteTestAsync(typeof(SchedulingStoreConformanceTests), new SchedulingSuite(SchedulingFault.None), test);

        var failure = await Record.ExceptionAsync(() => RunSuiteTestAsync(typeof(SchedulingStoreConformanceTests), new SchedulingSuite(fault), test));

        Assert.NotNull(failure);
        output.WriteLine($"{fault} -> {failure.GetType().Name}: {failure.Message}");
        Assert.True(failure is Xunit.Sdk.XunitException, failure.ToString());
    }

    [Fact]
    public async Task GetNextTimerDue_DefaultImplementation_IsUnknownAndHonoursCancellation()
    {
        ITimerStore store = new PlainTimerStore();

        Assert.Null(await store.GetNextTimerDueAsync());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.GetNextTimerDueAsync(new CancellationToken(canceled: true)));
    }

    [Theory]
    [InlineData(BatchFault.DerivedStateNeverCleared, nameof(TicketStoreConformanceTests.GetStored_NextAppends_ReplaceOrClearDerivedState))]
    [InlineData(BatchFault.DerivedStateNeverCleared, nameof(TicketStoreConformanceTests.AppendBatch_DerivedState_IsThatOfEachTicketsLastAppend))]
    [InlineData(BatchFault.GetManyReversed, nameof(TicketStoreConformanceTests.GetMany_MixedIds_ReturnsLatestSnapshotsInOrderOfFirstId))]
    [InlineData(BatchFault.GetManyReversed, nameof(TicketStoreConformanceTests.GetMany_MaximumIds_ReturnsEveryFoundTicketInOrder))]
    [InlineData(BatchFault.GetManyRepeatsDuplicates, nameof(TicketStoreConformanceTests.GetMany_MixedIds_ReturnsLatestSnapshotsInOrderOfFirstId))]
    [InlineData(BatchFault.BatchAppliedOneByOne, nameof(TicketStoreConformanceTests.AppendBatch_StaleVersionInTheMiddle_RollsBackEverything))]
    [InlineData(BatchFault.BatchAppliedOneByOne, nameof(TicketStoreConformanceTests.AppendBatch_KeyOfAnotherTicket_ThrowsArgumentExceptionAndStoresNothing))]
    [InlineData(BatchFault.BatchAppliedOneByOne, nameof(TicketStoreConformanceTests.AppendBatch_NewTicketReusingIdOrNumber_ThrowsConcurrencyExceptionAndStoresNothing))]
    [InlineData(BatchFault.BatchAppliedOneByOne, nameof(TicketStoreConformanceTests.AppendBatch_NumberAdvanceNotWhereSequenceIs_ThrowsAndStoresNothing))]
    [InlineData(BatchFault.BatchIgnoresNumberAdvances, nameof(TicketStoreConformanceTests.AppendBatch_ManyTicketsOpenedAndUpdated_StoresEverythingAndAdvancesNumbers))]
    [InlineData(BatchFault.BatchIgnoresNumberAdvances, nameof(TicketStoreConformanceTests.AppendBatch_NumberAdvanceNotWhereSequenceIs_ThrowsAndStoresNothing))]
    [InlineData(BatchFault.BatchIgnoresNumberAdvances, nameof(TicketStoreConformanceTests.AppendBatch_ConcurrentBatchesFromSameLastNumber_ExactlyOneWins))]
    [InlineData(BatchFault.BatchIgnoresCancellation, nameof(TicketStoreConformanceTests.AppendBatch_CancelledToken_ThrowsAndStoresNothing))]
    public async Task BatchSuiteTest_StoreWithPlantedFault_Fails(BatchFault fault, string test)
    {
        await RunSuiteTestAsync(typeof(TicketStoreConformanceTests), new BatchSuite(BatchFault.None), test);

        var failure = await Record.ExceptionAsync(() => RunSuiteTestAsync(typeof(TicketStoreConformanceTests), new BatchSuite(fault), test));

        Assert.NotNull(failure);
        output.WriteLine($"{fault} -> {failure.GetType().Name}: {failure.Message}");
        Assert.True(failure is Xunit.Sdk.XunitException, failure.ToString());
    }

    /// <summary>A store without the optional capabilities: the batch tests and the derived-state tests skip themselves with a
    /// reason instead of failing, while GetMany is tested on the interface's default implementation.</summary>
    [Theory]
    [InlineData(nameof(TicketStoreConformanceTests.AppendBatch_ManyTicketsOpenedAndUpdated_StoresEverythingAndAdvancesNumbers), "ITicketBatchStore")]
    [InlineData(nameof(TicketStoreConformanceTests.GetLastNumber_FollowsAllocationsPerTenantAndKind), "ITicketBatchStore")]
    [InlineData(nameof(TicketStoreConformanceTests.GetStored_DerivedState_RoundTripsVerbatim), "GetStoredAsync")]
    [InlineData(nameof(TicketStoreConformanceTests.GetStored_NextAppends_ReplaceOrClearDerivedState), "GetStoredAsync")]
    public async Task SuiteTest_StoreWithoutOptionalCapability_SkipsWithReason(string test, string capability)
    {
        var skip = await Assert.ThrowsAsync<ConformanceSkipException>(() => RunSuiteTestAsync(StoreFault.None, test));

        Assert.Contains(capability, skip.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(FaultyStore), skip.Message, StringComparison.Ordinal);
    }

    private static Task RunSuiteTestAsync(StoreFault fault, string test)
        => RunSuiteTestAsync(typeof(TicketStoreConformanceTests), new Suite(fault), test);

    private static async Task RunSuiteTestAsync(Type suiteType, IAsyncLifetime suite, string test)
    {
        var method = suiteType.GetMethod(test, BindingFlags.Public | BindingFlags.Instance)
            ?? throw new InvalidOperationException($"No suite test {test}.");
        await suite.InitializeAsync();
        try
        {
            await (Task)method.Invoke(suite, null)!;
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw ex.InnerException;
        }
        finally
        {
            await suite.DisposeAsync();
        }
    }

    /// <summary>Not public, so xUnit does not discover it as a test class of its own.</summary>
    private sealed class Suite(StoreFault fault) : TicketStoreConformanceTests
    {
        protected override Task<ITicketStore> CreateStoreAsync() => Task.FromResult<ITicketStore>(new FaultyStore(fault));
    }

    /// <summary>Not public, so xUnit does not discover it as a test class of its own.</summary>
    private sealed class SchedulingSuite(SchedulingFault fault) : SchedulingStoreConformanceTests
    {
        protected override int ConcurrentTimerCount => 2_000;

        protected override Task<ITicketStore> CreateStoreAsync() => Task.FromResult<ITicketStore>(new FaultySchedulingStore(fault));
    }

    /// <summary>Not public, so xUnit does not discover it as a test class of its own.</summary>
    private sealed class BatchSuite(BatchFault fault) : TicketStoreConformanceTests
    {
        protected override Task<ITicketStore> CreateStoreAsync() => Task.FromResult<ITicketStore>(new FaultyBatchStore(fault));
    }

    /// <summary>Delegates to a correct store, except for the one planted defect in the derived-state, many-ticket and batch
    /// members.</summary>
    private sealed class FaultyBatchStore(BatchFault fault) : ITicketBatchStore
    {
        private readonly InMemoryTicketStore _inner = new();

        public Task<TicketNumber> AllocateNumberAsync(TenantId tenant, TicketKind kind, CancellationToken cancellationToken = default)
            => _inner.AllocateNumberAsync(tenant, kind, cancellationToken);

        public Task<Ticket?> GetAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
            => _inner.GetAsync(tenant, id, cancellationToken);

        public Task<Ticket?> GetByNumberAsync(TenantId tenant, TicketNumber number, CancellationToken cancellationToken = default)
            => _inner.GetByNumberAsync(tenant, number, cancellationToken);

        public async Task<AppendResult> AppendAsync(TicketAppend append, CancellationToken cancellationToken = default)
            => await _inner.AppendAsync(await KeepDerivedStateAsync(append, cancellationToken), cancellationToken);

        public Task<AppendResult?> FindAppliedAsync(TenantId tenant, string idempotencyKey, CancellationToken cancellationToken = default)
            => _inner.FindAppliedAsync(tenant, idempotencyKey, cancellationToken);

        public Task<TicketPage> QueryAsync(TicketQuery query, CancellationToken cancellationToken = default)
            => _inner.QueryAsync(query, cancellationToken);

        public Task<IReadOnlyList<TicketEvent>> ReadHistoryAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
            => _inner.ReadHistoryAsync(tenant, id, cancellationToken);

        public Task<StoredTicket?> GetStoredAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
            => _inner.GetStoredAsync(tenant, id, cancellationToken);

        public async Task<IReadOnlyList<Ticket>> GetManyAsync(TenantId tenant, IReadOnlyList<TicketId> ids, CancellationToken cancellationToken = default)
        {
            var many = await _inner.GetManyAsync(tenant, ids, cancellationToken);
            return fault switch
            {
                BatchFault.GetManyReversed => [.. many.Reverse()],
                BatchFault.GetManyRepeatsDuplicates => [.. ids.SelectMany(id => many.Where(t => t.Id == id))],
                _ => many,
            };
        }

        public Task<long> GetLastNumberAsync(TenantId tenant, TicketKind kind, CancellationToken cancellationToken = default)
            => _inner.GetLastNumberAsync(tenant, kind, cancellationToken);

        public async Task<IReadOnlyList<AppendResult>> AppendBatchAsync(TicketBatch batch, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(batch);
            switch (fault)
            {
                case BatchFault.BatchAppliedOneByOne:
                    var results = new List<AppendResult>();
                    foreach (var append in batch.Appends)
                    {
                        results.Add(await _inner.AppendAsync(append, cancellationToken));
                    }

                    foreach (var advance in batch.Numbers)
                    {
                        var last = await _inner.GetLastNumberAsync(batch.Tenant, advance.Kind, cancellationToken);
                        if (last != advance.ExpectedLast)
                        {
                            throw new ConcurrencyException(batch.Tenant, advance.Kind, advance.ExpectedLast, last);
                        }

                        for (var n = last; n < advance.NewLast; n++)
                        {
                            await _inner.AllocateNumberAsync(batch.Tenant, advance.Kind, cancellationToken);
                        }
                    }

                    return results;
                case BatchFault.BatchIgnoresNumberAdvances:
                    return await _inner.AppendBatchAsync(new TicketBatch(batch.Appends), cancellationToken);
                case BatchFault.BatchIgnoresCancellation:
                    return await _inner.AppendBatchAsync(batch, CancellationToken.None);
                default:
                    var appends = new List<TicketAppend>(batch.Appends.Count);
                    foreach (var append in batch.Appends)
                    {
                        appends.Add(await KeepDerivedStateAsync(append, cancellationToken));
                    }

                    return await _inner.AppendBatchAsync(new TicketBatch(appends, batch.Numbers), cancellationToken);
            }
        }

        /// <summary>The planted <see cref="BatchFault.DerivedStateNeverCleared"/>: an append without derived state keeps the
        /// stored one (or, in a batch, the one of the ticket's earlier append, which this decorator cannot see: it keeps the
        /// stored one, which is wrong either way).</summary>
        private async Task<TicketAppend> KeepDerivedStateAsync(TicketAppend append, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(append);
            if (fault != BatchFault.DerivedStateNeverCleared || append.DerivedState is not null
                || await _inner.GetStoredAsync(append.Tenant, append.Ticket.Id, cancellationToken) is not { DerivedState: { } kept })
            {
                return append;
            }

            return new TicketAppend(append.Ticket, append.Events, append.ExpectedVersion, append.IdempotencyKey) { Schedule = append.Schedule, DerivedState = kept };
        }
    }

    /// <summary>Delegates to a correct store, except for the one planted defect.</summary>
    private sealed class FaultySchedulingStore(SchedulingFault fault) : ITicketStore, ITimerStore, IOutboxStore, ITimeEntryStore
    {
        private readonly InMemoryTicketStore _inner = new();

        /// <summary>The due instants of the timers this store leased and has not seen completed or released
        /// (for <see cref="SchedulingFault.NextDueIgnoresLeases"/>).</summary>
        private readonly ConcurrentDictionary<(TenantId, TicketId), Instant> _leasedDue = new();

        public Task<TicketNumber> AllocateNumberAsync(TenantId tenant, TicketKind kind, CancellationToken cancellationToken = default)
            => _inner.AllocateNumberAsync(tenant, kind, cancellationToken);

        public Task<Ticket?> GetAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
            => _inner.GetAsync(tenant, id, cancellationToken);

        public Task<Ticket?> GetByNumberAsync(TenantId tenant, TicketNumber number, CancellationToken cancellationToken = default)
            => _inner.GetByNumberAsync(tenant, number, cancellationToken);

        public Task<AppendResult> AppendAsync(TicketAppend append, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(append);
            if (fault == SchedulingFault.AppendWithoutScheduleClearsIt && append.Schedule is null)
            {
                append = new TicketAppend(append.Ticket, append.Events, append.ExpectedVersion, append.IdempotencyKey) { Schedule = TicketSchedule.None };
            }

            return _inner.AppendAsync(append, cancellationToken);
        }

        public Task<AppendResult?> FindAppliedAsync(TenantId tenant, string idempotencyKey, CancellationToken cancellationToken = default)
            => _inner.FindAppliedAsync(tenant, idempotencyKey, cancellationToken);

        public Task<TicketPage> QueryAsync(TicketQuery query, CancellationToken cancellationToken = default)
            => _inner.QueryAsync(query, cancellationToken);

        public Task<IReadOnlyList<TicketEvent>> ReadHistoryAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
            => _inner.ReadHistoryAsync(tenant, id, cancellationToken);

        public async Task<IReadOnlyList<TimerLease>> ClaimDueTimersAsync(
            Instant now, int maxCount, Duration leaseDuration, CancellationToken cancellationToken = default)
        {
            if (fault == SchedulingFault.ClaimIgnoresCancellation)
            {
                cancellationToken = CancellationToken.None;
            }

            var leases = await _inner.ClaimDueTimersAsync(now, maxCount, leaseDuration, cancellationToken);
            foreach (var lease in leases)
            {
                _leasedDue[(lease.Tenant, lease.Ticket)] = lease.DueAt;
            }

            if (fault == SchedulingFault.ClaimIgnoresLease)
            {
                foreach (var lease in leases)
                {
                    await _inner.ReleaseTimerAsync(lease, cancellationToken);
                }
            }

            return leases;
        }

        public Task<bool> CompleteTimerAsync(TimerLease lease, TicketSchedule schedule, CancellationToken cancellationToken = default)
        {
            _leasedDue.TryRemove((lease.Tenant, lease.Ticket), out _);
            return _inner.CompleteTimerAsync(lease, schedule, cancellationToken);
        }

        public Task<bool> ReleaseTimerAsync(TimerLease lease, CancellationToken cancellationToken = default)
        {
            _leasedDue.TryRemove((lease.Tenant, lease.Ticket), out _);
            return _inner.ReleaseTimerAsync(lease, cancellationToken);
        }

        public async Task<Instant?> GetNextTimerDueAsync(CancellationToken cancellationToken = default)
        {
            switch (fault)
            {
                case SchedulingFault.NextDueNotImplemented:
                    // What an adapter written before the member gets: the interface's default (unknown).
                    return await ((ITimerStore)new PlainTimerStore()).GetNextTimerDueAsync(cancellationToken);
                case SchedulingFault.NextDueIgnoresLeases:
                    // Counts a leased timer at its due instant instead of its lease's expiry.
                    var inner = await _inner.GetNextTimerDueAsync(cancellationToken);
                    var leased = _leasedDue.Values.ToList();
                    return leased.Count == 0 ? inner : inner is { } i && i < leased.Min() ? i : leased.Min();
                default:
                    return await _inner.GetNextTimerDueAsync(cancellationToken);
            }
        }

        public Task<TicketSchedule?> GetScheduleAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
            => _inner.GetScheduleAsync(tenant, id, cancellationToken);

        public async Task<SchedulePage> QueryScheduleAsync(ScheduleQuery query, CancellationToken cancellationToken = default)
        {
            var page = await _inner.QueryScheduleAsync(query, cancellationToken);
            return fault == SchedulingFault.QueueByOpeningOnly
                ? page with { Items = [.. page.Items.OrderBy(i => i.Ticket.OpenedAt).ThenBy(i => i.Ticket.Id.Value)] }
                : page;
        }

        public async Task<IReadOnlyList<OutboxMessage>> ReadOutboxAsync(
            int maxCount, TenantId? tenant = null, CancellationToken cancellationToken = default)
        {
            var messages = await _inner.ReadOutboxAsync(maxCount, tenant, cancellationToken);
            return fault == SchedulingFault.OutboxOutOfOrder && messages.Count > 1
                ? [messages[1], messages[0], .. messages.Skip(2)]
                : messages;
        }

        public async Task<int> AcknowledgeOutboxAsync(IReadOnlyCollection<long> positions, CancellationToken cancellationToken = default)
        {
            var acknowledged = await _inner.AcknowledgeOutboxAsync(positions, cancellationToken);
            return fault == SchedulingFault.AcknowledgeCountsEveryPosition ? positions.Count : acknowledged;
        }

        public Task<IReadOnlyList<TimeLogged>> ReadTimeEntriesAsync(TenantId tenant, Instant from, Instant to, CancellationToken cancellationToken = default)
            => _inner.ReadTimeEntriesAsync(tenant, from, fault == SchedulingFault.TimeEntriesIncludeEnd ? to + Duration.FromSeconds(1) : to, cancellationToken);
    }

    private sealed class FaultyStore(StoreFault fault) : ITicketStore
    {
        private readonly InMemoryTicketStore _inner = new();
        private readonly ConcurrentDictionary<TicketId, Ticket> _anyTenant = new();
        private readonly ConcurrentDictionary<(TenantId, TicketId), List<TicketEvent>> _liveHistories = new();

        public async Task<TicketNumber> AllocateNumberAsync(TenantId tenant, TicketKind kind, CancellationToken cancellationToken = default)
        {
            switch (fault)
            {
                case StoreFault.SharedSequenceAcrossKinds:
                    var shared = await _inner.AllocateNumberAsync(tenant, TicketKind.Incident, cancellationToken);
                    return new TicketNumber(kind, shared.Sequence);
                case StoreFault.GapInNumbers:
                    var number = await _inner.AllocateNumberAsync(tenant, kind, cancellationToken);
                    return number.Sequence == 7 ? await _inner.AllocateNumberAsync(tenant, kind, cancellationToken) : number;
                default:
                    return await _inner.AllocateNumberAsync(tenant, kind, cancellationToken);
            }
        }

        public async Task<Ticket?> GetAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
        {
            var ticket = await _inner.GetAsync(tenant, id, cancellationToken);
            return ticket ?? (fault == StoreFault.LeakAcrossTenants ? _anyTenant.GetValueOrDefault(id) : null);
        }

        public Task<Ticket?> GetByNumberAsync(TenantId tenant, TicketNumber number, CancellationToken cancellationToken = default)
            => _inner.GetByNumberAsync(tenant, number, cancellationToken);

        public async Task<AppendResult> AppendAsync(TicketAppend append, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(append);
            if (fault == StoreFault.IgnoreCancellation)
            {
                cancellationToken = CancellationToken.None;
            }

            if (fault == StoreFault.IgnoreIdempotencyKey)
            {
                append = new TicketAppend(append.Ticket, append.Events, append.ExpectedVersion);
            }

            if (fault == StoreFault.LeakAcrossTenants)
            {
                var existing = await _inner.GetAsync(append.Tenant, append.Ticket.Id, cancellationToken);
                if (existing is null && append.ExpectedVersion > 0 && _anyTenant.ContainsKey(append.Ticket.Id))
                {
                    _anyTenant[append.Ticket.Id] = append.Ticket;
                    return new AppendResult(append.Ticket, false);
                }
            }

            if (fault == StoreFault.NonAtomicAppend && append.Events.Count > 1)
            {
                var partial = append.Ticket with { Version = append.ExpectedVersion + 1 };
                await _inner.AppendAsync(new TicketAppend(partial, [append.Events[0]], append.ExpectedVersion), cancellationToken);
                await Task.Delay(2, cancellationToken);
                append = new TicketAppend(append.Ticket, append.Events.Skip(1).ToList(), partial.Version);
            }

            AppendResult result;
            try
            {
                result = await _inner.AppendAsync(append, cancellationToken);
            }
            catch (ConcurrencyException) when (fault == StoreFault.SwallowConflicts)
            {
                return new AppendResult(append.Ticket, false);
            }

            _anyTenant[append.Ticket.Id] = result.Ticket;
            _liveHistories.GetOrAdd((append.Tenant, append.Ticket.Id), _ => []).AddRange(append.Events);
            return result;
        }

        public async Task<TicketPage> QueryAsync(TicketQuery query, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(query);
            var page = await _inner.QueryAsync(fault == StoreFault.IgnoreCustomerFilter ? query with { Customer = null } : query, cancellationToken);
            return fault == StoreFault.TokenAtFirstItem && page.ContinuationToken is not null
                ? page with { ContinuationToken = TicketCursor.After(page.Items[0]).ToToken() }
                : page;
        }

        public Task<AppendResult?> FindAppliedAsync(TenantId tenant, string idempotencyKey, CancellationToken cancellationToken = default)
            => _inner.FindAppliedAsync(tenant, idempotencyKey, cancellationToken);

        public async Task<IReadOnlyList<TicketEvent>> ReadHistoryAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
        {
            var history = await _inner.ReadHistoryAsync(tenant, id, cancellationToken);
            return fault switch
            {
                StoreFault.ReverseHistory => history.Reverse().ToList(),
                StoreFault.HistoryIsLiveView => _liveHistories.GetValueOrDefault((tenant, id)) ?? [],
                _ => history,
            };
        }
    }

    /// <summary>An adapter written before <see cref="ITimerStore.GetNextTimerDueAsync"/> existed: it does not implement it,
    /// so it gets the interface's default. Only that member is ever called.</summary>
    private sealed class PlainTimerStore : ITimerStore
    {
        public Task<IReadOnlyList<TimerLease>> ClaimDueTimersAsync(Instant now, int maxCount, Duration leaseDuration, CancellationToken cancellationToken = default)
            => throw new NotSupportedException();

        public Task<bool> CompleteTimerAsync(TimerLease lease, TicketSchedule schedule, CancellationToken cancellationToken = default)
            => throw new NotSupportedException();

        public Task<bool> ReleaseTimerAsync(TimerLease lease, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<TicketSchedule?> GetScheduleAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
            => throw new NotSupportedException();

        public Task<SchedulePage> QueryScheduleAsync(ScheduleQuery query, CancellationToken cancellationToken = default)
            => throw new NotSupportedException();
    }
}
