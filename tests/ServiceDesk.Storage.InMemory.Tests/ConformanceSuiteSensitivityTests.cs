using System.Collections.Concurrent;
using System.Reflection;
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

    private static async Task RunSuiteTestAsync(StoreFault fault, string test)
    {
        var method = typeof(TicketStoreConformanceTests).GetMethod(test, BindingFlags.Public | BindingFlags.Instance)
            ?? throw new InvalidOperationException($"No suite test {test}.");
        IAsyncLifetime suite = new Suite(fault);
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
}
