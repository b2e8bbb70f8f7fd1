using System.Collections.Concurrent;
using NodaTime;
using ServiceDesk.Storage;
using Xunit;

namespace ServiceDesk.Testing;

/// <content>Claiming, completing and releasing timers.</content>
public abstract partial class SchedulingStoreConformanceTests
{
    /// <summary>Only timers due at or before the claim's instant are claimed, earliest first, at most the requested count;
    /// a later claim takes the rest and then nothing.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Claim_DueTimers_EarliestFirstAtMostMaxCount()
    {
        var factory = Factory(NewTenant());
        var t0 = Clock.Now;
        var at3 = await OpenAsync(factory, TimerAt(t0 + Duration.FromMinutes(3), "third", t0 + Duration.FromHours(1)));
        var at1 = await OpenAsync(factory, TimerAt(t0 + Duration.FromMinutes(1), "first"));
        var notDue = await OpenAsync(factory, TimerAt(t0 + Duration.FromMinutes(10), "later"));
        var at4 = await OpenAsync(factory, TimerAt(t0 + Duration.FromMinutes(4), "fourth, due exactly at the claim"));
        var at2 = await OpenAsync(factory, TimerAt(t0 + Duration.FromMinutes(2), "second"));
        var now = t0 + Duration.FromMinutes(4);

        var first = await ClaimAsync(now, maxCount: 2);
        var rest = await ClaimAsync(now, maxCount: 10);
        var none = await ClaimAsync(now);

        Assert.Equal([at1.Id, at2.Id], first.Select(l => l.Ticket));
        Assert.Equal([at3.Id, at4.Id], rest.Select(l => l.Ticket));
        Assert.Empty(none);
        var lease = first[0];
        Assert.Equal(factory.Tenant, lease.Tenant);
        Assert.Equal(t0 + Duration.FromMinutes(1), lease.DueAt);
        Assert.Equal("first", lease.Purpose);
        Assert.Equal("fourth, due exactly at the claim", rest[1].Purpose);
        Assert.NotEqual(Guid.Empty, lease.Token);
        Assert.Equal(4, first.Concat(rest).Select(l => l.Token).Distinct().Count());
        Assert.DoesNotContain(notDue.Id, first.Concat(rest).Select(l => l.Ticket));
    }

    /// <summary>A claimed timer is not claimed again while its lease runs, even by an append that leaves the schedule alone,
    /// and a claim does not change the stored schedule.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Claim_LeasedTimer_IsNotClaimedAgainUntilExpiry()
    {
        var factory = Factory(NewTenant());
        var now = Clock.Now;
        var schedule = TimerAt(now, "due now", now + Duration.FromHours(1));
        var v1 = await OpenAsync(factory, schedule);

        var lease = Assert.Single(await ClaimAsync(now, lease: Duration.FromMinutes(1)));
        await AppendAsync(factory.AddComment(v1));

        Assert.Empty(await ClaimAsync(now));
        Assert.Empty(await ClaimAsync(now + Duration.FromSeconds(59)));
        Assert.Equal(schedule, await Timers.GetScheduleAsync(factory.Tenant, v1.Id));
        Assert.Equal(v1.Id, lease.Ticket);
    }

    /// <summary>A lease that expired makes the timer claimable again (from the instant it expires), under a new token.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Claim_AfterLeaseExpiry_TimerIsClaimableAgain()
    {
        var factory = Factory(NewTenant());
        var now = Clock.Now;
        var v1 = await OpenAsync(factory, TimerAt(now, "due now"));

        var first = Assert.Single(await ClaimAsync(now, lease: Duration.FromMinutes(1)));
        var second = Assert.Single(await ClaimAsync(first.ExpiresAt, lease: Duration.FromMinutes(1)));

        Assert.Equal(v1.Id, second.Ticket);
        Assert.Equal(first.DueAt, second.DueAt);
        Assert.NotEqual(first.Token, second.Token);
        Assert.Equal(first.ExpiresAt + Duration.FromMinutes(1), second.ExpiresAt);
        Assert.Empty(await ClaimAsync(first.ExpiresAt));
    }

    /// <summary>An append with a schedule ends the lease: the new timer is claimable at once when it is due.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Claim_AppendWithSchedule_EndsLease()
    {
        var factory = Factory(NewTenant());
        var now = Clock.Now;
        var v1 = await OpenAsync(factory, TimerAt(now - Duration.FromMinutes(1), "old"));
        var first = Assert.Single(await ClaimAsync(now));

        await AppendAsync(WithSchedule(factory.ChangeStatus(v1, TicketStatus.InProgress), TimerAt(now, "new")));

        var second = Assert.Single(await ClaimAsync(now));
        Assert.Equal(v1.Id, second.Ticket);
        Assert.Equal(now, second.DueAt);
        Assert.Equal("new", second.Purpose);
        Assert.NotEqual(first.Token, second.Token);
    }

    /// <summary>Completing with the claim's token replaces the schedule; the token is spent afterwards.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Complete_WithCurrentToken_ReplacesScheduleAndReturnsTrue()
    {
        var factory = Factory(NewTenant());
        var now = Clock.Now;
        var v1 = await OpenAsync(factory, TimerAt(now, "due now", now + Duration.FromHours(1)));
        var lease = Assert.Single(await ClaimAsync(now));
        var next = TimerAt(now + Duration.FromHours(1), "next threshold", now + Duration.FromHours(1));

        Assert.True(await Timers.CompleteTimerAsync(lease, next));

        Assert.Equal(next, await Timers.GetScheduleAsync(factory.Tenant, v1.Id));
        Assert.Empty(await ClaimAsync(now + Duration.FromMinutes(59)));
        Assert.False(await Timers.CompleteTimerAsync(lease, TicketSchedule.None));
        Assert.False(await Timers.ReleaseTimerAsync(lease));
        Assert.Equal(next, await Timers.GetScheduleAsync(factory.Tenant, v1.Id));
        var again = Assert.Single(await ClaimAsync(now + Duration.FromHours(1)));
        Assert.Equal("next threshold", again.Purpose);
    }

    /// <summary>Completing ends the lease: a new timer that is already due is claimable at once.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Complete_WithDueTimer_IsClaimableAtOnce()
    {
        var factory = Factory(NewTenant());
        var now = Clock.Now;
        var v1 = await OpenAsync(factory, TimerAt(now - Duration.FromMinutes(2), "old"));
        var lease = Assert.Single(await ClaimAsync(now));

        Assert.True(await Timers.CompleteTimerAsync(lease, TimerAt(now - Duration.FromMinutes(1), "retry")));

        var next = Assert.Single(await ClaimAsync(now));
        Assert.Equal(v1.Id, next.Ticket);
        Assert.Equal("retry", next.Purpose);
        Assert.NotEqual(lease.Token, next.Token);
    }

    /// <summary>After the lease expired and another claim took the timer, the first token completes and releases nothing.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Complete_TokenOfExpiredLeaseTakenByAnotherClaim_ReturnsFalseAndChangesNothing()
    {
        var factory = Factory(NewTenant());
        var now = Clock.Now;
        var schedule = TimerAt(now, "due now", now + Duration.FromHours(2));
        var v1 = await OpenAsync(factory, schedule);
        var stale = Assert.Single(await ClaimAsync(now, lease: Duration.FromMinutes(1)));
        var current = Assert.Single(await ClaimAsync(now + Duration.FromMinutes(2)));

        Assert.False(await Timers.CompleteTimerAsync(stale, TicketSchedule.None));
        Assert.False(await Timers.ReleaseTimerAsync(stale));

        Assert.Equal(schedule, await Timers.GetScheduleAsync(factory.Tenant, v1.Id));
        Assert.Empty(await ClaimAsync(now + Duration.FromMinutes(3)));
        Assert.True(await Timers.CompleteTimerAsync(current, TicketSchedule.None));
        Assert.Equal(TicketSchedule.None, await Timers.GetScheduleAsync(factory.Tenant, v1.Id));
    }

    /// <summary>After an append replaced the schedule, the claim's token completes and releases nothing.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Complete_TokenAfterAppendReplacedSchedule_ReturnsFalseAndChangesNothing()
    {
        var factory = Factory(NewTenant());
        var now = Clock.Now;
        var v1 = await OpenAsync(factory, TimerAt(now, "due now"));
        var lease = Assert.Single(await ClaimAsync(now));
        var replaced = TimerAt(now + Duration.FromHours(1), "set by the engine", now + Duration.FromHours(3));
        await AppendAsync(WithSchedule(factory.ChangeStatus(v1, TicketStatus.InProgress), replaced));

        Assert.False(await Timers.CompleteTimerAsync(lease, TicketSchedule.None));
        Assert.False(await Timers.ReleaseTimerAsync(lease));

        Assert.Equal(replaced, await Timers.GetScheduleAsync(factory.Tenant, v1.Id));
        Assert.Empty(await ClaimAsync(now + Duration.FromMinutes(59)));
    }

    /// <summary>A lease that expired but that nobody else claimed still completes.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Complete_ExpiredLeaseNobodyClaimed_ReturnsTrue()
    {
        var factory = Factory(NewTenant());
        var now = Clock.Now;
        var v1 = await OpenAsync(factory, TimerAt(now, "due now"));
        var lease = Assert.Single(await ClaimAsync(now, lease: Duration.FromSeconds(1)));
        var next = Deadline(now + Duration.FromDays(1));

        Assert.True(await Timers.CompleteTimerAsync(lease, next));

        Assert.Equal(next, await Timers.GetScheduleAsync(factory.Tenant, v1.Id));
        Assert.Empty(await ClaimAsync(now + Duration.FromDays(2)));
    }

    /// <summary>Releasing gives the timer back unchanged, claimable at once; the released token is spent.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Release_WithCurrentToken_MakesTimerClaimableAtOnce()
    {
        var factory = Factory(NewTenant());
        var now = Clock.Now;
        var schedule = TimerAt(now, "due now", now + Duration.FromHours(1));
        var v1 = await OpenAsync(factory, schedule);
        var lease = Assert.Single(await ClaimAsync(now, lease: Duration.FromHours(1)));

        Assert.True(await Timers.ReleaseTimerAsync(lease));

        Assert.Equal(schedule, await Timers.GetScheduleAsync(factory.Tenant, v1.Id));
        var again = Assert.Single(await ClaimAsync(now));
        Assert.Equal(v1.Id, again.Ticket);
        Assert.NotEqual(lease.Token, again.Token);
        Assert.False(await Timers.ReleaseTimerAsync(lease));
        Assert.False(await Timers.CompleteTimerAsync(lease, TicketSchedule.None));
        Assert.Equal(schedule, await Timers.GetScheduleAsync(factory.Tenant, v1.Id));
    }

    /// <summary>Tickets without a timer (a deadline only, the closed schedule, or no schedule at all) are never claimed.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Claim_TicketsWithoutTimer_AreNeverClaimed()
    {
        var factory = Factory(NewTenant());
        var now = Clock.Now;
        await OpenAsync(factory, Deadline(now - Duration.FromDays(1)));
        await OpenAsync(factory, TicketSchedule.None);
        await OpenAsync(factory, null);
        var cleared = await OpenAsync(factory, TimerAt(now - Duration.FromDays(1), "cleared"));
        await AppendAsync(WithSchedule(factory.ChangeStatus(cleared, TicketStatus.Closed), TicketSchedule.None));

        Assert.Empty(await ClaimAsync(now + Duration.FromDays(3650)));
    }

    /// <summary>Claims cover every tenant of the store, and each lease names its tenant.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Claim_TimersOfSeveralTenants_AreAllClaimedWithTheirTenant()
    {
        var a = Factory(NewTenant());
        var b = Factory(NewTenant());
        var now = Clock.Now;
        var ofB = await OpenAsync(b, TimerAt(now - Duration.FromMinutes(2), "b"));
        var ofA = await OpenAsync(a, TimerAt(now - Duration.FromMinutes(1), "a"));

        var leases = await ClaimAsync(now);

        Assert.Equal([(b.Tenant, ofB.Id), (a.Tenant, ofA.Id)], leases.Select(l => (l.Tenant, l.Ticket)));
    }

    /// <summary>Claims with a count or lease outside the documented range throw <see cref="ArgumentOutOfRangeException"/>
    /// and claim nothing; the limits themselves are accepted.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Claim_OutOfRangeArguments_ThrowArgumentOutOfRangeException()
    {
        var factory = Factory(NewTenant());
        var now = Clock.Now;
        await OpenAsync(factory, TimerAt(now, "due now"));
        var lease = Duration.FromMinutes(1);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Timers.ClaimDueTimersAsync(now, 0, lease));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Timers.ClaimDueTimersAsync(now, -1, lease));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Timers.ClaimDueTimersAsync(now, ITimerStore.MaxClaim + 1, lease));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Timers.ClaimDueTimersAsync(now, 1, Duration.Zero));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Timers.ClaimDueTimersAsync(now, 1, Duration.FromSeconds(-1)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => Timers.ClaimDueTimersAsync(now, 1, Duration.FromDays(1) + Duration.FromSeconds(1)));

        var claimed = Assert.Single(await Timers.ClaimDueTimersAsync(now, ITimerStore.MaxClaim, Duration.FromDays(1)));
        Assert.Equal(now + Duration.FromDays(1), claimed.ExpiresAt);
    }

    /// <summary>Null arguments to complete and release throw <see cref="ArgumentNullException"/> and change nothing.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task CompleteAndRelease_NullArguments_ThrowArgumentNullException()
    {
        var factory = Factory(NewTenant());
        var now = Clock.Now;
        var schedule = TimerAt(now, "due now");
        var v1 = await OpenAsync(factory, schedule);
        var lease = Assert.Single(await ClaimAsync(now));

        await Assert.ThrowsAsync<ArgumentNullException>(() => Timers.CompleteTimerAsync(null!, TicketSchedule.None));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Timers.CompleteTimerAsync(lease, null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Timers.ReleaseTimerAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Timers.QueryScheduleAsync(null!));

        Assert.Equal(schedule, await Timers.GetScheduleAsync(factory.Tenant, v1.Id));
        Assert.Empty(await ClaimAsync(now));
    }

    /// <summary>A lease of another ticket or tenant, or a made-up token, completes and releases nothing.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Complete_ForgedLease_ReturnsFalseAndChangesNothing()
    {
        var factory = Factory(NewTenant());
        var other = Factory(NewTenant());
        var now = Clock.Now;
        var schedule = TimerAt(now, "due now");
        var v1 = await OpenAsync(factory, schedule);
        var lease = Assert.Single(await ClaimAsync(now));

        var forgedToken = lease with { Token = Guid.NewGuid() };
        var otherTenant = lease with { Tenant = other.Tenant };
        var otherTicket = lease with { Ticket = TicketId.New() };

        foreach (var forged in new[] { forgedToken, otherTenant, otherTicket })
        {
            Assert.False(await Timers.CompleteTimerAsync(forged, TicketSchedule.None));
            Assert.False(await Timers.ReleaseTimerAsync(forged));
        }

        Assert.Equal(schedule, await Timers.GetScheduleAsync(factory.Tenant, v1.Id));
        Assert.Null(await Timers.GetScheduleAsync(other.Tenant, v1.Id));
        Assert.Empty(await ClaimAsync(now));
        Assert.True(await Timers.CompleteTimerAsync(lease, TicketSchedule.None));
    }

    /// <summary>Several sweepers racing over many due timers: each claims in batches and, for every timer it gets, appends
    /// an event that clears the timer at the version it read. Every timer is claimed exactly once overall, no append
    /// conflicts, and timers that are not yet due are left alone.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Claim_ConcurrentClaimers_ClaimEveryTimerExactlyOnce()
    {
        var count = Math.Max(100, ConcurrentTimerCount);
        var tenants = new[] { Factory(NewTenant()), Factory(NewTenant()) };
        var now = Clock.Now + Duration.FromDays(1);
        var ids = new ConcurrentDictionary<TicketId, TenantId>();
        var openers = Enumerable.Range(0, Math.Max(1, Concurrency)).Select(w => Task.Run(async () =>
        {
            for (var i = w; i < count; i += Math.Max(1, Concurrency))
            {
                var factory = tenants[i % tenants.Length];
                var due = now - Duration.FromSeconds(i % 997);
                var ticket = await OpenAsync(factory, TimerAt(due, $"timer {i}", due + Duration.FromHours(1)));
                ids[ticket.Id] = factory.Tenant;
            }
        })).ToList();
        await Task.WhenAll(openers);
        var notDue = await OpenAsync(tenants[0], TimerAt(now + Duration.FromSeconds(1), "not yet due"));

        var claims = new ConcurrentDictionary<TicketId, int>();
        var conflicts = new ConcurrentBag<ConcurrencyException>();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sweepers = Enumerable.Range(0, Math.Max(1, ConcurrentClaimers)).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            while (true)
            {
                var leases = await Timers.ClaimDueTimersAsync(now, 50, Duration.FromMinutes(10));
                if (leases.Count == 0)
                {
                    return;
                }

                foreach (var lease in leases)
                {
                    claims.AddOrUpdate(lease.Ticket, 1, (_, n) => n + 1);
                    var factory = tenants.Single(f => f.Tenant == lease.Tenant);
                    var current = await Store.GetAsync(lease.Tenant, lease.Ticket)
                        ?? throw new InvalidOperationException($"A lease named ticket {lease.Ticket} of tenant '{lease.Tenant}', which does not exist.");
                    try
                    {
                        await Store.AppendAsync(WithSchedule(factory.AddComment(current, "swept"), Deadline(lease.DueAt + Duration.FromHours(1))));
                    }
                    catch (ConcurrencyException ex)
                    {
                        conflicts.Add(ex);
                    }
                }
            }
        })).ToList();
        start.SetResult();
        await Task.WhenAll(sweepers);

        var duplicates = claims.Where(c => c.Value > 1).Select(c => c.Key).ToList();
        var missed = ids.Keys.Where(id => !claims.ContainsKey(id)).ToList();
        Assert.True(duplicates.Count == 0, $"{duplicates.Count} timer(s) were claimed more than once, e.g. {duplicates.FirstOrDefault()}.");
        Assert.True(missed.Count == 0, $"{missed.Count} due timer(s) were never claimed, e.g. {missed.FirstOrDefault()}.");
        Assert.Empty(conflicts);
        Assert.Equal(count, claims.Count);
        Assert.False(claims.ContainsKey(notDue.Id), "A timer that was not due was claimed.");
        Assert.Empty(await ClaimAsync(now));
        var sample = ids.First();
        Assert.Null((await Timers.GetScheduleAsync(sample.Value, sample.Key))!.TimerDueAt);
    }
}
