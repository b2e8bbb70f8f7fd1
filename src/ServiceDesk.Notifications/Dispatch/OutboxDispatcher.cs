using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Storage;

namespace ServiceDesk.Notifications;

/// <summary>
/// Delivers the transactional outbox to one named consumer through an <see cref="IOutboxHandler"/>: at least once, in
/// order per ticket, holding notifications until their business-hours delivery time, retrying with exponential backoff,
/// and parking messages that keep failing. Usable without a host (<see cref="DispatchOnceAsync"/>, <see cref="RunAsync"/>);
/// the DI extensions run it as a hosted service.
/// </summary>
/// <remarks>
/// <para><b>One dispatch.</b> Claims up to <see cref="OutboxDispatcherOptions.BatchSize"/> messages from the store
/// (<see cref="IOutboxDeliveryStore.ClaimOutboxAsync"/>), groups them by ticket, and delivers each ticket's messages one
/// after the other, up to <see cref="OutboxDispatcherOptions.MaxParallelTickets"/> tickets at once. A message whose
/// delivery time is later is deferred (no attempt counted); a message that fails is retried after its backoff or, at its
/// last attempt, parked; either way the ticket's later messages of the batch are released unattempted, so they never
/// overtake it. All outcomes of the batch are settled in one store call.</para>
/// <para><b>Several instances.</b> Any number of dispatchers of the same consumer may run in any number of processes: the
/// store leases each message to one of them at a time. Dispatchers of different consumers are independent: each sees
/// every message.</para>
/// <para><b>Time.</b> Every instant comes from the <see cref="IClock"/> given (never the machine clock), read once per
/// dispatch.</para>
/// <para>Thread-safe; keeps no state between dispatches except its options.</para>
/// </remarks>
public sealed partial class OutboxDispatcher
{
    private readonly IOutboxDeliveryStore _store;
    private readonly IOutboxHandler _handler;
    private readonly OutboxDispatcherOptions _options;
    private readonly IClock _clock;
    private readonly ILogger _logger;

    /// <summary>Initializes a dispatcher.</summary>
    /// <param name="store">The store (every shipped adapter implements <see cref="IOutboxDeliveryStore"/>).</param>
    /// <param name="consumer">The consumer's name (see <see cref="IOutboxDeliveryStore.CheckConsumer"/>).</param>
    /// <param name="handler">Delivers each message.</param>
    /// <param name="clock">The clock.</param>
    /// <param name="options">The options (copied); defaults when <see langword="null"/>.</param>
    /// <param name="logger">The logger; <see cref="NullLogger"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException">A required argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The consumer name is invalid, or the options are (the message lists every
    /// fault).</exception>
    public OutboxDispatcher(
        IOutboxDeliveryStore store, string consumer, IOutboxHandler handler, IClock clock, OutboxDispatcherOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(clock);
        Consumer = IOutboxDeliveryStore.CheckConsumer(consumer, nameof(consumer));
        var copy = (options ?? new OutboxDispatcherOptions()).Copy();
        var faults = copy.Validate(consumer);
        if (faults.Count > 0)
        {
            throw new ArgumentException("Invalid outbox dispatcher options: " + string.Join("; ", faults), nameof(options));
        }

        _store = store;
        _handler = handler;
        _clock = clock;
        _options = copy;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Gets the consumer this dispatcher delivers for.</summary>
    public string Consumer { get; }

    /// <summary>Gets the options in force (a copy of those given).</summary>
    public OutboxDispatcherOptions Options => _options.Copy();

    /// <summary>The default <see cref="OutboxDispatcherOptions.DeliverAt"/>: an <see cref="Escalated"/> event's
    /// <see cref="Escalated.DeliverAt"/> (a notification deferred to business hours); <see langword="null"/> (at once) for
    /// every other message.</summary>
    /// <param name="message">The message.</param>
    /// <returns>The earliest delivery instant, or <see langword="null"/>.</returns>
    public static Instant? EscalationDeliverAt(OutboxMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Event is Escalated { DeliverAt: { } at } ? at : null;
    }

    /// <summary>Claims one batch, delivers it and settles it.</summary>
    /// <param name="cancellationToken">Stops the dispatch: messages not yet handled are released.</param>
    /// <returns>What happened to the batch.</returns>
    /// <exception cref="StorageException">The store failed (nothing of the batch is settled; its leases expire and the
    /// messages come again).</exception>
    public async Task<OutboxDispatchResult> DispatchOnceAsync(CancellationToken cancellationToken = default)
    {
        var now = _clock.GetCurrentInstant();
        var claimed = await _store.ClaimOutboxAsync(Consumer, now, _options.BatchSize, _options.LeaseDuration, cancellationToken).ConfigureAwait(false);
        if (claimed.Count == 0)
        {
            return new OutboxDispatchResult(0, 0, 0, 0, 0, 0);
        }

        var settlements = new ConcurrentBag<OutboxSettlement>();
        var tickets = claimed.GroupBy(d => (d.Message.Event.Tenant, d.Message.Event.Ticket)).Select(g => g.ToList()).ToList();
        await Parallel.ForEachAsync(
            tickets,
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelTickets, CancellationToken = CancellationToken.None },
            async (messages, _) =>
            {
                foreach (var settlement in await DeliverTicketAsync(messages, now, cancellationToken).ConfigureAwait(false))
                {
                    settlements.Add(settlement);
                }
            }).ConfigureAwait(false);

        var all = settlements.ToList();
        // Settled even when the dispatch is being cancelled: what was delivered must not be delivered again.
        await _store.SettleOutboxAsync(Consumer, all, _clock.GetCurrentInstant(), CancellationToken.None).ConfigureAwait(false);
        var result = new OutboxDispatchResult(
            claimed.Count,
            all.Count(s => s.Outcome == OutboxOutcome.Delivered),
            all.Count(s => s.Outcome == OutboxOutcome.Failed),
            all.Count(s => s.Outcome == OutboxOutcome.Deferred),
            all.Count(s => s.Outcome == OutboxOutcome.Parked),
            all.Count(s => s.Outcome == OutboxOutcome.Released));
        Dispatched(_logger, Consumer, result.Claimed, result.Delivered, result.Failed, result.Deferred, result.Parked);
        return result;
    }

    /// <summary>Dispatches until cancelled: again at once after a full batch, otherwise after
    /// <see cref="OutboxDispatcherOptions.PollInterval"/> (waited on <paramref name="timeProvider"/>). A failed dispatch
    /// (the store unreachable) is logged and retried after the poll interval.</summary>
    /// <param name="timeProvider">What the waits are measured on; <see cref="TimeProvider.System"/> when
    /// <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the loop.</param>
    /// <returns>A task that completes when cancelled.</returns>
    public async Task RunAsync(TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        var time = timeProvider ?? TimeProvider.System;
        var poll = _options.PollInterval.ToTimeSpan();
        while (!cancellationToken.IsCancellationRequested)
        {
            var full = false;
            try
            {
                var result = await DispatchOnceAsync(cancellationToken).ConfigureAwait(false);
                full = result.Claimed >= _options.BatchSize && result.Released < result.Claimed;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (StorageException ex)
            {
                // The dispatcher outlives a failed store call (a database restart): log, wait, try again.
                DispatchFailed(_logger, ex, Consumer, poll);
            }

            try
            {
                if (full)
                {
                    await Task.Yield();
                }
                else
                {
                    await Task.Delay(poll, time, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }
    }

    private async Task<List<OutboxSettlement>> DeliverTicketAsync(List<OutboxDelivery> messages, Instant now, CancellationToken cancellationToken)
    {
        var settlements = new List<OutboxSettlement>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var delivery = messages[i];
            if (cancellationToken.IsCancellationRequested)
            {
                settlements.AddRange(messages.Skip(i).Select(OutboxSettlement.Released));
                break;
            }

            if (_options.DeliverAt(delivery.Message) is { } deliverAt && deliverAt > now)
            {
                settlements.Add(OutboxSettlement.Deferred(delivery, deliverAt));
                settlements.AddRange(messages.Skip(i + 1).Select(OutboxSettlement.Released));
                break;
            }

            OutboxHandlerResult result;
            try
            {
                result = await _handler.HandleAsync(delivery, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                settlements.AddRange(messages.Skip(i).Select(OutboxSettlement.Released));
                break;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A handler's exception is a failed attempt of this message (recorded with the message and retried), not a
                // failure of the dispatcher.
                result = OutboxHandlerResult.Failed(ex.GetType().Name + ": " + ex.Message);
            }

            if (result.Outcome == OutboxOutcome.Delivered)
            {
                settlements.Add(OutboxSettlement.Delivered(delivery));
                continue;
            }

            var attempt = delivery.Attempts + 1;
            if (result.Outcome == OutboxOutcome.Parked || attempt >= _options.MaxAttempts)
            {
                // Parked: the message no longer blocks its ticket, so the later ones go on.
                settlements.Add(OutboxSettlement.Parked(delivery, result.Error));
                Parked(_logger, Consumer, delivery.Message.Position, attempt, result.Error);
                continue;
            }

            var wait = _options.Backoff(attempt);
            if (result.RetryAfter is { } asked && asked > wait)
            {
                wait = Duration.Min(asked, Duration.FromDays(1));
            }

            settlements.Add(OutboxSettlement.Failed(delivery, now + wait, result.Error));
            settlements.AddRange(messages.Skip(i + 1).Select(OutboxSettlement.Released));
            Failed(_logger, Consumer, delivery.Message.Position, attempt, wait.ToTimeSpan(), result.Error);
            break;
        }

        return settlements;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Outbox consumer {Consumer}: claimed {Claimed}, delivered {Delivered}, failed {Failed}, deferred {Deferred}, parked {Parked}.")]
    private static partial void Dispatched(ILogger logger, string consumer, int claimed, int delivered, int failed, int deferred, int parked);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Outbox consumer {Consumer}: message {Position} failed attempt {Attempt}; retrying in {Wait}: {Error}")]
    private static partial void Failed(ILogger logger, string consumer, long position, int attempt, TimeSpan wait, string? error);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Outbox consumer {Consumer}: message {Position} parked after {Attempts} attempts: {Error}")]
    private static partial void Parked(ILogger logger, string consumer, long position, int attempts, string? error);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Outbox consumer {Consumer}: dispatch failed; retrying in {Wait}.")]
    private static partial void DispatchFailed(ILogger logger, Exception exception, string consumer, TimeSpan wait);
}

/// <summary>What one <see cref="OutboxDispatcher.DispatchOnceAsync"/> did.</summary>
/// <param name="Claimed">Messages claimed.</param>
/// <param name="Delivered">Messages delivered.</param>
/// <param name="Failed">Messages that failed and wait for a retry.</param>
/// <param name="Deferred">Messages held until their delivery time.</param>
/// <param name="Parked">Messages parked.</param>
/// <param name="Released">Messages given back unattempted (behind a failed or deferred message of their ticket, or on
/// cancellation).</param>
public sealed record OutboxDispatchResult(int Claimed, int Delivered, int Failed, int Deferred, int Parked, int Released);
