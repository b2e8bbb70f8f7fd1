using System.Collections.Concurrent;
using ServiceDesk.Events;
using ServiceDesk.Storage;
using Xunit;

namespace ServiceDesk.Testing;

/// <content>Batches (<see cref="ITicketBatchStore"/>): atomic appends of many tickets with number advances. Every test
/// here is reported as skipped when the store does not implement the interface.</content>
public abstract partial class TicketStoreConformanceTests
{
    /// <summary>Gets the store under test as an <see cref="ITicketBatchStore"/>, or skips the calling test (see
    /// <see cref="ConformanceSkipException"/>) when the store does not implement that optional interface.</summary>
    /// <exception cref="ConformanceSkipException">The store is not an <see cref="ITicketBatchStore"/>.</exception>
    protected ITicketBatchStore BatchStore
        => Store as ITicketBatchStore
            ?? throw new ConformanceSkipException($"{Store.GetType().Name} does not implement ITicketBatchStore (an optional capability).");

    /// <summary>Asserts that nothing of a new ticket's append is stored: no snapshot by id or number, no history.</summary>
    /// <param name="open">The append that would have opened the ticket.</param>
    /// <returns>A task that completes when the assertions have run.</returns>
    protected async Task AssertNotStoredAsync(TicketAppend open)
    {
        ArgumentNullException.ThrowIfNull(open);
        Assert.Null(await Store.GetAsync(open.Tenant, open.Ticket.Id));
        Assert.Null(await Store.GetByNumberAsync(open.Tenant, open.Ticket.Number));
        Assert.Empty(await Store.ReadHistoryAsync(open.Tenant, open.Ticket.Id));
    }

    /// <summary>Many tickets of two kinds opened and changed in one batch, with their numbers: the results come back in order,
    /// and afterwards every ticket, number, history and query sees the whole batch, and both sequences moved on.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task AppendBatch_ManyTicketsOpenedAndUpdated_StoresEverythingAndAdvancesNumbers()
    {
        const int Incidents = 60;
        const int Problems = 15;
        var store = BatchStore;
        var factory = Factory(NewTenant());
        var tenant = factory.Tenant;
        var existing = await factory.OpenAsync(Store);
        var lastIncident = await store.GetLastNumberAsync(tenant, TicketKind.Incident);
        Assert.Equal(1, lastIncident);
        Assert.Equal(0, await store.GetLastNumberAsync(tenant, TicketKind.Problem));

        var appends = new List<TicketAppend>();
        var latest = new Dictionary<TicketId, Ticket> { [existing.Id] = existing };
        var histories = new Dictionary<TicketId, List<TicketEvent>> { [existing.Id] = [.. await Store.ReadHistoryAsync(tenant, existing.Id)] };
        void Add(TicketAppend append)
        {
            appends.Add(append);
            latest[append.Ticket.Id] = append.Ticket;
            histories.TryAdd(append.Ticket.Id, []);
            histories[append.Ticket.Id].AddRange(append.Events);
        }

        for (var i = 0; i < Incidents + Problems; i++)
        {
            var number = i < Incidents ? new TicketNumber(TicketKind.Incident, lastIncident + 1 + i) : new TicketNumber(TicketKind.Problem, i - Incidents + 1);
            var open = factory.OpenWithNumber(number, t => t with { Subject = "Imported " + number });
            Add(open);
            if (i % 3 == 0)
            {
                Add(factory.AddComment(open.Ticket, "Imported comment of " + number));
            }

            if (i % 10 == 0)
            {
                Add(factory.ChangeStatus(latest[existing.Id], i % 20 == 0 ? TicketStatus.InProgress : TicketStatus.OnHold, "Step"));
            }
        }

        for (var i = 0; i < Incidents + Problems; i += 4)
        {
            var id = appends[i].Ticket.Id;
            Add(factory.Assign(latest[id], new GroupId("import-" + (i % 3))));
        }

        var batch = new TicketBatch(appends, [new NumberAdvance(TicketKind.Incident, lastIncident, lastIncident + Incidents), new NumberAdvance(TicketKind.Problem, 0, Problems)]);

        var results = await store.AppendBatchAsync(batch);

        Assert.Equal(appends.Count, results.Count);
        for (var i = 0; i < appends.Count; i++)
        {
            Assert.False(results[i].IsReplay, $"results[{i}] is a replay.");
            AssertSameTicket(appends[i].Ticket, results[i].Ticket);
        }

        foreach (var (id, ticket) in latest)
        {
            AssertSameTicket(ticket, await Store.GetAsync(tenant, id));
            AssertSameTicket(ticket, await Store.GetByNumberAsync(tenant, ticket.Number));
            Assert.Equal(histories[id], await Store.ReadHistoryAsync(tenant, id));
        }

        Assert.Equal(InPagingOrder(latest.Values), (await QueryAllAsync(new TicketQuery(tenant) { PageSize = 25 })).ConvertAll(t => t.Id));
        Assert.Equal(lastIncident + Incidents, await store.GetLastNumberAsync(tenant, TicketKind.Incident));
        Assert.Equal(Problems, await store.GetLastNumberAsync(tenant, TicketKind.Problem));
        Assert.Equal(new TicketNumber(TicketKind.Incident, lastIncident + Incidents + 1), await Store.AllocateNumberAsync(tenant, TicketKind.Incident));
        Assert.Equal(new TicketNumber(TicketKind.Problem, Problems + 1), await Store.AllocateNumberAsync(tenant, TicketKind.Problem));
        Assert.Equal(0, await store.GetLastNumberAsync(tenant, TicketKind.Change));
    }

    /// <summary>Several appends to one ticket in one batch apply in order, each seeing the one before, and a batch that only
    /// changes tickets needs no number advance.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task AppendBatch_SeveralAppendsToOneTicket_ApplyInOrder()
    {
        var store = BatchStore;
        var factory = Factory(NewTenant());
        var open = factory.Open(TicketKind.Change);
        var comment = factory.AddComment(open.Ticket);
        var comments = factory.AddComments(comment.Ticket, 3);
        var status = factory.ChangeStatus(comments.Ticket, TicketStatus.InProgress);
        var assign = factory.Assign(status.Ticket, new GroupId("cab"), new AgentId("ada"));
        TicketAppend[] appends = [open, comment, comments, status, assign];

        var results = await store.AppendBatchAsync(new TicketBatch(appends));

        Assert.Equal([1L, 2, 5, 6, 7], results.Select(r => r.Ticket.Version));
        Assert.All(results, r => Assert.False(r.IsReplay));
        AssertSameTicket(assign.Ticket, await Store.GetAsync(factory.Tenant, open.Ticket.Id));
        Assert.Equal(appends.SelectMany(a => a.Events), await Store.ReadHistoryAsync(factory.Tenant, open.Ticket.Id));

        var later = factory.AddComment(assign.Ticket);
        var second = await store.AppendBatchAsync(new TicketBatch([later]));
        AssertSameTicket(later.Ticket, Assert.Single(second).Ticket);
        Assert.Equal(8, (await Store.ReadHistoryAsync(factory.Tenant, open.Ticket.Id)).Count);
    }

    /// <summary>The derived state of each ticket is the one of its last append in the batch (none clears it).</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task AppendBatch_DerivedState_IsThatOfEachTicketsLastAppend()
    {
        var store = BatchStore;
        RequireDerivedState();
        var factory = Factory(NewTenant());
        var existing = await AppendAsync(WithDerivedState(factory.Open(), "existing before"));
        var openA = WithDerivedState(factory.Open(), "a at 1");
        var openB = WithDerivedState(factory.Open(), "b at 1");
        var changeA = WithDerivedState(factory.AddComment(openA.Ticket), "a at 2");
        var changeB = factory.AddComment(openB.Ticket);
        var changeExisting = factory.ChangeStatus(existing, TicketStatus.InProgress);

        await store.AppendBatchAsync(new TicketBatch([openA, openB, changeA, changeExisting, changeB]));

        AssertStored(changeA.Ticket, "a at 2", await Store.GetStoredAsync(factory.Tenant, openA.Ticket.Id));
        AssertStored(changeB.Ticket, null, await Store.GetStoredAsync(factory.Tenant, openB.Ticket.Id));
        AssertStored(changeExisting.Ticket, null, await Store.GetStoredAsync(factory.Tenant, existing.Id));
    }

    /// <summary>A stale expected version in the middle of a batch rejects the whole batch: nothing of the appends before or
    /// after it is stored, no key is consumed and the number sequence stays; the corrected batch is then applied.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task AppendBatch_StaleVersionInTheMiddle_RollsBackEverything()
    {
        var store = BatchStore;
        var factory = Factory(NewTenant());
        var tenant = factory.Tenant;
        var x1 = await factory.OpenAsync(Store);
        var x2 = await AppendAsync(factory.AddComment(x1));
        var y = await factory.OpenAsync(Store);
        var last = await store.GetLastNumberAsync(tenant, TicketKind.Incident);
        var openA = factory.OpenWithNumber(new TicketNumber(TicketKind.Incident, last + 1), idempotencyKey: "batch-open-a");
        var changeY = factory.ChangeStatus(y, TicketStatus.InProgress, idempotencyKey: "batch-change-y");
        var commentA = factory.AddComments(openA.Ticket, 3);
        var stale = factory.ChangeStatus(x1, TicketStatus.Resolved);
        var openB = factory.OpenWithNumber(new TicketNumber(TicketKind.Incident, last + 2));
        var advance = new NumberAdvance(TicketKind.Incident, last, last + 2);

        var ex = await Assert.ThrowsAsync<ConcurrencyException>(
            () => store.AppendBatchAsync(new TicketBatch([openA, changeY, commentA, stale, openB], [advance])));

        Assert.Equal((tenant, x1.Id, 1L, 2L), (ex.Tenant, ex.Ticket, ex.ExpectedVersion, ex.ActualVersion));
        await AssertNotStoredAsync(openA);
        await AssertNotStoredAsync(openB);
        AssertSameTicket(y, await Store.GetAsync(tenant, y.Id));
        Assert.Single(await Store.ReadHistoryAsync(tenant, y.Id));
        AssertSameTicket(x2, await Store.GetAsync(tenant, x1.Id));
        Assert.Equal(2, (await Store.ReadHistoryAsync(tenant, x1.Id)).Count);
        Assert.Null(await Store.FindAppliedAsync(tenant, "batch-open-a"));
        Assert.Null(await Store.FindAppliedAsync(tenant, "batch-change-y"));
        Assert.Equal(last, await store.GetLastNumberAsync(tenant, TicketKind.Incident));

        var corrected = factory.ChangeStatus(x2, TicketStatus.Resolved);
        var results = await store.AppendBatchAsync(new TicketBatch([openA, changeY, commentA, corrected, openB], [advance]));

        Assert.All(results, r => Assert.False(r.IsReplay));
        AssertSameTicket(commentA.Ticket, await Store.GetAsync(tenant, openA.Ticket.Id));
        AssertSameTicket(corrected.Ticket, await Store.GetAsync(tenant, x1.Id));
        AssertSameTicket(openB.Ticket, await Store.GetByNumberAsync(tenant, openB.Ticket.Number));
        Assert.Equal(last + 2, await store.GetLastNumberAsync(tenant, TicketKind.Incident));
    }

    /// <summary>An append that expects a version an earlier append of the same batch already moved past is a conflict with
    /// the version the batch reached, and the whole batch is rejected.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task AppendBatch_StaleAgainstEarlierAppendOfBatch_ThrowsAndStoresNothing()
    {
        var store = BatchStore;
        var factory = Factory(NewTenant());
        var open = factory.Open();
        var first = factory.AddComment(open.Ticket);
        var sameBase = factory.ChangeStatus(open.Ticket, TicketStatus.Resolved);

        var ex = await Assert.ThrowsAsync<ConcurrencyException>(() => store.AppendBatchAsync(new TicketBatch([open, first, sameBase])));

        Assert.Equal((open.Ticket.Id, 1L, 2L), (ex.Ticket, ex.ExpectedVersion, ex.ActualVersion));
        await AssertNotStoredAsync(open);
    }

    /// <summary>A number advance that does not start where the sequence is (another writer allocated meanwhile, the kind has
    /// numbers though the batch expected none, or the batch expected numbers the kind never had) rejects the batch: the
    /// exception carries both last numbers, nothing is stored and no sequence moves, not even one whose own advance matched.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task AppendBatch_NumberAdvanceNotWhereSequenceIs_ThrowsAndStoresNothing()
    {
        var store = BatchStore;
        var factory = Factory(NewTenant());
        var tenant = factory.Tenant;
        await factory.OpenAsync(Store);
        var read = await store.GetLastNumberAsync(tenant, TicketKind.Incident);
        await Store.AllocateNumberAsync(tenant, TicketKind.Incident);
        await Store.AllocateNumberAsync(tenant, TicketKind.Problem);

        async Task AssertRejectedAsync(NumberAdvance[] advances, TicketKind kind, long expectedLast, long actualLast)
        {
            var opens = advances.SelectMany(a => Enumerable.Range(1, (int)(a.NewLast - a.ExpectedLast))
                .Select(n => factory.OpenWithNumber(new TicketNumber(a.Kind, a.ExpectedLast + n)))).ToList();
            var before = new Dictionary<TicketKind, long>();
            foreach (var k in Enum.GetValues<TicketKind>())
            {
                before[k] = await store.GetLastNumberAsync(tenant, k);
            }

            var ex = await Assert.ThrowsAsync<ConcurrencyException>(() => store.AppendBatchAsync(new TicketBatch(opens, advances)));

            Assert.Equal((tenant, default(TicketId), expectedLast, actualLast), (ex.Tenant, ex.Ticket, ex.ExpectedVersion, ex.ActualVersion));
            Assert.Contains(kind.ToString(), ex.Message, StringComparison.Ordinal);
            foreach (var open in opens)
            {
                Assert.Null(await Store.GetAsync(tenant, open.Ticket.Id));
                Assert.Empty(await Store.ReadHistoryAsync(tenant, open.Ticket.Id));
            }

            foreach (var k in Enum.GetValues<TicketKind>())
            {
                Assert.Equal(before[k], await store.GetLastNumberAsync(tenant, k));
            }
        }

        // Another writer allocated after the batch read the sequence.
        await AssertRejectedAsync([new NumberAdvance(TicketKind.Incident, read, read + 2)], TicketKind.Incident, read, read + 1);

        // The batch expected no numbers of a kind that has some.
        await AssertRejectedAsync([new NumberAdvance(TicketKind.Problem, 0, 2)], TicketKind.Problem, 0, 1);

        // The batch expected numbers of a kind that never had any.
        await AssertRejectedAsync([new NumberAdvance(TicketKind.Change, 3, 4)], TicketKind.Change, 3, 0);

        // The first advance matches, the second does not: neither moves.
        await AssertRejectedAsync(
            [new NumberAdvance(TicketKind.Incident, read + 1, read + 3), new NumberAdvance(TicketKind.Problem, 5, 6)], TicketKind.Problem, 5, 1);
        Assert.Equal(0, await store.GetLastNumberAsync(tenant, TicketKind.Change));
    }

    /// <summary>Batches racing from the same last number: exactly one is applied, every other one gets a
    /// <see cref="ConcurrencyException"/> and stores nothing, so the numbers stay gapless and unique.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task AppendBatch_ConcurrentBatchesFromSameLastNumber_ExactlyOneWins()
    {
        var store = BatchStore;
        var factory = Factory(NewTenant());
        var tenant = factory.Tenant;
        var batches = Enumerable.Range(0, Math.Max(2, Concurrency)).Select(_ => new TicketBatch(
            [.. Enumerable.Range(1, 3).Select(n => factory.OpenWithNumber(new TicketNumber(TicketKind.Incident, n)))],
            [new NumberAdvance(TicketKind.Incident, 0, 3)])).ToList();
        var outcomes = new ConcurrentBag<Exception?>();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var tasks = batches.Select(batch => Task.Run(async () =>
        {
            await start.Task;
            outcomes.Add(await Record.ExceptionAsync(() => store.AppendBatchAsync(batch)));
        })).ToList();
        start.SetResult();
        await Task.WhenAll(tasks);

        Assert.Single(outcomes, o => o is null);
        Assert.All(outcomes.Where(o => o is not null), o => Assert.IsType<ConcurrencyException>(o));
        Assert.Equal(3, await store.GetLastNumberAsync(tenant, TicketKind.Incident));
        var stored = await QueryAllAsync(new TicketQuery(tenant));
        Assert.Equal(3, stored.Count);
        var winner = Assert.Single(batches, b => b.Appends.All(a => stored.Any(t => t.Id == a.Ticket.Id)));
        Assert.Equal(winner.Appends.Select(a => a.Ticket.Number), stored.Select(t => t.Number).Order());
    }

    /// <summary>An append whose key was applied earlier (by another transaction or earlier in the batch) to the same ticket
    /// is a replay inside the batch: its result is the first one, it stores nothing, and the rest of the batch proceeds.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task AppendBatch_KeyAppliedEarlierOrInBatch_IsReplayAndRestProceeds()
    {
        var store = BatchStore;
        var factory = Factory(NewTenant());
        var t1 = await AppendAsync(factory.Open());
        var keyed = factory.ChangeStatus(t1, TicketStatus.InProgress, idempotencyKey: "earlier");
        var t2 = await AppendAsync(keyed);
        var retryEarlier = factory.Assign(t1, new GroupId("elsewhere"), idempotencyKey: "earlier");
        var openC = factory.Open(idempotencyKey: "open-c");
        var moveT = factory.AddComment(t2);
        var commentC = factory.AddComment(openC.Ticket, idempotencyKey: "comment-c");
        var retryCommentC = factory.AddComment(openC.Ticket, "changed text", idempotencyKey: "comment-c");

        var results = await store.AppendBatchAsync(new TicketBatch([retryEarlier, openC, openC, moveT, commentC, retryCommentC]));

        Assert.Equal([true, false, true, false, false, true], results.Select(r => r.IsReplay));
        AssertSameTicket(keyed.Ticket, results[0].Ticket);
        AssertSameTicket(openC.Ticket, results[1].Ticket);
        AssertSameTicket(openC.Ticket, results[2].Ticket);
        AssertSameTicket(moveT.Ticket, results[3].Ticket);
        AssertSameTicket(commentC.Ticket, results[4].Ticket);
        AssertSameTicket(commentC.Ticket, results[5].Ticket);
        AssertSameTicket(moveT.Ticket, await Store.GetAsync(factory.Tenant, t1.Id));
        Assert.Equal(3, (await Store.ReadHistoryAsync(factory.Tenant, t1.Id)).Count);
        Assert.Equal([.. openC.Events, .. commentC.Events], await Store.ReadHistoryAsync(factory.Tenant, openC.Ticket.Id));
        AssertSameTicket(openC.Ticket, (await Store.FindAppliedAsync(factory.Tenant, "open-c"))?.Ticket);
        AssertSameTicket(commentC.Ticket, (await Store.FindAppliedAsync(factory.Tenant, "comment-c"))?.Ticket);
    }

    /// <summary>A key already applied to another ticket, or used for two tickets in one batch, is a programming error:
    /// <see cref="ArgumentException"/>, and nothing of the batch is stored.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task AppendBatch_KeyOfAnotherTicket_ThrowsArgumentExceptionAndStoresNothing()
    {
        var store = BatchStore;
        var factory = Factory(NewTenant());
        var t = await AppendAsync(factory.Open(idempotencyKey: "of-t"));
        var e = await AppendAsync(factory.Open());
        var openD = factory.Open();
        var reuse = factory.AddComment(e, idempotencyKey: "of-t");

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.AppendBatchAsync(new TicketBatch([openD, reuse])));

        await AssertNotStoredAsync(openD);
        AssertSameTicket(e, await Store.GetAsync(factory.Tenant, e.Id));
        Assert.Single(await Store.ReadHistoryAsync(factory.Tenant, e.Id));

        var openF = factory.Open(idempotencyKey: "twice");
        var openG = factory.Open(idempotencyKey: "twice");
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.AppendBatchAsync(new TicketBatch([openF, openG])));

        await AssertNotStoredAsync(openF);
        await AssertNotStoredAsync(openG);
        Assert.Null(await Store.FindAppliedAsync(factory.Tenant, "twice"));
        AssertSameTicket(t, (await Store.FindAppliedAsync(factory.Tenant, "of-t"))?.Ticket);
    }

    /// <summary>A new ticket in a batch that reuses an id or a number (stored, or opened earlier in the batch) is a conflict
    /// whose actual version is that of the holder; nothing of the batch is stored.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task AppendBatch_NewTicketReusingIdOrNumber_ThrowsConcurrencyExceptionAndStoresNothing()
    {
        var store = BatchStore;
        var factory = Factory(NewTenant());
        var stored = await AppendAsync(factory.Open());
        stored = await AppendAsync(factory.AddComments(stored, 2));
        var openA = factory.Open();
        var cases = new (TicketAppend Duplicate, long Holder)[]
        {
            (factory.OpenWithNumber(stored.Number), 3),
            (factory.Open(configure: t => t with { Id = stored.Id }), 3),
            (factory.OpenWithNumber(openA.Ticket.Number), 1),
            (factory.Open(configure: t => t with { Id = openA.Ticket.Id }), 1),
        };

        foreach (var (duplicate, holder) in cases)
        {
            var ex = await Assert.ThrowsAsync<ConcurrencyException>(() => store.AppendBatchAsync(new TicketBatch([openA, duplicate])));

            Assert.Equal((duplicate.Ticket.Id, 0L, holder), (ex.Ticket, ex.ExpectedVersion, ex.ActualVersion));
            await AssertNotStoredAsync(openA);
        }

        AssertSameTicket(stored, await Store.GetAsync(factory.Tenant, stored.Id));
        Assert.Equal(3, (await Store.ReadHistoryAsync(factory.Tenant, stored.Id)).Count);
    }

    /// <summary>An append in a batch that changes the number or opening instant of a ticket (stored, or opened earlier in the
    /// batch) throws <see cref="ArgumentException"/>, and nothing of the batch is stored.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task AppendBatch_IdentityChanged_ThrowsArgumentExceptionAndStoresNothing()
    {
        var store = BatchStore;
        var factory = Factory(NewTenant());
        var stored = await AppendAsync(factory.Open());
        var openA = factory.Open();
        var renumber = factory.AddComment(openA.Ticket);
        renumber = new TicketAppend(renumber.Ticket with { Number = factory.NextNumber() }, renumber.Events, renumber.ExpectedVersion);
        var moved = factory.AddComment(stored);
        moved = new TicketAppend(moved.Ticket with { OpenedAt = stored.OpenedAt - NodaTime.Duration.FromHours(1) }, moved.Events, moved.ExpectedVersion);

        await Assert.ThrowsAsync<ArgumentException>(() => store.AppendBatchAsync(new TicketBatch([openA, renumber])));
        await Assert.ThrowsAsync<ArgumentException>(() => store.AppendBatchAsync(new TicketBatch([openA, moved])));

        await AssertNotStoredAsync(openA);
        AssertSameTicket(stored, await Store.GetAsync(factory.Tenant, stored.Id));
        Assert.Single(await Store.ReadHistoryAsync(factory.Tenant, stored.Id));
    }

    /// <summary>A batch whose token is already cancelled throws and stores nothing: no ticket, no key, no number.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task AppendBatch_CancelledToken_ThrowsAndStoresNothing()
    {
        var store = BatchStore;
        var factory = Factory(NewTenant());
        var existing = await AppendAsync(factory.Open());
        var open = factory.OpenWithNumber(new TicketNumber(TicketKind.Problem, 1), idempotencyKey: "cancelled-batch");
        var change = factory.ChangeStatus(existing, TicketStatus.Resolved);
        var batch = new TicketBatch([open, change], [new NumberAdvance(TicketKind.Problem, 0, 1)]);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.AppendBatchAsync(batch, cts.Token));

        await AssertNotStoredAsync(open);
        AssertSameTicket(existing, await Store.GetAsync(factory.Tenant, existing.Id));
        Assert.Equal(0, await store.GetLastNumberAsync(factory.Tenant, TicketKind.Problem));
        Assert.Null(await Store.FindAppliedAsync(factory.Tenant, "cancelled-batch"));
        Assert.Equal([false, false], (await store.AppendBatchAsync(batch)).Select(r => r.IsReplay));
    }

    /// <summary>The last number follows allocations and batches, per tenant and kind; it is 0 before any.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task GetLastNumber_FollowsAllocationsPerTenantAndKind()
    {
        var store = BatchStore;
        var a = NewTenant();
        var b = NewTenant();

        Assert.Equal(0, await store.GetLastNumberAsync(a, TicketKind.Incident));
        await Store.AllocateNumberAsync(a, TicketKind.Incident);
        await Store.AllocateNumberAsync(a, TicketKind.Incident);
        await Store.AllocateNumberAsync(a, TicketKind.Change);

        Assert.Equal(2, await store.GetLastNumberAsync(a, TicketKind.Incident));
        Assert.Equal(1, await store.GetLastNumberAsync(a, TicketKind.Change));
        Assert.Equal(0, await store.GetLastNumberAsync(a, TicketKind.Problem));
        Assert.Equal(0, await store.GetLastNumberAsync(b, TicketKind.Incident));
    }

    /// <summary>The batch members reject bad arguments and cancelled reads, and change nothing.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task BatchMembers_BadArgumentsOrCancelled_Throw()
    {
        var store = BatchStore;
        var tenant = NewTenant();
        await Store.AllocateNumberAsync(tenant, TicketKind.Incident);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.GetLastNumberAsync(default, TicketKind.Incident));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.GetLastNumberAsync(tenant, (TicketKind)999));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.GetLastNumberAsync(tenant, TicketKind.Incident, new CancellationToken(canceled: true)));
        await Assert.ThrowsAsync<ArgumentNullException>(() => store.AppendBatchAsync(null!));
        Assert.Equal(1, await store.GetLastNumberAsync(tenant, TicketKind.Incident));
    }
}
