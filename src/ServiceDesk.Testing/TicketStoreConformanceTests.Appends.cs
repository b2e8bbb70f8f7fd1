using System.Collections.Concurrent;
using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Storage;
using Xunit;

namespace ServiceDesk.Testing;

/// <content>Reads, appends and expected-version concurrency.</content>
public abstract partial class TicketStoreConformanceTests
{
    /// <summary>A ticket that was never stored reads as absent.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Get_UnknownTicket_ReturnsNull()
    {
        var tenant = NewTenant();
        await Factory(tenant).OpenAsync(Store);

        Assert.Null(await Store.GetAsync(tenant, TicketId.New()));
        Assert.Null(await Store.GetByNumberAsync(tenant, new TicketNumber(TicketKind.Incident, 2)));
        Assert.Null(await Store.GetByNumberAsync(tenant, new TicketNumber(TicketKind.Change, 1)));
    }

    /// <summary>A later version cannot change the number, kind or opening instant fixed at opening; nothing is stored.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Append_ChangingNumberKindOrOpenedAt_ThrowsAndStoresNothing()
    {
        var factory = Factory(NewTenant());
        var opened = await AppendAsync(factory.OpenWithNumber(await Store.AllocateNumberAsync(factory.Tenant, TicketKind.Incident)));
        var renumbered = factory.ChangeStatus(opened, TicketStatus.InProgress);
        renumbered = new TicketAppend(
            renumbered.Ticket with { Number = new TicketNumber(TicketKind.Incident, 999) }, renumbered.Events, renumbered.ExpectedVersion);
        var rekinded = factory.ChangeStatus(opened, TicketStatus.InProgress);
        rekinded = new TicketAppend(
            rekinded.Ticket with { Kind = TicketKind.Problem, Number = new TicketNumber(TicketKind.Problem, 1) }, rekinded.Events, rekinded.ExpectedVersion);
        var moved = factory.ChangeStatus(opened, TicketStatus.InProgress);
        moved = new TicketAppend(
            moved.Ticket with { OpenedAt = opened.OpenedAt - Duration.FromHours(1) }, moved.Events, moved.ExpectedVersion);

        await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendAsync(renumbered));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendAsync(rekinded));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendAsync(moved));

        AssertSameTicket(opened, await Store.GetAsync(factory.Tenant, opened.Id));
        Assert.Single(await Store.ReadHistoryAsync(factory.Tenant, opened.Id));
        Assert.Null(await Store.GetByNumberAsync(factory.Tenant, new TicketNumber(TicketKind.Incident, 999)));
    }

    /// <summary>A new ticket's append returns the stored snapshot and makes it readable by id and by number.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Append_NewTicket_IsReadableByIdAndByNumber()
    {
        var factory = Factory(NewTenant());
        var append = factory.OpenWithNumber(await Store.AllocateNumberAsync(factory.Tenant, TicketKind.ServiceRequest));

        var result = await Store.AppendAsync(append);

        Assert.False(result.IsReplay);
        AssertSameTicket(append.Ticket, result.Ticket);
        AssertSameTicket(append.Ticket, await Store.GetAsync(factory.Tenant, append.Ticket.Id));
        AssertSameTicket(append.Ticket, await Store.GetByNumberAsync(factory.Tenant, append.Ticket.Number));
        Assert.Equal(append.Events, await Store.ReadHistoryAsync(factory.Tenant, append.Ticket.Id));
    }

    /// <summary>Every property of a ticket, optional ones and custom attributes of every kind included, survives storage.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Append_TicketWithEveryProperty_RoundTripsEveryValue()
    {
        var factory = Factory(NewTenant());
        var attributes = CustomAttributes.Empty
            .With("text", AttributeValue.FromString("ünïcode ✓ \"quoted\""))
            .With("count", AttributeValue.FromInteger(long.MinValue))
            .With("amount", AttributeValue.FromDecimal(12345.6789m))
            .With("flag", AttributeValue.FromBoolean(true))
            .With("seen", AttributeValue.FromInstant(Instant.FromUtc(2024, 2, 29, 23, 59, 59)))
            .With("due", AttributeValue.FromDate(new LocalDate(2030, 12, 31)))
            .With("empty", AttributeValue.FromString(string.Empty));
        var append = factory.Open(TicketKind.Change, t => t with
        {
            Subject = "Replace the core switch",
            Description = "Line one\nLine two\ttabbed",
            Status = TicketStatus.OnHold,
            HoldReason = "AwaitingVendor",
            Impact = Impact.High,
            Urgency = Urgency.Low,
            Priority = Priority.P3Moderate,
            Channel = Channel.Monitoring,
            Requester = new Requester(new CustomerId("acme"), "Grace Hopper", "grace@example.com"),
            Category = new TicketCategory("Network", "Switching"),
            Service = new ServiceId("svc-network"),
            ConfigurationItem = new ConfigurationItemId("ci-switch-01"),
            Location = new LocationId("dc-west"),
            Contract = new ContractId("contract-7"),
            AssignmentGroup = new GroupId("network"),
            Assignee = new AgentId("agent-42"),
            IsMajorIncident = true,
            Attributes = attributes,
        });

        await AppendAsync(append);

        AssertSameTicket(append.Ticket, await Store.GetAsync(factory.Tenant, append.Ticket.Id));
    }

    /// <summary>An append to an existing ticket replaces the snapshot read by id and by number, and extends the history.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Append_NextVersions_ReplaceSnapshotAndExtendHistory()
    {
        var factory = Factory(NewTenant());
        var open = factory.Open();
        var v1 = await AppendAsync(open);
        var toV2 = factory.ChangeStatus(v1, TicketStatus.InProgress);
        var v2 = await AppendAsync(toV2);
        var toV5 = factory.AddComments(v2, 3);
        var v5 = await AppendAsync(toV5);

        Assert.Equal(5, v5.Version);
        AssertSameTicket(v5, await Store.GetAsync(factory.Tenant, v1.Id));
        AssertSameTicket(v5, await Store.GetByNumberAsync(factory.Tenant, v1.Number));
        Assert.Equal(open.Events.Concat(toV2.Events).Concat(toV5.Events), await Store.ReadHistoryAsync(factory.Tenant, v1.Id));
    }

    /// <summary>An append that expects an older version than the stored one is rejected with both versions, and stores nothing.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Append_StaleExpectedVersion_ThrowsConcurrencyExceptionWithBothVersions()
    {
        var factory = Factory(NewTenant());
        var v1 = await factory.OpenAsync(Store);
        var v2 = await AppendAsync(factory.ChangeStatus(v1, TicketStatus.InProgress));
        var v3 = await AppendAsync(factory.AddComment(v2));

        var ex = await AssertConflictAsync(factory.AddComments(v1, 5), expectedVersion: 1, actualVersion: 3);

        Assert.Contains("version 3", ex.Message, StringComparison.Ordinal);
        AssertSameTicket(v3, await Store.GetAsync(factory.Tenant, v1.Id));
        Assert.Equal(3, (await Store.ReadHistoryAsync(factory.Tenant, v1.Id)).Count);
    }

    /// <summary>An append that expects a version the ticket has not reached yet is rejected too.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Append_ExpectedVersionAheadOfStored_ThrowsConcurrencyException()
    {
        var factory = Factory(NewTenant());
        var v1 = await factory.OpenAsync(Store);
        var imagined = v1 with { Version = 4 };

        await AssertConflictAsync(factory.AddComment(imagined), expectedVersion: 4, actualVersion: 1);

        AssertSameTicket(v1, await Store.GetAsync(factory.Tenant, v1.Id));
        Assert.Single(await Store.ReadHistoryAsync(factory.Tenant, v1.Id));
    }

    /// <summary>An append to a ticket that does not exist (expected version above 0) reports actual version 0 and creates nothing.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Append_ToMissingTicket_ThrowsConcurrencyExceptionWithActualZero()
    {
        var factory = Factory(NewTenant());
        var neverStored = factory.CreateTicket(factory.NextNumber());

        await AssertConflictAsync(factory.ChangeStatus(neverStored, TicketStatus.InProgress), expectedVersion: 1, actualVersion: 0);

        Assert.Null(await Store.GetAsync(factory.Tenant, neverStored.Id));
        Assert.Null(await Store.GetByNumberAsync(factory.Tenant, neverStored.Number));
        Assert.Empty(await Store.ReadHistoryAsync(factory.Tenant, neverStored.Id));
    }

    /// <summary>A new ticket whose id the tenant already has is a conflict reporting the existing version; the existing
    /// ticket is untouched.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Append_NewTicketWithExistingId_ThrowsConcurrencyExceptionAndKeepsOriginal()
    {
        var factory = Factory(NewTenant());
        var v1 = await AppendAsync(factory.Open());
        var v2 = await AppendAsync(factory.ChangeStatus(v1, TicketStatus.InProgress));
        var duplicate = factory.Open(TicketKind.Problem, t => t with { Id = v1.Id });

        await AssertConflictAsync(duplicate, expectedVersion: 0, actualVersion: 2);

        AssertSameTicket(v2, await Store.GetAsync(factory.Tenant, v1.Id));
        Assert.Null(await Store.GetByNumberAsync(factory.Tenant, duplicate.Ticket.Number));
        Assert.Equal(2, (await Store.ReadHistoryAsync(factory.Tenant, v1.Id)).Count);
    }

    /// <summary>A new ticket whose number the tenant already has is a conflict reporting the existing ticket's version;
    /// neither ticket changes.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Append_NewTicketWithExistingNumber_ThrowsConcurrencyExceptionAndKeepsOriginal()
    {
        var factory = Factory(NewTenant());
        var v1 = await AppendAsync(factory.Open());
        var v2 = await AppendAsync(factory.ChangeStatus(v1, TicketStatus.InProgress));
        var duplicate = factory.OpenWithNumber(v1.Number);

        await AssertConflictAsync(duplicate, expectedVersion: 0, actualVersion: 2);

        AssertSameTicket(v2, await Store.GetByNumberAsync(factory.Tenant, v1.Number));
        Assert.Null(await Store.GetAsync(factory.Tenant, duplicate.Ticket.Id));
        Assert.Empty(await Store.ReadHistoryAsync(factory.Tenant, duplicate.Ticket.Id));
        Assert.Single((await Store.QueryAsync(new TicketQuery(factory.Tenant))).Items);
    }

    /// <summary>Writers racing on the same version: exactly one wins, every other one gets a
    /// <see cref="ConcurrencyException"/> naming the winner's version, and the history holds only the winner's event.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Append_ConcurrentWritersOnSameVersion_ExactlyOneWins()
    {
        var factory = Factory(NewTenant());
        var v1 = await factory.OpenAsync(Store);
        var appends = Enumerable.Range(0, Concurrency).Select(i => factory.AddComment(v1, $"writer {i}")).ToList();
        var winners = new ConcurrentBag<TicketAppend>();
        var conflicts = new ConcurrentBag<ConcurrencyException>();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var tasks = appends.Select(a => Task.Run(async () =>
        {
            await start.Task;
            try
            {
                await Store.AppendAsync(a);
                winners.Add(a);
            }
            catch (ConcurrencyException ex)
            {
                conflicts.Add(ex);
            }
        })).ToList();
        start.SetResult();
        await Task.WhenAll(tasks);

        var winner = Assert.Single(winners);
        Assert.Equal(Concurrency - 1, conflicts.Count);
        Assert.All(conflicts, ex => Assert.Equal((1L, 2L), (ex.ExpectedVersion, ex.ActualVersion)));
        AssertSameTicket(winner.Ticket, await Store.GetAsync(factory.Tenant, v1.Id));
        var history = await Store.ReadHistoryAsync(factory.Tenant, v1.Id);
        Assert.Equal(2, history.Count);
        Assert.Equal(winner.Events[0], history[1]);
    }

    /// <summary>Racing creators of the same ticket id: exactly one creates it.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Append_ConcurrentCreatorsOfSameId_ExactlyOneWins()
    {
        var factory = Factory(NewTenant());
        var id = TicketId.New();
        var appends = Enumerable.Range(0, Concurrency).Select(_ => factory.Open(configure: t => t with { Id = id })).ToList();
        var results = await Task.WhenAll(appends.Select(a => Task.Run(async () =>
        {
            try
            {
                await Store.AppendAsync(a);
                return true;
            }
            catch (ConcurrencyException ex) when (ex.ExpectedVersion == 0 && ex.ActualVersion == 1)
            {
                return false;
            }
        })));

        Assert.Single(results, won => won);
        Assert.Single(await Store.ReadHistoryAsync(factory.Tenant, id));
        Assert.Single((await Store.QueryAsync(new TicketQuery(factory.Tenant))).Items);
    }

    /// <summary>A rejected append of many events stores none of them: atomic failure.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Append_RejectedAppendOfManyEvents_StoresNoneOfThem()
    {
        var factory = Factory(NewTenant());
        var v1 = await factory.OpenAsync(Store);
        var v2 = await AppendAsync(factory.AddComment(v1));

        await AssertConflictAsync(factory.AddComments(v1, 50), expectedVersion: 1, actualVersion: 2);

        Assert.Equal(2, (await Store.ReadHistoryAsync(factory.Tenant, v1.Id)).Count);
        AssertSameTicket(v2, await Store.GetAsync(factory.Tenant, v1.Id));
    }

    /// <summary>Readers racing a writer of multi-event appends see whole appends only: the history length and the snapshot
    /// version always sit on an append boundary, and the history never has a gap.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Append_ConcurrentReaders_SeeEachAppendAllOrNothing()
    {
        const int Batch = 10;
        const int Appends = 30;
        var factory = Factory(NewTenant());
        var current = await factory.OpenAsync(Store);
        var failures = new ConcurrentQueue<string>();
        using var done = new CancellationTokenSource();

        async Task ReadUntilDoneAsync()
        {
            while (!done.IsCancellationRequested)
            {
                var history = await Store.ReadHistoryAsync(factory.Tenant, current.Id);
                if (history.Count % Batch != 1)
                {
                    failures.Enqueue($"history of {history.Count} events is not 1 + k x {Batch}");
                }

                for (var i = 0; i < history.Count; i++)
                {
                    if (history[i].Version != i + 1)
                    {
                        failures.Enqueue($"history[{i}] has version {history[i].Version}");
                    }
                }

                var snapshot = await Store.GetAsync(factory.Tenant, current.Id);
                if (snapshot is null || snapshot.Version % Batch != 1 || snapshot.Version < history.Count)
                {
                    failures.Enqueue($"snapshot at version {snapshot?.Version} after a history of {history.Count}");
                }

                // Let the writer run too, however few cores the machine has.
                await Task.Yield();
            }
        }

        var readers = Enumerable.Range(0, Math.Max(1, Concurrency / 2)).Select(_ => Task.Run(ReadUntilDoneAsync)).ToList();
        try
        {
            for (var i = 0; i < Appends; i++)
            {
                current = (await Store.AppendAsync(factory.AddComments(current, Batch))).Ticket;
            }
        }
        finally
        {
            await done.CancelAsync();
            await Task.WhenAll(readers);
        }

        Assert.Empty(failures);
        Assert.Equal(1 + (Batch * Appends), (await Store.ReadHistoryAsync(factory.Tenant, current.Id)).Count);
    }

    /// <summary>An append whose token is already cancelled throws and stores nothing: no ticket, no number, no event,
    /// and its idempotency key stays unused.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Append_CancelledToken_ThrowsAndStoresNothing()
    {
        var factory = Factory(NewTenant());
        var existing = await AppendAsync(factory.Open());
        var open = factory.Open(idempotencyKey: "cancelled-open");
        var change = factory.ChangeStatus(existing, TicketStatus.Resolved, idempotencyKey: "cancelled-change");
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.AppendAsync(open, cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.AppendAsync(change, cts.Token));

        Assert.Null(await Store.GetAsync(factory.Tenant, open.Ticket.Id));
        Assert.Null(await Store.GetByNumberAsync(factory.Tenant, open.Ticket.Number));
        Assert.Empty(await Store.ReadHistoryAsync(factory.Tenant, open.Ticket.Id));
        AssertSameTicket(existing, await Store.GetAsync(factory.Tenant, existing.Id));
        Assert.Single(await Store.ReadHistoryAsync(factory.Tenant, existing.Id));
        Assert.False((await Store.AppendAsync(open)).IsReplay);
        Assert.False((await Store.AppendAsync(change)).IsReplay);
    }

    /// <summary>Reads whose token is already cancelled throw <see cref="OperationCanceledException"/>.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Reads_CancelledToken_ThrowOperationCanceledException()
    {
        var factory = Factory(NewTenant());
        var ticket = await factory.OpenAsync(Store);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.GetAsync(factory.Tenant, ticket.Id, cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.GetByNumberAsync(factory.Tenant, ticket.Number, cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.QueryAsync(new TicketQuery(factory.Tenant), cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.ReadHistoryAsync(factory.Tenant, ticket.Id, cts.Token));
    }

    /// <summary>Default ids and null arguments are programming errors, reported as argument exceptions.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Members_DefaultIdsOrNullArguments_ThrowArgumentExceptions()
    {
        var factory = Factory(NewTenant());
        var ticket = await factory.OpenAsync(Store);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.GetAsync(default, ticket.Id));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.GetAsync(factory.Tenant, default));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.GetByNumberAsync(default, ticket.Number));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.GetByNumberAsync(factory.Tenant, default));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.ReadHistoryAsync(default, ticket.Id));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.ReadHistoryAsync(factory.Tenant, default));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.AppendAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.QueryAsync(null!));
        AssertSameTicket(ticket, await Store.GetAsync(factory.Tenant, ticket.Id));
    }

    /// <summary>Events of every type survive storage with every field, in order.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task ReadHistory_EveryEventType_RoundTripsEveryField()
    {
        var factory = Factory(NewTenant());
        var open = factory.Open();
        var v1 = await AppendAsync(open);
        var tenant = factory.Tenant;
        var id = v1.Id;
        var at = Clock.GetCurrentInstant();
        var agent = new AgentId("agent-7");
        TicketEvent[] events =
        [
            new StatusChanged(tenant, id, 2, at, Actor.OfAgent(agent), TicketStatus.New, TicketStatus.OnHold, "AwaitingCaller"),
            new Assigned(tenant, id, 3, at, Actor.System, new GroupId("desk"), agent, null, null),
            new Assigned(tenant, id, 4, at, Actor.System, new GroupId("tier-2"), null, new GroupId("desk"), agent),
            new PriorityChanged(tenant, id, 5, at, Actor.OfIntegration("monitoring"), Priority.P3Moderate, Priority.P1Critical, Impact.High, Urgency.High, "Outage"),
            new CommentAdded(tenant, id, 6, at, Actor.OfRequester("caller@example.com"), CommentVisibility.Public, "Any news?\nThanks"),
            new TimeLogged(tenant, id, 7, at, Actor.OfAgent(agent), agent, at - Duration.FromMinutes(90), Duration.FromMinutes(75), true, "remote"),
            new TicketLinked(tenant, id, 8, at, Actor.OfAgent(agent), TicketId.New(), TicketLinkType.CausedBy),
            new Escalated(tenant, id, 9, at, Actor.System, 2, EscalationKind.Hierarchical, "duty-manager"),
            new SlaThresholdReached(tenant, id, 10, at, Actor.System, "resolution", 1, "75%", at - Duration.FromSeconds(30)),
            new SatisfactionRated(tenant, id, 11, at, Actor.OfRequester("caller@example.com"), 4, "Quick fix"),
            new CommentAdded(tenant, id, 12, at, Actor.OfAgent(agent), CommentVisibility.Internal, "Closing note"),
            new AttributeChanged(tenant, id, 13, at, Actor.OfAgent(agent), "known_error", AttributeValue.FromBoolean(true)),
            new AttributeChanged(tenant, id, 14, at, Actor.OfAgent(agent), "workaround", AttributeValue.FromString("Restart the spooler")),
            new AttributeChanged(tenant, id, 15, at, Actor.OfAgent(agent), "workaround", null),
        ];
        var update = factory.Update(v1, events, t => t with { Priority = Priority.P1Critical, Impact = Impact.High, Urgency = Urgency.High, Attributes = t.Attributes.With("known_error", AttributeValue.FromBoolean(true)) });

        await AppendAsync(update);

        Assert.Equal(open.Events.Concat(events), await Store.ReadHistoryAsync(tenant, id));
    }

    /// <summary>The history lists every event of every append, ordered by version from 1, across many appends.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task ReadHistory_AfterManyAppends_ReturnsEveryEventInVersionOrder()
    {
        var factory = Factory(NewTenant());
        var open = factory.Open();
        var current = await AppendAsync(open);
        var expected = new List<TicketEvent>(open.Events);
        for (var i = 0; i < 20; i++)
        {
            var append = (i % 3) switch
            {
                0 => factory.AddComments(current, 1 + (i % 4)),
                1 => factory.ChangeStatus(current, i % 2 == 0 ? TicketStatus.OnHold : TicketStatus.InProgress, "Step"),
                _ => factory.Assign(current, new GroupId("group-" + i)),
            };
            current = await AppendAsync(append);
            expected.AddRange(append.Events);
        }

        var history = await Store.ReadHistoryAsync(factory.Tenant, current.Id);

        Assert.Equal(expected, history);
        Assert.Equal(Enumerable.Range(1, expected.Count).Select(v => (long)v), history.Select(e => e.Version));
        Assert.Equal(current.Version, history.Count);
    }

    /// <summary>A ticket that was never stored has an empty history.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task ReadHistory_UnknownTicket_ReturnsEmpty()
    {
        var factory = Factory(NewTenant());
        await factory.OpenAsync(Store);

        Assert.Empty(await Store.ReadHistoryAsync(factory.Tenant, TicketId.New()));
    }

    /// <summary>A history read earlier is a copy: later appends do not extend it, and changing it does not change the store.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task ReadHistory_ReturnedList_IsNotAViewOfTheStore()
    {
        var factory = Factory(NewTenant());
        var v1 = await factory.OpenAsync(Store);
        var v2 = await AppendAsync(factory.AddComment(v1));
        var before = await Store.ReadHistoryAsync(factory.Tenant, v1.Id);
        var copy = before.ToList();

        await AppendAsync(factory.AddComment(v2));
        Assert.Equal(copy, before);

        TryToMutate(before, Comment(v2, "forged", version: 1));
        var after = await Store.ReadHistoryAsync(factory.Tenant, v1.Id);
        Assert.Equal(3, after.Count);
        Assert.Equal(copy, after.Take(2));
    }

    /// <summary>Changing the event list of an append after storing it does not change the stored history.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Append_EventsChangedAfterwards_DoNotChangeTheStore()
    {
        var factory = Factory(NewTenant());
        var v1 = await factory.OpenAsync(Store);
        var append = factory.AddComments(v1, 3);
        var expected = append.Events.ToList();
        await AppendAsync(append);

        TryToMutate(append.Events, Comment(v1, "forged", version: 2));

        Assert.Equal(expected, (await Store.ReadHistoryAsync(factory.Tenant, v1.Id)).Skip(1));
    }

    /// <summary>A snapshot read earlier keeps its values after later appends: snapshots are values, not views.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Get_ReturnedSnapshot_DoesNotChangeWithLaterAppends()
    {
        var factory = Factory(NewTenant());
        var v1 = await factory.OpenAsync(Store);
        var read = await Store.GetAsync(factory.Tenant, v1.Id);

        await AppendAsync(factory.ChangeStatus(v1, TicketStatus.Resolved));

        Assert.NotNull(read);
        Assert.Equal(1, read.Version);
        Assert.Equal(TicketStatus.New, read.Status);
        Assert.Equal(TicketStatus.Resolved, (await Store.GetAsync(factory.Tenant, v1.Id))?.Status);
    }
}
