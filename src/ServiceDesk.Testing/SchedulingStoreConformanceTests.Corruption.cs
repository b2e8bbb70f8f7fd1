using NodaTime;
using ServiceDesk.Storage;
using Xunit;

namespace ServiceDesk.Testing;

/// <content>Corrupt stored rows in the outbox, queues and time entries. A corrupt event never fails the outbox read: it is
/// skipped with the later messages of its ticket (so a ticket's events are never delivered out of order), every other
/// ticket and tenant is read as usual, and acknowledging its position (the operator's "skip") lets the ticket's later
/// messages follow. Reads that return the corrupt row itself (a queue page, time entries) fail with
/// <see cref="StorageException"/> naming the tenant and the row, for that tenant only. The adapter corrupts its rows
/// through <see cref="CorruptTicketAsync"/> and <see cref="CorruptEventAsync"/>; a store that keeps objects rather than
/// serialized rows does not override them, and these tests are reported as skipped.</content>
public abstract partial class SchedulingStoreConformanceTests
{
    /// <summary>Overwrites the stored snapshot of a ticket (every copy the adapter keeps) with a document that is not a
    /// valid ticket, as a faulty tool or a damaged disk would.</summary>
    /// <param name="tenant">The ticket's tenant.</param>
    /// <param name="id">The ticket.</param>
    /// <returns>A task that completes when the row is corrupt.</returns>
    /// <exception cref="ConformanceSkipException">Always, unless overridden: the store keeps no serialized rows.</exception>
    protected virtual Task CorruptTicketAsync(TenantId tenant, TicketId id)
        => throw new ConformanceSkipException($"{GetType().Name} does not override CorruptTicketAsync (a store of serialized rows should).");

    /// <summary>Overwrites one stored event of a ticket (every copy the adapter keeps, its outbox message included) with a
    /// document that is not a valid event.</summary>
    /// <param name="tenant">The ticket's tenant.</param>
    /// <param name="id">The ticket.</param>
    /// <param name="version">The event's version.</param>
    /// <returns>A task that completes when the row is corrupt.</returns>
    /// <exception cref="ConformanceSkipException">Always, unless overridden: the store keeps no serialized rows.</exception>
    protected virtual Task CorruptEventAsync(TenantId tenant, TicketId id, long version)
        => throw new ConformanceSkipException($"{GetType().Name} does not override CorruptEventAsync (a store of serialized rows should).");

    /// <summary>A corrupt event is left out of every outbox read, filtered or not, with the later events of its ticket; the
    /// earlier events of that ticket, its tenant's other tickets and every other tenant are read as usual and nothing
    /// throws. Acknowledging the corrupt message's position releases the ticket's later events.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Outbox_CorruptEvent_IsHeldWithLaterEventsOfItsTicketAndBlocksNoOtherTicketOrTenant()
    {
        var factory = Factory(NewTenant());
        var other = Factory(NewTenant());
        var v1 = await AppendAsync(factory.Open());
        await AppendAsync(factory.AddComments(v1, 2));
        var sound = await AppendAsync(factory.Open());
        var elsewhere = await AppendAsync(other.Open());
        await AppendAsync(other.AddComment(elsewhere));
        var before = await ReadOutboxAsync(factory.Tenant);
        var corruptPosition = before.Single(m => m.Event.Ticket == v1.Id && m.Event.Version == 2).Position;

        await CorruptEventAsync(factory.Tenant, v1.Id, 2);

        var mine = await ReadOutboxAsync(factory.Tenant);
        Assert.Equal(
            [(v1.Id, 1L), (sound.Id, 1L)],
            mine.Select(m => (m.Event.Ticket, m.Event.Version)));
        Assert.Equal(2, (await ReadOutboxAsync(other.Tenant)).Count);
        var everyone = await Outbox.ReadOutboxAsync(IOutboxStore.MaxRead);
        AssertIncreasingPositions(everyone);
        Assert.Equal(
            [(v1.Id, 1L), (sound.Id, 1L), (elsewhere.Id, 1L), (elsewhere.Id, 2L)],
            everyone.Where(m => m.Event.Tenant == factory.Tenant || m.Event.Tenant == other.Tenant).Select(m => (m.Event.Ticket, m.Event.Version)));

        // The first read of one message skips the corrupt row and still returns one.
        var one = await Outbox.ReadOutboxAsync(1, factory.Tenant);
        Assert.Equal((v1.Id, 1L), (one.Single().Event.Ticket, one.Single().Event.Version));
        Assert.Equal(1, await Outbox.AcknowledgeOutboxAsync([one.Single().Position]));
        var next = await Outbox.ReadOutboxAsync(1, factory.Tenant);
        Assert.Equal(sound.Id, next.Single().Event.Ticket);

        // The operator skips the corrupt message: the ticket's later event follows.
        Assert.Equal(1, await Outbox.AcknowledgeOutboxAsync([corruptPosition]));
        Assert.Equal(
            [(v1.Id, 3L), (sound.Id, 1L)],
            (await ReadOutboxAsync(factory.Tenant)).Select(m => (m.Event.Ticket, m.Event.Version)));
    }

    /// <summary>A corrupt snapshot fails its tenant's queue page with <see cref="StorageException"/> naming the tenant and
    /// the ticket; other tenants' queues read as usual.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task QuerySchedule_CorruptTicket_ThrowsStorageExceptionNamingRowForItsTenantOnly()
    {
        var factory = Factory(NewTenant());
        var other = Factory(NewTenant());
        var corrupt = await OpenAsync(factory, Deadline(Clock.Now + Duration.FromHours(1)));
        await OpenAsync(other, Deadline(Clock.Now + Duration.FromHours(1)));

        await CorruptTicketAsync(factory.Tenant, corrupt.Id);

        var ex = await Assert.ThrowsAsync<StorageException>(() => Timers.QueryScheduleAsync(new ScheduleQuery(factory.Tenant)));
        Assert.False(ex.IsTransient);
        Assert.Contains(factory.Tenant.Value, ex.Message, StringComparison.Ordinal);
        Assert.Contains(corrupt.Id.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Single((await Timers.QueryScheduleAsync(new ScheduleQuery(other.Tenant))).Items);
    }

    /// <summary>A corrupt time entry fails its tenant's time-entry read with <see cref="StorageException"/> naming the
    /// tenant, the ticket and the version; other tenants read as usual.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task ReadTimeEntries_CorruptEntry_ThrowsStorageExceptionNamingRowForItsTenantOnly()
    {
        var factory = Factory(NewTenant());
        var other = Factory(NewTenant());
        var started = Clock.Now;
        var v1 = await AppendAsync(factory.Open());
        await AppendAsync(factory.LogTime(v1, started, Duration.FromMinutes(30)));
        var o1 = await AppendAsync(other.Open());
        await AppendAsync(other.LogTime(o1, started, Duration.FromMinutes(30)));
        var to = started + Duration.FromDays(1);

        await CorruptEventAsync(factory.Tenant, v1.Id, 2);

        var ex = await Assert.ThrowsAsync<StorageException>(() => TimeEntries.ReadTimeEntriesAsync(factory.Tenant, started, to));
        Assert.False(ex.IsTransient);
        Assert.Contains(factory.Tenant.Value, ex.Message, StringComparison.Ordinal);
        Assert.Contains(v1.Id.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Single(await TimeEntries.ReadTimeEntriesAsync(other.Tenant, started, to));
    }
}
