using System.Collections.ObjectModel;
using System.Globalization;
using Microsoft.Data.Sqlite;
using NodaTime;

namespace ServiceDesk.Storage.Sqlite;

/// <content>Per-consumer outbox delivery (<see cref="IOutboxDeliveryStore"/>) on the tables of schema version 8.</content>
public sealed partial class SqliteTicketStore : IOutboxDeliveryStore
{
    /// <summary>Unsettled messages after the checkpoint (no delivery row, or a waiting one), by position, with their
    /// delivery state.</summary>
    private const string ScanSql = """
        SELECT o.position, e.payload, o.tenant, o.ticket, o.version, d.attempts, d.due_s, d.due_ns, d.lease_token, d.lease_expires_s, d.lease_expires_ns
        FROM outbox AS o
        JOIN ticket_events AS e ON e.tenant = o.tenant AND e.ticket = o.ticket AND e.version = o.version
        LEFT JOIN outbox_deliveries AS d ON d.consumer = $consumer AND d.position = o.position
        WHERE o.position > $checkpoint AND (d.state IS NULL OR d.state = 0)
        ORDER BY o.position LIMIT $limit;
        """;

    /// <summary>Replayed messages at or below the checkpoint, by position.</summary>
    private const string ReplaySql = """
        SELECT o.position, e.payload, o.tenant, o.ticket, o.version, d.attempts, d.due_s, d.due_ns, d.lease_token, d.lease_expires_s, d.lease_expires_ns
        FROM outbox_deliveries AS d
        JOIN outbox AS o ON o.position = d.position
        JOIN ticket_events AS e ON e.tenant = o.tenant AND e.ticket = o.ticket AND e.version = o.version
        WHERE d.consumer = $consumer AND d.state = 0 AND d.position <= $checkpoint
        ORDER BY d.position LIMIT $limit;
        """;

    /// <inheritdoc />
    /// <remarks>One <c>BEGIN IMMEDIATE</c> transaction advances the checkpoint, reads the replays and up to
    /// <see cref="IOutboxDeliveryStore.ScanWindow"/> unsettled messages after the checkpoint, and writes the leases, so
    /// claimers in any number of processes never lease the same message while its lease runs. SQLite has one writer at a
    /// time, so positions become visible in order and the checkpoint never skips a message.</remarks>
    /// <exception cref="StorageException">SQLite failed.</exception>
    public async Task<IReadOnlyList<OutboxDelivery>> ClaimOutboxAsync(
        string consumer, Instant now, int maxCount, Duration leaseDuration, CancellationToken cancellationToken = default)
    {
        OutboxDeliveryArguments.CheckClaim(consumer, maxCount, leaseDuration);
        cancellationToken.ThrowIfCancellationRequested();
        var expires = now + leaseDuration;
        return await Guarded("claim outbox messages", async () =>
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var transaction = connection.BeginTransaction(deferred: false);
            var checkpoint = await AdvanceAsync(connection, transaction, consumer, cancellationToken).ConfigureAwait(false);
            var candidates = new List<(OutboxMessage Message, DeliveryRow? Row)>();
            var blocked = new HashSet<(string Tenant, string Ticket)>();
            var claimed = new List<OutboxDelivery>();

            foreach (var (sql, isReplay) in new[] { (ReplaySql, true), (ScanSql, false) })
            {
                using var read = Command(connection, transaction, sql);
                read.Parameters.AddWithValue("$consumer", consumer);
                read.Parameters.AddWithValue("$checkpoint", checkpoint);
                read.Parameters.AddWithValue("$limit", IOutboxDeliveryStore.ScanWindow);
                using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && claimed.Count < maxCount)
                {
                    var position = reader.GetInt64(0);
                    var (tenant, ticket, version) = (reader.GetString(2), reader.GetString(3), reader.GetInt64(4));
                    var row = reader.IsDBNull(5) ? null : new DeliveryRow(
                        reader.GetInt32(5),
                        reader.IsDBNull(6) ? null : Join(reader.GetInt64(6), reader.GetInt64(7)),
                        !reader.IsDBNull(8),
                        reader.IsDBNull(9) ? default : Join(reader.GetInt64(9), reader.GetInt64(10)));
                    if (!isReplay && blocked.Contains((tenant, ticket)))
                    {
                        continue;
                    }

                    if (row is not null && !row.IsClaimable(now))
                    {
                        if (!isReplay)
                        {
                            blocked.Add((tenant, ticket));
                        }

                        continue;
                    }

                    OutboxMessage message;
                    try
                    {
                        message = new OutboxMessage(position, ReadEvent(reader.GetString(1), tenant, ticket, version));
                    }
                    catch (StorageException corrupt)
                    {
                        blocked.Add((tenant, ticket));
                        _onCorruptRow?.Invoke(CorruptRow(
                            "ticket_events", tenant, $"ticket {ticket}, version {version}, outbox position {position}", corrupt.InnerException!));
                        continue;
                    }

                    var token = Guid.NewGuid();
                    claimed.Add(new OutboxDelivery(consumer, message, row?.Attempts ?? 0, token, expires));
                }
            }

            if (claimed.Count > 0)
            {
                using var lease = Command(connection, transaction, """
                    INSERT INTO outbox_deliveries (consumer, position, state, attempts, lease_token, lease_expires_s, lease_expires_ns)
                    VALUES ($consumer, $position, 0, 0, $token, $es, $ens)
                    ON CONFLICT (consumer, position) DO UPDATE SET
                        lease_token = excluded.lease_token, lease_expires_s = excluded.lease_expires_s, lease_expires_ns = excluded.lease_expires_ns;
                    """);
                var (es, ens) = Split(expires);
                lease.Parameters.AddWithValue("$consumer", consumer);
                lease.Parameters.AddWithValue("$es", es);
                lease.Parameters.AddWithValue("$ens", ens);
                var pPosition = lease.Parameters.Add("$position", SqliteType.Integer);
                var pToken = lease.Parameters.Add("$token", SqliteType.Text);
                foreach (var delivery in claimed)
                {
                    pPosition.Value = delivery.Message.Position;
                    pToken.Value = delivery.LeaseToken.ToString("D", CultureInfo.InvariantCulture);
                    await lease.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return claimed.Count == 0 ? ReadOnlyCollection<OutboxDelivery>.Empty : (IReadOnlyList<OutboxDelivery>)claimed.AsReadOnly();
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>One <c>BEGIN IMMEDIATE</c> transaction: one conditional update per settlement (matching the lease token),
    /// then the checkpoint advance.</remarks>
    /// <exception cref="StorageException">SQLite failed.</exception>
    public async Task<int> SettleOutboxAsync(
        string consumer, IReadOnlyCollection<OutboxSettlement> settlements, Instant now, CancellationToken cancellationToken = default)
    {
        OutboxDeliveryArguments.CheckSettle(consumer, settlements);
        cancellationToken.ThrowIfCancellationRequested();
        return await Guarded("settle outbox messages", async () =>
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var transaction = connection.BeginTransaction(deferred: false);
            using var update = Command(connection, transaction, """
                UPDATE outbox_deliveries SET
                    state = CASE $outcome WHEN 1 THEN 1 WHEN 4 THEN 2 ELSE 0 END,
                    attempts = attempts + CASE WHEN $outcome IN (2, 4) THEN 1 ELSE 0 END,
                    due_s = $ds, due_ns = $dns,
                    error = CASE WHEN $outcome IN (2, 4) THEN $error ELSE error END,
                    parked_s = CASE WHEN $outcome = 4 THEN $ps ELSE parked_s END,
                    parked_ns = CASE WHEN $outcome = 4 THEN $pns ELSE parked_ns END,
                    lease_token = NULL, lease_expires_s = NULL, lease_expires_ns = NULL
                WHERE consumer = $consumer AND position = $position AND state = 0 AND lease_token = $token;
                """);
            var (ps, pns) = Split(now);
            update.Parameters.AddWithValue("$consumer", consumer);
            update.Parameters.AddWithValue("$ps", ps);
            update.Parameters.AddWithValue("$pns", pns);
            var pOutcome = update.Parameters.Add("$outcome", SqliteType.Integer);
            var pDs = update.Parameters.Add("$ds", SqliteType.Integer);
            var pDns = update.Parameters.Add("$dns", SqliteType.Integer);
            var pError = update.Parameters.Add("$error", SqliteType.Text);
            var pPosition = update.Parameters.Add("$position", SqliteType.Integer);
            var pToken = update.Parameters.Add("$token", SqliteType.Text);
            var applied = 0;
            foreach (var settlement in settlements)
            {
                pOutcome.Value = (int)settlement.Outcome;
                var due = settlement.Outcome is OutboxOutcome.Failed or OutboxOutcome.Deferred ? settlement.DueAt : null;
                (pDs.Value, pDns.Value) = due is { } d ? ((object)Split(d).Seconds, (object)Split(d).Nanos) : (DBNull.Value, DBNull.Value);
                pError.Value = (object?)settlement.Error ?? DBNull.Value;
                pPosition.Value = settlement.Position;
                pToken.Value = settlement.LeaseToken.ToString("D", CultureInfo.InvariantCulture);
                applied += await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await AdvanceAsync(connection, transaction, consumer, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return applied;
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">SQLite failed.</exception>
    public async Task<IReadOnlyList<ParkedOutboxMessage>> ListParkedAsync(
        string consumer, int maxCount, long afterPosition = 0, CancellationToken cancellationToken = default)
    {
        OutboxDeliveryArguments.CheckList(consumer, maxCount, afterPosition);
        cancellationToken.ThrowIfCancellationRequested();
        return await Guarded("list parked outbox messages", async () =>
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var read = Command(connection, null, """
                SELECT o.position, e.payload, o.tenant, o.ticket, o.version, d.attempts, d.parked_s, d.parked_ns, d.error
                FROM outbox_deliveries AS d
                JOIN outbox AS o ON o.position = d.position
                JOIN ticket_events AS e ON e.tenant = o.tenant AND e.ticket = o.ticket AND e.version = o.version
                WHERE d.consumer = $consumer AND d.state = 2 AND d.position > $after
                ORDER BY d.position LIMIT $limit;
                """);
            read.Parameters.AddWithValue("$consumer", consumer);
            read.Parameters.AddWithValue("$after", afterPosition);
            read.Parameters.AddWithValue("$limit", maxCount);
            var parked = new List<ParkedOutboxMessage>();
            using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var (position, tenant, ticket, version) = (reader.GetInt64(0), reader.GetString(2), reader.GetString(3), reader.GetInt64(4));
                try
                {
                    var message = new OutboxMessage(position, ReadEvent(reader.GetString(1), tenant, ticket, version));
                    parked.Add(new ParkedOutboxMessage(
                        consumer, message, reader.GetInt32(5), Join(reader.GetInt64(6), reader.GetInt64(7)), reader.IsDBNull(8) ? null : reader.GetString(8)));
                }
                catch (StorageException corrupt)
                {
                    _onCorruptRow?.Invoke(CorruptRow(
                        "ticket_events", tenant, $"ticket {ticket}, version {version}, outbox position {position}", corrupt.InnerException!));
                }
            }

            return parked.Count == 0 ? ReadOnlyCollection<ParkedOutboxMessage>.Empty : (IReadOnlyList<ParkedOutboxMessage>)parked.AsReadOnly();
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">SQLite failed.</exception>
    public async Task<int> ReplayParkedAsync(string consumer, IReadOnlyCollection<long> positions, CancellationToken cancellationToken = default)
    {
        OutboxDeliveryArguments.CheckReplay(consumer, positions);
        cancellationToken.ThrowIfCancellationRequested();
        if (positions.Count == 0)
        {
            return 0;
        }

        return await Guarded("replay parked outbox messages", async () =>
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var transaction = connection.BeginTransaction(deferred: false);
            using var update = Command(connection, transaction, """
                UPDATE outbox_deliveries SET state = 0, attempts = 0, due_s = NULL, due_ns = NULL,
                    lease_token = NULL, lease_expires_s = NULL, lease_expires_ns = NULL
                WHERE consumer = $consumer AND position = $position AND state = 2;
                """);
            update.Parameters.AddWithValue("$consumer", consumer);
            var pPosition = update.Parameters.Add("$position", SqliteType.Integer);
            var replayed = 0;
            foreach (var position in positions.Distinct())
            {
                pPosition.Value = position;
                replayed += await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return replayed;
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">SQLite failed.</exception>
    public async Task<long> GetOutboxCheckpointAsync(string consumer, CancellationToken cancellationToken = default)
    {
        IOutboxDeliveryStore.CheckConsumer(consumer);
        cancellationToken.ThrowIfCancellationRequested();
        return await Guarded("read an outbox checkpoint", async () =>
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var read = Command(connection, null, "SELECT checkpoint FROM outbox_consumers WHERE consumer = $consumer;");
            read.Parameters.AddWithValue("$consumer", consumer);
            return await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long checkpoint ? checkpoint : 0L;
        }).ConfigureAwait(false);
    }

    /// <summary>Moves the consumer's checkpoint (creating the consumer at 0) to just before its first unsettled message, or
    /// to the last message when all are settled, and deletes the delivered rows at or below it.</summary>
    private static async Task<long> AdvanceAsync(SqliteConnection connection, SqliteTransaction transaction, string consumer, CancellationToken cancellationToken)
    {
        using var advance = Command(connection, transaction, """
            INSERT OR IGNORE INTO outbox_consumers (consumer, checkpoint) VALUES ($consumer, 0);
            UPDATE outbox_consumers SET checkpoint = MAX(checkpoint, COALESCE(
                (SELECT MIN(o.position) - 1 FROM outbox AS o
                 LEFT JOIN outbox_deliveries AS d ON d.consumer = $consumer AND d.position = o.position
                 WHERE o.position > outbox_consumers.checkpoint AND (d.state IS NULL OR d.state = 0)),
                (SELECT MAX(position) FROM outbox),
                0))
            WHERE consumer = $consumer;
            DELETE FROM outbox_deliveries WHERE consumer = $consumer AND state = 1
                AND position <= (SELECT checkpoint FROM outbox_consumers WHERE consumer = $consumer);
            SELECT checkpoint FROM outbox_consumers WHERE consumer = $consumer;
            """);
        advance.Parameters.AddWithValue("$consumer", consumer);
        return (long)(await advance.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>A message's delivery row for one consumer.</summary>
    private sealed record DeliveryRow(int Attempts, Instant? DueAt, bool Leased, Instant LeaseExpiresAt)
    {
        public bool IsClaimable(Instant now) => (DueAt is null || DueAt <= now) && (!Leased || LeaseExpiresAt <= now);
    }
}
