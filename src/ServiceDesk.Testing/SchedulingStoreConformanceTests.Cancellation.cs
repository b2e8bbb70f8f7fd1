using NodaTime;
using ServiceDesk.Storage;
using Xunit;

namespace ServiceDesk.Testing;

/// <content>Cancellation.</content>
public abstract partial class SchedulingStoreConformanceTests
{
    /// <summary>Every new member throws <see cref="OperationCanceledException"/> for an already-cancelled token, and changes
    /// nothing: no claim, completion, release, acknowledgement or schedule is stored.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task AllMembers_CancelledToken_ThrowAndChangeNothing()
    {
        var factory = Factory(NewTenant());
        var now = Clock.Now;
        var schedule = TimerAt(now, "due now", now + Duration.FromHours(1));
        var v1 = await OpenAsync(factory, schedule);
        var cancelled = new CancellationToken(canceled: true);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Timers.ClaimDueTimersAsync(now, 10, Duration.FromMinutes(1), cancelled));
        var lease = Assert.Single(await ClaimAsync(now));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Timers.CompleteTimerAsync(lease, TicketSchedule.None, cancelled));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Timers.ReleaseTimerAsync(lease, cancelled));
        Assert.Empty(await ClaimAsync(now));
        Assert.Equal(schedule, await Timers.GetScheduleAsync(factory.Tenant, v1.Id));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Store.AppendAsync(WithSchedule(factory.AddComment(v1), TicketSchedule.None), cancelled));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Store.AppendAsync(WithSchedule(factory.Open(), TimerAt(now, "cancelled")), cancelled));
        Assert.Equal(schedule, await Timers.GetScheduleAsync(factory.Tenant, v1.Id));
        Assert.True(await Timers.CompleteTimerAsync(lease, TicketSchedule.None));

        var messages = await ReadOutboxAsync(factory.Tenant);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Outbox.AcknowledgeOutboxAsync([.. messages.Select(m => m.Position)], cancelled));
        Assert.Equal(messages, await ReadOutboxAsync(factory.Tenant));
        Assert.Single(messages);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Outbox.ReadOutboxAsync(10, factory.Tenant, cancelled));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Timers.GetScheduleAsync(factory.Tenant, v1.Id, cancelled));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Timers.QueryScheduleAsync(new ScheduleQuery(factory.Tenant), cancelled));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => TimeEntries.ReadTimeEntriesAsync(factory.Tenant, now, now + Duration.FromDays(1), cancelled));
    }
}
