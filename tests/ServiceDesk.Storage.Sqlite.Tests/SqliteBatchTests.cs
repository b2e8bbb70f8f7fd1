using System.Diagnostics;
using Microsoft.Data.Sqlite;
using NodaTime;
using ServiceDesk.Serialization;
using ServiceDesk.Storage.Sqlite;
using ServiceDesk.Testing;
using Xunit.Abstractions;

namespace ServiceDesk.Storage.Sqlite.Tests;

/// <summary>Runs the throughput test alone, so that the other test classes of this assembly do not share its cores.</summary>
[CollectionDefinition(nameof(SqliteThroughput), DisableParallelization = true)]
public sealed class SqliteThroughput
{
}

/// <summary>The SQLite specifics of schema version 4 and <see cref="ITicketBatchStore"/>: the migration of a version-2 file,
/// the plan of <see cref="SqliteTicketStore.GetManyAsync"/>, a batch blocked by another writer, and batch throughput.</summary>
[Collection(nameof(SqliteThroughput))]
public sealed class SqliteBatchTests(ITestOutputHelper output) : IDisposable
{
    private const int SqliteBusy = 5;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "servicedesk-sqlite-batch-" + Guid.NewGuid().ToString("N"));

    private string DbPath => Path.Combine(_folder, "desk.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>An import shaped like an engine replay (open with derived state, keyed assignment, several comments, a
    /// status change per ticket; batches of 500 appends with their number advance) stores every event, schedule-free
    /// append and number. Its speed is measured by the replay sample and the benchmarks, not here (machines are shared).</summary>
    [Fact]
    public async Task AppendBatchAsync_ReplayShapedImport_StoresEveryEventAndNumber()
    {
        const int Tickets = 1_000;
        const int BatchSize = 500;
        await using var store = await SqliteTicketStore.OpenAsync(DbPath);
        var tenant = new TenantId("import");
        var (events, elapsed) = await ImportAsync(store, tenant, Tickets, BatchSize);
        output.WriteLine($"{events:N0} events of {Tickets:N0} tickets in batches of {BatchSize}: {elapsed.TotalMilliseconds:N0} ms (informational)");
        Assert.Equal(Tickets, await store.GetLastNumberAsync(tenant, TicketKind.Incident));
        var last = await store.GetByNumberAsync(tenant, new TicketNumber(TicketKind.Incident, Tickets));
        Assert.NotNull(last);
        var stored = await store.GetStoredAsync(tenant, last.Id);
        Assert.Null(stored!.DerivedState); // the last append (the status change) carried none, so it cleared the comments' state
        Assert.Equal(events / Tickets, (await store.ReadHistoryAsync(tenant, last.Id)).Count);
        Assert.Equal(TicketStatus.InProgress, last.Status);
    }

    /// <summary>A version-2 file with tickets, schedules and outbox rows upgrades to version 4: its tickets read with no
    /// derived state and keep everything else; appends then store derived state as usual.</summary>
    [Fact]
    public async Task OpenAsync_Version2FileWithData_MigratesToLatest_ExistingTicketsWithoutDerivedState()
    {
        Directory.CreateDirectory(_folder);
        var tenant = new TenantId("legacy-v2");
        var factory = new TicketFactory(tenant, new TestClock());
        var opened = factory.Open();
        var commented = factory.AddComment(opened.Ticket);
        await using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            await connection.OpenAsync();
            SqliteMigrations.Apply(connection, 2);
            Assert.Equal(2, SqliteMigrations.CurrentVersion(connection));
            WriteVersion2(connection, commented.Ticket, [.. opened.Events, .. commented.Events], queuedWithDeadline: TestClock.DefaultStart + Duration.FromHours(4));
        }

        await using var store = await SqliteTicketStore.OpenAsync(DbPath);

        await using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            await connection.OpenAsync();
            Assert.Equal(SqliteMigrations.Latest, SqliteMigrations.CurrentVersion(connection));
            using var columns = connection.CreateCommand();
            columns.CommandText = "SELECT type FROM pragma_table_info('tickets') WHERE name = 'derived';";
            Assert.Equal("TEXT", await columns.ExecuteScalarAsync());

            // Step 6 rebuilt tickets and their events as rowid tables with every index of before.
            using var tables = connection.CreateCommand();
            tables.CommandText = "SELECT sql FROM sqlite_master WHERE type = 'table' AND name IN ('tickets', 'ticket_events');";
            var definitions = new List<string>();
            using (var reader = await tables.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    definitions.Add(reader.GetString(0));
                }
            }

            Assert.Equal(2, definitions.Count);
            Assert.All(definitions, sql => Assert.DoesNotContain("WITHOUT ROWID", sql, StringComparison.OrdinalIgnoreCase));
            using var indexes = connection.CreateCommand();
            indexes.CommandText = "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'ix_%' ORDER BY name);";
            Assert.Equal(
                "ix_billing_billed_contract,ix_billing_billed_invoice,ix_billing_entries_agent,ix_billing_entries_contract,ix_billing_entries_start,ix_billing_works_contract,ix_billing_works_ticket,ix_outbox_deliveries_state,ix_outbox_tenant,ix_ticket_events_time,ix_tickets_leases,ix_tickets_number,ix_tickets_open_work,ix_tickets_order,ix_tickets_queue,ix_tickets_timers,ix_tickets_timers_unleased",
                await indexes.ExecuteScalarAsync());
        }

        Assert.Equal(10, SqliteTicketStore.SchemaVersion);
        var stored = await store.GetStoredAsync(tenant, opened.Ticket.Id);
        Assert.NotNull(stored);
        Assert.Equal(ServiceDeskJson.Serialize(commented.Ticket), ServiceDeskJson.Serialize(stored.Ticket));
        Assert.Null(stored.DerivedState);
        Assert.Equal(2, (await store.ReadHistoryAsync(tenant, opened.Ticket.Id)).Count);
        Assert.Equal(new TicketSchedule(null, null, TestClock.DefaultStart + Duration.FromHours(4), queued: true), await store.GetScheduleAsync(tenant, opened.Ticket.Id));
        Assert.Equal([1L, 2], (await store.ReadOutboxAsync(10, tenant)).Select(m => m.Event.Version));
        Assert.Equal([opened.Ticket.Id], (await store.GetManyAsync(tenant, [TicketId.New(), opened.Ticket.Id])).Select(t => t.Id));

        var next = factory.ChangeStatus(commented.Ticket, TicketStatus.InProgress);
        await store.AppendAsync(new TicketAppend(next.Ticket, next.Events, next.ExpectedVersion) { DerivedState = "{\"after\":\"upgrade\"}" });
        Assert.Equal("{\"after\":\"upgrade\"}", (await store.GetStoredAsync(tenant, opened.Ticket.Id))?.DerivedState);
        Assert.Equal("ok", await store.CheckIntegrityAsync());
    }

    /// <summary>GetMany is one query of primary-key lookups, one per id of the JSON array, never a scan of the tenant.</summary>
    [Fact]
    public async Task GetManyAsync_Query_SearchesThePrimaryKeyPerId()
    {
        await using var store = await SqliteTicketStore.OpenAsync(DbPath);
        await using var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        await connection.OpenAsync();
        using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + SqliteTicketStore.GetManySql;
        explain.Parameters.AddWithValue("$tenant", "plan");
        explain.Parameters.AddWithValue("$ids", "[\"a\",\"b\"]");
        var plan = new List<string>();
        using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(3));
            }
        }

        output.WriteLine(string.Join(Environment.NewLine, plan));
        Assert.Contains(plan, line => line.StartsWith("SEARCH tickets USING INDEX sqlite_autoindex_tickets_1 (tenant=? AND id=?)", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.StartsWith("SCAN tickets", StringComparison.Ordinal));
    }

    /// <summary>A batch that cannot get the write lock in time fails as a transient <see cref="StorageException"/> naming the
    /// file and the batch, stores nothing and moves no number; the same batch succeeds once the lock is gone.</summary>
    [Fact]
    public async Task AppendBatchAsync_AnotherConnectionHoldsExclusiveLock_ThrowsTransientStorageExceptionAndStoresNothing()
    {
        await using var store = await SqliteTicketStore.OpenAsync(new SqliteTicketStoreOptions { DataSource = DbPath, BusyTimeout = Duration.FromSeconds(1) });
        var tenant = new TenantId("locked-batch");
        var factory = new TicketFactory(tenant, new TestClock());
        var first = factory.OpenWithNumber(new TicketNumber(TicketKind.Incident, 1), idempotencyKey: "batch-open");
        var batch = new TicketBatch([first, factory.AddComment(first.Ticket)], [new NumberAdvance(TicketKind.Incident, 0, 1)]);

        StorageException ex;
        await using (var holder = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            await holder.OpenAsync();
            using var begin = holder.CreateCommand();
            begin.CommandText = "BEGIN EXCLUSIVE;";
            await begin.ExecuteNonQueryAsync();

            ex = await Assert.ThrowsAsync<StorageException>(() => store.AppendBatchAsync(batch));

            begin.CommandText = "ROLLBACK;";
            await begin.ExecuteNonQueryAsync();
        }

        Assert.True(ex.IsTransient);
        Assert.Equal(SqliteBusy, Assert.IsType<SqliteException>(ex.InnerException).SqliteErrorCode);
        Assert.Contains(store.DataSource, ex.Message, StringComparison.Ordinal);
        Assert.Contains("could not append a batch of 2 appends", ex.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetAsync(tenant, first.Ticket.Id));
        Assert.Null(await store.FindAppliedAsync(tenant, "batch-open"));
        Assert.Equal(0, await store.GetLastNumberAsync(tenant, TicketKind.Incident));

        Assert.Equal(2, (await store.AppendBatchAsync(batch)).Count);
        Assert.Equal(2, (await store.GetAsync(tenant, first.Ticket.Id))?.Version);
        Assert.Equal(1, await store.GetLastNumberAsync(tenant, TicketKind.Incident));
    }

    private static async Task<(int Events, TimeSpan Elapsed)> ImportAsync(SqliteTicketStore store, TenantId tenant, int tickets, int batchSize)
    {
        var factory = new TicketFactory(tenant, new TestClock(TestClock.DefaultStart, Duration.FromMilliseconds(10)));
        var appends = new List<TicketAppend>();
        for (var i = 0; i < tickets; i++)
        {
            var open = factory.OpenWithNumber(new TicketNumber(TicketKind.Incident, i + 1));
            var assign = factory.Assign(open.Ticket, new GroupId("desk"), idempotencyKey: "assign-" + i);
            var comments = factory.AddComments(assign.Ticket, 3);
            var start = factory.ChangeStatus(comments.Ticket, TicketStatus.InProgress);
            appends.AddRange([
                new TicketAppend(open.Ticket, open.Events, 0) { DerivedState = "{\"v\":1,\"clocks\":[{\"name\":\"response\",\"running\":true}]}" },
                assign,
                new TicketAppend(comments.Ticket, comments.Events, comments.ExpectedVersion) { DerivedState = "{\"v\":5,\"clocks\":[]}" },
                start]);
        }

        var watch = Stopwatch.StartNew();
        long last = 0;
        for (var i = 0; i < appends.Count; i += batchSize)
        {
            var chunk = appends.GetRange(i, Math.Min(batchSize, appends.Count - i));
            var opened = chunk.Count(a => a.ExpectedVersion == 0);
            await store.AppendBatchAsync(new TicketBatch(chunk, opened == 0 ? null : [new NumberAdvance(TicketKind.Incident, last, last + opened)]));
            last += opened;
        }

        return (appends.Sum(a => a.Events.Count), watch.Elapsed);
    }

    /// <summary>Writes a ticket, its events, a schedule and its outbox rows as version 2 of this library did.</summary>
    private static void WriteVersion2(SqliteConnection connection, Ticket ticket, IReadOnlyList<ServiceDesk.Events.TicketEvent> events, Instant queuedWithDeadline)
    {
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO tickets (tenant, id, number, kind, status, priority, customer, assignment_group, assignee, opened_s, opened_ns, version, snapshot,
                                 queued, deadline_s, deadline_ns)
            VALUES ($tenant, $id, $number, $kind, $status, $priority, $customer, NULL, NULL, $opened_s, $opened_ns, $version, $snapshot, 1, $ds, $dns);
            """;
        var (seconds, nanos) = SqliteMigrations.Split(ticket.OpenedAt);
        var (ds, dns) = SqliteMigrations.Split(queuedWithDeadline);
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
        insert.Parameters.AddWithValue("$ds", ds);
        insert.Parameters.AddWithValue("$dns", dns);
        insert.ExecuteNonQuery();
        foreach (var e in events)
        {
            using var evt = connection.CreateCommand();
            evt.Transaction = transaction;
            evt.CommandText = """
                INSERT INTO ticket_events (tenant, ticket, version, type, payload) VALUES ($tenant, $ticket, $version, $type, $payload);
                INSERT INTO outbox (tenant, ticket, version) VALUES ($tenant, $ticket, $version);
                """;
            evt.Parameters.AddWithValue("$tenant", e.Tenant.Value);
            evt.Parameters.AddWithValue("$ticket", e.Ticket.ToString());
            evt.Parameters.AddWithValue("$version", e.Version);
            evt.Parameters.AddWithValue("$type", e.GetType().Name);
            evt.Parameters.AddWithValue("$payload", ServiceDeskJson.Serialize(e));
            evt.ExecuteNonQuery();
        }

        transaction.Commit();
    }
}
