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
    protected override Task<ITicketStore> CreateStoreAsync() => Task.FromResult<ITicketStore>(new OriginalMembersTicketStore(new InMemoryTicketStore()));
}
