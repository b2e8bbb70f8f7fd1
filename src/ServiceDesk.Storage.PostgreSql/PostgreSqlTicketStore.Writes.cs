using Npgsql;
using NpgsqlTypes;
using ServiceDesk.Events;
using ServiceDesk.Serialization;

namespace ServiceDesk.Storage.PostgreSql;

/// <content>The one write path of appends: a transaction that advances numbers, reads and locks what the appends touch,
/// checks them with <see cref="PostgreSqlBatchPlan"/> and writes them in a fixed number of round trips.</content>
public sealed partial class PostgreSqlTicketStore
{
    /// <summary>Applies appends of one tenant (one, or a batch) and number advances in one transaction; see
    /// <see cref="AppendBatchAsync"/>.</summary>
    private async Task<IReadOnlyList<AppendResult>> WriteAsync(
        TenantId tenant, IReadOnlyList<TicketAppend> appends, IReadOnlyList<NumberAdvance> numbers, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await AdvanceNumbersAsync(connection, transaction, tenant, numbers, cancellationToken).ConfigureAwait(false);
        var plan = await ReadAndCheckAsync(connection, transaction, tenant, appends, cancellationToken).ConfigureAwait(false);
        if (plan.Tickets.Count == 0 && numbers.Count == 0)
        {
            // Only replays: nothing to write; disposing the transaction releases the locks.
            return plan.Results;
        }

        await InsertNewTicketsAsync(connection, transaction, tenant, plan, cancellationToken).ConfigureAwait(false);
        await WritePlanAsync(connection, transaction, tenant, plan, cancellationToken).ConfigureAwait(false);

        // Nothing is committed before this line: a cancellation or failure above rolls everything back.
        cancellationToken.ThrowIfCancellationRequested();
        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        return plan.Results;
    }

    /// <summary>One round trip: takes the advisory locks of the appends' keys (in key order) and reads the applied ones,
    /// locks and reads the rows of the appends' tickets (in id order), and reads the holders of the new tickets' numbers;
    /// then checks every append.</summary>
    private async Task<PostgreSqlBatchPlan> ReadAndCheckAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, TenantId tenant, IReadOnlyList<TicketAppend> appends, CancellationToken cancellationToken)
    {
        var keys = appends.Where(a => a.IdempotencyKey is not null).Select(a => a.IdempotencyKey!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var ids = appends.Select(a => a.Ticket.Id.Value).Distinct().ToArray();
        var numbers = appends.Where(a => a.ExpectedVersion == 0).Select(a => a.Ticket.Number.ToString()).Distinct(StringComparer.Ordinal).ToArray();
        var storedKeys = new Dictionary<string, (Guid Ticket, string Snapshot, string? Fingerprint)>(StringComparer.Ordinal);
        var stored = new Dictionary<Guid, PostgreSqlBatchPlan.StoredRow>();
        var holders = new Dictionary<string, (Guid Id, long Version)>(StringComparer.Ordinal);

        var reads = new NpgsqlBatch(connection, transaction);
        await using (reads.ConfigureAwait(false))
        {
            if (keys.Length > 0)
            {
                var gate = new NpgsqlBatchCommand(
                    "SELECT count(pg_advisory_xact_lock(hashtextextended(@tenant || chr(31) || u.key, 7))) FROM unnest(@keys) WITH ORDINALITY AS u(key, n);");
                gate.Parameters.AddWithValue("tenant", tenant.Value);
                gate.Parameters.AddWithValue("keys", keys);
                var applied = new NpgsqlBatchCommand($"SELECT key, ticket, snapshot::text, fingerprint FROM {_keys} WHERE tenant = @tenant AND key = ANY(@keys);");
                applied.Parameters.AddWithValue("tenant", tenant.Value);
                applied.Parameters.AddWithValue("keys", keys);
                reads.BatchCommands.Add(gate);
                reads.BatchCommands.Add(applied);
            }

            var rows = new NpgsqlBatchCommand(
                $"SELECT id, version, number, opened_s, opened_ns FROM {_tickets} WHERE tenant = @tenant AND id = ANY(@ids) ORDER BY id FOR UPDATE;");
            rows.Parameters.AddWithValue("tenant", tenant.Value);
            rows.Parameters.AddWithValue("ids", ids);
            reads.BatchCommands.Add(rows);
            if (numbers.Length > 0)
            {
                var taken = new NpgsqlBatchCommand($"SELECT number, id, version FROM {_tickets} WHERE tenant = @tenant AND number = ANY(@numbers);");
                taken.Parameters.AddWithValue("tenant", tenant.Value);
                taken.Parameters.AddWithValue("numbers", numbers);
                reads.BatchCommands.Add(taken);
            }

            await using var reader = await reads.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (keys.Length > 0)
            {
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    storedKeys[reader.GetString(0)] = (reader.GetGuid(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3));
                }

                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            }

            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                stored[reader.GetGuid(0)] = new PostgreSqlBatchPlan.StoredRow(reader.GetInt64(1), reader.GetString(2), Join(reader.GetInt64(3), reader.GetInt32(4)));
            }

            if (numbers.Length > 0)
            {
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    holders[reader.GetString(0)] = (reader.GetGuid(1), reader.GetInt64(2));
                }
            }
        }

        return PostgreSqlBatchPlan.Check(tenant, appends, stored, holders, storedKeys);
    }

    /// <summary>One round trip: inserts the new tickets' rows (with their final state) unless a racing writer took an id or
    /// a number since they were read, which is a <see cref="ConcurrencyException"/> whose actual version is the holder's.</summary>
    private async Task InsertNewTicketsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, TenantId tenant, PostgreSqlBatchPlan plan, CancellationToken cancellationToken)
    {
        var created = plan.Tickets.Where(t => t.IsNew).ToList();
        if (created.Count == 0)
        {
            return;
        }

        await using var insert = new NpgsqlCommand(
            $"INSERT INTO {_tickets} (tenant, id, number, kind, status, priority, customer, assignment_group, assignee, opened_s, opened_ns, version, snapshot, derived) " +
            "SELECT @tenant, u.* FROM unnest(@ids, @numbers, @kinds, @statuses, @priorities, @customers, @groups, @assignees, @opened_s, @opened_ns, @versions, @snapshots, @derived) AS u " +
            "ON CONFLICT DO NOTHING RETURNING id;",
            connection,
            transaction);
        insert.Parameters.AddWithValue("tenant", tenant.Value);
        AddTicketArrays(insert.Parameters, created);
        insert.Parameters.AddWithValue("numbers", created.Select(t => t.Final.Number.ToString()).ToArray());
        insert.Parameters.AddWithValue("kinds", created.Select(t => t.Final.Kind.ToString()).ToArray());
        insert.Parameters.AddWithValue("opened_s", created.Select(t => Split(t.Final.OpenedAt).Seconds).ToArray());
        insert.Parameters.AddWithValue("opened_ns", created.Select(t => Split(t.Final.OpenedAt).Nanos).ToArray());
        var inserted = new HashSet<Guid>();
        await using (var reader = await insert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                inserted.Add(reader.GetGuid(0));
            }
        }

        if (inserted.Count == created.Count)
        {
            return;
        }

        var lost = created.First(t => !inserted.Contains(t.Final.Id.Value)).Final;
        await using var who = new NpgsqlCommand(
            $"SELECT version FROM {_tickets} WHERE tenant = @tenant AND (id = @id OR number = @number) ORDER BY (id = @id) DESC LIMIT 1;",
            connection,
            transaction);
        who.Parameters.AddWithValue("tenant", tenant.Value);
        who.Parameters.AddWithValue("id", lost.Id.Value);
        who.Parameters.AddWithValue("number", lost.Number.ToString());
        var holder = await who.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as long? ?? 0;
        throw new ConcurrencyException(tenant, lost.Id, 0, holder);
    }

    /// <summary>One round trip: the changed tickets' final rows, every event and its outbox row (in batch order), the last
    /// schedule of each ticket (ending any lease) and the idempotency keys, each one statement over arrays.</summary>
    private async Task WritePlanAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, TenantId tenant, PostgreSqlBatchPlan plan, CancellationToken cancellationToken)
    {
        var writes = new NpgsqlBatch(connection, transaction);
        await using (writes.ConfigureAwait(false))
        {
            var changed = plan.Tickets.Where(t => !t.IsNew).ToList();
            if (changed.Count > 0)
            {
                var update = new NpgsqlBatchCommand(
                    $"UPDATE {_tickets} AS t SET status = u.status, priority = u.priority, customer = u.customer, assignment_group = u.grp, " +
                    "assignee = u.assignee, version = u.version, snapshot = u.snapshot, derived = u.derived " +
                    "FROM unnest(@ids, @statuses, @priorities, @customers, @groups, @assignees, @versions, @snapshots, @derived, @expected) " +
                    "AS u(id, status, priority, customer, grp, assignee, version, snapshot, derived, expected) " +
                    "WHERE t.tenant = @tenant AND t.id = u.id AND t.version = u.expected;");
                update.Parameters.AddWithValue("tenant", tenant.Value);
                AddTicketArrays(update.Parameters, changed);
                update.Parameters.AddWithValue("expected", changed.Select(t => t.StoredVersion).ToArray());
                writes.BatchCommands.Add(update);
            }

            if (plan.Events.Count > 0)
            {
                AddEventWrites(writes, tenant, plan.Events);
            }

            var scheduled = plan.Tickets.Where(t => t.Schedule is not null).ToList();
            if (scheduled.Count > 0)
            {
                writes.BatchCommands.Add(ScheduleWrites(tenant, scheduled));
            }

            if (plan.Keys.Count > 0)
            {
                var remember = new NpgsqlBatchCommand(
                    $"INSERT INTO {_keys} (tenant, key, ticket, snapshot, fingerprint) SELECT @tenant, u.* FROM unnest(@keys, @tickets, @snapshots, @fingerprints) AS u;");
                remember.Parameters.AddWithValue("tenant", tenant.Value);
                remember.Parameters.AddWithValue("keys", plan.Keys.Select(k => k.Key).ToArray());
                remember.Parameters.AddWithValue("tickets", plan.Keys.Select(k => k.Ticket.Id.Value).ToArray());
                remember.Parameters.AddWithValue("snapshots", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, plan.Keys.Select(k => ServiceDeskJson.Serialize(k.Ticket)).ToArray());
                remember.Parameters.AddWithValue("fingerprints", NpgsqlDbType.Array | NpgsqlDbType.Text, plan.Keys.Select(k => (object?)k.Fingerprint ?? DBNull.Value).ToArray());
                writes.BatchCommands.Add(remember);
            }

            if (writes.BatchCommands.Count == 0)
            {
                return;
            }

            await writes.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (changed.Count > 0 && writes.BatchCommands[0].RecordsAffected != changed.Count)
            {
                // Unreachable while the row locks hold: a broken invariant, never silently ignored (the transaction rolls back).
                throw new InvalidOperationException(
                    $"Updated {writes.BatchCommands[0].RecordsAffected} of {changed.Count} locked ticket rows of tenant {TextPolicy.Echo(tenant)}; nothing was stored.");
            }
        }
    }

    /// <summary>Adds the arrays shared by the insert and the update of ticket rows: ids, indexed columns, versions,
    /// snapshots and derived states.</summary>
    private static void AddTicketArrays(NpgsqlParameterCollection parameters, List<PostgreSqlBatchPlan.TicketWrite> tickets)
    {
        parameters.AddWithValue("ids", tickets.Select(t => t.Final.Id.Value).ToArray());
        parameters.AddWithValue("statuses", tickets.Select(t => t.Final.Status.Name).ToArray());
        parameters.AddWithValue("priorities", tickets.Select(t => (short)t.Final.Priority).ToArray());
        parameters.AddWithValue("customers", tickets.Select(t => t.Final.Requester.Customer.Value).ToArray());
        parameters.AddWithValue("groups", NpgsqlDbType.Array | NpgsqlDbType.Text, tickets.Select(t => t.Final.AssignmentGroup?.Value).ToArray());
        parameters.AddWithValue("assignees", NpgsqlDbType.Array | NpgsqlDbType.Text, tickets.Select(t => t.Final.Assignee?.Value).ToArray());
        parameters.AddWithValue("versions", tickets.Select(t => t.Final.Version).ToArray());
        parameters.AddWithValue("snapshots", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, tickets.Select(t => ServiceDeskJson.Serialize(t.Final)).ToArray());
        parameters.AddWithValue("derived", NpgsqlDbType.Array | NpgsqlDbType.Text, tickets.Select(t => t.DerivedState).ToArray());
    }

    /// <summary>Adds the inserts of events and of their outbox rows (positions in event order, payload serialized once).</summary>
    private void AddEventWrites(NpgsqlBatch writes, TenantId tenant, List<TicketEvent> events)
    {
        var tickets = events.Select(e => e.Ticket.Value).ToArray();
        var versions = events.Select(e => e.Version).ToArray();
        var payloads = events.Select(ServiceDeskJson.Serialize).ToArray();
        var started = events.Select(e => e is TimeLogged logged ? Split(logged.Started) : ((long, int)?)null).ToArray();

        var insertEvents = new NpgsqlBatchCommand(
            $"INSERT INTO {_events} (tenant, ticket, version, type, payload, started_s, started_ns) " +
            "SELECT @tenant, u.* FROM unnest(@tickets, @versions, @types, @payloads, @started_s, @started_ns) AS u;");
        insertEvents.Parameters.AddWithValue("tenant", tenant.Value);
        insertEvents.Parameters.AddWithValue("tickets", tickets);
        insertEvents.Parameters.AddWithValue("versions", versions);
        insertEvents.Parameters.AddWithValue("types", events.Select(e => e.GetType().Name).ToArray());
        insertEvents.Parameters.AddWithValue("payloads", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, payloads);
        insertEvents.Parameters.AddWithValue("started_s", NpgsqlDbType.Array | NpgsqlDbType.Bigint, started.Select(s => s?.Item1).ToArray());
        insertEvents.Parameters.AddWithValue("started_ns", NpgsqlDbType.Array | NpgsqlDbType.Integer, started.Select(s => s?.Item2).ToArray());
        writes.BatchCommands.Add(insertEvents);

        // Held until commit: a consumer's checkpoint advance (IOutboxDeliveryStore) takes this lock exclusively, so it never
        // passes a position that an append allocated but has not committed yet.
        var outboxShared = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock_shared(hashtextextended(@outboxLock, 0));");
        outboxShared.Parameters.AddWithValue("outboxLock", OutboxLockName);
        writes.BatchCommands.Add(outboxShared);

        var enqueue = new NpgsqlBatchCommand(
            $"INSERT INTO {_outbox} (tenant, ticket, version, event) " +
            "SELECT @tenant, u.ticket, u.version, u.event FROM unnest(@tickets, @versions, @payloads) WITH ORDINALITY AS u(ticket, version, event, n) ORDER BY u.n;");
        enqueue.Parameters.AddWithValue("tenant", tenant.Value);
        enqueue.Parameters.AddWithValue("tickets", tickets);
        enqueue.Parameters.AddWithValue("versions", versions);
        enqueue.Parameters.AddWithValue("payloads", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, payloads);
        writes.BatchCommands.Add(enqueue);
    }

    /// <summary>The upsert of the tickets' last schedules; each replaces the stored one and ends any lease on its timer.</summary>
    private NpgsqlBatchCommand ScheduleWrites(TenantId tenant, List<PostgreSqlBatchPlan.TicketWrite> scheduled)
    {
        var command = new NpgsqlBatchCommand(
            $"INSERT INTO {_schedule} (tenant, ticket, timer_due_s, timer_due_ns, timer_purpose, deadline_s, deadline_ns, queued, opened_s, opened_ns) " +
            "SELECT @tenant, u.* FROM unnest(@tickets, @timer_s, @timer_ns, @purposes, @deadline_s, @deadline_ns, @queued, @opened_s, @opened_ns) AS u " +
            "ON CONFLICT (tenant, ticket) DO UPDATE SET timer_due_s = EXCLUDED.timer_due_s, timer_due_ns = EXCLUDED.timer_due_ns, " +
            "timer_purpose = EXCLUDED.timer_purpose, deadline_s = EXCLUDED.deadline_s, deadline_ns = EXCLUDED.deadline_ns, " +
            "queued = EXCLUDED.queued, lease_token = NULL, lease_expires_s = NULL, lease_expires_ns = NULL;");
        var timers = scheduled.Select(t => t.Schedule!.TimerDueAt is { } due ? Split(due) : ((long, int)?)null).ToArray();
        var deadlines = scheduled.Select(t => t.Schedule!.Deadline is { } deadline ? Split(deadline) : ((long, int)?)null).ToArray();
        command.Parameters.AddWithValue("tenant", tenant.Value);
        command.Parameters.AddWithValue("tickets", scheduled.Select(t => t.Final.Id.Value).ToArray());
        command.Parameters.AddWithValue("timer_s", NpgsqlDbType.Array | NpgsqlDbType.Bigint, timers.Select(s => s?.Item1).ToArray());
        command.Parameters.AddWithValue("timer_ns", NpgsqlDbType.Array | NpgsqlDbType.Integer, timers.Select(s => s?.Item2).ToArray());
        command.Parameters.AddWithValue("purposes", NpgsqlDbType.Array | NpgsqlDbType.Text, scheduled.Select(t => t.Schedule!.TimerPurpose).ToArray());
        command.Parameters.AddWithValue("deadline_s", NpgsqlDbType.Array | NpgsqlDbType.Bigint, deadlines.Select(s => s?.Item1).ToArray());
        command.Parameters.AddWithValue("deadline_ns", NpgsqlDbType.Array | NpgsqlDbType.Integer, deadlines.Select(s => s?.Item2).ToArray());
        command.Parameters.AddWithValue("queued", scheduled.Select(t => t.Schedule!.Queued).ToArray());
        command.Parameters.AddWithValue("opened_s", scheduled.Select(t => Split(t.Final.OpenedAt).Seconds).ToArray());
        command.Parameters.AddWithValue("opened_ns", scheduled.Select(t => Split(t.Final.OpenedAt).Nanos).ToArray());
        return command;
    }
}
