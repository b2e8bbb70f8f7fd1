using ServiceDesk.Testing;

namespace ServiceDesk.Storage.InMemory.Tests;

/// <summary>Runs the whole <see cref="SchedulingStoreConformanceTests"/> suite against the in-memory reference adapter.</summary>
public sealed class InMemorySchedulingStoreConformanceTests : SchedulingStoreConformanceTests
{
    protected override Task<ITicketStore> CreateStoreAsync() => Task.FromResult<ITicketStore>(new InMemoryTicketStore());
}
