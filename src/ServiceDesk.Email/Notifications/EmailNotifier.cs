using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;
using ServiceDesk.Engine;
using ServiceDesk.Storage;
using ServiceDesk.Workflow;

namespace ServiceDesk.Email;

/// <summary>What <see cref="EmailNotifier.NotifyAsync"/> did with one event.</summary>
public enum NotificationOutcome
{
    /// <summary>A message was sent to every recipient.</summary>
    Sent = 1,

    /// <summary>The event is not one that is notified (e.g. a comment, a priority change).</summary>
    NotNotified = 2,

    /// <summary>The recipient resolver returned nobody.</summary>
    NoRecipient = 3,

    /// <summary>The tenant has no sender settings.</summary>
    NoSender = 4,

    /// <summary>The ticket no longer exists.</summary>
    TicketGone = 5,
}

/// <summary>The result of one notification.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Kind">The notification, when the event is one.</param>
/// <param name="MessageId">The Message-ID sent, without angle brackets.</param>
/// <param name="Recipients">The addresses it went to.</param>
public sealed record NotificationResult(NotificationOutcome Outcome, EmailNotificationKind? Kind = null, string? MessageId = null, IReadOnlyList<string>? Recipients = null);

/// <summary>
/// Turns engine events (from the outbox) into e-mail: <see cref="TicketOpened"/> (acknowledgement), <see cref="Assigned"/>,
/// <see cref="StatusChanged"/> to on hold awaiting the caller or to resolved, <see cref="SlaThresholdReached"/> (warning,
/// or breach for <c>breach</c>) and <see cref="Escalated"/>.
/// </summary>
/// <remarks>
/// <para><b>Threading.</b> Every message gets a Message-ID under the tenant's <see cref="EmailSenderSettings.MessageIdDomain"/>
/// that is a function of the event (ticket, version, kind), so a redelivered event sends the same Message-ID and receivers
/// drop the copy. <c>In-Reply-To</c> is the thread's last message and <c>References</c> its first and latest ones
/// (<see cref="IEmailThreadStore"/>), and the subject carries <c>[INC0000042]</c>, so a reply threads back by either. The
/// sent Message-ID is recorded in the thread store before sending.</para>
/// <para><b>Delivery.</b> At least once: the caller acknowledges the outbox message after this returns; an exception
/// (the transport's) means "not sent, retry". A product without a dispatcher may call <see cref="DeliverOutboxAsync"/>.
/// Thread-safe.</para>
/// </remarks>
public sealed partial class EmailNotifier
{
    private readonly ServiceDeskEngine _engine;
    private readonly IEmailThreadStore _threads;
    private readonly IEmailRecipientResolver _recipients;
    private readonly IEmailTransport _transport;
    private readonly IClock _clock;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="engine">The engine, to read the ticket an event is about.</param>
    /// <param name="threads">The thread store shared with intake.</param>
    /// <param name="recipients">Who receives what.</param>
    /// <param name="transport">How messages are sent.</param>
    /// <param name="clock">The clock of the Date header and the thread entries.</param>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="logger">A logger, or none.</param>
    /// <exception cref="ArgumentNullException">An argument other than <paramref name="logger"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every fault.</exception>
    public EmailNotifier(
        ServiceDeskEngine engine, IEmailThreadStore threads, IEmailRecipientResolver recipients, IEmailTransport transport, IClock clock,
        EmailNotificationOptions options, ILogger<EmailNotifier>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(threads);
        ArgumentNullException.ThrowIfNull(recipients);
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(options);
        var faults = options.Validate();
        if (faults.Count > 0)
        {
            throw new ArgumentException("Invalid EmailNotificationOptions: " + string.Join(" ", faults), nameof(options));
        }

        _engine = engine;
        _threads = threads;
        _recipients = recipients;
        _transport = transport;
        _clock = clock;
        Options = options;
        _logger = logger ?? (ILogger)NullLogger<EmailNotifier>.Instance;
    }

    /// <summary>Gets the settings.</summary>
    public EmailNotificationOptions Options { get; }

    /// <summary>Which notification an event is, if any.</summary>
    /// <param name="e">The event.</param>
    /// <returns>The kind, or <see langword="null"/> when the event is not notified.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="e"/> is <see langword="null"/>.</exception>
    public static EmailNotificationKind? KindOf(TicketEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e switch
        {
            TicketOpened => EmailNotificationKind.Opened,
            Assigned a when a.Agent is not null || a.Group is not null => EmailNotificationKind.Assigned,
            StatusChanged s when s.To == TicketStatus.Resolved => EmailNotificationKind.Resolved,
            StatusChanged s when s.To == TicketStatus.OnHold && s.Reason == IncidentLifecycle.AwaitingCaller => EmailNotificationKind.WaitingForCustomer,
            SlaThresholdReached t => string.Equals(t.Threshold, "breach", StringComparison.OrdinalIgnoreCase) ? EmailNotificationKind.SlaBreach : EmailNotificationKind.SlaWarning,
            Escalated => EmailNotificationKind.Escalated,
            _ => null,
        };
    }

    /// <summary>Sends the notification of one event, if it is one.</summary>
    /// <param name="e">The event.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>What happened.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="e"/> is <see langword="null"/>.</exception>
    public async Task<NotificationResult> NotifyAsync(TicketEvent e, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (KindOf(e) is not { } kind)
        {
            return new NotificationResult(NotificationOutcome.NotNotified);
        }

        if (Options.SenderOf(e.Tenant) is not { } sender)
        {
            return new NotificationResult(NotificationOutcome.NoSender, kind);
        }

        if (await _engine.GetTicketAsync(e.Tenant, e.Ticket, cancellationToken).ConfigureAwait(false) is not { } view)
        {
            return new NotificationResult(NotificationOutcome.TicketGone, kind);
        }

        var ticket = view.Ticket;
        var recipients = await _recipients.ResolveAsync(new EmailRecipientRequest(kind, ticket, e), cancellationToken).ConfigureAwait(false);
        var to = recipients.Where(r => EmailAddresses.IsAddress(r.Address)).ToList();
        if (to.Count == 0)
        {
            return new NotificationResult(NotificationOutcome.NoRecipient, kind);
        }

        var messageId = FormattableString.Invariant($"{ticket.Id.Value:N}.{e.Version}.{kind.ToString().ToLowerInvariant()}@{sender.MessageIdDomain}");
        var message = new MimeMessage { MessageId = messageId, Date = _clock.GetCurrentInstant().ToDateTimeOffset() };
        message.From.Add(new MailboxAddress(sender.FromName, sender.FromAddress));
        if (sender.ReplyTo is { } replyTo)
        {
            message.ReplyTo.Add(MailboxAddress.Parse(replyTo));
        }

        foreach (var r in to)
        {
            message.To.Add(new MailboxAddress(MessageText.CleanHeader(r.Name), r.Address));
        }

        message.Headers.Add(HeaderId.AutoSubmitted, "auto-generated");
        message.Headers.Add("X-Auto-Response-Suppress", "All");
        var thread = await _threads.GetThreadAsync(e.Tenant, ticket.Id, cancellationToken).ConfigureAwait(false);
        var previous = thread.Where(t => t.MessageId != messageId).ToList();
        if (previous.Count > 0)
        {
            message.InReplyTo = previous[^1].MessageId;
            var refs = previous.Count <= Options.MaxReferences ? previous : [previous[0], .. previous.TakeLast(Options.MaxReferences - 1)];
            foreach (var r in refs.DistinctBy(r => r.MessageId))
            {
                message.References.Add(r.MessageId);
            }
        }

        var (subject, text, html) = Options.Templates[kind].Render(Values(ticket, e, sender, to[0]));
        message.Subject = subject;
        message.Body = new BodyBuilder { TextBody = text, HtmlBody = "<!DOCTYPE html><html><body>" + html + "</body></html>" }.ToMessageBody();
        await _threads.RecordAsync(new EmailThreadEntry(e.Tenant, messageId, ticket.Id, ticket.Number, EmailDirection.Outbound, _clock.GetCurrentInstant()), cancellationToken)
            .ConfigureAwait(false);
        await _transport.SendAsync(message, cancellationToken).ConfigureAwait(false);
        NotifierLog.Sent(_logger, kind, ticket.Number.ToString(), to.Count, messageId);
        return new NotificationResult(NotificationOutcome.Sent, kind, messageId, [.. to.Select(r => r.Address)]);
    }

    /// <summary>
    /// For a product without an outbox dispatcher: reads up to <paramref name="maxCount"/> outbox messages, notifies each
    /// and acknowledges those handled. A failure stops at that ticket: its later messages are not acknowledged (order per
    /// ticket), other tickets' are.
    /// </summary>
    /// <param name="outbox">The store's outbox. Acknowledging removes messages for every reader of this outbox, so use
    /// this only when e-mail is the outbox's only consumer.</param>
    /// <param name="maxCount">1 to <see cref="IOutboxStore.MaxRead"/>; default 100.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The results of the messages handled, by position.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="outbox"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxCount"/> is outside 1 to 1,000.</exception>
    public async Task<IReadOnlyList<NotificationResult>> DeliverOutboxAsync(IOutboxStore outbox, int maxCount = 100, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxCount, IOutboxStore.MaxRead);
        var batch = await outbox.ReadOutboxAsync(maxCount, cancellationToken: cancellationToken).ConfigureAwait(false);
        var failed = new HashSet<(TenantId, TicketId)>();
        var done = new List<long>();
        var results = new List<NotificationResult>();
        foreach (var m in batch)
        {
            var key = (m.Event.Tenant, m.Event.Ticket);
            if (failed.Contains(key))
            {
                continue;
            }

            try
            {
                results.Add(await NotifyAsync(m.Event, cancellationToken).ConfigureAwait(false));
                done.Add(m.Position);
            }
            catch (Exception ex) when (ex is IOException or MailKit.ProtocolException or MailKit.CommandException or TimeoutException
                or System.Net.Sockets.SocketException or StorageException)
            {
                NotifierLog.Failed(_logger, ex, m.Position, m.Event.GetType().Name);
                failed.Add(key);
            }
        }

        if (done.Count > 0)
        {
            await outbox.AcknowledgeOutboxAsync(done, cancellationToken).ConfigureAwait(false);
        }

        return results;
    }

    private static Dictionary<string, string> Values(Ticket ticket, TicketEvent e, EmailSenderSettings sender, EmailRecipient recipient)
    {
        string Link(string template) => template
            .Replace("{TicketId}", ticket.Id.ToString(), StringComparison.Ordinal)
            .Replace("{Number}", ticket.Number.ToString(), StringComparison.Ordinal);

        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Number"] = ticket.Number.ToString(),
            ["Subject"] = ticket.Subject,
            ["Status"] = ticket.Status.ToString(),
            ["Requester"] = ticket.Requester.Contact,
            ["Assignee"] = ticket.Assignee?.Value ?? "(nobody)",
            ["Group"] = ticket.AssignmentGroup?.Value ?? "(none)",
            ["Recipient"] = recipient.Name ?? recipient.Address,
            ["TicketUrl"] = Link(sender.TicketUrl),
            ["ConfirmUrl"] = Link(sender.ConfirmUrl),
            ["RejectUrl"] = Link(sender.RejectUrl),
            ["Metric"] = string.Empty,
            ["Threshold"] = string.Empty,
            ["Level"] = string.Empty,
            ["Reason"] = string.Empty,
        };
        switch (e)
        {
            case SlaThresholdReached t:
                values["Metric"] = t.Metric;
                values["Threshold"] = t.Threshold;
                break;
            case Escalated x:
                values["Level"] = x.Level.ToString(CultureInfo.InvariantCulture);
                values["Reason"] = x.EscalationKind + (x.Target is { } target ? " to " + target : string.Empty);
                break;
            case StatusChanged s:
                values["Reason"] = s.Reason ?? string.Empty;
                break;
        }

        return values;
    }
}

internal static partial class NotifierLog
{
    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "E-mail {Kind} for {Number} sent to {Count} recipient(s) as {MessageId}")]
    public static partial void Sent(ILogger logger, EmailNotificationKind kind, string number, int count, string messageId);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "E-mail notification of outbox message {Position} ({EventType}) failed; its ticket's later messages wait")]
    public static partial void Failed(ILogger logger, Exception exception, long position, string eventType);
}
