using System.Collections.ObjectModel;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Serialization;

namespace ServiceDesk.Storage.PostgreSql;

/// <content>Timers, queues, the outbox and time entries (schema migrations 2 and 3).</content>
public sealed partial class PostgreSqlTicketStore
{
    private const string ScheduleColumns = "timer_due_s, timer_due_ns, timer_purpose, deadline_s, deadline_ns, queued";

    /// <inheritdoc />
    /// <remarks>One statement in one transaction: <c>UPDATE … WHERE (tenant, ticket) IN (SELECT … ORDER BY due LIMIT n FOR
    /// UPDATE SKIP LOCKED) RETURNING …</c> over the partial index on the due instant, so concurrent sweepers (in this
    /// process or others) skip each other's rows instead of waiting for them, and a row leased by a committed claim fails
    /// the re-check of the lease condition. Each claimed timer gets its own random token.</remarks>
    /// <exception cref="StorageException">The database failed (<see cref="StorageException.IsTransient"/> from
    /// <see cref="NpgsqlException.IsTransient"/>).</exception>
    public Task<IReadOnlyList<TimerLease>> ClaimDueTimersAsync(Instant now, int maxCount, Duration leaseDuration, CancellationToken cancellationToken = default)
    {
        if (maxCount is < 1 or > ITimerStore.MaxClaim)
        {
            throw new ArgumentOutOfRangeException(nameof(maxCount), maxCount, $"A claim takes 1 to {ITimerStore.MaxClaim:N0} timers.");
        }

        if (leaseDuration <= Duration.Zero || leaseDuration > Duration.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(leaseDuration), leaseDuration, "A lease lasts more than zero and at most one day.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var expires = now + leaseDuration;
        return Guarded<IReadOnlyList<TimerLease>>("claim due timers", async () =>
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var claim = new NpgsqlCommand(ClaimSql(_schedule), connection, transaction);
            AddInstant(claim.Parameters, "now", now);
            AddInstant(claim.Parameters, "expires", expires);
            claim.Parameters.AddWithValue("limit", maxCount);
            var leases = new List<TimerLease>(Math.Min(maxCount, 64));
            await using (var reader = await claim.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    leases.Add(new TimerLease(
                        new TenantId(reader.GetString(0)),
                        new TicketId(reader.GetGuid(1)),
                        Join(reader.GetInt64(2), reader.GetInt32(3)),
                        reader.GetString(4),
                        reader.GetGuid(5),
                        expires));
                }
            }

            // Nothing is committed before this line: a cancelled claim takes no lease.
            cancellationToken.ThrowIfCancellationRequested();
            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);

            // RETURNING does not keep the sub-select's order.
            leases.Sort(static (a, b) =>
            {
                var byDue = a.DueAt.CompareTo(b.DueAt);
                if (byDue != 0)
                {
                    return byDue;
                }

                var byTenant = CompareCodePoints(a.Tenant.Value, b.Tenant.Value);
                return byTenant != 0 ? byTenant : a.Ticket.Value.CompareTo(b.Ticket.Value);
            });
            return leases.AsReadOnly();
        });
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">The database failed (<see cref="StorageException.IsTransient"/> from
    /// <see cref="NpgsqlException.IsTransient"/>).</exception>
    public Task<bool> CompleteTimerAsync(TimerLease lease, TicketSchedule schedule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(schedule);
        cancellationToken.ThrowIfCancellationRequested();
        return Guarded("complete a timer", async () =>
        {
            await using var command = _dataSource.CreateCommand(
                $"UPDATE {_schedule} SET timer_due_s = @timer_s, timer_due_ns = @timer_ns, timer_purpose = @purpose, " +
                "deadline_s = @deadline_s, deadline_ns = @deadline_ns, queued = @queued, " +
                "lease_token = NULL, lease_expires_s = NULL, lease_expires_ns = NULL " +
                "WHERE tenant = @tenant AND ticket = @ticket AND lease_token = @token;");
            command.Parameters.AddWithValue("tenant", lease.Tenant.Value);
            command.Parameters.AddWithValue("ticket", lease.Ticket.Value);
            command.Parameters.AddWithValue("token", lease.Token);
            AddSchedule(command.Parameters, schedule);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        });
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">The database failed (<see cref="StorageException.IsTransient"/> from
    /// <see cref="NpgsqlException.IsTransient"/>).</exception>
    public Task<bool> ReleaseTimerAsync(TimerLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        cancellationToken.ThrowIfCancellationRequested();
        return Guarded("release a timer", async () =>
        {
            await using var command = _dataSource.CreateCommand(
                $"UPDATE {_schedule} SET lease_token = NULL, lease_expires_s = NULL, lease_expires_ns = NULL " +
                "WHERE tenant = @tenant AND ticket = @ticket AND lease_token = @token;");
            command.Parameters.AddWithValue("tenant", lease.Tenant.Value);
            command.Parameters.AddWithValue("ticket", lease.Ticket.Value);
            command.Parameters.AddWithValue("token", lease.Token);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        });
    }

    /// <inheritdoc />
    /// <remarks>One statement reading the first entry of two partial indexes (schema migration 3):
    /// <c>ix_ticket_schedule_unleased</c> (unleased timers by due instant) and <c>ix_ticket_schedule_leases</c> (leased
    /// timers by lease expiry); the earlier of the two is the answer. O(log n), whatever the number of timers or leases. It
    /// takes no locks: rows locked by a claim in progress are read as they were before it.</remarks>
    /// <exception cref="StorageException">The database failed (<see cref="StorageException.IsTransient"/> from
    /// <see cref="NpgsqlException.IsTransient"/>).</exception>
    public Task<Instant?> GetNextTimerDueAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Guarded("read the next timer due", async () =>
        {
            await using var command = _dataSource.CreateCommand(NextTimerDueSql(_schedule));
            Instant? next = null;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var at = Join(reader.GetInt64(0), reader.GetInt32(1));
                next = next is { } earlier && earlier <= at ? earlier : at;
            }

            return next;
        });
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">The database failed (<see cref="StorageException.IsTransient"/> from
    /// <see cref="NpgsqlException.IsTransient"/>).</exception>
    public Task<TicketSchedule?> GetScheduleAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        TicketId.ThrowIfDefault(id);
        cancellationToken.ThrowIfCancellationRequested();
        return Guarded("read a ticket's schedule", async () =>
        {
            await using var command = _dataSource.CreateCommand($"SELECT {ScheduleColumns} FROM {_schedule} WHERE tenant = @tenant AND ticket = @ticket;");
            command.Parameters.AddWithValue("tenant", tenant.Value);
            command.Parameters.AddWithValue("ticket", id.Value);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadSchedule(reader, 0) : null;
        });
    }

    /// <inheritdoc />
    /// <remarks>A keyset page over the queue index (tenant, queued, deadline sort key with <see langword="null"/> last,
    /// opening, id), joined to the tickets for the filters and snapshots.</remarks>
    /// <exception cref="StorageException">The database failed (<see cref="StorageException.IsTransient"/> from
    /// <see cref="NpgsqlException.IsTransient"/>).</exception>
    public Task<SchedulePage> QueryScheduleAsync(ScheduleQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        return Guarded("query a queue", async () =>
        {
            await using var command = _dataSource.CreateCommand();
            var sql = new StringBuilder(
                $"SELECT t.snapshot::text, s.timer_due_s, s.timer_due_ns, s.timer_purpose, s.deadline_s, s.deadline_ns, s.queued, t.id " +
                $"FROM {_schedule} s JOIN {_tickets} t ON t.tenant = s.tenant AND t.id = s.ticket " +
                "WHERE s.tenant = @tenant AND s.queued");
            command.Parameters.AddWithValue("tenant", query.Tenant.Value);
            if (query.AssignmentGroup is { } group)
            {
                sql.Append(" AND t.assignment_group = @group");
                command.Parameters.AddWithValue("group", group.Value);
            }

            if (query.Assignee is { } assignee)
            {
                sql.Append(" AND t.assignee = @assignee");
                command.Parameters.AddWithValue("assignee", assignee.Value);
            }

            if (query.DeadlineAtOrBefore is { } limit)
            {
                sql.Append(" AND s.deadline_s IS NOT NULL AND (s.deadline_key_s, s.deadline_key_ns) <= (@limit_s, @limit_ns)");
                AddInstant(command.Parameters, "limit", limit);
            }

            if (query.Cursor is { } cursor)
            {
                sql.Append(" AND (s.deadline_key_s, s.deadline_key_ns, s.opened_s, s.opened_ns, s.ticket) > (@ck_s, @ck_ns, @co_s, @co_ns, @cid)");
                var (ks, kns) = cursor.Deadline is { } d ? Split(d) : (long.MaxValue, 0);
                command.Parameters.AddWithValue("ck_s", ks);
                command.Parameters.AddWithValue("ck_ns", kns);
                var (os, ons) = Split(cursor.OpenedAt);
                command.Parameters.AddWithValue("co_s", os);
                command.Parameters.AddWithValue("co_ns", ons);
                command.Parameters.AddWithValue("cid", cursor.Id.Value);
            }

            sql.Append(" ORDER BY s.deadline_key_s, s.deadline_key_ns, s.opened_s, s.opened_ns, s.ticket LIMIT @page;");
            command.Parameters.AddWithValue("page", query.PageSize + 1);
            command.CommandText = sql.ToString();
            var items = new List<ScheduledTicket>(Math.Min(query.PageSize + 1, 64));
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    items.Add(new ScheduledTicket(
                        PostgreSqlRows.ReadTicket(reader.GetString(0), _tickets, query.Tenant.Value, $"id {reader.GetGuid(7)}"), ReadSchedule(reader, 1)));
                }
            }

            string? next = null;
            if (items.Count > query.PageSize)
            {
                items.RemoveAt(items.Count - 1);
                next = ScheduleCursor.At(items[^1].Ticket, items[^1].Schedule).ToToken();
            }

            return new SchedulePage(items.AsReadOnly(), next);
        });
    }

    /// <inheritdoc />
    /// <remarks>Reads the outbox table by position. Positions come from an identity column, allocated when an append
    /// inserts its rows and visible when it commits, so with concurrent writers a lower position can appear after a higher
    /// one has been read: read "what is not acknowledged", never "what is after the last position seen". Appends to one
    /// ticket are serialized by its row lock, so one ticket's events always appear in version order.</remarks>
    /// <exception cref="StorageException">The database failed (<see cref="StorageException.IsTransient"/> from
    /// <see cref="NpgsqlException.IsTransient"/>).</exception>
    public Task<IReadOnlyList<OutboxMessage>> ReadOutboxAsync(int maxCount, TenantId? tenant = null, CancellationToken cancellationToken = default)
    {
        if (maxCount is < 1 or > IOutboxStore.MaxRead)
        {
            throw new ArgumentOutOfRangeException(nameof(maxCount), maxCount, $"A read returns 1 to {IOutboxStore.MaxRead:N0} messages.");
        }

        if (tenant is { } t)
        {
            TenantId.ThrowIfDefault(t, nameof(tenant));
        }

        cancellationToken.ThrowIfCancellationRequested();
        return Guarded<IReadOnlyList<OutboxMessage>>("read the outbox", async () =>
        {
            await using var command = _dataSource.CreateCommand(
                tenant is null
                    ? $"SELECT position, event::text, tenant, ticket, version FROM {_outbox} WHERE position > @after ORDER BY position LIMIT @limit;"
                    : $"SELECT position, event::text, tenant, ticket, version FROM {_outbox} WHERE tenant = @tenant AND position > @after ORDER BY position LIMIT @limit;");
            var after = command.Parameters.Add("after", NpgsqlDbType.Bigint);
            command.Parameters.AddWithValue("limit", maxCount);
            if (tenant is { } only)
            {
                command.Parameters.AddWithValue("tenant", only.Value);
            }

            var messages = new List<OutboxMessage>(Math.Min(maxCount, 64));
            var held = new HashSet<(string Tenant, Guid Ticket)>();
            var last = long.MinValue;
            while (messages.Count < maxCount)
            {
                after.Value = last;
                var rows = 0;
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (messages.Count < maxCount && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        rows++;
                        last = reader.GetInt64(0);
                        var (rowTenant, ticket, version) = (reader.GetString(2), reader.GetGuid(3), reader.GetInt64(4));
                        if (held.Contains((rowTenant, ticket)))
                        {
                            continue;
                        }

                        var row = $"ticket {ticket}, version {version}, outbox position {last}";
                        try
                        {
                            messages.Add(new OutboxMessage(last, PostgreSqlRows.ReadEvent(reader.GetString(1), _outbox, rowTenant, row)));
                        }
                        catch (StorageException corrupt)
                        {
                            // Isolated: this ticket's later messages wait behind it; every other ticket and tenant goes on.
                            held.Add((rowTenant, ticket));
                            _onCorruptRow?.Invoke(corrupt);
                        }
                    }
                }

                if (rows < maxCount || held.Count == 0)
                {
                    // The outbox is exhausted, or nothing was skipped so the page is as full as it can be.
                    break;
                }
            }

            return messages.Count == 0 ? ReadOnlyCollection<OutboxMessage>.Empty : messages.AsReadOnly();
        });
    }

    /// <inheritdoc />
    /// <remarks>Acknowledged messages are deleted.</remarks>
    /// <exception cref="StorageException">The database failed (<see cref="StorageException.IsTransient"/> from
    /// <see cref="NpgsqlException.IsTransient"/>).</exception>
    public Task<int> AcknowledgeOutboxAsync(IReadOnlyCollection<long> positions, CancellationToken cancellationToken = default)
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
            return Task.FromResult(0);
        }

        var array = positions.ToArray();
        return Guarded("acknowledge outbox messages", async () =>
        {
            await using var command = _dataSource.CreateCommand($"DELETE FROM {_outbox} WHERE position = ANY(@positions);");
            command.Parameters.AddWithValue("positions", NpgsqlDbType.Array | NpgsqlDbType.Bigint, array);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        });
    }

    /// <inheritdoc />
    /// <remarks>A range scan of the partial index on the events' (tenant, started) columns.</remarks>
    /// <exception cref="StorageException">The database failed (<see cref="StorageException.IsTransient"/> from
    /// <see cref="NpgsqlException.IsTransient"/>).</exception>
    public Task<IReadOnlyList<TimeLogged>> ReadTimeEntriesAsync(TenantId tenant, Instant from, Instant to, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        if (to < from)
        {
            throw new ArgumentOutOfRangeException(nameof(to), to, $"The end must not be before the start ({from}).");
        }

        cancellationToken.ThrowIfCancellationRequested();
        return Guarded<IReadOnlyList<TimeLogged>>("read time entries", async () =>
        {
            await using var command = _dataSource.CreateCommand(
                $"SELECT payload::text, ticket, version FROM {_events} WHERE tenant = @tenant AND started_s IS NOT NULL " +
                "AND (started_s, started_ns) >= (@from_s, @from_ns) AND (started_s, started_ns) < (@to_s, @to_ns) " +
                "ORDER BY started_s, started_ns, ticket, version;");
            command.Parameters.AddWithValue("tenant", tenant.Value);
            AddInstant(command.Parameters, "from", from);
            AddInstant(command.Parameters, "to", to);
            var entries = new List<TimeLogged>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var row = $"ticket {reader.GetGuid(1)}, version {reader.GetInt64(2)}";
                entries.Add(PostgreSqlRows.ReadEvent(reader.GetString(0), _events, tenant.Value, row) as TimeLogged
                    ?? throw PostgreSqlRows.Corrupt(_events, tenant.Value, row, new InvalidDataException(
                        "The row has a time entry's start columns but its payload is not a TimeLogged event.")));
            }

            return entries.Count == 0 ? ReadOnlyCollection<TimeLogged>.Empty : entries.AsReadOnly();
        });
    }

    /// <summary>The claim statement; also used by the tests to check its plan.</summary>
    /// <param name="schedule">The quoted, schema-qualified schedule table.</param>
    /// <returns>The SQL, with parameters <c>now_s</c>, <c>now_ns</c>, <c>expires_s</c>, <c>expires_ns</c> and <c>limit</c>.</returns>
    internal static string ClaimSql(string schedule)
        => $"UPDATE {schedule} s SET lease_token = gen_random_uuid(), lease_expires_s = @expires_s, lease_expires_ns = @expires_ns " +
           "FROM (SELECT tenant, ticket FROM " + schedule + " " +
           "WHERE timer_due_s IS NOT NULL AND (timer_due_s, timer_due_ns) <= (@now_s, @now_ns) " +
           "AND (lease_expires_s IS NULL OR (lease_expires_s, lease_expires_ns) <= (@now_s, @now_ns)) " +
           "ORDER BY timer_due_s, timer_due_ns, tenant COLLATE \"C\", ticket LIMIT @limit FOR UPDATE SKIP LOCKED) due " +
           "WHERE s.tenant = due.tenant AND s.ticket = due.ticket " +
           "RETURNING s.tenant, s.ticket, s.timer_due_s, s.timer_due_ns, s.timer_purpose, s.lease_token;";

    /// <summary>The earliest unleased timer and the earliest lease expiry, at most one row each; also used by the tests to
    /// check its plan. A lease is only taken on a due timer, so a leased timer's claimable instant is its expiry.</summary>
    /// <param name="schedule">The quoted, schema-qualified schedule table.</param>
    /// <returns>The SQL, without parameters.</returns>
    internal static string NextTimerDueSql(string schedule)
        => $"(SELECT timer_due_s, timer_due_ns FROM {schedule} WHERE timer_due_s IS NOT NULL AND lease_token IS NULL " +
           "ORDER BY timer_due_s, timer_due_ns LIMIT 1) " +
           $"UNION ALL (SELECT lease_expires_s, lease_expires_ns FROM {schedule} WHERE lease_token IS NOT NULL " +
           "ORDER BY lease_expires_s, lease_expires_ns LIMIT 1);";

    private static int CompareCodePoints(string a, string b)
    {
        // The order of COLLATE "C" on UTF-8 text: by Unicode scalar value.
        var x = a.EnumerateRunes();
        var y = b.EnumerateRunes();
        while (true)
        {
            var hasX = x.MoveNext();
            var hasY = y.MoveNext();
            if (!hasX || !hasY)
            {
                return hasX.CompareTo(hasY);
            }

            var byRune = x.Current.Value.CompareTo(y.Current.Value);
            if (byRune != 0)
            {
                return byRune;
            }
        }
    }

    private static Instant Join(long seconds, int nanos) => Instant.FromUnixTimeSeconds(seconds).PlusNanoseconds(nanos);

    private static void AddInstant(NpgsqlParameterCollection parameters, string name, Instant? instant)
    {
        if (instant is { } value)
        {
            var (seconds, nanos) = Split(value);
            parameters.AddWithValue(name + "_s", NpgsqlDbType.Bigint, seconds);
            parameters.AddWithValue(name + "_ns", NpgsqlDbType.Integer, nanos);
        }
        else
        {
            parameters.AddWithValue(name + "_s", NpgsqlDbType.Bigint, DBNull.Value);
            parameters.AddWithValue(name + "_ns", NpgsqlDbType.Integer, DBNull.Value);
        }
    }

    private static void AddSchedule(NpgsqlParameterCollection parameters, TicketSchedule schedule)
    {
        AddInstant(parameters, "timer", schedule.TimerDueAt);
        parameters.AddWithValue("purpose", NpgsqlDbType.Text, (object?)schedule.TimerPurpose ?? DBNull.Value);
        AddInstant(parameters, "deadline", schedule.Deadline);
        parameters.AddWithValue("queued", schedule.Queued);
    }

    private static TicketSchedule ReadSchedule(NpgsqlDataReader reader, int first)
        => new(
            reader.IsDBNull(first) ? null : Join(reader.GetInt64(first), reader.GetInt32(first + 1)),
            reader.IsDBNull(first + 2) ? null : reader.GetString(first + 2),
            reader.IsDBNull(first + 3) ? null : Join(reader.GetInt64(first + 3), reader.GetInt32(first + 4)),
            reader.GetBoolean(first + 5));
}
