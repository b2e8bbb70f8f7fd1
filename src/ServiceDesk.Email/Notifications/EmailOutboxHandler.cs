using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using ServiceDesk.Notifications;
using ServiceDesk.Storage;

namespace ServiceDesk.Email;

/// <summary>
/// The e-mail notifier as a consumer of the outbox dispatcher (<see cref="OutboxDispatcher"/>, ServiceDesk.Notifications):
/// each message the dispatcher hands over is passed to <see cref="EmailNotifier.NotifyAsync"/>, so notifications get the
/// dispatcher's checkpoint, order per ticket, business-hours delivery, backoff and parking.
/// </summary>
/// <remarks>
/// A message sent, or one that is not notified (an event without a template, no recipient, no sender for its tenant, a
/// ticket gone) is <see cref="OutboxHandlerResult.Delivered"/>: nothing would change on a retry. An SMTP server that is down,
/// refuses the message or times out is <see cref="OutboxHandlerResult.Failed"/> with the server's answer, so the dispatcher
/// retries with its backoff and parks the message after its last attempt. Register it with
/// <c>AddEmailNotifications</c> on the <c>AddServiceDesk</c> builder.
/// The message's Message-ID is fixed by the ticket, version and kind, so a redelivery after a crash sends the same message
/// again (the receiving side sees a duplicate Message-ID), never a different one.
/// </remarks>
/// <param name="notifier">The notifier.</param>
public sealed class EmailOutboxHandler(EmailNotifier notifier) : IOutboxHandler
{
    private readonly EmailNotifier _notifier = notifier ?? throw new ArgumentNullException(nameof(notifier));

    /// <inheritdoc />
    public async ValueTask<OutboxHandlerResult> HandleAsync(OutboxDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        try
        {
            await _notifier.NotifyAsync(delivery.Message.Event, cancellationToken).ConfigureAwait(false);
            return OutboxHandlerResult.Delivered;
        }
        catch (Exception ex) when (ex is SmtpCommandException or SmtpProtocolException or ServiceNotConnectedException or ServiceNotAuthenticatedException
            or MailKit.Security.AuthenticationException or IOException or SocketException or TimeoutException)
        {
            return OutboxHandlerResult.Failed($"{ex.GetType().Name}: {ex.Message}");
        }
    }
}
