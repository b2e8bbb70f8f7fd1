using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Storage;
using Xunit;

namespace ServiceDesk.Testing;

/// <content>Queries: filters and keyset paging.</content>
public abstract partial class TicketStoreConformanceTests
{
    private static readonly GroupId DeskGroup = new("desk");
    private static readonly GroupId NetworkGroup = new("network");
    private static readonly AgentId Ada = new("ada");
    private static readonly AgentId Linus = new("linus");
    private static readonly CustomerId Acme = new("acme");
    private static readonly CustomerId Globex = new("globex");

    /// <summary>A tenant without tickets gets one empty last page.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Query_TenantWithoutTickets_ReturnsEmptyLastPage()
    {
        var page = await Store.QueryAsync(new TicketQuery(NewTenant()));

        Assert.Empty(page.Items);
        Assert.Null(page.ContinuationToken);
    }

    /// <summary>Without filters a query lists every ticket of the tenant (latest snapshots) in paging order.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Query_NoFilters_ReturnsLatestSnapshotsInPagingOrder()
    {
        var (tenant, tickets) = await SeedFilterDataAsync();

        var result = await QueryAllAsync(new TicketQuery(tenant));

        Assert.Equal(InPagingOrder(tickets.Values), result.ConvertAll(t => t.Id));
        foreach (var ticket in result)
        {
            AssertSameTicket(tickets[ticket.Subject], ticket);
        }
    }

    /// <summary>The kind filter matches only tickets of that kind.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Query_ByKind_ReturnsOnlyThatKind()
        => await AssertFilterAsync(q => q with { Kind = TicketKind.Incident }, t => t.Kind == TicketKind.Incident);

    /// <summary>The status filter matches the current status, not a past one.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Query_ByStatus_MatchesCurrentStatusOnly()
        => await AssertFilterAsync(q => q with { Status = TicketStatus.InProgress }, t => t.Status == TicketStatus.InProgress);

    /// <summary>The assignment-group filter matches only tickets in that group.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Query_ByAssignmentGroup_ReturnsOnlyThatGroup()
        => await AssertFilterAsync(q => q with { AssignmentGroup = DeskGroup }, t => t.AssignmentGroup == DeskGroup);

    /// <summary>The assignee filter matches only tickets assigned to that agent.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Query_ByAssignee_ReturnsOnlyThatAgent()
        => await AssertFilterAsync(q => q with { Assignee = Ada }, t => t.Assignee == Ada);

    /// <summary>The priority filter matches the current priority.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Query_ByPriority_ReturnsOnlyThatPriority()
        => await AssertFilterAsync(q => q with { Priority = Priority.P1Critical }, t => t.Priority == Priority.P1Critical);

    /// <summary>The customer filter matches the requester's customer.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Query_ByCustomer_ReturnsOnlyThatCustomer()
        => await AssertFilterAsync(q => q with { Customer = Globex }, t => t.Requester.Customer == Globex);

    /// <summary>Filters combine with AND.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Query_SeveralFilters_CombineWithAnd()
        => await AssertFilterAsync(
            q => q with { AssignmentGroup = DeskGroup, Status = TicketStatus.New, Customer = Acme },
            t => t.AssignmentGroup == DeskGroup && t.Status == TicketStatus.New && t.Requester.Customer == Acme);

    /// <summary>A filter nothing matches returns an empty last page.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Query_FilterMatchingNothing_ReturnsEmptyLastPage()
        => await AssertFilterAsync(q => q with { Assignee = new AgentId("nobody"), PageSize = 1 }, _ => false);

    /// <summary>Pages of any size concatenate to the full ordered result without skips or duplicates; only the last page
    /// has no continuation token.</summary>
    /// <param name="pageSize">The page size.</param>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceTheory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(1000)]
    public async Task Query_Paging_ConcatenatesToFullOrderedResult(int pageSize)
    {
        var factory = Factory(NewTenant());
        var tickets = new List<Ticket>();
        for (var i = 0; i < 12; i++)
        {
            tickets.Add(await factory.OpenAsync(Store, i % 3 == 0 ? TicketKind.Problem : TicketKind.Incident));
        }

        var all = await QueryAllAsync(new TicketQuery(factory.Tenant) { PageSize = pageSize });
        var problems = await QueryAllAsync(new TicketQuery(factory.Tenant) { PageSize = pageSize, Kind = TicketKind.Problem });

        Assert.Equal(InPagingOrder(tickets), all.ConvertAll(t => t.Id));
        Assert.Equal(InPagingOrder(tickets.Where(t => t.Kind == TicketKind.Problem)), problems.ConvertAll(t => t.Id));
        var first = await Store.QueryAsync(new TicketQuery(factory.Tenant) { PageSize = pageSize });
        Assert.Equal(Math.Min(pageSize, 12), first.Items.Count);
        Assert.Equal(pageSize < 12, first.ContinuationToken is not null);
    }

    /// <summary>Tickets with the same opening instant are ordered by id, and paging through them neither skips nor repeats one.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Query_TicketsOpenedAtSameInstant_AreOrderedByIdAcrossPages()
    {
        var factory = Factory(NewTenant());
        var instant = Clock.GetCurrentInstant();
        var tickets = new List<Ticket>();
        for (var i = 0; i < 9; i++)
        {
            tickets.Add(await AppendAsync(factory.Open(configure: t => t with { OpenedAt = instant, UpdatedAt = instant })));
        }

        var result = await QueryAllAsync(new TicketQuery(factory.Tenant) { PageSize = 2 });

        Assert.Equal(InPagingOrder(tickets), result.ConvertAll(t => t.Id));
    }

    /// <summary>Keyset paging is stable: tickets opened (before and after the cursor, and at its very instant) and tickets
    /// changed between pages never make the reader skip or repeat a ticket that existed when paging began.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Query_TicketsAddedAndChangedBetweenPages_NoSkipsOrDuplicates()
    {
        var factory = Factory(NewTenant());
        var original = new List<Ticket>();
        for (var i = 0; i < 15; i++)
        {
            original.Add(await AppendAsync(factory.Open()));
        }

        var seen = new List<Ticket>();
        var query = new TicketQuery(factory.Tenant) { PageSize = 4 };
        var pages = 0;
        while (true)
        {
            var page = await Store.QueryAsync(query);
            seen.AddRange(page.Items);
            if (page.ContinuationToken is null)
            {
                break;
            }

            pages++;
            var cursor = TicketCursor.Parse(page.ContinuationToken);
            var last = page.Items[^1];
            Assert.Equal(TicketCursor.After(last), cursor);

            // Between pages: open tickets before the cursor, at the cursor's instant and after everything, and change
            // tickets on both sides of the cursor.
            var earlier = cursor.OpenedAt - Duration.FromHours(pages);
            await AppendAsync(factory.Open(configure: t => t with { OpenedAt = earlier, UpdatedAt = earlier }));
            await AppendAsync(factory.Open(configure: t => t with { OpenedAt = cursor.OpenedAt, UpdatedAt = cursor.OpenedAt }));
            var later = cursor.OpenedAt + Duration.FromDays(1);
            await AppendAsync(factory.Open(configure: t => t with { OpenedAt = later, UpdatedAt = later }));
            var behind = (await Store.GetAsync(factory.Tenant, original[0].Id))!;
            await AppendAsync(factory.ChangeStatus(behind, behind.Status == TicketStatus.New ? TicketStatus.InProgress : TicketStatus.New));
            var ahead = (await Store.GetAsync(factory.Tenant, original[^1].Id))!;
            await AppendAsync(factory.AddComment(ahead));

            query = query with { ContinuationToken = page.ContinuationToken };
        }

        Assert.True(pages >= 3, $"Expected at least 4 pages, got {pages + 1}.");
        Assert.Equal(seen.Count, seen.Select(t => t.Id).Distinct().Count());
        Assert.All(original, t => Assert.Contains(seen, s => s.Id == t.Id));
        for (var i = 1; i < seen.Count; i++)
        {
            Assert.True(
                TicketCursor.Compare(seen[i - 1].OpenedAt, seen[i - 1].Id, seen[i].OpenedAt, seen[i].Id) < 0,
                $"Ticket {i} ({seen[i].Number}) is not after ticket {i - 1} ({seen[i - 1].Number}) in paging order.");
        }
    }

    /// <summary>A continuation token that no store produced is rejected with an <see cref="ArgumentException"/>.</summary>
    /// <param name="token">The malformed token.</param>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceTheory]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("AgAAAAAAAAAAAQIDBAUGBwgJCgsMDQ4PEA")]
    public async Task Query_MalformedContinuationToken_ThrowsArgumentException(string token)
    {
        var factory = Factory(NewTenant());
        await factory.OpenAsync(Store);

        await Assert.ThrowsAnyAsync<ArgumentException>(
            () => Store.QueryAsync(new TicketQuery(factory.Tenant) { ContinuationToken = token }));
    }

    /// <summary>A returned page is a copy: later appends do not change it, and changing it does not change the store.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Query_ReturnedPage_IsNotAViewOfTheStore()
    {
        var factory = Factory(NewTenant());
        var first = await factory.OpenAsync(Store);
        var second = await factory.OpenAsync(Store);
        var page = await Store.QueryAsync(new TicketQuery(factory.Tenant));
        var copy = page.Items.ToList();

        await AppendAsync(factory.ChangeStatus(first, TicketStatus.Closed));
        await factory.OpenAsync(Store);
        Assert.Equal(copy, page.Items);

        TryToMutate(page.Items, second);
        var again = await Store.QueryAsync(new TicketQuery(factory.Tenant));
        Assert.Equal(3, again.Items.Count);
        Assert.Equal(TicketStatus.Closed, again.Items[0].Status);
        Assert.Equal(second.Id, again.Items[1].Id);
    }

    private async Task AssertFilterAsync(Func<TicketQuery, TicketQuery> filter, Func<Ticket, bool> expected)
    {
        var (tenant, tickets) = await SeedFilterDataAsync();

        var query = filter(new TicketQuery(tenant));
        var result = await QueryAllAsync(query with { PageSize = Math.Min(query.PageSize, 2) });

        var matching = tickets.Values.Where(expected).ToList();
        Assert.Equal(InPagingOrder(matching), result.ConvertAll(t => t.Id));
        Assert.All(result, t => AssertSameTicket(tickets[t.Subject], t));
    }

    /// <summary>Seeds a tenant with tickets that differ in every filtered field (keyed by subject), plus a look-alike
    /// tenant whose tickets match every filter and must never show up.</summary>
    private async Task<(TenantId Tenant, Dictionary<string, Ticket> Tickets)> SeedFilterDataAsync()
    {
        var other = Factory(NewTenant());
        await other.OpenAsync(Store, TicketKind.Incident, t => t with
        {
            Subject = "other tenant",
            AssignmentGroup = DeskGroup,
            Assignee = Ada,
            Priority = Priority.P1Critical,
            Status = TicketStatus.InProgress,
            Requester = new Requester(Globex, "Someone"),
        });

        var factory = Factory(NewTenant());
        var tickets = new Dictionary<string, Ticket>(StringComparer.Ordinal);

        async Task AddAsync(string subject, TicketKind kind, Func<Ticket, Ticket> configure, Func<Ticket, TicketAppend>? then = null)
        {
            var ticket = await factory.OpenAsync(Store, kind, t => configure(t with { Subject = subject }));
            if (then is not null)
            {
                ticket = (await Store.AppendAsync(then(ticket))).Ticket;
            }

            tickets.Add(subject, ticket);
        }

        await AddAsync("a", TicketKind.Incident, t => t with
        {
            AssignmentGroup = DeskGroup,
            Assignee = Ada,
            Priority = Priority.P1Critical,
            Requester = new Requester(Acme, "A"),
        });
        await AddAsync("b", TicketKind.ServiceRequest, t => t with
        {
            AssignmentGroup = NetworkGroup,
            Priority = Priority.P3Moderate,
            Requester = new Requester(Globex, "B"),
        }, t => factory.ChangeStatus(t, TicketStatus.InProgress));
        await AddAsync("c", TicketKind.Problem, t => t with { Priority = Priority.P3Moderate, Requester = new Requester(Acme, "C") });
        await AddAsync("d", TicketKind.Change, t => t with
        {
            AssignmentGroup = DeskGroup,
            Assignee = Linus,
            Priority = Priority.P5Planning,
            Requester = new Requester(Globex, "D"),
        });

        // "e" was InProgress, in group desk, assigned to Ada and P1, then moved away from all of them: filters match the
        // latest snapshot only.
        await AddAsync("e", TicketKind.Incident, t => t with
        {
            Status = TicketStatus.InProgress,
            AssignmentGroup = DeskGroup,
            Assignee = Ada,
            Priority = Priority.P1Critical,
            Requester = new Requester(Acme, "E"),
        }, t => factory.Update(
            t,
            [new StatusChanged(t.Tenant, t.Id, t.Version + 1, Clock.GetCurrentInstant(), factory.Actor, t.Status, TicketStatus.OnHold, "Vendor")],
            s => s with
            {
                Status = TicketStatus.OnHold,
                HoldReason = "Vendor",
                AssignmentGroup = NetworkGroup,
                Assignee = Linus,
                Priority = Priority.P4Low,
            }));
        await AddAsync("f", TicketKind.Incident, t => t with
        {
            AssignmentGroup = DeskGroup,
            Priority = Priority.P1Critical,
            Requester = new Requester(Acme, "F"),
        });
        return (factory.Tenant, tickets);
    }
}
