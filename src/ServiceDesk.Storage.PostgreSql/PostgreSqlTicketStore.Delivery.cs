using System.Collections.ObjectModel;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace ServiceDesk.Storage.PostgreSql;

/// <content>Per-consumer outbox delivery (<see cref="IOutboxDeliveryStore"/>) on the tables of schema version 7.</content>
public sealed partial class PostgreSqlTicketStore : IOutboxDeliveryStore
{
    private string OutboxLockName => "servicedesk-outbox:" + Schema;

    private string ConsumerLockName(string consumer) => "servicedesk-outbox-consumer:" + Schema + ":" + consumer;

    private string Consumers => "\"" + Schema + "\".outbox_consumers";

    private string DeliveryRows => "\"" + Schema + "\".outbox_deliveries";

    /// <inheritdoc />
    /// <remarks>
    /// <para>Two transactions. The first advances the checkpoint under the consumer's lock (below) and an exclusive
    /// transaction-scoped advisory lock that every append writing outbox rows takes shared, so the advance waits for appends in flight and never passes a position
    /// allocated but not yet committed. The second takes a transaction-scoped advisory lock of the consumer (so claims of one
    /// consumer from any number of app instances are serialized), reads replays and up to
    /// <see cref="IOutboxDeliveryStore.ScanWindow"/> unsettled messages after the checkpoint, and writes the leases in one
    /// statement.</para>
    /// </remarks>
    /// <exception cref="StorageException">The database failed.</exception>
    public Task<IReadOnlyList<OutboxDelivery>> ClaimOutboxAsync(
        string consumer, Instant now, int maxCount, Duration leaseDuration, CancellationToken cancellationToken = default)
    {
        OutboxDeliveryArguments.CheckClaim(consumer, maxCount, leaseDuration);
        cancellationToken.ThrowIfCancellationRequested();
        var expires = now + leaseDuration;
        return Guarded<IReadOnlyList<OutboxDelivery>>("claim outbox messages", async () =>
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await AdvanceAsync(connection, consumer, cancellationToken).ConfigureAwait(false);

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            long checkpoint;
            await using (var start = new NpgsqlCommand(
                "SELECT pg_advisory_xact_lock(hashtextextended(@lock, 0)); " +
                $"SELECT checkpoint FROM {Consumers} WHERE consumer = @consumer;",
                connection,
                transaction))
            {
                start.Parameters.AddWithValue("lock", ConsumerLockName(consumer));
                start.Parameters.AddWithValue("consumer", consumer);
                await using var reader = await start.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                checkpoint = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? reader.GetInt64(0) : 0;
            }

            var claimed = new List<OutboxDelivery>();
            var blocked = new HashSet<(string Tenant, Guid Ticket)>();
            var columns = "o.position, o.event::text, o.tenant, o.ticket, o.version, d.attempts, d.due_s, d.due_ns, d.lease_token, d.lease_expires_s, d.lease_expires_ns";
            var queries = new[]
            {
                ($"SELECT {columns} FROM {DeliveryRows} AS d JOIN {_outbox} AS o ON o.position = d.position " +
                 "WHERE d.consumer = @consumer AND d.state = 0 AND d.position <= @checkpoint ORDER BY d.position LIMIT @limit;", true),
                ($"SELECT {columns} FROM {_outbox} AS o LEFT JOIN {DeliveryRows} AS d ON d.consumer = @consumer AND d.position = o.position " +
                 "WHERE o.position > @checkpoint AND (d.state IS NULL OR d.state = 0) ORDER BY o.position LIMIT @limit;", false),
            };
            foreach (var (sql, isReplay) in queries)
            {
                await using var read = new NpgsqlCommand(sql, connection, transaction);
                read.Parameters.AddWithValue("consumer", consumer);
                read.Parameters.AddWithValue("checkpoint", checkpoint);
                read.Parameters.AddWithValue("limit", IOutboxDeliveryStore.ScanWindow);
                await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (claimed.Count < maxCount && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var position = reader.GetInt64(0);
                    var (tenant, ticket, version) = (reader.GetString(2), reader.GetGuid(3), reader.GetInt64(4));
                    if (!isReplay && blocked.Contains((tenant, ticket)))
                    {
                        continue;
                    }

                    var hasRow = !reader.IsDBNull(5);
                    var due = reader.IsDBNull(6) ? (Instant?)null : Join(reader.GetInt64(6), reader.GetInt32(7));
                    var leased = !reader.IsDBNull(8) && Join(reader.GetInt64(9), reader.GetInt32(10)) > now;
                    if (hasRow && (leased || due > now))
                    {
                        if (!isReplay)
                        {
                            blocked.Add((tenant, ticket));
                        }

                        continue;
                    }

                    var row = $"ticket {ticket}, version {version}, outbox position {position}";
                    OutboxMessage message;
                    try
                    {
                        message = new OutboxMessage(position, PostgreSqlRows.ReadEvent(reader.GetString(1), _outbox, tenant, row));
                    }
                    catch (StorageException corrupt)
                    {
                        blocked.Add((tenant, ticket));
                        _onCorruptRow?.Invoke(corrupt);
                        continue;
                    }

                    claimed.Add(new OutboxDelivery(consumer, message, hasRow ? reader.GetInt32(5) : 0, Guid.NewGuid(), expires));
                }
            }

            if (claimed.Count > 0)
            {
                var (es, ens) = Split(expires);
                await using var lease = new NpgsqlCommand(
                    $"INSERT INTO {DeliveryRows} (consumer, position, state, attempts, lease_token, lease_expires_s, lease_expires_ns) " +
                    "SELECT @consumer, u.position, 0, 0, u.token, @es, @ens FROM unnest(@positions, @tokens) AS u(position, token) " +
                    "ON CONFLICT (consumer, position) DO UPDATE SET lease_token = EXCLUDED.lease_token, " +
                    "lease_expires_s = EXCLUDED.lease_expires_s, lease_expires_ns = EXCLUDED.lease_expires_ns;",
                    connection,
                    transaction);
                lease.Parameters.AddWithValue("consumer", consumer);
                lease.Parameters.AddWithValue("es", es);
                lease.Parameters.AddWithValue("ens", ens);
                lease.Parameters.AddWithValue("positions", claimed.Select(d => d.Message.Position).ToArray());
                lease.Parameters.AddWithValue("tokens", claimed.Select(d => d.LeaseToken).ToArray());
                await lease.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return claimed.Count == 0 ? ReadOnlyCollection<OutboxDelivery>.Empty : claimed.AsReadOnly();
        });
    }

    /// <inheritdoc />
    /// <remarks>One statement over arrays applies every settlement whose lease token still holds; then the checkpoint
    /// advances as in <see cref="ClaimOutboxAsync"/>.</remarks>
    /// <exception cref="StorageException">The database failed.</exception>
    public Task<int> SettleOutboxAsync(
        string consumer, IReadOnlyCollection<OutboxSettlement> settlements, Instant now, CancellationToken cancellationToken = default)
    {
        OutboxDeliveryArguments.CheckSettle(consumer, settlements);
        cancellationToken.ThrowIfCancellationRequested();
        var list = settlements.ToArray();
        return Guarded("settle outbox messages", async () =>
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            var applied = 0;
            if (list.Length > 0)
            {
                var dues = list.Select(s => s.Outcome is OutboxOutcome.Failed or OutboxOutcome.Deferred && s.DueAt is { } d ? Split(d) : ((long, int)?)null).ToArray();
                var (ps, pns) = Split(now);
                await using var update = new NpgsqlCommand(
                    $"UPDATE {DeliveryRows} AS d SET " +
                    "state = CASE u.outcome WHEN 1 THEN 1 WHEN 4 THEN 2 ELSE 0 END, " +
                    "attempts = d.attempts + CASE WHEN u.outcome IN (2, 4) THEN 1 ELSE 0 END, " +
                    "due_s = u.due_s, due_ns = u.due_ns, " +
                    "error = CASE WHEN u.outcome IN (2, 4) THEN u.error ELSE d.error END, " +
                    "parked_s = CASE WHEN u.outcome = 4 THEN @ps ELSE d.parked_s END, " +
                    "parked_ns = CASE WHEN u.outcome = 4 THEN @pns ELSE d.parked_ns END, " +
                    "lease_token = NULL, lease_expires_s = NULL, lease_expires_ns = NULL " +
                    "FROM unnest(@positions, @tokens, @outcomes, @due_s, @due_ns, @errors) AS u(position, token, outcome, due_s, due_ns, error) " +
                    "WHERE d.consumer = @consumer AND d.position = u.position AND d.state = 0 AND d.lease_token = u.token;",
                    connection);
                update.Parameters.AddWithValue("consumer", consumer);
                update.Parameters.AddWithValue("ps", ps);
                update.Parameters.AddWithValue("pns", pns);
                update.Parameters.AddWithValue("positions", list.Select(s => s.Position).ToArray());
                update.Parameters.AddWithValue("tokens", list.Select(s => s.LeaseToken).ToArray());
                update.Parameters.AddWithValue("outcomes", list.Select(s => (int)s.Outcome).ToArray());
                update.Parameters.AddWithValue("due_s", NpgsqlDbType.Array | NpgsqlDbType.Bigint, dues.Select(d => d?.Item1).ToArray());
                update.Parameters.AddWithValue("due_ns", NpgsqlDbType.Array | NpgsqlDbType.Integer, dues.Select(d => d?.Item2).ToArray());
                update.Parameters.AddWithValue("errors", NpgsqlDbType.Array | NpgsqlDbType.Text, list.Select(s => s.Error).ToArray());
                applied = await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await AdvanceAsync(connection, consumer, cancellationToken).ConfigureAwait(false);
            return applied;
        });
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">The database failed.</exception>
    public Task<IReadOnlyList<ParkedOutboxMessage>> ListParkedAsync(
        string consumer, int maxCount, long afterPosition = 0, CancellationToken cancellationToken = default)
    {
        OutboxDeliveryArguments.CheckList(consumer, maxCount, afterPosition);
        cancellationToken.ThrowIfCancellationRequested();
        return Guarded<IReadOnlyList<ParkedOutboxMessage>>("list parked outbox messages", async () =>
        {
            await using var read = _dataSource.CreateCommand(
                $"SELECT o.position, o.event::text, o.tenant, o.ticket, o.version, d.attempts, d.parked_s, d.parked_ns, d.error " +
                $"FROM {DeliveryRows} AS d JOIN {_outbox} AS o ON o.position = d.position " +
                "WHERE d.consumer = @consumer AND d.state = 2 AND d.position > @after ORDER BY d.position LIMIT @limit;");
            read.Parameters.AddWithValue("consumer", consumer);
            read.Parameters.AddWithValue("after", afterPosition);
            read.Parameters.AddWithValue("limit", maxCount);
            var parked = new List<ParkedOutboxMessage>();
            await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var (position, tenant, ticket, version) = (reader.GetInt64(0), reader.GetString(2), reader.GetGuid(3), reader.GetInt64(4));
                try
                {
                    var message = new OutboxMessage(
                        position, PostgreSqlRows.ReadEvent(reader.GetString(1), _outbox, tenant, $"ticket {ticket}, version {version}, outbox position {position}"));
                    parked.Add(new ParkedOutboxMessage(
                        consumer, message, reader.GetInt32(5), Join(reader.GetInt64(6), reader.GetInt32(7)), reader.IsDBNull(8) ? null : reader.GetString(8)));
                }
                catch (StorageException corrupt)
                {
                    _onCorruptRow?.Invoke(corrupt);
                }
            }

            return parked.Count == 0 ? ReadOnlyCollection<ParkedOutboxMessage>.Empty : parked.AsReadOnly();
        });
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">The database failed.</exception>
    public Task<int> ReplayParkedAsync(string consumer, IReadOnlyCollection<long> positions, CancellationToken cancellationToken = default)
    {
        OutboxDeliveryArguments.CheckReplay(consumer, positions);
        cancellationToken.ThrowIfCancellationRequested();
        var array = positions.Distinct().ToArray();
        if (array.Length == 0)
        {
            return Task.FromResult(0);
        }

        return Guarded("replay parked outbox messages", async () =>
        {
            await using var update = _dataSource.CreateCommand(
                $"UPDATE {DeliveryRows} SET state = 0, attempts = 0, due_s = NULL, due_ns = NULL, " +
                "lease_token = NULL, lease_expires_s = NULL, lease_expires_ns = NULL " +
                "WHERE consumer = @consumer AND state = 2 AND position = ANY(@positions);");
            update.Parameters.AddWithValue("consumer", consumer);
            update.Parameters.AddWithValue("positions", array);
            return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        });
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">The database failed.</exception>
    public Task<long> GetOutboxCheckpointAsync(string consumer, CancellationToken cancellationToken = default)
    {
        IOutboxDeliveryStore.CheckConsumer(consumer);
        cancellationToken.ThrowIfCancellationRequested();
        return Guarded("read an outbox checkpoint", async () =>
        {
            await using var read = _dataSource.CreateCommand($"SELECT checkpoint FROM {Consumers} WHERE consumer = @consumer;");
            read.Parameters.AddWithValue("consumer", consumer);
            return await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long checkpoint ? checkpoint : 0L;
        });
    }

    /// <summary>In a transaction of its own, under the consumer's lock and the exclusive outbox lock: creates the consumer at 0, moves its checkpoint
    /// to just before its first unsettled message (or to the last message when all are settled), and deletes its delivered
    /// rows at or below it.</summary>
    private async Task AdvanceAsync(NpgsqlConnection connection, string consumer, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // The consumer's lock first (as claims take it), so that no claim of this consumer runs between reading its
        // checkpoint and scanning: deleting delivered rows under a running claim would make them look unsettled to it.
        // Then the outbox lock, exclusively: appends in flight finish first, so no allocated position is passed.
        await using (var advance = new NpgsqlCommand(
            "SELECT pg_advisory_xact_lock(hashtextextended(@consumerLock, 0)); " +
            "SELECT pg_advisory_xact_lock(hashtextextended(@lock, 0)); " +
            $"INSERT INTO {Consumers} (consumer, checkpoint) VALUES (@consumer, 0) ON CONFLICT (consumer) DO NOTHING; " +
            $"UPDATE {Consumers} AS c SET checkpoint = GREATEST(c.checkpoint, COALESCE(" +
            $"(SELECT MIN(o.position) - 1 FROM {_outbox} AS o LEFT JOIN {DeliveryRows} AS d ON d.consumer = @consumer AND d.position = o.position " +
            " WHERE o.position > c.checkpoint AND (d.state IS NULL OR d.state = 0)), " +
            $"(SELECT MAX(position) FROM {_outbox}), 0)) WHERE c.consumer = @consumer; " +
            $"DELETE FROM {DeliveryRows} WHERE consumer = @consumer AND state = 1 " +
            $"AND position <= (SELECT checkpoint FROM {Consumers} WHERE consumer = @consumer);",
            connection,
            transaction))
        {
            advance.Parameters.AddWithValue("consumerLock", ConsumerLockName(consumer));
            advance.Parameters.AddWithValue("lock", OutboxLockName);
            advance.Parameters.AddWithValue("consumer", consumer);
            await advance.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
