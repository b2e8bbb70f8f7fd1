using System.Diagnostics;
using Npgsql;
using ServiceDesk.Testing;

namespace ServiceDesk.Storage.PostgreSql.Tests;

/// <summary>Failures of the database itself (a terminated backend, an error the server raises, a broken migration)
/// surface as <see cref="StorageException"/>, never as an Npgsql exception, and never leave a half-written ticket.</summary>
public sealed class PostgreSqlStorageErrorTests
{
    [PostgresFact]
    public async Task AppendAsync_BackendTerminatedMidTransaction_ThrowsTransientStorageExceptionAndStoresNothing()
    {
        await using var schema = new ScratchSchema("kill");
        await using var store = await schema.OpenAsync();
        var tenant = new TenantId("kill");
        var factory = new TicketFactory(tenant, new TestClock());
        var number = await store.AllocateNumberAsync(tenant, TicketKind.Incident);
        var append = factory.OpenWithNumber(number, idempotencyKey: "open-1");

        StorageException ex;
        await using (var blocker = await schema.ConnectAsync())
        {
            // The append inserts the ticket row and its event, then waits for this lock to insert its outbox row.
            await using var transaction = await blocker.BeginTransactionAsync();
            await using (var lockOutbox = new NpgsqlCommand($"LOCK TABLE {schema.Quoted}.outbox IN EXCLUSIVE MODE;", blocker, transaction))
            {
                await lockOutbox.ExecuteNonQueryAsync();
            }

            var appending = store.AppendAsync(append);
            var pid = await WaitForLockWaiterAsync(blocker, transaction, $"{schema.Quoted}.outbox");
            Assert.True(
                await HoldsLockAsync(blocker, transaction, pid, $"{schema.Quoted}.tickets", "RowExclusiveLock"),
                "the append should have written the ticket row before it was terminated");

            await using (var terminate = new NpgsqlCommand("SELECT pg_terminate_backend(@pid);", blocker, transaction))
            {
                terminate.Parameters.AddWithValue("pid", pid);
                Assert.True((bool)(await terminate.ExecuteScalarAsync())!);
            }

            ex = await Assert.ThrowsAsync<StorageException>(() => appending);
            await transaction.RollbackAsync();
        }

        Assert.True(ex.IsTransient);
        Assert.IsAssignableFrom<NpgsqlException>(ex.InnerException);
        Assert.Contains("could not append to a ticket", ex.Message, StringComparison.Ordinal);

        Assert.Null(await store.GetAsync(tenant, append.Ticket.Id));
        Assert.Null(await store.GetByNumberAsync(tenant, number));
        Assert.Empty(await store.ReadHistoryAsync(tenant, append.Ticket.Id));
        Assert.Null(await store.FindAppliedAsync(tenant, "open-1"));
        Assert.Empty(await store.ReadOutboxAsync(10, tenant));
        Assert.Null(await store.GetScheduleAsync(tenant, append.Ticket.Id));

        // Transient indeed: the pool dropped the dead connection, and the same append now succeeds once.
        Assert.False((await store.AppendAsync(append)).IsReplay);
        Assert.True((await store.AppendAsync(append)).IsReplay);
        Assert.Single(await store.ReadHistoryAsync(tenant, append.Ticket.Id));
    }

    [PostgresFact]
    public async Task AppendBatchAsync_BackendTerminatedMidBatch_ThrowsTransientStorageExceptionAndStoresNothing()
    {
        await using var schema = new ScratchSchema("killbatch");
        await using var store = await schema.OpenAsync();
        var tenant = new TenantId("kill-batch");
        var factory = new TicketFactory(tenant, new TestClock());
        var openA = factory.OpenWithNumber(new TicketNumber(TicketKind.Incident, 1), idempotencyKey: "batch-open-a");
        var openB = factory.OpenWithNumber(new TicketNumber(TicketKind.Incident, 2));
        var batch = new TicketBatch([openA, factory.AddComment(openA.Ticket), openB], [new NumberAdvance(TicketKind.Incident, 0, 2)]);

        StorageException ex;
        await using (var blocker = await schema.ConnectAsync())
        {
            // The batch advances the numbers and inserts the first ticket row, then waits for this lock to insert its outbox rows.
            await using var transaction = await blocker.BeginTransactionAsync();
            await using (var lockOutbox = new NpgsqlCommand($"LOCK TABLE {schema.Quoted}.outbox IN EXCLUSIVE MODE;", blocker, transaction))
            {
                await lockOutbox.ExecuteNonQueryAsync();
            }

            var appending = store.AppendBatchAsync(batch);
            var pid = await WaitForLockWaiterAsync(blocker, transaction, $"{schema.Quoted}.outbox");
            Assert.True(await HoldsLockAsync(blocker, transaction, pid, $"{schema.Quoted}.tickets", "RowExclusiveLock"));
            Assert.True(await HoldsLockAsync(blocker, transaction, pid, $"{schema.Quoted}.ticket_numbers", "RowExclusiveLock"));

            await using (var terminate = new NpgsqlCommand("SELECT pg_terminate_backend(@pid);", blocker, transaction))
            {
                terminate.Parameters.AddWithValue("pid", pid);
                Assert.True((bool)(await terminate.ExecuteScalarAsync())!);
            }

            ex = await Assert.ThrowsAsync<StorageException>(() => appending);
            await transaction.RollbackAsync();
        }

        Assert.True(ex.IsTransient);
        Assert.IsAssignableFrom<NpgsqlException>(ex.InnerException);
        Assert.Contains("could not append a batch of 3 appends", ex.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetAsync(tenant, openA.Ticket.Id));
        Assert.Null(await store.GetAsync(tenant, openB.Ticket.Id));
        Assert.Null(await store.FindAppliedAsync(tenant, "batch-open-a"));
        Assert.Equal(0, await store.GetLastNumberAsync(tenant, TicketKind.Incident));
        Assert.Empty(await store.ReadOutboxAsync(10, tenant));

        // Transient indeed: the same batch now succeeds once, and its keyed opening is then a replay.
        Assert.All(await store.AppendBatchAsync(batch), r => Assert.False(r.IsReplay));
        Assert.Equal(2, await store.GetLastNumberAsync(tenant, TicketKind.Incident));
        Assert.True((await store.AppendAsync(openA)).IsReplay);
        Assert.Equal(2, (await store.ReadHistoryAsync(tenant, openA.Ticket.Id)).Count);
    }

    [PostgresFact]
    public async Task Members_ServerRejectsTheStatement_ThrowNonTransientStorageException()
    {
        await using var schema = new ScratchSchema("gone");
        await using var store = await schema.OpenAsync();
        var tenant = new TenantId("gone");
        var factory = new TicketFactory(tenant, new TestClock());
        var opened = (await store.AppendAsync(factory.OpenWithNumber(await store.AllocateNumberAsync(tenant, TicketKind.Incident)))).Ticket;

        await schema.ExecuteAsync(
            $"ALTER TABLE {schema.Quoted}.tickets RENAME TO tickets_gone; ALTER TABLE {schema.Quoted}.ticket_events RENAME TO events_gone; "
            + $"ALTER TABLE {schema.Quoted}.ticket_numbers RENAME TO numbers_gone; ALTER TABLE {schema.Quoted}.idempotency_keys RENAME TO keys_gone;");

        var get = await Assert.ThrowsAsync<StorageException>(() => store.GetAsync(tenant, opened.Id));
        Assert.False(get.IsTransient);
        Assert.Equal(PostgresErrorCodes.UndefinedTable, Assert.IsType<PostgresException>(get.InnerException).SqlState);
        Assert.Contains("could not read a ticket", get.Message, StringComparison.Ordinal);

        var failures = new List<StorageException>
        {
            await Assert.ThrowsAsync<StorageException>(() => store.GetByNumberAsync(tenant, opened.Number)),
            await Assert.ThrowsAsync<StorageException>(() => store.AllocateNumberAsync(tenant, TicketKind.Incident)),
            await Assert.ThrowsAsync<StorageException>(() => store.AppendAsync(factory.AddComment(opened, "lost"))),
            await Assert.ThrowsAsync<StorageException>(() => store.FindAppliedAsync(tenant, "k")),
            await Assert.ThrowsAsync<StorageException>(() => store.QueryAsync(new TicketQuery(tenant))),
            await Assert.ThrowsAsync<StorageException>(() => store.ReadHistoryAsync(tenant, opened.Id)),
            await Assert.ThrowsAsync<StorageException>(() => store.GetStoredAsync(tenant, opened.Id)),
            await Assert.ThrowsAsync<StorageException>(() => store.GetManyAsync(tenant, [opened.Id])),
            await Assert.ThrowsAsync<StorageException>(() => store.GetLastNumberAsync(tenant, TicketKind.Incident)),
            await Assert.ThrowsAsync<StorageException>(() => store.AppendBatchAsync(new TicketBatch([factory.AddComment(opened, "lost")]))),
            await Assert.ThrowsAsync<StorageException>(
                () => store.AppendBatchAsync(new TicketBatch([factory.Open()], [new NumberAdvance(TicketKind.Problem, 0, 1)]))),
        };
        Assert.All(failures, f => Assert.False(f.IsTransient));
        Assert.All(failures, f => Assert.IsType<PostgresException>(f.InnerException));
    }

    [PostgresFact]
    public async Task OpenAsync_MigrationRejectedByServer_ThrowsNonTransientStorageException()
    {
        await using var schema = new ScratchSchema("badmig");
        await schema.ExecuteAsync($"CREATE SCHEMA {schema.Quoted}; CREATE TABLE {schema.Quoted}.schema_migrations (id integer, description text NOT NULL);");

        var ex = await Assert.ThrowsAsync<StorageException>(() => schema.OpenAsync());

        Assert.False(ex.IsTransient);
        Assert.Equal(PostgresErrorCodes.UndefinedColumn, Assert.IsType<PostgresException>(ex.InnerException).SqlState);
        Assert.Contains("could not migrate the schema", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_ClosedPort_ThrowsTransientStorageExceptionWithSocketFailure()
    {
        var ex = await Assert.ThrowsAsync<StorageException>(
            () => PostgreSqlTicketStore.OpenAsync("Host=127.0.0.1;Port=1;Username=x;Database=x;Timeout=3"));

        Assert.True(ex.IsTransient);
        var npgsql = Assert.IsAssignableFrom<NpgsqlException>(ex.InnerException);
        Assert.True(npgsql.IsTransient);
        Assert.IsNotType<PostgresException>(npgsql);
    }

    private static async Task<int> WaitForLockWaiterAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string relation)
    {
        await using var find = new NpgsqlCommand("SELECT pid FROM pg_locks WHERE NOT granted AND relation = to_regclass(@relation) LIMIT 1;", connection, transaction);
        find.Parameters.AddWithValue("relation", relation);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (await find.ExecuteScalarAsync() is int pid)
            {
                return pid;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"No backend waited for a lock on {relation} within 30 seconds.");
    }

    private static async Task<bool> HoldsLockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int pid, string relation, string mode)
    {
        await using var held = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = @pid AND granted AND relation = to_regclass(@relation) AND mode = @mode);",
            connection,
            transaction);
        held.Parameters.AddWithValue("pid", pid);
        held.Parameters.AddWithValue("relation", relation);
        held.Parameters.AddWithValue("mode", mode);
        return (bool)(await held.ExecuteScalarAsync())!;
    }
}
