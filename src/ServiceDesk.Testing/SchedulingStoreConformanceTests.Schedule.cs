using NodaTime;
using ServiceDesk.Storage;
using Xunit;

namespace ServiceDesk.Testing;

/// <content>Storing schedules with appends.</content>
public abstract partial class SchedulingStoreConformanceTests
{
    /// <summary>A schedule stored with an append reads back equal, whether it has a timer and deadline or nothing at all.</summary>
    /// <param name="hasTimer">Whether the schedule has a timer.</param>
    /// <param name="hasDeadline">Whether it has a deadline.</param>
    /// <param name="queued">Whether the ticket is queued.</param>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceTheory]
    [InlineData(true, true, true)]
    [InlineData(true, false, true)]
    [InlineData(false, true, true)]
    [InlineData(false, false, false)]
    [InlineData(true, true, false)]
    public async Task Schedule_AppendWithSchedule_RoundTrips(bool hasTimer, bool hasDeadline, bool queued)
    {
        var factory = Factory(NewTenant());
        var now = Clock.Now;
        var schedule = new TicketSchedule(
            hasTimer ? now + Duration.FromMinutes(30) : null,
            hasTimer ? "escalation L2 resolution#1 ✓" : null,
            hasDeadline ? now + Duration.FromHours(4) : null,
            queued);

        var ticket = await OpenAsync(factory, schedule);

        Assert.Equal(schedule, await Timers.GetScheduleAsync(factory.Tenant, ticket.Id));
    }

    /// <summary>A later append with a schedule replaces the stored one; <see cref="TicketSchedule.None"/> is stored, not
    /// dropped.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Schedule_LaterAppendWithSchedule_ReplacesIt()
    {
        var factory = Factory(NewTenant());
        var now = Clock.Now;
        var v1 = await OpenAsync(factory, TimerAt(now + Duration.FromMinutes(5), "first", now + Duration.FromHours(1)));
        var second = TimerAt(now + Duration.FromMinutes(10), "second", now + Duration.FromHours(2));

        var v2 = await AppendAsync(WithSchedule(factory.ChangeStatus(v1, TicketStatus.InProgress), second));
        Assert.Equal(second, await Timers.GetScheduleAsync(factory.Tenant, v1.Id));

        await AppendAsync(WithSchedule(factory.ChangeStatus(v2, TicketStatus.Closed), TicketSchedule.None));
        Assert.Equal(TicketSchedule.None, await Timers.GetScheduleAsync(factory.Tenant, v1.Id));
    }

    /// <summary>An append without a schedule leaves the stored schedule as it is.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Schedule_AppendWithoutSchedule_KeepsStoredOne()
    {
        var factory = Factory(NewTenant());
        var now = Clock.Now;
        var schedule = TimerAt(now + Duration.FromMinutes(5), "kept", now + Duration.FromHours(1));
        var v1 = await OpenAsync(factory, schedule);

        var v2 = await AppendAsync(factory.AddComment(v1));
        await AppendAsync(factory.AddComments(v2, 3));

        Assert.Equal(schedule, await Timers.GetScheduleAsync(factory.Tenant, v1.Id));
    }

    /// <summary>A ticket that never had a schedule has none, also after later appends; an unknown ticket has none.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Schedule_TicketNeverScheduled_IsNull()
    {
        var factory = Factory(NewTenant());
        var v1 = await OpenAsync(factory, null);

        Assert.Null(await Timers.GetScheduleAsync(factory.Tenant, v1.Id));
        await AppendAsync(factory.AddComment(v1));
        Assert.Null(await Timers.GetScheduleAsync(factory.Tenant, v1.Id));
        Assert.Null(await Timers.GetScheduleAsync(factory.Tenant, TicketId.New()));
        Assert.Empty(await QueryAllAsync(new ScheduleQuery(factory.Tenant)));
    }

    /// <summary>A replayed idempotent append stores nothing, so its schedule does not replace the stored one.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Schedule_ReplayedIdempotentAppend_DoesNotChangeIt()
    {
        var factory = Factory(NewTenant());
        var now = Clock.Now;
        var v1 = await OpenAsync(factory, TimerAt(now + Duration.FromMinutes(5), "opened"));
        var first = TimerAt(now + Duration.FromMinutes(10), "first");
        var change = factory.ChangeStatus(v1, TicketStatus.InProgress, idempotencyKey: "start-work");
        await AppendAsync(WithSchedule(change, first));

        var replay = await Store.AppendAsync(WithSchedule(change, TimerAt(now + Duration.FromMinutes(20), "replayed")));
        var replayWithNone = await Store.AppendAsync(WithSchedule(change, TicketSchedule.None));

        Assert.True(replay.IsReplay);
        Assert.True(replayWithNone.IsReplay);
        Assert.Equal(first, await Timers.GetScheduleAsync(factory.Tenant, v1.Id));
    }

    /// <summary>An append rejected as a concurrency conflict stores no schedule, for a new ticket as for an existing one.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Schedule_ConflictingAppend_StoresNoSchedule()
    {
        var factory = Factory(NewTenant());
        var now = Clock.Now;
        var stored = TimerAt(now + Duration.FromMinutes(5), "stored");
        var v1 = await OpenAsync(factory, stored);
        await AppendAsync(factory.AddComment(v1));

        await Assert.ThrowsAsync<ConcurrencyException>(
            () => Store.AppendAsync(WithSchedule(factory.ChangeStatus(v1, TicketStatus.InProgress), TimerAt(now, "stale"))));
        await Assert.ThrowsAsync<ConcurrencyException>(
            () => Store.AppendAsync(WithSchedule(factory.Open(configure: t => t with { Id = v1.Id }), TicketSchedule.None)));

        Assert.Equal(stored, await Timers.GetScheduleAsync(factory.Tenant, v1.Id));
    }

    /// <summary>An append rejected as invalid (changing the ticket's number) stores no schedule.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Schedule_RejectedAppend_StoresNoSchedule()
    {
        var factory = Factory(NewTenant());
        var now = Clock.Now;
        var stored = TimerAt(now + Duration.FromMinutes(5), "stored");
        var v1 = await OpenAsync(factory, stored);
        var renumbered = factory.ChangeStatus(v1, TicketStatus.InProgress);
        renumbered = new TicketAppend(
            renumbered.Ticket with { Number = new TicketNumber(TicketKind.Incident, 999) }, renumbered.Events, renumbered.ExpectedVersion)
        {
            Schedule = TimerAt(now, "rejected"),
        };

        await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendAsync(renumbered));

        Assert.Equal(stored, await Timers.GetScheduleAsync(factory.Tenant, v1.Id));
    }

    /// <summary>Another tenant never sees a ticket's schedule, and its own ticket with the same id has its own schedule.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Schedule_OtherTenant_SeesNoSchedule()
    {
        var factory = Factory(NewTenant());
        var other = Factory(NewTenant());
        var now = Clock.Now;
        var mine = TimerAt(now + Duration.FromMinutes(5), "mine");
        var v1 = await OpenAsync(factory, mine);

        Assert.Null(await Timers.GetScheduleAsync(other.Tenant, v1.Id));

        var theirs = Deadline(now + Duration.FromHours(1));
        await OpenAsync(other, theirs, t => t with { Id = v1.Id });
        Assert.Equal(theirs, await Timers.GetScheduleAsync(other.Tenant, v1.Id));
        Assert.Equal(mine, await Timers.GetScheduleAsync(factory.Tenant, v1.Id));
    }

    /// <summary>Reading a schedule with a default tenant or ticket id throws <see cref="ArgumentException"/>.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Schedule_DefaultIds_ThrowArgumentException()
    {
        var tenant = NewTenant();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Timers.GetScheduleAsync(default, TicketId.New()));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Timers.GetScheduleAsync(tenant, default));
    }
}
