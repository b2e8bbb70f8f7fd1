using System.Collections.Concurrent;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Serialization;
using ServiceDesk.Testing;

namespace ServiceDesk.Storage.PostgreSql.Tests;

/// <summary>What the scheduling conformance suite cannot see: the migration from version 1, the claim's plan, and claims
/// from separate connection pools.</summary>
public sealed class PostgreSqlSchedulingTests
{
    private static readonly Instant Epoch = Instant.FromUtc(2025, 1, 6, 9, 0);

    [PostgresFact]
    public async Task OpenAsync_Version1WithData_MigratesAndBackfillsTimeEntries()
    {
        await using var schema = new ScratchSchema("mig1");
        var tenant = new TenantId("mig-" + Guid.NewGuid().ToString("N")[..8]);
        var factory = new TicketFactory(tenant, new TestClock());
        var opened = factory.OpenWithNumber(new TicketNumber(TicketKind.Incident, 1));
        var ticket = opened.Ticket;
        var started = Instant.FromUtc(2025, 1, 6, 8, 30).PlusNanoseconds(123_456_789);
        var events = new List<TicketEvent>(opened.Events)
        {
            new TimeLogged(tenant, ticket.Id, 2, Epoch, factory.Actor, new AgentId("alice"), started, Duration.FromMinutes(25), Billable: true, "triage"),
            new CommentAdded(tenant, ticket.Id, 3, Epoch, factory.Actor, CommentVisibility.Public, "looking"),
            new TimeLogged(tenant, ticket.Id, 4, Epoch, factory.Actor, new AgentId("bob"), Instant.FromUtc(2025, 1, 7, 10, 0), Duration.FromHours(1), Billable: false),
        };
        var snapshot = ticket with { Version = 4 };

        // A database as version 1 of this library left it: its tables, its rows, no schedule, outbox or time columns.
        await schema.ExecuteAsync(
            $"CREATE SCHEMA {schema.Quoted}; CREATE TABLE {schema.Quoted}.schema_migrations (version integer PRIMARY KEY, description text NOT NULL); "
            + string.Format(CultureInfo.InvariantCulture, PostgreSqlMigrations.Steps[0], schema.Quoted)
            + $" INSERT INTO {schema.Quoted}.schema_migrations VALUES (1, 'migration 1');");
        await schema.ExecuteAsync(
            $"INSERT INTO {schema.Quoted}.tickets (tenant, id, number, kind, status, priority, customer, opened_s, opened_ns, version, snapshot) "
            + "VALUES (@tenant, @id, @number, @kind, @status, @priority, @customer, @opened_s, 0, 4, @snapshot);",
            ("tenant", tenant.Value),
            ("id", ticket.Id.Value),
            ("number", ticket.Number.ToString()),
            ("kind", ticket.Kind.ToString()),
            ("status", ticket.Status.Name),
            ("priority", (short)ticket.Priority),
            ("customer", ticket.Requester.Customer.Value),
            ("opened_s", ticket.OpenedAt.ToUnixTimeSeconds()),
            ("snapshot", new Jsonb(ServiceDeskJson.Serialize(snapshot))));
        foreach (var e in events)
        {
            await schema.ExecuteAsync(
                $"INSERT INTO {schema.Quoted}.ticket_events (tenant, ticket, version, type, payload) VALUES (@tenant, @ticket, @version, @type, @payload);",
                ("tenant", tenant.Value),
                ("ticket", ticket.Id.Value),
                ("version", e.Version),
                ("type", e.GetType().Name),
                ("payload", new Jsonb(ServiceDeskJson.Serialize(e))));
        }

        await using var store = await schema.OpenAsync();

        Assert.Equal(PostgreSqlTicketStore.SchemaVersion, await schema.ScalarAsync<int>($"SELECT max(version) FROM {schema.Quoted}.schema_migrations;"));
        Assert.Equal(9, PostgreSqlTicketStore.SchemaVersion);
        Assert.Equal(ServiceDeskJson.Serialize(snapshot), ServiceDeskJson.Serialize((await store.GetAsync(tenant, ticket.Id))!));
        Assert.Equal(events.Select(ServiceDeskJson.Serialize), (await store.ReadHistoryAsync(tenant, ticket.Id)).Select(ServiceDeskJson.Serialize));
        var entries = await store.ReadTimeEntriesAsync(tenant, Instant.FromUtc(2025, 1, 1, 0, 0), Instant.FromUtc(2025, 2, 1, 0, 0));
        Assert.Equal([ServiceDeskJson.Serialize(events[1]), ServiceDeskJson.Serialize(events[3])], entries.Select(ServiceDeskJson.Serialize));
        Assert.Equal(started, entries[0].Started);
        Assert.Single(await store.ReadTimeEntriesAsync(tenant, started, started.PlusNanoseconds(1)));
        Assert.Empty(await store.ReadTimeEntriesAsync(tenant, started.PlusNanoseconds(1), Instant.FromUtc(2025, 1, 7, 10, 0)));
        Assert.Null(await store.GetScheduleAsync(tenant, ticket.Id));
        Assert.Empty(await store.ReadOutboxAsync(10, tenant));

        // The migrated ticket takes new appends with a schedule, whose timer can be claimed.
        var next = factory.AddComment(snapshot, "after the upgrade");
        await store.AppendAsync(new TicketAppend(next.Ticket, next.Events, next.ExpectedVersion) { Schedule = new TicketSchedule(Epoch, "first response", Epoch, queued: true) });
        Assert.Equal(Epoch, await store.GetNextTimerDueAsync());
        var lease = Assert.Single(await store.ClaimDueTimersAsync(Epoch, 10, Duration.FromMinutes(1)));
        Assert.Equal((tenant, ticket.Id, "first response"), (lease.Tenant, lease.Ticket, lease.Purpose));
        Assert.Equal(Epoch + Duration.FromMinutes(1), await store.GetNextTimerDueAsync());
        Assert.Equal(5, Assert.Single(await store.ReadOutboxAsync(10, tenant)).Event.Version);
    }

    [PostgresFact]
    public async Task ClaimDueTimers_Plan_UsesThePartialDueIndex()
    {
        await using var schema = new ScratchSchema("plan");
        await using var store = await schema.OpenAsync();
        await SeedTimersAsync(schema, tenants: 4, perTenant: 5_000, firstDue: Epoch);
        await schema.ExecuteAsync($"ANALYZE {schema.Quoted}.ticket_schedule;");

        await using var connection = await schema.ConnectAsync();
        await using var explain = new NpgsqlCommand("EXPLAIN " + PostgreSqlTicketStore.ClaimSql(schema.Quoted + ".ticket_schedule"), connection);
        explain.Parameters.AddWithValue("now_s", Epoch.ToUnixTimeSeconds() + 120);
        explain.Parameters.AddWithValue("now_ns", 0);
        explain.Parameters.AddWithValue("expires_s", Epoch.ToUnixTimeSeconds() + 600);
        explain.Parameters.AddWithValue("expires_ns", 0);
        explain.Parameters.AddWithValue("limit", 100);
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        var text = string.Join('\n', plan);
        Assert.Contains("ix_ticket_schedule_due", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan", text, StringComparison.Ordinal);
        Assert.Contains("LockRows", text, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task GetNextTimerDue_ManyTimersHalfLeased_ReadsBothPartialIndexesAndFindsTheEarliest()
    {
        await using var schema = new ScratchSchema("next");
        await using var store = await schema.OpenAsync();
        await SeedTimersAsync(schema, tenants: 4, perTenant: 5_000, firstDue: Epoch);

        // Lease the earlier half (due in the first 2,500 minutes of each tenant), expiring an hour after the last of them.
        var expiry = Epoch + Duration.FromMinutes(2_500 + 60);
        await schema.ExecuteAsync(
            $"UPDATE {schema.Quoted}.ticket_schedule SET lease_token = gen_random_uuid(), lease_expires_s = @expires, lease_expires_ns = 0 "
            + "WHERE timer_due_s <= @last;",
            ("expires", expiry.ToUnixTimeSeconds()),
            ("last", (Epoch + Duration.FromMinutes(2_500)).ToUnixTimeSeconds()));
        await schema.ExecuteAsync($"ANALYZE {schema.Quoted}.ticket_schedule;");

        // Unleased timers start at minute 2,501, before the leases expire (minute 2,560).
        Assert.Equal(Epoch + Duration.FromMinutes(2_501), await store.GetNextTimerDueAsync());
        await schema.ExecuteAsync(
            $"UPDATE {schema.Quoted}.ticket_schedule SET timer_due_s = NULL, timer_due_ns = NULL, timer_purpose = NULL WHERE lease_token IS NULL;");
        Assert.Equal(expiry, await store.GetNextTimerDueAsync());

        await using var connection = await schema.ConnectAsync();
        await using var explain = new NpgsqlCommand("EXPLAIN " + PostgreSqlTicketStore.NextTimerDueSql(schema.Quoted + ".ticket_schedule"), connection);
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        var text = string.Join('\n', plan);
        Assert.Contains("ix_ticket_schedule_unleased", text, StringComparison.Ordinal);
        Assert.Contains("ix_ticket_schedule_leases", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Sort", text, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task ClaimDueTimers_TwoStoresWithOwnPools_NeverClaimTheSameTimer()
    {
        await using var schema = new ScratchSchema("claim");
        await using var a = await schema.OpenAsync();
        await using var b = await schema.OpenAsync();
        const int Timers = 3_000;
        await SeedTimersAsync(schema, tenants: 3, perTenant: Timers / 3, firstDue: Epoch);
        var now = Epoch + Duration.FromDays(30); // every timer is due
        var claimed = new ConcurrentDictionary<(TenantId, TicketId), int>();
        var duplicates = 0;
        var claims = 0;

        await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(async () =>
        {
            var store = i % 2 == 0 ? a : b;
            while (true)
            {
                var leases = await store.ClaimDueTimersAsync(now, 37, Duration.FromMinutes(10));
                Interlocked.Increment(ref claims);
                if (leases.Count == 0)
                {
                    return;
                }

                Assert.Equal(leases.OrderBy(l => l.DueAt).ThenBy(l => l.Tenant.Value, StringComparer.Ordinal).ThenBy(l => l.Ticket.Value), leases);
                foreach (var lease in leases)
                {
                    if (!claimed.TryAdd((lease.Tenant, lease.Ticket), i))
                    {
                        Interlocked.Increment(ref duplicates);
                    }
                }
            }
        })));

        Assert.Equal(0, duplicates);
        Assert.Equal(Timers, claimed.Count);
        Assert.Empty(await a.ClaimDueTimersAsync(now, 100, Duration.FromMinutes(10)));

        // When the leases run out, everything is claimable again, once.
        var later = now + Duration.FromMinutes(10);
        var again = await a.ClaimDueTimersAsync(later, 1_000, Duration.FromMinutes(1));
        var rest = await b.ClaimDueTimersAsync(later, 1_000, Duration.FromMinutes(1));
        Assert.Empty(again.Select(l => l.Ticket).Intersect(rest.Select(l => l.Ticket)));
        Assert.Equal(2_000, again.Count + rest.Count);
    }

    [PostgresFact]
    public async Task Append_FailingAfterTheSchedule_LeavesScheduleOutboxAndEventsUnchanged()
    {
        await using var schema = new ScratchSchema("atomic");
        await using var store = await schema.OpenAsync();
        var tenant = new TenantId("atomic");
        var factory = new TicketFactory(tenant, new TestClock());
        var opened = factory.OpenWithNumber(await store.AllocateNumberAsync(tenant, TicketKind.Incident));
        var first = new TicketSchedule(Epoch, "first", Epoch, queued: true);
        await store.AppendAsync(new TicketAppend(opened.Ticket, opened.Events, 0) { Schedule = first });

        // A trigger makes the idempotency key insert (the last statement of the append) fail.
        await schema.ExecuteAsync(
            $"CREATE FUNCTION {schema.Quoted}.fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'boom'; END $$; "
            + $"CREATE TRIGGER fail BEFORE INSERT ON {schema.Quoted}.idempotency_keys FOR EACH ROW EXECUTE FUNCTION {schema.Quoted}.fail();");
        var comment = factory.AddComment(opened.Ticket, "never stored", idempotencyKey: "k1");
        var failing = new TicketAppend(comment.Ticket, comment.Events, 1, "k1") { Schedule = TicketSchedule.None };
        var ex = await Assert.ThrowsAsync<StorageException>(() => store.AppendAsync(failing));
        Assert.False(ex.IsTransient);
        Assert.Equal("boom", Assert.IsType<PostgresException>(ex.InnerException).MessageText);

        Assert.Equal(1, (await store.GetAsync(tenant, opened.Ticket.Id))!.Version);
        Assert.Single(await store.ReadHistoryAsync(tenant, opened.Ticket.Id));
        Assert.Equal(first, await store.GetScheduleAsync(tenant, opened.Ticket.Id));
        Assert.Single(await store.ReadOutboxAsync(10));
    }

    [PostgresFact]
    public async Task QueryScheduleAsync_UuidOrderWithinTies_MatchesGuidCompareTo()
    {
        await using var schema = new ScratchSchema("order");
        await using var store = await schema.OpenAsync();
        var tenant = new TenantId("order");
        var factory = new TicketFactory(tenant, new TestClock(Epoch));
        var deadline = Epoch + Duration.FromHours(4);
        var expected = new List<ScheduledTicket>();
        for (var i = 0; i < 40; i++)
        {
            // Same deadline (or none) and same opening instant: only the id orders them. Ids differ in their first bytes,
            // where Guid and uuid byte orders would disagree if either compared little-endian.
            var id = new TicketId(Guid.Parse($"{(uint)(i * 0x0707_0707):x8}-{i:x4}-4000-8000-{i:x12}"));
            var open = factory.OpenWithNumber(await store.AllocateNumberAsync(tenant, TicketKind.Incident), t => t with { Id = id });
            var schedule = new TicketSchedule(null, null, i % 3 == 0 ? null : deadline, queued: true);
            var opened = new TicketAppend(open.Ticket, open.Events, 0) { Schedule = schedule };
            await store.AppendAsync(opened);
            expected.Add(new ScheduledTicket(opened.Ticket, schedule));
        }

        var query = new ScheduleQuery(tenant);
        expected.Sort((x, y) => ScheduleCursor.At(x.Ticket, x.Schedule).CompareTo(ScheduleCursor.At(y.Ticket, y.Schedule)));
        var pages = new List<ScheduledTicket>();
        string? token = null;
        do
        {
            var page = await store.QueryScheduleAsync(query with { PageSize = 7, ContinuationToken = token });
            pages.AddRange(page.Items);
            token = page.ContinuationToken;
        }
        while (token is not null);

        Assert.Equal(expected.Select(s => s.Ticket.Id), pages.Select(s => s.Ticket.Id));
    }

    /// <summary>Inserts tickets and due timers directly (one minute apart, per tenant), far faster than appends.</summary>
    private static Task SeedTimersAsync(ScratchSchema schema, int tenants, int perTenant, Instant firstDue)
        => schema.ExecuteAsync(
            $"INSERT INTO {schema.Quoted}.tickets (tenant, id, number, kind, status, priority, customer, opened_s, opened_ns, version, snapshot) "
            + "SELECT 'seed-' || t, gen_random_uuid(), 'INC' || lpad(i::text, 7, '0'), 'Incident', 'New', 3, 'c', 0, 0, 1, '{}'::jsonb "
            + "FROM generate_series(1, @tenants) t, generate_series(1, @per) i; "
            + $"INSERT INTO {schema.Quoted}.ticket_schedule (tenant, ticket, timer_due_s, timer_due_ns, timer_purpose, queued, opened_s, opened_ns) "
            + $"SELECT tenant, id, @first + 60 * substr(number, 4)::bigint, 0, 'seeded', true, 0, 0 FROM {schema.Quoted}.tickets WHERE tenant LIKE 'seed-%';",
            ("tenants", tenants),
            ("per", perTenant),
            ("first", firstDue.ToUnixTimeSeconds()));
}

/// <summary>A jsonb parameter value.</summary>
internal sealed record Jsonb(string Json);

/// <summary>A schema of its own for one test (claims cover every tenant of a store, so they must not see other tests'
/// timers), dropped at the end.</summary>
internal sealed class ScratchSchema : IAsyncDisposable
{
    public ScratchSchema(string purpose) => Name = "sdtest_" + purpose + "_" + Guid.NewGuid().ToString("N")[..8];

    public string Name { get; }

    public string Quoted => "\"" + Name + "\"";

    public Task<PostgreSqlTicketStore> OpenAsync()
        => PostgreSqlTicketStore.OpenAsync(new PostgreSqlTicketStoreOptions { ConnectionString = PostgresServer.RequireConnectionString(), Schema = Name });

    public async Task<NpgsqlConnection> ConnectAsync()
    {
        var connection = new NpgsqlConnection(PostgresServer.RequireConnectionString());
        await connection.OpenAsync();
        return connection;
    }

    public async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await ConnectAsync();
        await using var command = Command(sql, connection, parameters);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await ConnectAsync();
        await using var command = Command(sql, connection, parameters);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        await ExecuteAsync($"DROP SCHEMA IF EXISTS {Quoted} CASCADE;");
    }

    private static NpgsqlCommand Command(string sql, NpgsqlConnection connection, (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            if (value is Jsonb json)
            {
                command.Parameters.AddWithValue(name, NpgsqlDbType.Jsonb, json.Json);
            }
            else
            {
                command.Parameters.AddWithValue(name, value);
            }
        }

        return command;
    }
}
