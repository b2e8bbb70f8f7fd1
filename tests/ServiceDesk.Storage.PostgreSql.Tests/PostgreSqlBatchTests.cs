using System.Diagnostics;
using System.Globalization;
using NodaTime;
using ServiceDesk.Serialization;
using ServiceDesk.Testing;
using Xunit.Abstractions;

namespace ServiceDesk.Storage.PostgreSql.Tests;

/// <summary>What the conformance suite cannot see of schema version 3 and <see cref="ITicketBatchStore"/>: the migration of
/// a version-2 schema, and a batch of the largest size.</summary>
public sealed class PostgreSqlBatchTests(ITestOutputHelper output)
{
    [PostgresFact]
    public async Task OpenAsync_Version2WithData_MigratesToLatest_ExistingTicketsWithoutDerivedState()
    {
        await using var schema = new ScratchSchema("mig2");
        var tenant = new TenantId("mig2-" + Guid.NewGuid().ToString("N")[..8]);
        var factory = new TicketFactory(tenant, new TestClock());
        var opened = factory.OpenWithNumber(new TicketNumber(TicketKind.Incident, 1));
        var ticket = opened.Ticket;

        // A schema as version 2 of this library left it, with one ticket and its event.
        await schema.ExecuteAsync(
            $"CREATE SCHEMA {schema.Quoted}; CREATE TABLE {schema.Quoted}.schema_migrations (version integer PRIMARY KEY, description text NOT NULL); "
            + string.Format(CultureInfo.InvariantCulture, PostgreSqlMigrations.Steps[0], schema.Quoted)
            + string.Format(CultureInfo.InvariantCulture, PostgreSqlMigrations.Steps[1], schema.Quoted)
            + $" INSERT INTO {schema.Quoted}.schema_migrations VALUES (1, 'migration 1'), (2, 'migration 2');");
        await schema.ExecuteAsync(
            $"INSERT INTO {schema.Quoted}.tickets (tenant, id, number, kind, status, priority, customer, opened_s, opened_ns, version, snapshot) "
            + "VALUES (@tenant, @id, @number, @kind, @status, @priority, @customer, @opened_s, 0, 1, @snapshot);",
            ("tenant", tenant.Value),
            ("id", ticket.Id.Value),
            ("number", ticket.Number.ToString()),
            ("kind", ticket.Kind.ToString()),
            ("status", ticket.Status.Name),
            ("priority", (short)ticket.Priority),
            ("customer", ticket.Requester.Customer.Value),
            ("opened_s", ticket.OpenedAt.ToUnixTimeSeconds()),
            ("snapshot", new Jsonb(ServiceDeskJson.Serialize(ticket))));
        await schema.ExecuteAsync(
            $"INSERT INTO {schema.Quoted}.ticket_events (tenant, ticket, version, type, payload) VALUES (@tenant, @ticket, 1, 'TicketOpened', @payload);",
            ("tenant", tenant.Value),
            ("ticket", ticket.Id.Value),
            ("payload", new Jsonb(ServiceDeskJson.Serialize(opened.Events[0]))));

        await using var store = await schema.OpenAsync();

        Assert.Equal(9, PostgreSqlTicketStore.SchemaVersion);
        Assert.Equal(PostgreSqlTicketStore.SchemaVersion, await schema.ScalarAsync<int>($"SELECT max(version) FROM {schema.Quoted}.schema_migrations;"));
        Assert.Equal(
            "text",
            await schema.ScalarAsync<string>(
                "SELECT data_type FROM information_schema.columns WHERE table_schema = @schema AND table_name = 'tickets' AND column_name = 'derived';",
                ("schema", schema.Name)));
        var stored = await store.GetStoredAsync(tenant, ticket.Id);
        Assert.NotNull(stored);
        Assert.Equal(ServiceDeskJson.Serialize(ticket), ServiceDeskJson.Serialize(stored.Ticket));
        Assert.Null(stored.DerivedState);
        Assert.Equal([ticket.Id], (await store.GetManyAsync(tenant, [ticket.Id, TicketId.New()])).Select(t => t.Id));

        // The migrated ticket takes appends with derived state; the number sequence starts where the batch says.
        var next = factory.AddComment(ticket);
        await store.AppendBatchAsync(new TicketBatch(
            [new TicketAppend(next.Ticket, next.Events, next.ExpectedVersion) { DerivedState = "{\"after\":\"upgrade\"}" }, factory.OpenWithNumber(new TicketNumber(TicketKind.Incident, 2))],
            [new NumberAdvance(TicketKind.Incident, 0, 2)]));
        Assert.Equal("{\"after\":\"upgrade\"}", (await store.GetStoredAsync(tenant, ticket.Id))?.DerivedState);
        Assert.Equal(2, await store.GetLastNumberAsync(tenant, TicketKind.Incident));
    }

    /// <summary>A batch of the largest size (10,000 appends: 2,500 tickets opened and changed three times) is stored whole,
    /// in one transaction; the time it takes is written to the test output.</summary>
    [PostgresFact]
    public async Task AppendBatchAsync_LargestBatch_StoresEveryAppend()
    {
        await using var schema = new ScratchSchema("bigbatch");
        await using var store = await schema.OpenAsync();
        var tenant = new TenantId("big-batch");
        var factory = new TicketFactory(tenant, new TestClock(TestClock.DefaultStart, Duration.FromMilliseconds(10)));
        var appends = new List<TicketAppend>(TicketBatch.MaxAppends);
        for (var i = 0; appends.Count < TicketBatch.MaxAppends; i++)
        {
            var open = factory.OpenWithNumber(new TicketNumber(TicketKind.Incident, i + 1));
            var assign = factory.Assign(open.Ticket, new GroupId("desk"), idempotencyKey: "assign-" + i);
            var comments = factory.AddComments(assign.Ticket, 2);
            var start = factory.ChangeStatus(comments.Ticket, TicketStatus.InProgress);
            appends.AddRange([new TicketAppend(open.Ticket, open.Events, 0) { DerivedState = "{\"v\":1}" }, assign, comments, start]);
        }

        var tickets = appends.Count(a => a.ExpectedVersion == 0);
        var events = appends.Sum(a => a.Events.Count);
        var watch = Stopwatch.StartNew();

        var results = await store.AppendBatchAsync(new TicketBatch(appends, [new NumberAdvance(TicketKind.Incident, 0, tickets)]));

        watch.Stop();
        output.WriteLine($"{events:N0} events in {appends.Count:N0} appends: {watch.Elapsed.TotalMilliseconds:N0} ms, {events / watch.Elapsed.TotalSeconds:N0} events/s");
        Assert.Equal(appends.Count, results.Count);
        Assert.All(results, r => Assert.False(r.IsReplay));
        Assert.Equal(tickets, await store.GetLastNumberAsync(tenant, TicketKind.Incident));
        Assert.Equal(tickets, await schema.ScalarAsync<long>($"SELECT count(*) FROM {schema.Quoted}.tickets WHERE tenant = @tenant;", ("tenant", tenant.Value)));
        Assert.Equal(events, await schema.ScalarAsync<long>($"SELECT count(*) FROM {schema.Quoted}.outbox WHERE tenant = @tenant;", ("tenant", tenant.Value)));
        Assert.Equal(tickets, await schema.ScalarAsync<long>($"SELECT count(*) FROM {schema.Quoted}.idempotency_keys WHERE tenant = @tenant;", ("tenant", tenant.Value)));
        var last = appends[^1].Ticket;
        Assert.Equal(ServiceDeskJson.Serialize(last), ServiceDeskJson.Serialize((await store.GetByNumberAsync(tenant, last.Number))!));
        Assert.Equal(last.Version, (await store.ReadHistoryAsync(tenant, last.Id)).Count);
    }
}
