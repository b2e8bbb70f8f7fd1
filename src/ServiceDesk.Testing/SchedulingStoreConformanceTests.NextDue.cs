using NodaTime;
using ServiceDesk.Storage;
using Xunit;

namespace ServiceDesk.Testing;

/// <content>The next claimable instant (<see cref="ITimerStore.GetNextTimerDueAsync"/>).</content>
public abstract partial class SchedulingStoreConformanceTests
{
    /// <summary>A store without timers answers <see langword="null"/>: no tickets, tickets appended without a schedule, and
    /// schedules without a timer (a deadline only, or <see cref="TicketSchedule.None"/>).</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task NextTimerDue_NoTimers_IsNull()
    {
        Assert.Null(await Timers.GetNextTimerDueAsync());

        var factory = Factory(NewTenant());
        var now = Clock.Now;
        await OpenAsync(factory, null);
        Assert.Null(await Timers.GetNextTimerDueAsync());

        await OpenAsync(factory, Deadline(now + Duration.FromHours(1)));
        await OpenAsync(factory, TicketSchedule.None);
        Assert.Null(await Timers.GetNextTimerDueAsync());
    }

    /// <summary>The answer is the earliest due instant among many timers, whatever the order they were stored in; it
    /// follows appends that move, replace or remove the earliest timer, and an append without a schedule changes
    /// nothing.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task NextTimerDue_ManyTimers_IsTheEarliest()
    {
        var factory = Factory(NewTenant());
        var t0 = Clock.Now;
        var minutes = new[] { 50, 20, 90, 35, 20, 70, 15, 40 };
        var tickets = new List<Ticket>();
        foreach (var m in minutes)
        {
            tickets.Add(await OpenAsync(factory, TimerAt(t0 + Duration.FromMinutes(m), $"at {m} min", t0 + Duration.FromHours(3))));
        }

        await OpenAsync(factory, Deadline(t0 + Duration.FromMinutes(1)));   // a deadline is not a timer

        Assert.Equal(t0 + Duration.FromMinutes(15), await Timers.GetNextTimerDueAsync());

        var earliest = tickets[6];
        earliest = await AppendAsync(factory.AddComment(earliest));           // no schedule: the timer stays
        Assert.Equal(t0 + Duration.FromMinutes(15), await Timers.GetNextTimerDueAsync());

        earliest = await AppendAsync(WithSchedule(factory.AddComment(earliest), TimerAt(t0 + Duration.FromMinutes(60), "moved")));
        Assert.Equal(t0 + Duration.FromMinutes(20), await Timers.GetNextTimerDueAsync());

        await AppendAsync(WithSchedule(factory.AddComment(tickets[1]), TicketSchedule.None));
        Assert.Equal(t0 + Duration.FromMinutes(20), await Timers.GetNextTimerDueAsync()); // the other timer at 20 min

        await AppendAsync(WithSchedule(factory.AddComment(tickets[4]), Deadline(t0)));
        Assert.Equal(t0 + Duration.FromMinutes(35), await Timers.GetNextTimerDueAsync());

        await AppendAsync(WithSchedule(factory.AddComment(earliest), TimerAt(t0 - Duration.FromMinutes(5), "overdue")));
        Assert.Equal(t0 - Duration.FromMinutes(5), await Timers.GetNextTimerDueAsync());
    }

    /// <summary>A leased timer is claimable again when its lease expires, so the answer counts it at its expiry, not its due
    /// instant; an unleased timer due earlier than that expiry wins.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task NextTimerDue_LeasedTimers_CountAtTheirLeaseExpiry()
    {
        var factory = Factory(NewTenant());
        var now = Clock.Now;
        var first = await OpenAsync(factory, TimerAt(now - Duration.FromMinutes(2), "overdue"));
        var second = await OpenAsync(factory, TimerAt(now, "due now"));
        var later = await OpenAsync(factory, TimerAt(now + Duration.FromMinutes(30), "later"));

        var leases = await ClaimAsync(now, maxCount: 1, lease: Duration.FromMinutes(10));
        Assert.Equal(first.Id, Assert.Single(leases).Ticket);
        Assert.Equal(now, await Timers.GetNextTimerDueAsync());                         // the second timer, not leased

        leases = await ClaimAsync(now + Duration.FromMinutes(1), lease: Duration.FromMinutes(5));
        Assert.Equal(second.Id, Assert.Single(leases).Ticket);
        Assert.Equal(now + Duration.FromMinutes(6), await Timers.GetNextTimerDueAsync()); // the second lease expires first

        await AppendAsync(factory.AddComment(second));                                   // no schedule: the lease holds
        Assert.Equal(now + Duration.FromMinutes(6), await Timers.GetNextTimerDueAsync());

        // Both leases expired and were taken again: the later expiry of the new leases counts, and the unleased timer at
        // 30 minutes is earlier than both.
        leases = await ClaimAsync(now + Duration.FromMinutes(10), lease: Duration.FromMinutes(25));
        Assert.Equal([first.Id, second.Id], leases.Select(l => l.Ticket));
        Assert.Equal(now + Duration.FromMinutes(30), await Timers.GetNextTimerDueAsync());
        Assert.Equal(later.Id, Assert.Single(await ClaimAsync(now + Duration.FromMinutes(30))).Ticket);
        Assert.Equal(now + Duration.FromMinutes(35), await Timers.GetNextTimerDueAsync());
    }

    /// <summary>Releasing a lease makes the timer count at its due instant again; completing it counts the new schedule's
    /// timer, or none; an append with a schedule ends the lease as well.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task NextTimerDue_AfterReleaseCompleteOrScheduledAppend_FollowsTheTimer()
    {
        var factory = Factory(NewTenant());
        var now = Clock.Now;
        var v1 = await OpenAsync(factory, TimerAt(now, "due now", now + Duration.FromHours(1)));

        var lease = Assert.Single(await ClaimAsync(now, lease: Duration.FromMinutes(5)));
        Assert.Equal(now + Duration.FromMinutes(5), await Timers.GetNextTimerDueAsync());
        Assert.True(await Timers.ReleaseTimerAsync(lease));
        Assert.Equal(now, await Timers.GetNextTimerDueAsync());

        lease = Assert.Single(await ClaimAsync(now, lease: Duration.FromMinutes(5)));
        Assert.True(await Timers.CompleteTimerAsync(lease, TimerAt(now + Duration.FromHours(1), "breach", now + Duration.FromHours(1))));
        Assert.Equal(now + Duration.FromHours(1), await Timers.GetNextTimerDueAsync());

        lease = Assert.Single(await ClaimAsync(now + Duration.FromHours(1), lease: Duration.FromMinutes(5)));
        await AppendAsync(WithSchedule(factory.ChangeStatus(v1, TicketStatus.InProgress), TimerAt(now + Duration.FromHours(2), "next")));
        Assert.Equal(now + Duration.FromHours(2), await Timers.GetNextTimerDueAsync());
        Assert.False(await Timers.CompleteTimerAsync(lease, TicketSchedule.None));       // the append ended that lease
        Assert.Equal(now + Duration.FromHours(2), await Timers.GetNextTimerDueAsync());

        lease = Assert.Single(await ClaimAsync(now + Duration.FromHours(2)));
        Assert.True(await Timers.CompleteTimerAsync(lease, Deadline(now + Duration.FromHours(3))));
        Assert.Null(await Timers.GetNextTimerDueAsync());
    }

    /// <summary>The answer covers every tenant of the store, as claims do; an answer taken from one tenant only fails.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task NextTimerDue_TimersOfSeveralTenants_IsTheEarliestOfAll()
    {
        var now = Clock.Now;
        var a = Factory(NewTenant());
        var b = Factory(NewTenant());
        var c = Factory(NewTenant());
        await OpenAsync(a, TimerAt(now + Duration.FromMinutes(40), "a"));
        var atB = await OpenAsync(b, TimerAt(now + Duration.FromMinutes(25), "b"));
        await OpenAsync(c, TimerAt(now + Duration.FromMinutes(30), "c"));
        await OpenAsync(c, Deadline(now));

        Assert.Equal(now + Duration.FromMinutes(25), await Timers.GetNextTimerDueAsync());

        await AppendAsync(WithSchedule(b.AddComment(atB), TicketSchedule.None));
        Assert.Equal(now + Duration.FromMinutes(30), await Timers.GetNextTimerDueAsync());

        var lease = Assert.Single(await ClaimAsync(now + Duration.FromMinutes(30), lease: Duration.FromMinutes(20)));
        Assert.Equal(c.Tenant, lease.Tenant);
        Assert.Equal(now + Duration.FromMinutes(40), await Timers.GetNextTimerDueAsync());
    }

    /// <summary>A cancelled token throws <see cref="OperationCanceledException"/>.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task NextTimerDue_CancelledToken_Throws()
    {
        await OpenAsync(Factory(NewTenant()), TimerAt(Clock.Now, "due now"));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Timers.GetNextTimerDueAsync(new CancellationToken(canceled: true)));
    }
}
