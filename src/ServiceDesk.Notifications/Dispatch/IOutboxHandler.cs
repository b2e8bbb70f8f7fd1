using NodaTime;
using ServiceDesk.Storage;

namespace ServiceDesk.Notifications;

/// <summary>Delivers one outbox message for a consumer of an <see cref="OutboxDispatcher"/> (a webhook sender, a mailer, a
/// bus publisher).</summary>
/// <remarks>
/// <para>Called at least once per message: after a crash, an expired lease or a retry the same message comes again, so a
/// handler (or its receiver) deduplicates by (tenant, ticket, version). A ticket's messages come one at a time in version
/// order; different tickets may be handled at the same time, so implementations are thread-safe.</para>
/// <para>Return <see cref="OutboxHandlerResult.Delivered"/>, <see cref="OutboxHandlerResult.Failed"/> (retry with
/// backoff) or <see cref="OutboxHandlerResult.Rejected"/> (never retry: park at once). An exception counts as
/// <see cref="OutboxHandlerResult.Failed"/> with the exception's message, except an
/// <see cref="OperationCanceledException"/> of the dispatcher's own cancellation token, which releases the message.</para>
/// </remarks>
public interface IOutboxHandler
{
    /// <summary>Delivers a message.</summary>
    /// <param name="delivery">The leased message, with the attempts counted so far.</param>
    /// <param name="cancellationToken">Cancelled when the dispatcher stops.</param>
    /// <returns>What happened.</returns>
    ValueTask<OutboxHandlerResult> HandleAsync(OutboxDelivery delivery, CancellationToken cancellationToken);
}

/// <summary>What an <see cref="IOutboxHandler"/> did with a message.</summary>
public readonly record struct OutboxHandlerResult
{
    private OutboxHandlerResult(OutboxOutcome outcome, string? error, Duration? retryAfter)
    {
        Outcome = outcome;
        Error = error;
        RetryAfter = retryAfter;
    }

    /// <summary>Gets a result that says the message was delivered.</summary>
    public static OutboxHandlerResult Delivered { get; } = new(OutboxOutcome.Delivered, null, null);

    /// <summary>Gets <see cref="OutboxOutcome.Delivered"/>, <see cref="OutboxOutcome.Failed"/> or
    /// <see cref="OutboxOutcome.Parked"/> (rejected).</summary>
    public OutboxOutcome Outcome { get; }

    /// <summary>Gets why it failed, or <see langword="null"/>.</summary>
    public string? Error { get; }

    /// <summary>Gets the shortest wait the receiver asked for before the next attempt (e.g. an HTTP <c>Retry-After</c>), or
    /// <see langword="null"/>.</summary>
    public Duration? RetryAfter { get; }

    /// <summary>The attempt failed and may succeed later: retry after the dispatcher's backoff.</summary>
    /// <param name="error">Why, for the parked list and the logs.</param>
    /// <param name="retryAfter">The shortest wait the receiver asked for, or <see langword="null"/>.</param>
    /// <returns>The result.</returns>
    public static OutboxHandlerResult Failed(string error, Duration? retryAfter = null) => new(OutboxOutcome.Failed, error, retryAfter);

    /// <summary>The message can never be delivered (e.g. the receiver rejects its payload): park it at once.</summary>
    /// <param name="error">Why.</param>
    /// <returns>The result.</returns>
    public static OutboxHandlerResult Rejected(string error) => new(OutboxOutcome.Parked, error, null);
}
