using NodaTime;

namespace ServiceDesk.Storage;

/// <summary>
/// Per-consumer delivery state over the transactional outbox (<see cref="IOutboxStore"/>): each named consumer (a webhook
/// dispatcher, an e-mail sender, a bus publisher) sees every message once it was appended, at least once, in order per
/// ticket, with a durable checkpoint, retries at a due instant, leases so that several app instances never hand the same
/// message to two deliverers at once, and parked (poison) messages that an operator can list and replay.
/// </summary>
/// <remarks>
/// <para><b>State.</b> For each consumer a store keeps a <em>checkpoint</em> (every message at or below that position is
/// settled for the consumer: delivered or parked) and a delivery record for each message above it that has any state
/// (leased, failed and waiting for its retry, delivered out of position order, parked). Parked records stay below the
/// checkpoint until replayed. A consumer name seen for the first time starts at checkpoint 0: it receives every message
/// still in the outbox.</para>
/// <para><b>Claiming.</b> <see cref="ClaimOutboxAsync"/> scans the consumer's unsettled messages above its checkpoint by
/// position (at most <see cref="ScanWindow"/> of them per call) and leases the claimable ones. A message is claimable when
/// it has no delivery record, or its record is waiting with a due instant at or before <c>now</c> and no running lease.
/// A message that is <em>not</em> claimable (leased by another claim, or waiting for a retry) blocks every later message of
/// its ticket for this consumer: a ticket's messages are handed out as a prefix in version order. Messages of other
/// tickets are unaffected. Replayed messages (<see cref="ReplayParkedAsync"/>) are claimed first and block nothing.</para>
/// <para><b>Settling.</b> <see cref="SettleOutboxAsync"/> records what the deliverer did with each leased message, in one
/// call per batch; a settlement whose lease token no longer holds (the lease expired and another claim took the message)
/// is ignored and not counted. See <see cref="OutboxOutcome"/>.</para>
/// <para><b>Concurrency.</b> Claims of one consumer are serialized by the store (SQLite: the write transaction;
/// PostgreSQL: a transaction-scoped advisory lock per consumer and store schema), so two app instances never lease the same
/// message while its lease runs. Delivery is at least once: a deliverer that crashes after delivering but before settling
/// delivers again when the lease expires; receivers deduplicate by (tenant, ticket, version).</para>
/// <para><b>Visibility.</b> With concurrent writers a lower position may become visible after a higher one (PostgreSQL
/// identity columns). A store advances a checkpoint only over positions that can no longer appear (the PostgreSQL adapter
/// takes a shared advisory lock in every append that writes outbox rows and an exclusive one to advance a checkpoint), so a
/// late-committing message is never skipped.</para>
/// <para><b>Global acknowledgement.</b> <see cref="IOutboxStore.AcknowledgeOutboxAsync"/> removes a message for every
/// consumer, parked records included. Hosts that use named consumers leave the global acknowledgement to retention
/// jobs that acknowledge only positions at or below the smallest checkpoint of their consumers
/// (<see cref="GetOutboxCheckpointAsync"/>).</para>
/// <para><b>Failures.</b> As in <see cref="ITicketStore"/>: a failure of the storage itself surfaces as
/// <see cref="StorageException"/>. A stored event that no longer reads is skipped with its ticket's later messages, as by
/// <see cref="IOutboxStore.ReadOutboxAsync"/>.</para>
/// <para>Implementations are thread-safe and honour cancellation before any change is made.</para>
/// </remarks>
public interface IOutboxDeliveryStore
{
    /// <summary>The most messages one claim may lease: 1,000.</summary>
    public const int MaxClaim = 1_000;

    /// <summary>The most unsettled messages one claim looks at past the checkpoint: 1,000. When that many messages are all
    /// blocked (waiting for retries of a few tickets), a claim returns only replays until retries come due or park.</summary>
    public const int ScanWindow = 1_000;

    /// <summary>The longest consumer name: 100 characters.</summary>
    public const int MaxConsumerLength = 100;

    /// <summary>The longest error text kept with a failed or parked message: 2,000 characters (longer text is cut).</summary>
    public const int MaxErrorLength = 2_000;

    /// <summary>Leases the consumer's claimable messages (see the remarks of <see cref="IOutboxDeliveryStore"/>).</summary>
    /// <param name="consumer">The consumer's name: 1 to 100 characters of letters, digits, '-', '_', '.' or ':'.</param>
    /// <param name="now">The instant of the claim; retries due at or before it are claimable.</param>
    /// <param name="maxCount">The most messages to lease, 1 to 1,000.</param>
    /// <param name="leaseDuration">How long the lease holds, more than zero and at most one day.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The leased messages: replays first, then by position; for one ticket, always a prefix of its unsettled
    /// messages in version order.</returns>
    /// <exception cref="ArgumentException"><paramref name="consumer"/> is not a valid name.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxCount"/> or <paramref name="leaseDuration"/> is out
    /// of range.</exception>
    Task<IReadOnlyList<OutboxDelivery>> ClaimOutboxAsync(
        string consumer, Instant now, int maxCount, Duration leaseDuration, CancellationToken cancellationToken = default);

    /// <summary>Records the outcome of leased messages and advances the consumer's checkpoint over what is settled.</summary>
    /// <param name="consumer">The consumer that claimed them.</param>
    /// <param name="settlements">The outcomes, at most 1,000; each names the lease token it was claimed with.</param>
    /// <param name="now">The instant of the settlement (recorded with parked messages).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>How many settlements were applied; a settlement whose lease no longer holds is ignored.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="settlements"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="consumer"/> is not a valid name.</exception>
    /// <exception cref="ArgumentOutOfRangeException">More than 1,000 settlements.</exception>
    Task<int> SettleOutboxAsync(
        string consumer, IReadOnlyCollection<OutboxSettlement> settlements, Instant now, CancellationToken cancellationToken = default);

    /// <summary>Lists a consumer's parked messages by position.</summary>
    /// <param name="consumer">The consumer.</param>
    /// <param name="maxCount">The most to return, 1 to 1,000.</param>
    /// <param name="afterPosition">Only messages after this position (the last position of the previous page), or 0.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The parked messages, by position.</returns>
    /// <exception cref="ArgumentException"><paramref name="consumer"/> is not a valid name.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxCount"/> is out of range, or
    /// <paramref name="afterPosition"/> is negative.</exception>
    Task<IReadOnlyList<ParkedOutboxMessage>> ListParkedAsync(
        string consumer, int maxCount, long afterPosition = 0, CancellationToken cancellationToken = default);

    /// <summary>Makes parked messages claimable again at once, with their attempts reset to zero. A replayed message is
    /// delivered out of order (its ticket's later messages went on while it was parked).</summary>
    /// <param name="consumer">The consumer.</param>
    /// <param name="positions">The positions to replay, at most 1,000; positions that are not parked for the consumer are
    /// ignored.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>How many parked messages were replayed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="positions"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="consumer"/> is not a valid name.</exception>
    /// <exception cref="ArgumentOutOfRangeException">More than 1,000 positions.</exception>
    Task<int> ReplayParkedAsync(string consumer, IReadOnlyCollection<long> positions, CancellationToken cancellationToken = default);

    /// <summary>Gets a consumer's checkpoint: every message at or below it is settled (delivered or parked) for the
    /// consumer.</summary>
    /// <param name="consumer">The consumer.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The checkpoint; 0 for a consumer that never settled anything.</returns>
    /// <exception cref="ArgumentException"><paramref name="consumer"/> is not a valid name.</exception>
    Task<long> GetOutboxCheckpointAsync(string consumer, CancellationToken cancellationToken = default);

    /// <summary>Checks a consumer name (shared by every adapter so that they accept and reject the same names).</summary>
    /// <param name="consumer">The name.</param>
    /// <param name="paramName">The parameter name for the exception.</param>
    /// <returns>The name.</returns>
    /// <exception cref="ArgumentException">The name is null, empty, longer than 100 characters or has a character other
    /// than an ASCII letter, digit, '-', '_', '.' or ':'.</exception>
    public static string CheckConsumer(string consumer, string paramName = "consumer")
    {
        if (string.IsNullOrEmpty(consumer) || consumer.Length > MaxConsumerLength
            || !consumer.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
        {
            throw new ArgumentException(
                $"Consumer name {TextPolicy.Echo(consumer)} is invalid: use 1 to {MaxConsumerLength} characters of ASCII letters, digits, '-', '_', '.' or ':'.",
                paramName);
        }

        return consumer;
    }

    /// <summary>Cuts an error text to <see cref="MaxErrorLength"/> characters and removes characters a store cannot keep.</summary>
    /// <param name="error">The text, or <see langword="null"/>.</param>
    /// <returns>The text to store, or <see langword="null"/>.</returns>
    public static string? ClipError(string? error)
    {
        if (error is null)
        {
            return null;
        }

        var clean = new string([.. error.Where(c => c is not '\0' && !char.IsSurrogate(c))]);
        return clean.Length <= MaxErrorLength ? clean : clean[..(MaxErrorLength - 1)] + "…";
    }
}

/// <summary>What the deliverer did with a leased message (<see cref="IOutboxDeliveryStore.SettleOutboxAsync"/>).</summary>
public enum OutboxOutcome
{
    /// <summary>Delivered: the message is settled for the consumer.</summary>
    Delivered = 1,

    /// <summary>Failed: one more attempt is counted; the message waits until <see cref="OutboxSettlement.DueAt"/> and blocks
    /// its ticket's later messages until then.</summary>
    Failed = 2,

    /// <summary>Deferred: not attempted (e.g. a notification held until business hours); no attempt is counted; the message
    /// waits until <see cref="OutboxSettlement.DueAt"/> and blocks its ticket's later messages until then.</summary>
    Deferred = 3,

    /// <summary>Parked: one more attempt is counted and the message is set aside for an operator; it no longer blocks its
    /// ticket.</summary>
    Parked = 4,

    /// <summary>Released: not attempted (e.g. an earlier message of the same ticket failed in the same batch); the lease ends
    /// and the message is claimable again at once.</summary>
    Released = 5,
}

/// <summary>A message leased to a consumer by <see cref="IOutboxDeliveryStore.ClaimOutboxAsync"/>.</summary>
/// <param name="Consumer">The consumer.</param>
/// <param name="Message">The message.</param>
/// <param name="Attempts">How many attempts were counted before this claim (failures and parkings): 0 for a first
/// delivery.</param>
/// <param name="LeaseToken">The lease token to settle with.</param>
/// <param name="LeaseExpiresAt">When the lease ends.</param>
public sealed record OutboxDelivery(string Consumer, OutboxMessage Message, int Attempts, Guid LeaseToken, Instant LeaseExpiresAt);

/// <summary>The outcome of one leased message, for <see cref="IOutboxDeliveryStore.SettleOutboxAsync"/>; create it with the
/// factory methods.</summary>
/// <param name="Position">The message's position.</param>
/// <param name="LeaseToken">The lease token of its claim.</param>
/// <param name="Outcome">The outcome.</param>
/// <param name="DueAt">When a failed or deferred message is claimable again; <see langword="null"/> otherwise.</param>
/// <param name="Error">Why it failed or was parked (cut to 2,000 characters), or <see langword="null"/>.</param>
public readonly record struct OutboxSettlement(long Position, Guid LeaseToken, OutboxOutcome Outcome, Instant? DueAt, string? Error)
{
    /// <summary>The message was delivered.</summary>
    /// <param name="delivery">The leased message.</param>
    /// <returns>The settlement.</returns>
    public static OutboxSettlement Delivered(OutboxDelivery delivery)
        => new(Checked(delivery).Message.Position, delivery.LeaseToken, OutboxOutcome.Delivered, null, null);

    /// <summary>The attempt failed; retry at <paramref name="retryAt"/>.</summary>
    /// <param name="delivery">The leased message.</param>
    /// <param name="retryAt">When to retry.</param>
    /// <param name="error">Why it failed.</param>
    /// <returns>The settlement.</returns>
    public static OutboxSettlement Failed(OutboxDelivery delivery, Instant retryAt, string? error)
        => new(Checked(delivery).Message.Position, delivery.LeaseToken, OutboxOutcome.Failed, retryAt, IOutboxDeliveryStore.ClipError(error));

    /// <summary>Not attempted; hold until <paramref name="deliverAt"/>.</summary>
    /// <param name="delivery">The leased message.</param>
    /// <param name="deliverAt">When it may be delivered.</param>
    /// <returns>The settlement.</returns>
    public static OutboxSettlement Deferred(OutboxDelivery delivery, Instant deliverAt)
        => new(Checked(delivery).Message.Position, delivery.LeaseToken, OutboxOutcome.Deferred, deliverAt, null);

    /// <summary>The last attempt failed; set the message aside.</summary>
    /// <param name="delivery">The leased message.</param>
    /// <param name="error">Why it failed.</param>
    /// <returns>The settlement.</returns>
    public static OutboxSettlement Parked(OutboxDelivery delivery, string? error)
        => new(Checked(delivery).Message.Position, delivery.LeaseToken, OutboxOutcome.Parked, null, IOutboxDeliveryStore.ClipError(error));

    /// <summary>Not attempted; give the message back at once.</summary>
    /// <param name="delivery">The leased message.</param>
    /// <returns>The settlement.</returns>
    public static OutboxSettlement Released(OutboxDelivery delivery)
        => new(Checked(delivery).Message.Position, delivery.LeaseToken, OutboxOutcome.Released, null, null);

    /// <summary>Checks a settlement as every adapter does before storing it.</summary>
    /// <exception cref="ArgumentException">The outcome is undefined, or a failed or deferred settlement has no due instant.</exception>
    internal void Validate()
    {
        if (!Enum.IsDefined(Outcome))
        {
            throw new ArgumentException($"Outcome {(int)Outcome} of position {Position} is not an OutboxOutcome (1 to 5).", "settlements");
        }

        if (Outcome is OutboxOutcome.Failed or OutboxOutcome.Deferred && DueAt is null)
        {
            throw new ArgumentException($"A {Outcome} settlement of position {Position} needs a due instant.", "settlements");
        }
    }

    private static OutboxDelivery Checked(OutboxDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return delivery;
    }
}

/// <summary>A message a consumer parked after its last attempt failed.</summary>
/// <param name="Consumer">The consumer.</param>
/// <param name="Message">The message.</param>
/// <param name="Attempts">The attempts counted.</param>
/// <param name="ParkedAt">When it was parked.</param>
/// <param name="Error">The last error, or <see langword="null"/>.</param>
public sealed record ParkedOutboxMessage(string Consumer, OutboxMessage Message, int Attempts, Instant ParkedAt, string? Error);

/// <summary>Argument checks shared by every <see cref="IOutboxDeliveryStore"/> adapter.</summary>
public static class OutboxDeliveryArguments
{
    private static readonly Duration MaxLease = Duration.FromDays(1);

    /// <summary>Checks the arguments of <see cref="IOutboxDeliveryStore.ClaimOutboxAsync"/>.</summary>
    /// <param name="consumer">The consumer.</param>
    /// <param name="maxCount">The most messages.</param>
    /// <param name="leaseDuration">The lease.</param>
    /// <exception cref="ArgumentException">The consumer name is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The count or the lease is out of range.</exception>
    public static void CheckClaim(string consumer, int maxCount, Duration leaseDuration)
    {
        IOutboxDeliveryStore.CheckConsumer(consumer);
        if (maxCount is < 1 or > IOutboxDeliveryStore.MaxClaim)
        {
            throw new ArgumentOutOfRangeException(nameof(maxCount), maxCount, $"A claim leases 1 to {IOutboxDeliveryStore.MaxClaim:N0} messages.");
        }

        if (leaseDuration <= Duration.Zero || leaseDuration > MaxLease)
        {
            throw new ArgumentOutOfRangeException(nameof(leaseDuration), leaseDuration, "A lease lasts more than zero and at most one day.");
        }
    }

    /// <summary>Checks the arguments of <see cref="IOutboxDeliveryStore.SettleOutboxAsync"/>.</summary>
    /// <param name="consumer">The consumer.</param>
    /// <param name="settlements">The settlements.</param>
    /// <exception cref="ArgumentNullException"><paramref name="settlements"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The consumer name or a settlement is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">More than 1,000 settlements.</exception>
    public static void CheckSettle(string consumer, IReadOnlyCollection<OutboxSettlement> settlements)
    {
        IOutboxDeliveryStore.CheckConsumer(consumer);
        ArgumentNullException.ThrowIfNull(settlements);
        if (settlements.Count > IOutboxDeliveryStore.MaxClaim)
        {
            throw new ArgumentOutOfRangeException(nameof(settlements), settlements.Count, $"One settlement call takes at most {IOutboxDeliveryStore.MaxClaim:N0} outcomes.");
        }

        foreach (var settlement in settlements)
        {
            settlement.Validate();
        }
    }

    /// <summary>Checks the arguments of <see cref="IOutboxDeliveryStore.ListParkedAsync"/>.</summary>
    /// <param name="consumer">The consumer.</param>
    /// <param name="maxCount">The most messages.</param>
    /// <param name="afterPosition">The position after which to list.</param>
    /// <exception cref="ArgumentException">The consumer name is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The count or position is out of range.</exception>
    public static void CheckList(string consumer, int maxCount, long afterPosition)
    {
        IOutboxDeliveryStore.CheckConsumer(consumer);
        if (maxCount is < 1 or > IOutboxDeliveryStore.MaxClaim)
        {
            throw new ArgumentOutOfRangeException(nameof(maxCount), maxCount, $"A list returns 1 to {IOutboxDeliveryStore.MaxClaim:N0} messages.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(afterPosition);
    }

    /// <summary>Checks the arguments of <see cref="IOutboxDeliveryStore.ReplayParkedAsync"/>.</summary>
    /// <param name="consumer">The consumer.</param>
    /// <param name="positions">The positions.</param>
    /// <exception cref="ArgumentNullException"><paramref name="positions"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The consumer name is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">More than 1,000 positions.</exception>
    public static void CheckReplay(string consumer, IReadOnlyCollection<long> positions)
    {
        IOutboxDeliveryStore.CheckConsumer(consumer);
        ArgumentNullException.ThrowIfNull(positions);
        if (positions.Count > IOutboxDeliveryStore.MaxClaim)
        {
            throw new ArgumentOutOfRangeException(nameof(positions), positions.Count, $"One replay takes at most {IOutboxDeliveryStore.MaxClaim:N0} positions.");
        }
    }
}
