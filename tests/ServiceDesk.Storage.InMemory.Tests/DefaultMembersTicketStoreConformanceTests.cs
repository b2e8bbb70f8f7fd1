using ServiceDesk.Events;
using ServiceDesk.Testing;

namespace ServiceDesk.Storage.InMemory.Tests;

/// <summary>
/// Runs the whole store suite against an adapter written before <see cref="ITicketStore.GetStoredAsync"/>,
/// <see cref="ITicketStore.GetManyAsync"/> and <see cref="ITicketBatchStore"/>: the interface's default members must
/// conform (GetMany by one GetAsync per id), and the tests of the optional capabilities (derived state, batches) are
/// reported as skipped with their reason, not failed.
/// </summary>
public sealed class DefaultMembersTicketStoreConformanceTests : TicketStoreConformanceTests
{
    protected override Task<ITicketStore> CreateStoreAsync() => Task.FromResult<ITicketStore>(new LegacyStore());

    /// <summary>Implements only the members <see cref="ITicketStore"/> had before derived state and batches.</summary>
    private sealed class LegacyStore : ITicketStore
    {
        private readonly InMemoryTicketStore _inner = new();

        public Task<TicketNumber> AllocateNumberAsync(TenantId tenant, TicketKind kind, CancellationToken cancellationToken = default)
            => _inner.AllocateNumberAsync(tenant, kind, cancellationToken);

        public Task<Ticket?> GetAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
            => _inner.GetAsync(tenant, id, cancellationToken);

        public Task<Ticket?> GetByNumberAsync(TenantId tenant, TicketNumber number, CancellationToken cancellationToken = default)
            => _inner.GetByNumberAsync(tenant, number, cancellationToken);

        public Task<AppendResult> AppendAsync(TicketAppend append, CancellationToken cancellationToken = default)
            => _inner.AppendAsync(append, cancellationToken);

        public Task<AppendResult?> FindAppliedAsync(TenantId tenant, string idempotencyKey, CancellationToken cancellationToken = default)
            => _inner.FindAppliedAsync(tenant, idempotencyKey, cancellationToken);

        public Task<TicketPage> QueryAsync(TicketQuery query, CancellationToken cancellationToken = default)
            => _inner.QueryAsync(query, cancellationToken);

        public Task<IReadOnlyList<TicketEvent>> ReadHistoryAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
            => _inner.ReadHistoryAsync(tenant, id, cancellationToken);
    }
}
