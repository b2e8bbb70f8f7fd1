using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Storage;
using Xunit;

namespace ServiceDesk.Testing;

/// <content>Batches (<see cref="ITicketBatchStore"/>): schedules, outbox messages and time entries are written with the
/// batch or not at all. Reported as skipped when the store does not implement the interface.</content>
public abstract partial class SchedulingStoreConformanceTests
{
    /// <summary>Gets the store under test as an <see cref="ITicketBatchStore"/>, or skips the calling test (see
    /// <see cref="ConformanceSkipException"/>) when the store does not implement that optional interface.</summary>
    /// <exception cref="ConformanceSkipException">The store is not an <see cref="ITicketBatchStore"/>.</exception>
    protected ITicketBatchStore BatchStore
        => Store as ITicketBatchStore
            ?? throw new ConformanceSkipException($"{Store.GetType().Name} does not implement ITicketBatchStore (an optional capability).");

    /// <summary>A batch writes each append's schedule (replacing the stored one and its timer), one outbox message per event
    /// in batch order, and the time entries of its <see cref="TimeLogged"/> events.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task AppendBatch_SchedulesOutboxAndTimeEntries_AreStoredWithTheBatch()
    {
        var store = BatchStore;
        var factory = Factory(NewTenant());
        var t0 = Clock.Now;
        var existing = await OpenAsync(factory, TimerAt((t0 + Duration.FromMinutes(30)), "old timer"));
        var before = await ReadOutboxAsync(factory.Tenant);
        var firstResponse = TimerAt((t0 + Duration.FromHours(2)), "first response", (t0 + Duration.FromHours(8)));
        var openA = WithSchedule(factory.Open(), firstResponse);
        var openB = WithSchedule(factory.Open(TicketKind.Change), Deadline(null));
        var logA = factory.LogTime(openA.Ticket, (t0 + Duration.FromMinutes(-40)), Duration.FromMinutes(25));
        var commentsB = factory.AddComments(openB.Ticket, 2);
        var endExisting = WithSchedule(factory.ChangeStatus(existing, TicketStatus.InProgress), TicketSchedule.None);
        TicketAppend[] appends = [openA, openB, logA, endExisting, commentsB];

        await store.AppendBatchAsync(new TicketBatch(appends));

        var outbox = await ReadOutboxAsync(factory.Tenant);
        Assert.Equal([.. before.Select(m => m.Event), .. appends.SelectMany(a => a.Events)], outbox.Select(m => m.Event));
        Assert.Equal(firstResponse, await Timers.GetScheduleAsync(factory.Tenant, openA.Ticket.Id));
        Assert.Equal(Deadline(null), await Timers.GetScheduleAsync(factory.Tenant, openB.Ticket.Id));
        Assert.Equal(TicketSchedule.None, await Timers.GetScheduleAsync(factory.Tenant, existing.Id));
        var lease = Assert.Single(await ClaimAsync((t0 + Duration.FromHours(3))));
        Assert.Equal((openA.Ticket.Id, "first response"), (lease.Ticket, lease.Purpose));
        Assert.Equal(logA.Events, await TimeEntries.ReadTimeEntriesAsync(factory.Tenant, (t0 + Duration.FromHours(-1)), t0));
        Assert.Equal(
            [openA.Ticket.Id, openB.Ticket.Id],
            (await QueryAllAsync(new ScheduleQuery(factory.Tenant))).Select(s => s.Ticket.Id));
    }

    /// <summary>A rejected batch writes no schedule, no outbox message and no time entry, and leaves the stored schedules
    /// and timers as they were.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task AppendBatch_Rejected_WritesNoScheduleOutboxOrTimeEntry()
    {
        var store = BatchStore;
        var factory = Factory(NewTenant());
        var t0 = Clock.Now;
        var kept = TimerAt((t0 + Duration.FromMinutes(30)), "kept");
        var existing = await OpenAsync(factory, kept);
        var before = await ReadOutboxAsync(factory.Tenant);
        var openA = WithSchedule(factory.Open(), TimerAt((t0 + Duration.FromMinutes(10)), "never stored"));
        var logA = factory.LogTime(openA.Ticket, (t0 + Duration.FromMinutes(-40)), Duration.FromMinutes(25));
        var endExisting = WithSchedule(factory.ChangeStatus(existing, TicketStatus.InProgress), TicketSchedule.None);
        var stale = factory.AddComment(existing);

        await Assert.ThrowsAsync<ConcurrencyException>(() => store.AppendBatchAsync(new TicketBatch([openA, logA, endExisting, stale])));

        Assert.Equal(before, await ReadOutboxAsync(factory.Tenant));
        Assert.Null(await Timers.GetScheduleAsync(factory.Tenant, openA.Ticket.Id));
        Assert.Equal(kept, await Timers.GetScheduleAsync(factory.Tenant, existing.Id));
        Assert.Empty(await TimeEntries.ReadTimeEntriesAsync(factory.Tenant, (t0 + Duration.FromHours(-1)), t0));
        var lease = Assert.Single(await ClaimAsync((t0 + Duration.FromHours(1))));
        Assert.Equal((existing.Id, "kept"), (lease.Ticket, lease.Purpose));
    }
}
