using ServiceDesk.Testing;

namespace ServiceDesk.Storage.InMemory.Tests;

/// <summary>Runs the whole <see cref="TicketStoreConformanceTests"/> suite against the in-memory reference adapter.</summary>
public sealed class InMemoryTicketStoreConformanceTests : TicketStoreConformanceTests
{
    protected override Task<ITicketStore> CreateStoreAsync() => Task.FromResult<ITicketStore>(new InMemoryTicketStore());
}
