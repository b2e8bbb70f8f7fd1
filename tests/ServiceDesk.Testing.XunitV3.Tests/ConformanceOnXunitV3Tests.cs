using ServiceDesk.Storage;
using ServiceDesk.Storage.InMemory;

namespace ServiceDesk.Testing.XunitV3.Tests;

/// <summary>The whole <see cref="TicketStoreConformanceTests"/> suite, on xUnit v3, against the in-memory adapter.</summary>
public sealed class InMemoryTicketStoreConformanceTests : TicketStoreConformanceTests
{
    protected override Task<ITicketStore> CreateStoreAsync() => Task.FromResult<ITicketStore>(new InMemoryTicketStore());
}

/// <summary>The whole <see cref="SchedulingStoreConformanceTests"/> suite, on xUnit v3, against the in-memory adapter.</summary>
public sealed class InMemorySchedulingStoreConformanceTests : SchedulingStoreConformanceTests
{
    protected override Task<ITicketStore> CreateStoreAsync() => Task.FromResult<ITicketStore>(new InMemoryTicketStore());
}

/// <summary>The whole <see cref="BillingStoreConformanceTests"/> suite, on xUnit v3, against the in-memory billing store.</summary>
public sealed class InMemoryBillingStoreConformanceTests : BillingStoreConformanceTests
{
    protected override Task<ServiceDesk.Billing.IBillingStore> CreateStoreAsync()
        => Task.FromResult<ServiceDesk.Billing.IBillingStore>(new InMemoryBillingStore());

    protected override Task<ITicketStore> CreateTicketStoreAsync() => Task.FromResult<ITicketStore>(new InMemoryTicketStore());
}

/// <summary>An adapter without the optional capabilities: their tests throw <see cref="ConformanceSkipException"/>, which
/// xUnit v3 reports as skipped with the reason (the attribute's <c>SkipExceptions</c>), not failed.</summary>
public sealed class DefaultMembersTicketStoreConformanceTests : TicketStoreConformanceTests
{
    protected override Task<ITicketStore> CreateStoreAsync() => Task.FromResult<ITicketStore>(new OriginalMembersTicketStore(new InMemoryTicketStore()));
}

/// <summary>A class-level skip, as an adapter whose server is missing declares it: every test is reported as skipped with
/// the reason and the store is never created.</summary>
[ConformanceSkip(typeof(MissingServer), nameof(MissingServer.SkipReason))]
public sealed class SkippedByClassConformanceTests : SchedulingStoreConformanceTests
{
    protected override Task<ITicketStore> CreateStoreAsync()
        => throw new InvalidOperationException("A class-level skip must stop the test before the store is created.");
}

/// <summary>Stands for a database server that is not configured on this machine.</summary>
public static class MissingServer
{
    /// <summary>Gets the reason the tests are skipped.</summary>
    public static string? SkipReason => "no server is configured (a test of ConformanceSkipAttribute on xUnit v3)";
}

/// <summary>The v3 attributes and the skip decision, checked directly.</summary>
public sealed class ConformanceAttributeTests
{
    [Fact]
    public void ConformanceFact_SkipsOnConformanceSkipException()
    {
        Assert.Equal([typeof(ConformanceSkipException)], new ConformanceFactAttribute().SkipExceptions);
        Assert.Equal([typeof(ConformanceSkipException)], new ConformanceTheoryAttribute().SkipExceptions);
    }

    [Fact]
    public void SkipIfAsked_ClassWithReason_ThrowsXunitSkip_ClassWithout_DoesNothing()
    {
        ConformanceSkipAttribute.SkipIfAsked(typeof(InMemoryTicketStoreConformanceTests));
        var ex = Assert.ThrowsAny<Exception>(() => ConformanceSkipAttribute.SkipIfAsked(typeof(SkippedByClassConformanceTests)));
        Assert.Contains(MissingServer.SkipReason!, ex.Message, StringComparison.Ordinal);
    }
}
