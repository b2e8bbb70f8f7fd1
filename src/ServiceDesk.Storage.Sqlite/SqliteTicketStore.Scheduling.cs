using System.Collections.ObjectModel;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Serialization;

namespace ServiceDesk.Storage.Sqlite;

/// <content>The timers, queues, outbox and time entries: <see cref="ITimerStore"/>, <see cref="IOutboxStore"/> and
/// <see cref="ITimeEntryStore"/> on the tables of schema version 2, with the timer indexes of version 3.</content>
public sealed partial class SqliteTicketStore
{
    private static readonly Duration MaxLease = Duration.FromDays(1);

    /// <inheritdoc />
    /// <remarks>One <c>BEGIN IMMEDIATE</c> transaction reads the due, unleased (or expired) rows from the partial index
    /// <c>ix_tickets_timers</c> in (due, tenant, ticket) order and writes a fresh token and expiry on each, so racing
    /// sweepers in any number of processes never get the same timer while its lease runs.</remarks>
    /// <exception cref="StorageException">SQLite failed (<see cref="StorageException.IsTransient"/> when the database was
    /// busy or locked past the busy timeout).</exception>
    public async Task<IReadOnlyList<TimerLease>> ClaimDueTimersAsync(
        Instant now, int maxCount, Duration leaseDuration, CancellationToken cancellationToken = default)
    {
        if (maxCount is < 1 or > ITimerStore.MaxClaim)
        {
            throw new ArgumentOutOfRangeException(nameof(maxCount), maxCount, $"A claim takes 1 to {ITimerStore.MaxClaim:N0} timers.");
        }

        if (leaseDuration <= Duration.Zero || leaseDuration > MaxLease)
        {
            throw new ArgumentOutOfRangeException(nameof(leaseDuration), leaseDuration, "A lease lasts more than zero and at most one day.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var expiresAt = now + leaseDuration;
        return await Guarded("claim due timers", async () =>
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var transaction = connection.BeginTransaction(deferred: false);
            var due = new List<(string Tenant, string Id, Instant DueAt, string Purpose)>();
            using (var select = Command(connection, transaction, ClaimSql))
            {
                var (s, ns) = Split(now);
                select.Parameters.AddWithValue("$s", s);
                select.Parameters.AddWithValue("$ns", ns);
                select.Parameters.AddWithValue("$limit", maxCount);
                using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    due.Add((reader.GetString(0), reader.GetString(1), Join(reader.GetInt64(2), reader.GetInt64(3)), reader.GetString(4)));
                }
            }

            if (due.Count == 0)
            {
                return (IReadOnlyList<TimerLease>)ReadOnlyCollection<TimerLease>.Empty;
            }

            var leases = new List<TimerLease>(due.Count);
            using (var lease = Command(connection, transaction, """
                UPDATE tickets SET lease_token = $token, lease_expires_s = $es, lease_expires_ns = $ens
                WHERE tenant = $tenant AND id = $id;
                """))
            {
                var (es, ens) = Split(expiresAt);
                lease.Parameters.AddWithValue("$es", es);
                lease.Parameters.AddWithValue("$ens", ens);
                var pToken = lease.Parameters.Add("$token", SqliteType.Text);
                var pTenant = lease.Parameters.Add("$tenant", SqliteType.Text);
                var pId = lease.Parameters.Add("$id", SqliteType.Text);
                foreach (var (tenant, id, dueAt, purpose) in due)
                {
                    var token = Guid.NewGuid();
                    pToken.Value = token.ToString("D", CultureInfo.InvariantCulture);
                    pTenant.Value = tenant;
                    pId.Value = id;
                    await lease.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    leases.Add(new TimerLease(new TenantId(tenant), TicketId.Parse(id), dueAt, purpose, token, expiresAt));
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            Commit(connection, transaction);
            return leases.AsReadOnly();
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">SQLite failed.</exception>
    public async Task<bool> CompleteTimerAsync(TimerLease lease, TicketSchedule schedule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(schedule);
        cancellationToken.ThrowIfCancellationRequested();
        return await Guarded("complete a timer", async () =>
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var transaction = connection.BeginTransaction(deferred: false);
            var changed = await WriteScheduleAsync(
                connection, transaction, lease.Tenant.Value, lease.Ticket.ToString(), schedule, LeaseText(lease), cancellationToken).ConfigureAwait(false);
            Commit(connection, transaction);
            return changed == 1;
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">SQLite failed.</exception>
    public async Task<bool> ReleaseTimerAsync(TimerLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        cancellationToken.ThrowIfCancellationRequested();
        return await Guarded("release a timer", async () =>
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var release = Command(connection, null, """
                UPDATE tickets SET lease_token = NULL, lease_expires_s = NULL, lease_expires_ns = NULL
                WHERE tenant = $tenant AND id = $id AND lease_token = $token;
                """);
            release.Parameters.AddWithValue("$tenant", lease.Tenant.Value);
            release.Parameters.AddWithValue("$id", lease.Ticket.ToString());
            release.Parameters.AddWithValue("$token", LeaseText(lease));
            return await release.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>One read of the first entry of two partial indexes (schema version 3): <c>ix_tickets_timers_unleased</c>
    /// (unleased timers by due instant) and <c>ix_tickets_leases</c> (leased timers by lease expiry); the earlier of the two
    /// is the answer. O(log n), whatever the number of timers or leases.</remarks>
    /// <exception cref="StorageException">SQLite failed.</exception>
    public async Task<Instant?> GetNextTimerDueAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await Guarded("read the next timer due", async () =>
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var command = Command(connection, null, NextTimerDueSql);
            Instant? next = null;
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var at = Join(reader.GetInt64(0), reader.GetInt64(1));
                next = next is { } earlier && earlier <= at ? earlier : at;
            }

            return next;
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">SQLite failed.</exception>
    public async Task<TicketSchedule?> GetScheduleAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        TicketId.ThrowIfDefault(id);
        cancellationToken.ThrowIfCancellationRequested();
        return await Guarded("read a schedule", async () =>
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var command = Command(connection, null, $"SELECT {ScheduleColumns} FROM tickets WHERE tenant = $tenant AND id = $id;");
            command.Parameters.AddWithValue("$tenant", tenant.Value);
            command.Parameters.AddWithValue("$id", id.ToString());
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadSchedule(reader, 0) : null;
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>A range scan of the partial index <c>ix_tickets_queue</c> (tenant, deadline sort key, opening instant, id)
    /// from the cursor; tickets without a deadline carry the largest sort key, so they come last.</remarks>
    /// <exception cref="StorageException">SQLite failed.</exception>
    public async Task<SchedulePage> QueryScheduleAsync(ScheduleQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        return await Guarded("read a queue page", async () =>
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = QueueSql(query, command.Parameters);
            var items = new List<ScheduledTicket>(Math.Min(query.PageSize + 1, 64));
            using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    items.Add(new ScheduledTicket(
                        ReadTicket(reader.GetString(0), "tickets", query.Tenant.Value, $"id {reader.GetString(7)}"), ReadSchedule(reader, 1)!));
                }
            }

            string? next = null;
            if (items.Count > query.PageSize)
            {
                items.RemoveAt(items.Count - 1);
                next = ScheduleCursor.At(items[^1].Ticket, items[^1].Schedule).ToToken();
            }

            return new SchedulePage(items.AsReadOnly(), next);
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">SQLite failed.</exception>
    public async Task<IReadOnlyList<OutboxMessage>> ReadOutboxAsync(int maxCount, TenantId? tenant = null, CancellationToken cancellationToken = default)
    {
        if (maxCount is < 1 or > IOutboxStore.MaxRead)
        {
            throw new ArgumentOutOfRangeException(nameof(maxCount), maxCount, $"A read returns 1 to {IOutboxStore.MaxRead:N0} messages.");
        }

        if (tenant is { } only)
        {
            TenantId.ThrowIfDefault(only, nameof(tenant));
        }

        cancellationToken.ThrowIfCancellationRequested();
        return await Guarded("read the outbox", async () =>
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var command = Command(connection, null, tenant is null ? OutboxSql : OutboxTenantSql);
            var after = command.Parameters.Add("$after", SqliteType.Integer);
            command.Parameters.AddWithValue("$limit", maxCount);
            if (tenant is { } t)
            {
                command.Parameters.AddWithValue("$tenant", t.Value);
            }

            var messages = new List<OutboxMessage>();
            var held = new HashSet<(string Tenant, string Ticket)>();
            var last = long.MinValue;
            while (messages.Count < maxCount)
            {
                after.Value = last;
                var rows = 0;
                using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (messages.Count < maxCount && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        rows++;
                        last = reader.GetInt64(0);
                        var (rowTenant, ticket, version) = (reader.GetString(2), reader.GetString(3), reader.GetInt64(4));
                        if (held.Contains((rowTenant, ticket)))
                        {
                            continue;
                        }

                        try
                        {
                            messages.Add(new OutboxMessage(last, ReadEvent(reader.GetString(1), rowTenant, ticket, version)));
                        }
                        catch (StorageException corrupt)
                        {
                            // Isolated: this ticket's later messages wait behind it; every other ticket and tenant goes on.
                            held.Add((rowTenant, ticket));
                            _onCorruptRow?.Invoke(CorruptRow(
                                "ticket_events", rowTenant, $"ticket {ticket}, version {version}, outbox position {last}", corrupt.InnerException!));
                        }
                    }
                }

                if (rows < maxCount || held.Count == 0)
                {
                    // The outbox is exhausted, or nothing was skipped so the page is as full as it can be.
                    break;
                }
            }

            return messages.Count == 0 ? ReadOnlyCollection<OutboxMessage>.Empty : (IReadOnlyList<OutboxMessage>)messages.AsReadOnly();
        }).ConfigureAwait(false);
    }

    /// <summary>The unacknowledged messages of every tenant after a position, by position.</summary>
    private const string OutboxSql = """
        SELECT o.position, e.payload, o.tenant, o.ticket, o.version FROM outbox AS o
        JOIN ticket_events AS e ON e.tenant = o.tenant AND e.ticket = o.ticket AND e.version = o.version
        WHERE o.position > $after
        ORDER BY o.position LIMIT $limit;
        """;

    /// <summary>The unacknowledged messages of one tenant after a position, by position.</summary>
    private const string OutboxTenantSql = """
        SELECT o.position, e.payload, o.tenant, o.ticket, o.version FROM outbox AS o
        JOIN ticket_events AS e ON e.tenant = o.tenant AND e.ticket = o.ticket AND e.version = o.version
        WHERE o.tenant = $tenant AND o.position > $after
        ORDER BY o.position LIMIT $limit;
        """;

    /// <inheritdoc />
    /// <remarks>Acknowledged rows are deleted; positions come from an <c>AUTOINCREMENT</c> key, so they are never reused.</remarks>
    /// <exception cref="StorageException">SQLite failed.</exception>
    public async Task<int> AcknowledgeOutboxAsync(IReadOnlyCollection<long> positions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(positions);
        if (positions.Count > IOutboxStore.MaxRead)
        {
            throw new ArgumentOutOfRangeException(
                nameof(positions), positions.Count, $"At most {IOutboxStore.MaxRead:N0} positions can be acknowledged at once.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (positions.Count == 0)
        {
            return 0;
        }

        return await Guarded("acknowledge outbox messages", async () =>
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var transaction = connection.BeginTransaction(deferred: false);
            using var delete = Command(connection, transaction, "DELETE FROM outbox WHERE position = $position;");
            var pPosition = delete.Parameters.Add("$position", SqliteType.Integer);
            var acknowledged = 0;
            foreach (var position in positions)
            {
                pPosition.Value = position;
                acknowledged += await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
            Commit(connection, transaction);
            return acknowledged;
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>A range scan of the partial index <c>ix_ticket_events_time</c> (tenant, start, ticket, version).</remarks>
    /// <exception cref="StorageException">SQLite failed.</exception>
    public async Task<IReadOnlyList<TimeLogged>> ReadTimeEntriesAsync(TenantId tenant, Instant from, Instant to, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        if (to < from)
        {
            throw new ArgumentOutOfRangeException(nameof(to), to, $"The end of the range must not be before its start ({from}).");
        }

        cancellationToken.ThrowIfCancellationRequested();
        return await Guarded("read time entries", async () =>
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var command = Command(connection, null, TimeEntriesSql);
            var (fs, fns) = Split(from);
            var (ts, tns) = Split(to);
            command.Parameters.AddWithValue("$tenant", tenant.Value);
            command.Parameters.AddWithValue("$fs", fs);
            command.Parameters.AddWithValue("$fns", fns);
            command.Parameters.AddWithValue("$ts", ts);
            command.Parameters.AddWithValue("$tns", tns);
            var entries = new List<TimeLogged>();
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                entries.Add(ReadEvent(reader.GetString(0), tenant.Value, reader.GetString(1), reader.GetInt64(2)) as TimeLogged
                    ?? throw CorruptRow("ticket_events", tenant.Value, $"ticket {reader.GetString(1)}, version {reader.GetInt64(2)}", new InvalidDataException(
                        "The row has a time entry's start columns but its payload is not a TimeLogged event.")));
            }

            return entries.Count == 0 ? ReadOnlyCollection<TimeLogged>.Empty : (IReadOnlyList<TimeLogged>)entries.AsReadOnly();
        }).ConfigureAwait(false);
    }

    /// <summary>The due, claimable timers in claim order (internal so that tests can check its plan).</summary>
    internal const string ClaimSql = """
        SELECT tenant, id, timer_due_s, timer_due_ns, timer_purpose FROM tickets
        WHERE timer_due_s IS NOT NULL AND (timer_due_s, timer_due_ns) <= ($s, $ns)
          AND (lease_token IS NULL OR (lease_expires_s, lease_expires_ns) <= ($s, $ns))
        ORDER BY timer_due_s, timer_due_ns, tenant, id
        LIMIT $limit;
        """;

    /// <summary>The earliest unleased timer and the earliest lease expiry, at most one row each (internal so that tests can
    /// check its plan). A lease is only taken on a due timer, so a leased timer's claimable instant is its expiry.</summary>
    internal const string NextTimerDueSql = """
        SELECT s, ns FROM (
            SELECT timer_due_s AS s, timer_due_ns AS ns FROM tickets
            WHERE timer_due_s IS NOT NULL AND lease_token IS NULL
            ORDER BY timer_due_s, timer_due_ns LIMIT 1)
        UNION ALL
        SELECT s, ns FROM (
            SELECT lease_expires_s AS s, lease_expires_ns AS ns FROM tickets
            WHERE lease_token IS NOT NULL
            ORDER BY lease_expires_s, lease_expires_ns LIMIT 1);
        """;

    /// <summary>A tenant's time entries in a range (internal so that tests can check its plan).</summary>
    internal const string TimeEntriesSql = """
        SELECT payload, ticket, version FROM ticket_events
        WHERE tenant = $tenant AND started_s IS NOT NULL
          AND (started_s, started_ns) >= ($fs, $fns) AND (started_s, started_ns) < ($ts, $tns)
        ORDER BY started_s, started_ns, ticket, version;
        """;

    /// <summary>The columns <see cref="ReadSchedule"/> reads, in order.</summary>
    private const string ScheduleColumns = "queued, deadline_s, deadline_ns, timer_due_s, timer_due_ns, timer_purpose";

    /// <summary>Builds the queue page query; internal so that tests can check its plan.</summary>
    internal static string QueueSql(ScheduleQuery query, SqliteParameterCollection parameters)
    {
        var sql = new StringBuilder($"SELECT snapshot, {ScheduleColumns}, id FROM tickets WHERE tenant = $tenant AND queued = 1");
        parameters.AddWithValue("$tenant", query.Tenant.Value);
        if (query.AssignmentGroup is { } group)
        {
            sql.Append(" AND assignment_group = $group");
            parameters.AddWithValue("$group", group.Value);
        }

        if (query.Assignee is { } assignee)
        {
            sql.Append(" AND assignee = $assignee");
            parameters.AddWithValue("$assignee", assignee.Value);
        }

        if (query.DeadlineAtOrBefore is { } limit)
        {
            // The sort key of "no deadline" is larger than any instant, so this also leaves those tickets out.
            var (ls, lns) = Split(limit);
            sql.Append(" AND (deadline_s, deadline_ns) <= ($ls, $lns)");
            parameters.AddWithValue("$ls", ls);
            parameters.AddWithValue("$lns", lns);
        }

        if (query.Cursor is { } cursor)
        {
            var (ds, dns) = DeadlineKey(cursor.Deadline);
            var (os, ons) = Split(cursor.OpenedAt);
            sql.Append(" AND (deadline_s, deadline_ns, opened_s, opened_ns, id) > ($cds, $cdns, $cos, $cons, $cid)");
            parameters.AddWithValue("$cds", ds);
            parameters.AddWithValue("$cdns", dns);
            parameters.AddWithValue("$cos", os);
            parameters.AddWithValue("$cons", ons);
            parameters.AddWithValue("$cid", cursor.Id.ToString());
        }

        sql.Append(" ORDER BY deadline_s, deadline_ns, opened_s, opened_ns, id LIMIT $limit;");
        parameters.AddWithValue("$limit", query.PageSize + 1);
        return sql.ToString();
    }

    /// <summary>Replaces a ticket's schedule and ends its lease; with <paramref name="leaseToken"/>, only while that lease
    /// holds the timer.</summary>
    /// <returns>The number of rows changed: 1, or 0 when the ticket is absent or the lease no longer holds.</returns>
    private static async Task<int> WriteScheduleAsync(
        SqliteConnection connection, SqliteTransaction transaction, string tenant, string id, TicketSchedule schedule, string? leaseToken,
        CancellationToken cancellationToken)
    {
        using var command = ScheduleCommand(connection, transaction, withLease: leaseToken is not null);
        return await WriteScheduleAsync(command, tenant, id, schedule, leaseToken, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates the statement that replaces a ticket's schedule and ends its lease (with <paramref name="withLease"/>,
    /// only while a given lease holds the timer), with its parameters, for <see cref="WriteScheduleAsync(SqliteCommand, string, string, TicketSchedule, string?, CancellationToken)"/>
    /// to run once or many times.</summary>
    private static SqliteCommand ScheduleCommand(SqliteConnection connection, SqliteTransaction transaction, bool withLease)
    {
        var command = Command(
            connection, transaction, $"UPDATE tickets SET {ScheduleAssignments} WHERE tenant = $tenant AND id = $id" + (withLease ? " AND lease_token = $token;" : ";"));
        command.Parameters.Add("$tenant", SqliteType.Text);
        command.Parameters.Add("$id", SqliteType.Text);
        foreach (var (name, type) in ScheduleParameters)
        {
            command.Parameters.Add(name, type);
        }
        if (withLease)
        {
            command.Parameters.Add("$token", SqliteType.Text);
        }

        return command;
    }

    /// <summary>The <c>SET</c> list that replaces a ticket's schedule from <see cref="ScheduleParameters"/> and ends its lease.</summary>
    private const string ScheduleAssignments = """
        queued = $queued, deadline_s = $ds, deadline_ns = $dns, timer_due_s = $ts, timer_due_ns = $tns, timer_purpose = $purpose,
        lease_token = NULL, lease_expires_s = NULL, lease_expires_ns = NULL
        """;

    /// <summary>The parameters of a schedule's columns, in the order of <see cref="ScheduleValues"/>.</summary>
    private static readonly (string Name, SqliteType Type)[] ScheduleParameters =
    [
        ("$queued", SqliteType.Integer), ("$ds", SqliteType.Integer), ("$dns", SqliteType.Integer),
        ("$ts", SqliteType.Integer), ("$tns", SqliteType.Integer), ("$purpose", SqliteType.Text),
    ];

    /// <summary>The values of a schedule's columns (queued, deadline key, timer instant, purpose), <see langword="null"/> for
    /// SQL NULL, in the order of <see cref="ScheduleParameters"/>.</summary>
    private static object?[] ScheduleValues(TicketSchedule schedule)
    {
        var (ds, dns) = DeadlineKey(schedule.Deadline);
        object? ts = null;
        object? tns = null;
        if (schedule.TimerDueAt is { } due)
        {
            (ts, tns) = Split(due);
        }

        return [schedule.Queued ? 1 : 0, ds, dns, ts, tns, schedule.TimerPurpose];
    }

    /// <summary>Runs a <see cref="ScheduleCommand"/> for one ticket.</summary>
    /// <returns>The number of rows changed: 1, or 0 when the ticket is absent or the lease no longer holds.</returns>
    private static async Task<int> WriteScheduleAsync(
        SqliteCommand command, string tenant, string id, TicketSchedule schedule, string? leaseToken, CancellationToken cancellationToken)
    {
        var p = command.Parameters;
        p["$tenant"].Value = tenant;
        p["$id"].Value = id;
        var values = ScheduleValues(schedule);
        for (var i = 0; i < ScheduleParameters.Length; i++)
        {
            p[ScheduleParameters[i].Name].Value = values[i] ?? DBNull.Value;
        }
        if (leaseToken is not null)
        {
            p["$token"].Value = leaseToken;
        }

        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the schedule columns (<see cref="ScheduleColumns"/>) from <paramref name="first"/> on.</summary>
    /// <returns>The schedule, or <see langword="null"/> when the ticket never had one.</returns>
    private static TicketSchedule? ReadSchedule(SqliteDataReader reader, int first)
    {
        if (reader.IsDBNull(first))
        {
            return null;
        }

        var deadlineSeconds = reader.GetInt64(first + 1);
        Instant? deadline = deadlineSeconds == SqliteMigrations.NoDeadline ? null : Join(deadlineSeconds, reader.GetInt64(first + 2));
        Instant? due = reader.IsDBNull(first + 3) ? null : Join(reader.GetInt64(first + 3), reader.GetInt64(first + 4));
        var purpose = reader.IsDBNull(first + 5) ? null : reader.GetString(first + 5);
        return new TicketSchedule(due, purpose, deadline, reader.GetInt64(first) == 1);
    }

    private static (long Seconds, long Nanos) DeadlineKey(Instant? deadline)
        => deadline is { } d ? Split(d) : (SqliteMigrations.NoDeadline, 0);

    private static Instant Join(long seconds, long nanos) => SqliteMigrations.Join(seconds, nanos);

    private static string LeaseText(TimerLease lease) => lease.Token.ToString("D", CultureInfo.InvariantCulture);
}
