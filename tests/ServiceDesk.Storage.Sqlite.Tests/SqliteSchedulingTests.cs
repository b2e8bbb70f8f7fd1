using Microsoft.Data.Sqlite;
using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Serialization;
using ServiceDesk.Storage.Sqlite;
using ServiceDesk.Testing;

namespace ServiceDesk.Storage.Sqlite.Tests;

/// <summary>The SQLite specifics of <see cref="ITimerStore"/>, <see cref="IOutboxStore"/> and <see cref="ITimeEntryStore"/>:
/// the migration of existing files, the index plans, atomicity and claims racing across store instances.</summary>
public sealed class SqliteSchedulingTests : IDisposable
{
    private static readonly Instant T0 = TestClock.DefaultStart;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "servicedesk-sqlite-" + Guid.NewGuid().ToString("N"));

    private string DbPath => Path.Combine(_folder, "desk.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task OpenAsync_Version1FileWithData_MigratesToLatest_BackfillsTimeEntries_NoScheduleNoOutbox()
    {
        Directory.CreateDirectory(_folder);
        var tenant = new TenantId("legacy");
        var factory = new TicketFactory(tenant, new TestClock());
        var opened = factory.Open();
        var logged = factory.Update(opened.Ticket, [TimeEntry(factory, opened.Ticket, T0.PlusMinutes(30), 45)]);
        var commented = factory.AddComment(logged.Ticket);
        await using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            await connection.OpenAsync();
            SqliteMigrations.Apply(connection, 1);
            Assert.Equal(1, SqliteMigrations.CurrentVersion(connection));
            WriteVersion1(connection, commented.Ticket, [.. opened.Events, .. logged.Events, .. commented.Events]);
        }

        await using var store = await SqliteTicketStore.OpenAsync(DbPath);
        await using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            await connection.OpenAsync();
            Assert.Equal(SqliteTicketStore.SchemaVersion, SqliteMigrations.CurrentVersion(connection));
        }

        var ticket = (await store.GetAsync(tenant, opened.Ticket.Id))!;
        Assert.Equal(3, ticket.Version);
        Assert.Null(await store.GetScheduleAsync(tenant, ticket.Id));
        Assert.Empty((await store.QueryScheduleAsync(new ScheduleQuery(tenant))).Items);
        Assert.Empty(await store.ReadOutboxAsync(100));
        var entry = Assert.Single(await store.ReadTimeEntriesAsync(tenant, T0, T0.PlusHours(1)));
        Assert.Equal(2, entry.Version);
        Assert.Equal(T0.PlusMinutes(30), entry.Started);

        // New appends to a migrated ticket are scheduled and queued in the outbox as usual.
        var schedule = new TicketSchedule(T0.PlusHours(2), "breach resolution", T0.PlusHours(4), queued: true);
        await store.AppendAsync(Scheduled(factory.AddComment(ticket), schedule));
        Assert.Equal(schedule, await store.GetScheduleAsync(tenant, ticket.Id));
        Assert.Equal(T0.PlusHours(2), await store.GetNextTimerDueAsync());
        Assert.Equal([4L], (await store.ReadOutboxAsync(100)).Select(m => m.Event.Version));
        Assert.Equal("ok", await store.CheckIntegrityAsync());
    }

    [Fact]
    public async Task ClaimAndQueueAndTimeEntryQueries_UseTheirIndexes_WithoutSorting()
    {
        await using var store = await SqliteTicketStore.OpenAsync(DbPath);
        await using var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        await connection.OpenAsync();

        var claim = await PlanAsync(connection, SqliteTicketStore.ClaimSql, c =>
        {
            c.Parameters.AddWithValue("$s", 1L);
            c.Parameters.AddWithValue("$ns", 0L);
            c.Parameters.AddWithValue("$limit", 10);
        });
        Assert.Contains("SEARCH tickets USING INDEX ix_tickets_timers", claim, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", claim, StringComparison.Ordinal);

        var query = new ScheduleQuery(new TenantId("plan"))
        {
            AssignmentGroup = new GroupId("desk"),
            DeadlineAtOrBefore = T0,
            ContinuationToken = new ScheduleCursor(T0, T0, TicketId.New()).ToToken(),
        };
        foreach (var q in new[] { new ScheduleQuery(new TenantId("plan")), query })
        {
            var plan = await PlanAsync(connection, null, c => c.CommandText = SqliteTicketStore.QueueSql(q, c.Parameters));
            Assert.Contains("SEARCH tickets USING INDEX ix_tickets_queue (tenant=?", plan, StringComparison.Ordinal);
            Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
        }

        var entries = await PlanAsync(connection, SqliteTicketStore.TimeEntriesSql, c =>
        {
            foreach (var name in new[] { "$fs", "$fns", "$ts", "$tns" })
            {
                c.Parameters.AddWithValue(name, 0L);
            }

            c.Parameters.AddWithValue("$tenant", "plan");
        });
        Assert.Contains("SEARCH ticket_events USING INDEX ix_ticket_events_time (tenant=?", entries, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", entries, StringComparison.Ordinal);

        var next = await PlanAsync(connection, SqliteTicketStore.NextTimerDueSql, _ => { });
        Assert.Contains("USING INDEX ix_tickets_timers_unleased", next, StringComparison.Ordinal);
        Assert.Contains("USING INDEX ix_tickets_leases", next, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", next, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppendAsync_WritesOutboxWithEvents_ReplaysAndConflictsWriteNothing()
    {
        await using var store = await SqliteTicketStore.OpenAsync(DbPath);
        var tenant = new TenantId("outbox");
        var factory = new TicketFactory(tenant, new TestClock());
        var schedule = new TicketSchedule(T0.PlusHours(1), "first response", T0.PlusHours(1), queued: true);
        var opened = (await store.AppendAsync(Scheduled(factory.Open(), schedule))).Ticket;
        var three = factory.AddComments(opened, 3, idempotencyKey: "three");
        await store.AppendAsync(Scheduled(three, TicketSchedule.None));

        Assert.True((await store.AppendAsync(Scheduled(three, schedule))).IsReplay);
        await Assert.ThrowsAsync<ConcurrencyException>(() => store.AppendAsync(Scheduled(factory.AddComment(opened), schedule)));

        var messages = await store.ReadOutboxAsync(100, tenant);
        Assert.Equal([1L, 2, 3, 4], messages.Select(m => m.Event.Version));
        Assert.True(messages.Select(m => m.Position).SequenceEqual(messages.Select(m => m.Position).Order()));
        Assert.Equal(TicketSchedule.None, await store.GetScheduleAsync(tenant, opened.Id));
        Assert.Equal(await store.ReadHistoryAsync(tenant, opened.Id), messages.Select(m => m.Event));

        // Acknowledged rows are deleted; positions are never reused, even for the highest one.
        Assert.Equal(4, await store.AcknowledgeOutboxAsync([.. messages.Select(m => m.Position), messages[^1].Position, 999_999]));
        Assert.Empty(await store.ReadOutboxAsync(100));
        var next = (await store.AppendAsync(factory.AddComment((await store.GetAsync(tenant, opened.Id))!))).Ticket;
        var after = Assert.Single(await store.ReadOutboxAsync(100));
        Assert.Equal(next.Version, after.Event.Version);
        Assert.True(after.Position > messages[^1].Position);
        Assert.Empty(await store.ReadOutboxAsync(100, new TenantId("other")));
    }

    [Fact]
    public async Task AppendAsync_FailingMidTransaction_LeavesNoOutboxRowsOrSchedule()
    {
        await using var store = await SqliteTicketStore.OpenAsync(DbPath);
        var tenant = new TenantId("atomic");
        var factory = new TicketFactory(tenant, new TestClock());
        var opened = (await store.AppendAsync(factory.Open())).Ticket;
        await store.AcknowledgeOutboxAsync([.. (await store.ReadOutboxAsync(10)).Select(m => m.Position)]);

        // A trigger makes the third event's insert fail after the first two events and their outbox rows were written.
        await using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            await connection.OpenAsync();
            using var trigger = connection.CreateCommand();
            trigger.CommandText = "CREATE TRIGGER fail_v4 BEFORE INSERT ON ticket_events WHEN NEW.version = 4 BEGIN SELECT RAISE(ABORT, 'injected'); END;";
            await trigger.ExecuteNonQueryAsync();
        }

        var schedule = new TicketSchedule(T0, "due", T0, queued: true);
        var ex = await Assert.ThrowsAsync<StorageException>(() => store.AppendAsync(Scheduled(factory.AddComments(opened, 3), schedule)));
        Assert.False(ex.IsTransient);
        Assert.Contains("injected", Assert.IsType<SqliteException>(ex.InnerException).Message, StringComparison.Ordinal);
        Assert.Empty(await store.ReadOutboxAsync(100));
        Assert.Null(await store.GetScheduleAsync(tenant, opened.Id));
        Assert.Equal(1, (await store.GetAsync(tenant, opened.Id))!.Version);
        Assert.Empty(await store.ClaimDueTimersAsync(T0.PlusDays(1), 10, Duration.FromMinutes(1)));
    }

    [Fact]
    public async Task Leases_AppendEndsLease_CompleteAndReleaseCheckToken_ExpiredLeaseIsClaimableAgain()
    {
        await using var store = await SqliteTicketStore.OpenAsync(DbPath);
        var tenant = new TenantId("lease");
        var factory = new TicketFactory(tenant, new TestClock());
        var due = new TicketSchedule(T0, "escalate L2", T0.PlusHours(1), queued: true);
        var ticket = (await store.AppendAsync(Scheduled(factory.Open(), due))).Ticket;
        var lease = Duration.FromMinutes(5);

        Assert.Empty(await store.ClaimDueTimersAsync(T0.Minus(Duration.FromNanoseconds(1)), 10, lease));
        var first = Assert.Single(await store.ClaimDueTimersAsync(T0, 10, lease));
        Assert.Equal((tenant, ticket.Id, T0, "escalate L2", T0 + lease), (first.Tenant, first.Ticket, first.DueAt, first.Purpose, first.ExpiresAt));
        Assert.Empty(await store.ClaimDueTimersAsync(T0.PlusMinutes(4), 10, lease));

        // The lease expires exactly at ExpiresAt; the new claim invalidates the old token.
        var second = Assert.Single(await store.ClaimDueTimersAsync(T0 + lease, 10, lease));
        Assert.NotEqual(first.Token, second.Token);
        Assert.False(await store.ReleaseTimerAsync(first));
        Assert.False(await store.CompleteTimerAsync(first, TicketSchedule.None));
        Assert.True(await store.ReleaseTimerAsync(second));
        Assert.False(await store.ReleaseTimerAsync(second));

        // An append with a schedule ends the lease; one without leaves it running.
        var third = Assert.Single(await store.ClaimDueTimersAsync(T0.PlusMinutes(6), 10, lease));
        ticket = (await store.AppendAsync(factory.AddComment(ticket))).Ticket;
        Assert.Empty(await store.ClaimDueTimersAsync(T0.PlusMinutes(7), 10, lease));
        ticket = (await store.AppendAsync(Scheduled(factory.AddComment(ticket), due))).Ticket;
        Assert.False(await store.CompleteTimerAsync(third, TicketSchedule.None));
        var fourth = Assert.Single(await store.ClaimDueTimersAsync(T0.PlusMinutes(7), 10, lease));

        // An expired lease nobody else claimed still completes.
        var later = new TicketSchedule(T0.PlusHours(3), "escalate L3", null, queued: true);
        Assert.True(await store.CompleteTimerAsync(fourth, later));
        Assert.Equal(later, await store.GetScheduleAsync(tenant, ticket.Id));
        Assert.Empty(await store.ClaimDueTimersAsync(T0.PlusHours(3).Minus(Duration.FromNanoseconds(1)), 10, lease));
        Assert.Single(await store.ClaimDueTimersAsync(T0.PlusHours(3), 10, lease));
    }

    [Fact]
    public async Task ClaimDueTimersAsync_TwoStoresOnOneFile_RacingClaimers_EachTimerClaimedOnce()
    {
        await using var a = await SqliteTicketStore.OpenAsync(DbPath);
        await using var b = await SqliteTicketStore.OpenAsync(DbPath);
        var tenants = new[] { new TenantId("race-a"), new TenantId("race-b") };
        var expected = new List<(Instant, string, TicketId)>();
        for (var i = 0; i < 60; i++)
        {
            var tenant = tenants[i % 2];
            var factory = new TicketFactory(tenant, new TestClock());
            var number = await a.AllocateNumberAsync(tenant, TicketKind.Incident);
            var dueAt = T0.PlusSeconds(i % 7); // many ties on the instant, broken by tenant and ticket
            var ticket = (await a.AppendAsync(Scheduled(factory.OpenWithNumber(number), new TicketSchedule(dueAt, $"t{i}", null, true)))).Ticket;
            expected.Add((dueAt, tenant.Value, ticket.Id));
        }

        await a.AppendAsync(Scheduled(
            new TicketFactory(tenants[0], new TestClock()).OpenWithNumber(await a.AllocateNumberAsync(tenants[0], TicketKind.Problem)),
            new TicketSchedule(T0.PlusDays(1), "not due", null, true)));

        var claimed = new System.Collections.Concurrent.ConcurrentBag<TimerLease>();
        var batches = new System.Collections.Concurrent.ConcurrentBag<IReadOnlyList<TimerLease>>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            var store = i % 2 == 0 ? a : b;
            while (true)
            {
                var leases = await store.ClaimDueTimersAsync(T0.PlusMinutes(1), 4, Duration.FromMinutes(10));
                if (leases.Count == 0)
                {
                    return;
                }

                batches.Add(leases);
                foreach (var lease in leases)
                {
                    claimed.Add(lease);
                }
            }
        })));

        Assert.Equal(60, claimed.Count);
        Assert.Equal(60, claimed.Select(l => l.Ticket).Distinct().Count());
        var order = expected.OrderBy(e => e.Item1).ThenBy(e => e.Item2, StringComparer.Ordinal).ThenBy(e => e.Item3.Value).Select(e => e.Item3).ToList();
        foreach (var batch in batches)
        {
            // Within a claim, leases come in (due, tenant, ticket) order.
            var positions = batch.Select(l => order.IndexOf(l.Ticket)).ToList();
            Assert.Equal(positions.Order(), positions);
        }
    }

    [Fact]
    public async Task QueryScheduleAsync_PagesInQueueOrder_MatchesScheduleQuerySemantics()
    {
        await using var store = await SqliteTicketStore.OpenAsync(DbPath);
        var tenant = new TenantId("queue");
        var random = new Random(7);
        var all = new List<ScheduledTicket>();
        for (var i = 0; i < 80; i++)
        {
            // Few distinct opening instants and deadlines, so ties exercise the id order.
            var factory = new TicketFactory(tenant, new TestClock(T0.PlusSeconds(random.Next(4))));
            Instant? deadline = random.Next(4) == 0 ? null : T0.PlusHours(random.Next(5)).PlusNanoseconds(random.Next(2));
            var schedule = new TicketSchedule(null, null, deadline, queued: random.Next(5) != 0);
            var group = new GroupId(random.Next(2) == 0 ? "desk" : "network");
            var number = await store.AllocateNumberAsync(tenant, TicketKind.Incident);
            var ticket = (await store.AppendAsync(Scheduled(factory.OpenWithNumber(number, t => t with { AssignmentGroup = group }), schedule))).Ticket;
            all.Add(new ScheduledTicket(ticket, schedule));
        }

        await store.AppendAsync(Scheduled(new TicketFactory(new TenantId("queue-other"), new TestClock(T0)).Open(), new TicketSchedule(null, null, T0, true)));

        foreach (var query in new[]
        {
            new ScheduleQuery(tenant) { PageSize = 7 },
            new ScheduleQuery(tenant) { PageSize = 5, AssignmentGroup = new GroupId("desk") },
            new ScheduleQuery(tenant) { PageSize = 3, DeadlineAtOrBefore = T0.PlusHours(2) },
            new ScheduleQuery(tenant) { PageSize = 1000 },
        })
        {
            var expected = all.Where(s => query.Matches(s.Ticket, s.Schedule))
                .OrderBy(s => ScheduleCursor.At(s.Ticket, s.Schedule)).Select(s => s.Ticket.Id).ToList();
            var actual = new List<TicketId>();
            var page = await store.QueryScheduleAsync(query);
            while (true)
            {
                Assert.True(page.Items.Count <= query.PageSize);
                actual.AddRange(page.Items.Select(i => i.Ticket.Id));
                Assert.All(page.Items, i => Assert.Equal(all.Single(s => s.Ticket.Id == i.Ticket.Id).Schedule, i.Schedule));
                if (page.ContinuationToken is null)
                {
                    break;
                }

                page = await store.QueryScheduleAsync(query with { ContinuationToken = page.ContinuationToken });
            }

            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public async Task ReadTimeEntriesAsync_HalfOpenRange_OrderedByStartTicketVersion_TenantScoped()
    {
        await using var store = await SqliteTicketStore.OpenAsync(DbPath);
        var tenant = new TenantId("billing");
        var factory = new TicketFactory(tenant, new TestClock());
        var x = (await store.AppendAsync(factory.Open())).Ticket;
        var y = (await store.AppendAsync(factory.Open())).Ticket;
        var starts = new[] { T0.PlusHours(3), T0.PlusHours(1), T0.PlusHours(2), T0.PlusHours(1) };
        foreach (var (ticket, start) in new[] { (x, starts[0]), (y, starts[1]), (x, starts[2]), (x, starts[3]) })
        {
            var current = (await store.GetAsync(tenant, ticket.Id))!;
            await store.AppendAsync(factory.Update(current, [TimeEntry(factory, current, start, 15)]));
        }

        var other = new TicketFactory(new TenantId("billing-other"), new TestClock());
        var foreign = (await store.AppendAsync(other.Open())).Ticket;
        await store.AppendAsync(other.Update(foreign, [TimeEntry(other, foreign, T0.PlusHours(1), 10)]));

        var entries = await store.ReadTimeEntriesAsync(tenant, T0.PlusHours(1), T0.PlusHours(3));
        var ids = new[] { x.Id, y.Id }.OrderBy(i => i.Value).ToArray();
        Assert.Equal(
            [(T0.PlusHours(1), ids[0]), (T0.PlusHours(1), ids[1]), (T0.PlusHours(2), x.Id)],
            entries.Select(e => (e.Started, e.Ticket)));
        Assert.Empty(await store.ReadTimeEntriesAsync(tenant, T0.PlusHours(1), T0.PlusHours(1)));
        Assert.Single(await store.ReadTimeEntriesAsync(tenant, T0.PlusHours(3), T0.PlusHours(4)));
    }

    [Fact]
    public async Task NewMembers_ValidateArguments_AndHonourCancellationBeforeChanges()
    {
        await using var store = await SqliteTicketStore.OpenAsync(DbPath);
        var tenant = new TenantId("args");
        var factory = new TicketFactory(tenant, new TestClock());
        var ticket = (await store.AppendAsync(Scheduled(factory.Open(), new TicketSchedule(T0, "due", null, true)))).Ticket;
        var minute = Duration.FromMinutes(1);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ClaimDueTimersAsync(T0, 0, minute));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ClaimDueTimersAsync(T0, 1001, minute));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ClaimDueTimersAsync(T0, 1, Duration.Zero));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ClaimDueTimersAsync(T0, 1, Duration.FromDays(1) + Duration.Epsilon));
        await Assert.ThrowsAsync<ArgumentNullException>(() => store.CompleteTimerAsync(null!, TicketSchedule.None));
        var lease = new TimerLease(tenant, ticket.Id, T0, "due", Guid.NewGuid(), T0);
        await Assert.ThrowsAsync<ArgumentNullException>(() => store.CompleteTimerAsync(lease, null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => store.ReleaseTimerAsync(null!));
        await Assert.ThrowsAsync<ArgumentException>(() => store.GetScheduleAsync(default, ticket.Id));
        await Assert.ThrowsAsync<ArgumentException>(() => store.GetScheduleAsync(tenant, default));
        await Assert.ThrowsAsync<ArgumentNullException>(() => store.QueryScheduleAsync(null!));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ReadOutboxAsync(0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ReadOutboxAsync(1001));
        await Assert.ThrowsAsync<ArgumentException>(() => store.ReadOutboxAsync(1, default(TenantId)));
        await Assert.ThrowsAsync<ArgumentNullException>(() => store.AcknowledgeOutboxAsync(null!));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.AcknowledgeOutboxAsync(new long[1001]));
        await Assert.ThrowsAsync<ArgumentException>(() => store.ReadTimeEntriesAsync(default, T0, T0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ReadTimeEntriesAsync(tenant, T0, T0.Minus(Duration.Epsilon)));

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.ClaimDueTimersAsync(T0, 10, minute, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.AcknowledgeOutboxAsync([1L], cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.CompleteTimerAsync(lease, TicketSchedule.None, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.ReleaseTimerAsync(lease, cancelled.Token));
        Assert.Single(await store.ReadOutboxAsync(10));
        Assert.Single(await store.ClaimDueTimersAsync(T0, 10, minute));
    }

    private static TicketAppend Scheduled(TicketAppend append, TicketSchedule schedule)
        => new(append.Ticket, append.Events, append.ExpectedVersion, append.IdempotencyKey) { Schedule = schedule };

    private static TimeLogged TimeEntry(TicketFactory factory, Ticket current, Instant started, int minutes)
        => new(factory.Tenant, current.Id, current.Version + 1, factory.Clock.GetCurrentInstant(), factory.Actor,
            new AgentId("agent-1"), started, Duration.FromMinutes(minutes), Billable: true);

    private static void WriteVersion1(SqliteConnection connection, Ticket ticket, IReadOnlyList<TicketEvent> events)
    {
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO tickets (tenant, id, number, kind, status, priority, customer, assignment_group, assignee, opened_s, opened_ns, version, snapshot)
            VALUES ($tenant, $id, $number, $kind, $status, $priority, $customer, NULL, NULL, $opened_s, $opened_ns, $version, $snapshot);
            """;
        var (seconds, nanos) = SqliteMigrations.Split(ticket.OpenedAt);
        insert.Parameters.AddWithValue("$tenant", ticket.Tenant.Value);
        insert.Parameters.AddWithValue("$id", ticket.Id.ToString());
        insert.Parameters.AddWithValue("$number", ticket.Number.ToString());
        insert.Parameters.AddWithValue("$kind", ticket.Kind.ToString());
        insert.Parameters.AddWithValue("$status", ticket.Status.Name);
        insert.Parameters.AddWithValue("$priority", (int)ticket.Priority);
        insert.Parameters.AddWithValue("$customer", ticket.Requester.Customer.Value);
        insert.Parameters.AddWithValue("$opened_s", seconds);
        insert.Parameters.AddWithValue("$opened_ns", nanos);
        insert.Parameters.AddWithValue("$version", ticket.Version);
        insert.Parameters.AddWithValue("$snapshot", ServiceDeskJson.Serialize(ticket));
        insert.ExecuteNonQuery();
        foreach (var e in events)
        {
            using var evt = connection.CreateCommand();
            evt.Transaction = transaction;
            evt.CommandText = "INSERT INTO ticket_events (tenant, ticket, version, type, payload) VALUES ($tenant, $ticket, $version, $type, $payload);";
            evt.Parameters.AddWithValue("$tenant", e.Tenant.Value);
            evt.Parameters.AddWithValue("$ticket", e.Ticket.ToString());
            evt.Parameters.AddWithValue("$version", e.Version);
            evt.Parameters.AddWithValue("$type", e.GetType().Name);
            evt.Parameters.AddWithValue("$payload", ServiceDeskJson.Serialize(e));
            evt.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    private static async Task<string> PlanAsync(SqliteConnection connection, string? sql, Action<SqliteCommand> bind)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql ?? string.Empty;
        bind(command);
        command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        var lines = new List<string>();
        using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(3));
        }

        return string.Join("\n", lines);
    }
}

/// <summary>Readable instant arithmetic for the tests.</summary>
internal static class InstantArithmetic
{
    public static Instant PlusSeconds(this Instant instant, long seconds) => instant + Duration.FromSeconds(seconds);

    public static Instant PlusMinutes(this Instant instant, long minutes) => instant + Duration.FromMinutes(minutes);

    public static Instant PlusHours(this Instant instant, long hours) => instant + Duration.FromHours(hours);

    public static Instant PlusDays(this Instant instant, int days) => instant + Duration.FromDays(days);
}
