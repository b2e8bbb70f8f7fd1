using NodaTime;
using ServiceDesk.Storage;
using Xunit;

namespace ServiceDesk.Testing;

/// <content>Queue pages.</content>
public abstract partial class SchedulingStoreConformanceTests
{
    /// <summary>The queue is ordered by deadline (tickets without one last), then opening instant, then id, and every item
    /// carries the ticket's latest snapshot and its schedule.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Query_Queue_IsInDeadlineThenOpenedThenIdOrder()
    {
        var factory = Factory(NewTenant());
        var t0 = Clock.Now;
        var sameInstant = t0 - Duration.FromDays(1);
        var expected = new List<(Ticket Ticket, TicketSchedule Schedule)>();
        async Task AddAsync(Instant? deadline, Instant? openedAt = null)
        {
            var schedule = Deadline(deadline);
            var ticket = await OpenAsync(factory, schedule, openedAt is { } at ? t => t with { OpenedAt = at, UpdatedAt = at } : null);
            expected.Add((ticket, schedule));
        }

        await AddAsync(t0 + Duration.FromHours(3));
        await AddAsync(null);
        await AddAsync(t0 + Duration.FromHours(1));
        await AddAsync(null, sameInstant);
        await AddAsync(t0 + Duration.FromHours(1));
        await AddAsync(t0 + Duration.FromHours(2), sameInstant);
        await AddAsync(t0 + Duration.FromHours(2), sameInstant);
        await AddAsync(null, sameInstant);
        await AddAsync(t0 - Duration.FromHours(1));
        var changed = expected[0];
        var v2 = await AppendAsync(factory.Assign(changed.Ticket, new GroupId("moved")));
        expected[0] = (v2, changed.Schedule);

        var page = await Timers.QueryScheduleAsync(new ScheduleQuery(factory.Tenant));

        Assert.Null(page.ContinuationToken);
        Assert.Equal(InQueueOrder(expected), page.Items.Select(i => i.Ticket.Id));
        foreach (var item in page.Items)
        {
            var (ticket, schedule) = expected.Single(e => e.Ticket.Id == item.Ticket.Id);
            AssertSameTicket(ticket, item.Ticket);
            Assert.Equal(schedule, item.Schedule);
        }
    }

    /// <summary>A schedule replaced by a later append moves the ticket in the queue; one that stops being queued leaves it.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Query_ScheduleChanged_MovesOrRemovesTicket()
    {
        var factory = Factory(NewTenant());
        var t0 = Clock.Now;
        var a = await OpenAsync(factory, Deadline(t0 + Duration.FromHours(1)));
        var b = await OpenAsync(factory, Deadline(t0 + Duration.FromHours(2)));
        var c = await OpenAsync(factory, Deadline(t0 + Duration.FromHours(3)));

        await AppendAsync(WithSchedule(factory.ChangeStatus(a, TicketStatus.OnHold, "AwaitingCustomer"), Deadline(null)));
        await AppendAsync(WithSchedule(factory.ChangeStatus(b, TicketStatus.Closed), TicketSchedule.None));

        var items = await QueryAllAsync(new ScheduleQuery(factory.Tenant));
        Assert.Equal([c.Id, a.Id], items.Select(i => i.Ticket.Id));
        Assert.Equal(TicketStatus.OnHold, items[1].Ticket.Status);
    }

    /// <summary>Tickets whose schedule is not queued, and tickets without a schedule, are in no queue.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Query_NotQueuedOrUnscheduled_AreExcluded()
    {
        var factory = Factory(NewTenant());
        var t0 = Clock.Now;
        var queued = await OpenAsync(factory, TimerAt(t0, "timer", t0 + Duration.FromHours(1)));
        await OpenAsync(factory, new TicketSchedule(t0, "not queued", t0, queued: false));
        await OpenAsync(factory, TicketSchedule.None);
        await OpenAsync(factory, null);

        var items = await QueryAllAsync(new ScheduleQuery(factory.Tenant) { DeadlineAtOrBefore = t0 + Duration.FromDays(1) });
        var all = await QueryAllAsync(new ScheduleQuery(factory.Tenant));

        Assert.Equal([queued.Id], items.Select(i => i.Ticket.Id));
        Assert.Equal([queued.Id], all.Select(i => i.Ticket.Id));
    }

    /// <summary>The group, assignee and deadline filters match what they say and combine with AND; the deadline limit is
    /// inclusive and leaves out tickets without a deadline.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Query_Filters_MatchAndCombine()
    {
        var factory = Factory(NewTenant());
        var t0 = Clock.Now;
        var network = new GroupId("network");
        var desk = new GroupId("desk");
        var ada = new AgentId("ada");
        var all = new List<(Ticket Ticket, TicketSchedule Schedule)>();
        async Task AddAsync(Instant? deadline, GroupId? group, AgentId? agent)
        {
            var schedule = Deadline(deadline);
            var ticket = await OpenAsync(factory, schedule, t => t with { AssignmentGroup = group, Assignee = agent });
            all.Add((ticket, schedule));
        }

        await AddAsync(t0 + Duration.FromHours(1), network, ada);
        await AddAsync(t0 + Duration.FromHours(2), network, null);
        await AddAsync(null, network, ada);
        await AddAsync(t0 + Duration.FromHours(3), desk, ada);
        await AddAsync(t0 + Duration.FromHours(1), desk, null);
        await AddAsync(t0 + Duration.FromHours(4), null, null);
        var limit = t0 + Duration.FromHours(2);

        List<TicketId> Expected(Func<Ticket, TicketSchedule, bool> filter)
            => InQueueOrder(all.Where(x => filter(x.Ticket, x.Schedule)));
        async Task<List<TicketId>> ActualAsync(ScheduleQuery query) => [.. (await QueryAllAsync(query)).Select(i => i.Ticket.Id)];

        var query = new ScheduleQuery(factory.Tenant);
        Assert.Equal(Expected((t, _) => t.AssignmentGroup == network), await ActualAsync(query with { AssignmentGroup = network }));
        Assert.Equal(Expected((t, _) => t.Assignee == ada), await ActualAsync(query with { Assignee = ada }));
        Assert.Equal(
            Expected((_, s) => s.Deadline is { } d && d <= limit),
            await ActualAsync(query with { DeadlineAtOrBefore = limit }));
        Assert.Equal(
            Expected((t, s) => t.AssignmentGroup == network && t.Assignee == ada && s.Deadline is { } d && d <= limit),
            await ActualAsync(query with { AssignmentGroup = network, Assignee = ada, DeadlineAtOrBefore = limit }));
        Assert.Equal(3, (await ActualAsync(query with { DeadlineAtOrBefore = limit })).Count);
        Assert.Empty(await ActualAsync(query with { AssignmentGroup = new GroupId("nobody") }));
    }

    /// <summary>Paging with continuation tokens yields every queued ticket exactly once, in queue order, with full pages
    /// until the last.</summary>
    /// <param name="pageSize">The page size.</param>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceTheory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(50)]
    public async Task Query_Paging_YieldsEveryTicketOnceInOrder(int pageSize)
    {
        var factory = Factory(NewTenant());
        var t0 = Clock.Now;
        var sameInstant = t0 - Duration.FromDays(1);
        var expected = new List<(Ticket Ticket, TicketSchedule Schedule)>();
        for (var i = 0; i < 23; i++)
        {
            var schedule = Deadline(i % 5 == 0 ? null : t0 + Duration.FromMinutes(i % 4 * 15));
            Func<Ticket, Ticket>? sameOpening = i % 3 == 0 ? t => t with { OpenedAt = sameInstant, UpdatedAt = sameInstant } : null;
            expected.Add((await OpenAsync(factory, schedule, sameOpening), schedule));
        }

        var query = new ScheduleQuery(factory.Tenant) { PageSize = pageSize };
        var pages = new List<SchedulePage>();
        for (var q = query; ;)
        {
            var page = await Timers.QueryScheduleAsync(q);
            pages.Add(page);
            if (page.ContinuationToken is null)
            {
                break;
            }

            Assert.Equal(pageSize, page.Items.Count);
            Assert.True(pages.Count <= 100, "Paging did not end.");
            q = q with { ContinuationToken = page.ContinuationToken };
        }

        Assert.Equal(InQueueOrder(expected), pages.SelectMany(p => p.Items).Select(i => i.Ticket.Id));
    }

    /// <summary>A continuation token that no store made is rejected with <see cref="ArgumentException"/>, and a token made
    /// by the ticket query is not a queue token.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Query_MalformedContinuationToken_ThrowsArgumentException()
    {
        var factory = Factory(NewTenant());
        var ticket = await OpenAsync(factory, Deadline(Clock.Now));
        var ticketToken = TicketCursor.After(ticket).ToToken();

        Assert.ThrowsAny<ArgumentException>(() => new ScheduleQuery(factory.Tenant) { ContinuationToken = "not a token" });
        Assert.ThrowsAny<ArgumentException>(() => new ScheduleQuery(factory.Tenant) { ContinuationToken = ticketToken });
        await Assert.ThrowsAnyAsync<ArgumentException>(
            async () => await Timers.QueryScheduleAsync(new ScheduleQuery(factory.Tenant) { ContinuationToken = string.Empty }));
    }

    /// <summary>A tenant's queue never lists another tenant's tickets.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Query_OtherTenant_SeesNothing()
    {
        var a = Factory(NewTenant());
        var b = Factory(NewTenant());
        var t0 = Clock.Now;
        var ofA = await OpenAsync(a, Deadline(t0 + Duration.FromHours(1)));
        await OpenAsync(a, Deadline(null));
        var ofB = await OpenAsync(b, Deadline(t0));

        Assert.Equal([ofB.Id], (await QueryAllAsync(new ScheduleQuery(b.Tenant))).Select(i => i.Ticket.Id));
        Assert.Empty(await QueryAllAsync(new ScheduleQuery(NewTenant())));
        Assert.Equal(ofA.Id, (await QueryAllAsync(new ScheduleQuery(a.Tenant)))[0].Ticket.Id);
    }
}
