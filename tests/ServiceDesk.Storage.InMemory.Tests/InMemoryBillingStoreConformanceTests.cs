using ServiceDesk.Billing;
using ServiceDesk.Testing;

namespace ServiceDesk.Storage.InMemory.Tests;

/// <summary>Runs the whole <see cref="BillingStoreConformanceTests"/> suite against the in-memory reference adapter (with an
/// <see cref="InMemoryTicketStore"/> for the report tests' tickets).</summary>
public sealed class InMemoryBillingStoreConformanceTests : BillingStoreConformanceTests
{
    protected override Task<IBillingStore> CreateStoreAsync() => Task.FromResult<IBillingStore>(new InMemoryBillingStore());

    protected override Task<ITicketStore> CreateTicketStoreAsync() => Task.FromResult<ITicketStore>(new InMemoryTicketStore());
}
