using ServiceDesk.Storage;
using Xunit;

namespace ServiceDesk.Testing;

/// <content>Corrupt stored rows: a snapshot or an event that no longer reads (edited by hand, written by a faulty tool,
/// damaged on disk) fails the reads that need it with <see cref="StorageException"/> naming the tenant and the row, and
/// no other ticket or tenant. The adapter corrupts its own rows through <see cref="CorruptTicketAsync"/> and
/// <see cref="CorruptEventAsync"/>; a store that keeps objects rather than serialized rows (the in-memory store) does
/// not override them, and these tests are reported as skipped.</content>
public abstract partial class TicketStoreConformanceTests
{
    /// <summary>Overwrites the stored snapshot of a ticket (every copy the adapter keeps, such as the one of its
    /// idempotency key) with a document that is not a valid ticket, as a faulty tool or a damaged disk would.</summary>
    /// <param name="tenant">The ticket's tenant.</param>
    /// <param name="id">The ticket.</param>
    /// <returns>A task that completes when the row is corrupt.</returns>
    /// <exception cref="ConformanceSkipException">Always, unless overridden: the store keeps no serialized rows.</exception>
    protected virtual Task CorruptTicketAsync(TenantId tenant, TicketId id)
        => throw new ConformanceSkipException($"{GetType().Name} does not override CorruptTicketAsync (a store of serialized rows should).");

    /// <summary>Overwrites one stored event of a ticket (every copy the adapter keeps, such as its outbox message) with a
    /// document that is not a valid event.</summary>
    /// <param name="tenant">The ticket's tenant.</param>
    /// <param name="id">The ticket.</param>
    /// <param name="version">The event's version.</param>
    /// <returns>A task that completes when the row is corrupt.</returns>
    /// <exception cref="ConformanceSkipException">Always, unless overridden: the store keeps no serialized rows.</exception>
    protected virtual Task CorruptEventAsync(TenantId tenant, TicketId id, long version)
        => throw new ConformanceSkipException($"{GetType().Name} does not override CorruptEventAsync (a store of serialized rows should).");

    /// <summary>Asserts that a read failed as a corrupt row should: <see cref="StorageException"/>, not transient, naming
    /// the tenant and the ticket (or another key of the row), with the parser's error inside.</summary>
    /// <param name="read">The read.</param>
    /// <param name="tenant">The tenant the message must name.</param>
    /// <param name="key">The row's key the message must name (a ticket id, a number, an idempotency key).</param>
    /// <returns>The exception.</returns>
    protected static async Task<StorageException> AssertCorruptRowAsync(Func<Task> read, TenantId tenant, string key)
    {
        ArgumentNullException.ThrowIfNull(read);
        var ex = await Assert.ThrowsAsync<StorageException>(read);
        Assert.False(ex.IsTransient, $"A corrupt row is not transient: {ex.Message}");
        Assert.Contains(tenant.Value, ex.Message, StringComparison.Ordinal);
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.InnerException);
        return ex;
    }

    /// <summary>A corrupt snapshot fails every read of that ticket (by id, by number, with derived state, among several,
    /// in a query of its tenant, as the replay of its idempotency key) with <see cref="StorageException"/> naming the
    /// tenant and the row; the tenant's other tickets read by id and every other tenant reads as usual.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task CorruptTicket_Reads_ThrowStorageExceptionNamingRowAndSpareOtherTicketsAndTenants()
    {
        var factory = Factory(NewTenant());
        var other = Factory(NewTenant());
        var corrupt = await AppendAsync(factory.Open(idempotencyKey: "open-corrupt"));
        var sound = await AppendAsync(factory.Open());
        var elsewhere = await AppendAsync(other.Open());
        var tenant = factory.Tenant;

        await CorruptTicketAsync(tenant, corrupt.Id);

        var id = corrupt.Id.ToString();
        await AssertCorruptRowAsync(() => Store.GetAsync(tenant, corrupt.Id), tenant, id);
        await AssertCorruptRowAsync(() => Store.GetByNumberAsync(tenant, corrupt.Number), tenant, corrupt.Number.ToString());
        await AssertCorruptRowAsync(() => Store.GetStoredAsync(tenant, corrupt.Id), tenant, id);
        await AssertCorruptRowAsync(() => Store.GetManyAsync(tenant, [sound.Id, corrupt.Id]), tenant, id);
        await AssertCorruptRowAsync(() => Store.QueryAsync(new TicketQuery(tenant)), tenant, id);
        await AssertCorruptRowAsync(() => Store.FindAppliedAsync(tenant, "open-corrupt"), tenant, "open-corrupt");

        AssertSameTicket(sound, await Store.GetAsync(tenant, sound.Id));
        Assert.Single(await Store.GetManyAsync(tenant, [sound.Id]));
        AssertSameTicket(elsewhere, await Store.GetAsync(other.Tenant, elsewhere.Id));
        Assert.Single(await QueryAllAsync(new TicketQuery(other.Tenant)));
    }

    /// <summary>A corrupt event fails the history of its ticket with <see cref="StorageException"/> naming the tenant, the
    /// ticket and the version; the ticket's snapshot, other tickets' histories and other tenants read as usual.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task CorruptEvent_ReadHistory_ThrowsStorageExceptionNamingRowAndSparesOtherTickets()
    {
        var factory = Factory(NewTenant());
        var v1 = await AppendAsync(factory.Open());
        var v3 = await AppendAsync(factory.AddComments(v1, 2));
        var sound = await AppendAsync(factory.Open());
        var other = Factory(NewTenant());
        var elsewhere = await AppendAsync(other.Open());

        await CorruptEventAsync(factory.Tenant, v1.Id, 2);

        var ex = await AssertCorruptRowAsync(() => Store.ReadHistoryAsync(factory.Tenant, v1.Id), factory.Tenant, v1.Id.ToString());
        Assert.Contains("version 2", ex.Message, StringComparison.Ordinal);
        AssertSameTicket(v3, await Store.GetAsync(factory.Tenant, v1.Id));
        Assert.Single(await Store.ReadHistoryAsync(factory.Tenant, sound.Id));
        Assert.Single(await Store.ReadHistoryAsync(other.Tenant, elsewhere.Id));
    }
}
