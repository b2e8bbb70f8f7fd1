using System.Collections.ObjectModel;
using NodaTime;

namespace ServiceDesk.Storage.InMemory;

/// <content>Per-consumer outbox delivery (<see cref="IOutboxDeliveryStore"/>): checkpoints, leases, retries and parked
/// messages, under the store-wide lock of the outbox.</content>
public sealed partial class InMemoryTicketStore : IOutboxDeliveryStore
{
    /// <summary>Every consumer's state by name; guarded by <see cref="_gate"/>.</summary>
    private readonly Dictionary<string, ConsumerState> _consumers = new(StringComparer.Ordinal);

    /// <inheritdoc />
    /// <remarks>O(messages in the outbox): the in-memory outbox is not indexed by position range. Positions have no
    /// visibility gaps here (appends number them under the lock).</remarks>
    public Task<IReadOnlyList<OutboxDelivery>> ClaimOutboxAsync(
        string consumer, Instant now, int maxCount, Duration leaseDuration, CancellationToken cancellationToken = default)
    {
        OutboxDeliveryArguments.CheckClaim(consumer, maxCount, leaseDuration);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<IReadOnlyList<OutboxDelivery>>(cancellationToken);
        }

        lock (_gate)
        {
            var state = Consumer(consumer);
            Advance(state);
            var claimed = new List<OutboxDelivery>();
            var expires = now + leaseDuration;

            // Replays (parked, then replayed at or below the checkpoint) first; they block nothing.
            foreach (var record in state.Records.Values.Where(r => r.Position <= state.Checkpoint && r.State == DeliveryState.Waiting).ToList())
            {
                if (claimed.Count == maxCount)
                {
                    break;
                }

                if (!_outbox.TryGetValue(record.Position, out var message))
                {
                    state.Records.Remove(record.Position);
                    continue;
                }

                if (record.IsClaimable(now))
                {
                    claimed.Add(Lease(consumer, record, message, expires));
                }
            }

            var blocked = new HashSet<(TenantId, TicketId)>();
            var scanned = 0;
            foreach (var (position, message) in _outbox)
            {
                if (claimed.Count == maxCount || scanned == IOutboxDeliveryStore.ScanWindow)
                {
                    break;
                }

                if (position <= state.Checkpoint)
                {
                    continue;
                }

                var record = state.Records.GetValueOrDefault(position);
                if (record is { State: DeliveryState.Delivered or DeliveryState.Parked })
                {
                    continue;
                }

                scanned++;
                var key = (message.Event.Tenant, message.Event.Ticket);
                if (blocked.Contains(key))
                {
                    continue;
                }

                if (record is not null && !record.IsClaimable(now))
                {
                    blocked.Add(key);
                    continue;
                }

                record ??= state.Records[position] = new DeliveryRecord(position);
                claimed.Add(Lease(consumer, record, message, expires));
            }

            return Task.FromResult<IReadOnlyList<OutboxDelivery>>(claimed.AsReadOnly());
        }
    }

    /// <inheritdoc />
    public Task<int> SettleOutboxAsync(
        string consumer, IReadOnlyCollection<OutboxSettlement> settlements, Instant now, CancellationToken cancellationToken = default)
    {
        OutboxDeliveryArguments.CheckSettle(consumer, settlements);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<int>(cancellationToken);
        }

        lock (_gate)
        {
            var state = Consumer(consumer);
            var applied = 0;
            foreach (var settlement in settlements)
            {
                if (!state.Records.TryGetValue(settlement.Position, out var record)
                    || record.State != DeliveryState.Waiting || record.Token != settlement.LeaseToken)
                {
                    continue;
                }

                applied++;
                record.Token = null;
                switch (settlement.Outcome)
                {
                    case OutboxOutcome.Delivered:
                        record.State = DeliveryState.Delivered;
                        break;
                    case OutboxOutcome.Failed:
                        record.Attempts++;
                        record.DueAt = settlement.DueAt;
                        record.Error = settlement.Error;
                        break;
                    case OutboxOutcome.Deferred:
                        record.DueAt = settlement.DueAt;
                        break;
                    case OutboxOutcome.Parked:
                        record.Attempts++;
                        record.State = DeliveryState.Parked;
                        record.Error = settlement.Error;
                        record.ParkedAt = now;
                        break;
                    default:
                        record.DueAt = null;
                        break;
                }
            }

            Advance(state);
            return Task.FromResult(applied);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ParkedOutboxMessage>> ListParkedAsync(
        string consumer, int maxCount, long afterPosition = 0, CancellationToken cancellationToken = default)
    {
        OutboxDeliveryArguments.CheckList(consumer, maxCount, afterPosition);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<IReadOnlyList<ParkedOutboxMessage>>(cancellationToken);
        }

        lock (_gate)
        {
            if (!_consumers.TryGetValue(consumer, out var state))
            {
                return Task.FromResult<IReadOnlyList<ParkedOutboxMessage>>(ReadOnlyCollection<ParkedOutboxMessage>.Empty);
            }

            IReadOnlyList<ParkedOutboxMessage> parked = state.Records.Values
                .Where(r => r.State == DeliveryState.Parked && r.Position > afterPosition && _outbox.ContainsKey(r.Position))
                .Take(maxCount)
                .Select(r => new ParkedOutboxMessage(consumer, _outbox[r.Position], r.Attempts, r.ParkedAt, r.Error))
                .ToArray()
                .AsReadOnly();
            return Task.FromResult(parked);
        }
    }

    /// <inheritdoc />
    public Task<int> ReplayParkedAsync(string consumer, IReadOnlyCollection<long> positions, CancellationToken cancellationToken = default)
    {
        OutboxDeliveryArguments.CheckReplay(consumer, positions);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<int>(cancellationToken);
        }

        lock (_gate)
        {
            if (!_consumers.TryGetValue(consumer, out var state))
            {
                return Task.FromResult(0);
            }

            var replayed = 0;
            foreach (var position in positions.Distinct())
            {
                if (state.Records.TryGetValue(position, out var record) && record.State == DeliveryState.Parked)
                {
                    record.State = DeliveryState.Waiting;
                    record.Attempts = 0;
                    record.DueAt = null;
                    record.Token = null;
                    replayed++;
                }
            }

            return Task.FromResult(replayed);
        }
    }

    /// <inheritdoc />
    public Task<long> GetOutboxCheckpointAsync(string consumer, CancellationToken cancellationToken = default)
    {
        IOutboxDeliveryStore.CheckConsumer(consumer);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<long>(cancellationToken);
        }

        lock (_gate)
        {
            return Task.FromResult(_consumers.TryGetValue(consumer, out var state) ? state.Checkpoint : 0L);
        }
    }

    private static OutboxDelivery Lease(string consumer, DeliveryRecord record, OutboxMessage message, Instant expires)
    {
        record.Token = Guid.NewGuid();
        record.ExpiresAt = expires;
        return new OutboxDelivery(consumer, message, record.Attempts, record.Token.Value, expires);
    }

    private ConsumerState Consumer(string consumer)
    {
        if (!_consumers.TryGetValue(consumer, out var state))
        {
            state = new ConsumerState();
            _consumers.Add(consumer, state);
        }

        return state;
    }

    /// <summary>Moves a consumer's checkpoint over every settled message (and acknowledged gap) and forgets the delivered
    /// records below it; parked and replayed records stay. Called with <see cref="_gate"/> held.</summary>
    private void Advance(ConsumerState state)
    {
        var checkpoint = state.Checkpoint;
        var allSettled = true;
        foreach (var position in _outbox.Keys)
        {
            if (position <= checkpoint)
            {
                continue;
            }

            if (state.Records.TryGetValue(position, out var record) && record.State is DeliveryState.Delivered or DeliveryState.Parked)
            {
                checkpoint = position;
                continue;
            }

            allSettled = false;
            break;
        }

        // With nothing unsettled, acknowledged positions after the last message are settled too.
        state.Checkpoint = allSettled ? Math.Max(checkpoint, _lastPosition) : checkpoint;
        foreach (var done in state.Records.Values.Where(r => r.Position <= state.Checkpoint && r.State == DeliveryState.Delivered).Select(r => r.Position).ToList())
        {
            state.Records.Remove(done);
        }
    }

    private enum DeliveryState
    {
        Waiting,
        Delivered,
        Parked,
    }

    private sealed class ConsumerState
    {
        public long Checkpoint { get; set; }

        public SortedDictionary<long, DeliveryRecord> Records { get; } = [];
    }

    private sealed class DeliveryRecord(long position)
    {
        public long Position { get; } = position;

        public DeliveryState State { get; set; }

        public int Attempts { get; set; }

        public Instant? DueAt { get; set; }

        public Guid? Token { get; set; }

        public Instant ExpiresAt { get; set; }

        public string? Error { get; set; }

        public Instant ParkedAt { get; set; }

        /// <summary>Waiting, due, and not under a running lease.</summary>
        public bool IsClaimable(Instant now)
            => State == DeliveryState.Waiting && (DueAt is null || DueAt <= now) && (Token is null || ExpiresAt <= now);
    }
}
