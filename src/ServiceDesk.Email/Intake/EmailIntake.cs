using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;
using ServiceDesk.Engine;
using ServiceDesk.Storage;

namespace ServiceDesk.Email;

/// <summary>
/// Turns incoming messages into tickets: a new message opens a ticket (<see cref="ServiceDeskEngine.OpenTicketAsync"/>), a
/// reply becomes a public comment on its ticket (<see cref="ServiceDeskEngine.CommentAsync"/>).
/// </summary>
/// <remarks>
/// <para><b>Order of checks</b> (the first that applies decides): size over <see cref="EmailIntakeOptions.MaxMessageBytes"/>
/// (<see cref="IntakeOutcome.TooLarge"/>, not read); MIME that cannot be parsed or has no sender
/// (<see cref="IntakeOutcome.Malformed"/>); a Message-ID already applied (<see cref="IntakeOutcome.Duplicate"/>); a loop,
/// bounce or auto-reply (<see cref="IntakeOutcome.Loop"/>, <see cref="IntakeOutcome.Bounce"/>,
/// <see cref="IntakeOutcome.AutoReply"/>); the sender's hourly limit (<see cref="IntakeOutcome.RateLimited"/>); then the
/// thread: <c>In-Reply-To</c> and <c>References</c> (nearest first) against the <see cref="IEmailThreadStore"/>, then a
/// ticket number in the subject (<c>[INC0000042]</c> or <c>INC0000042</c>). A threaded message is a comment; otherwise a
/// new ticket is opened for a sender a <see cref="CustomerMapping"/> covers (<see cref="IntakeOutcome.UnknownSender"/>
/// otherwise). A subject naming a number the tenant does not have opens a new ticket, and the reason says so.</para>
/// <para><b>Exactly once.</b> The engine's idempotency key is <c>email:</c> plus the Message-ID (a SHA-256 of it when
/// longer than the key allows; a SHA-256 of the raw bytes when the message has none), so a message read twice, or by two
/// pollers, is applied once.</para>
/// <para><b>Text.</b> Plain text is preferred; HTML-only messages are converted. A comment keeps only the new text (quoted
/// replies, "On … wrote:", "-----Original Message-----", Outlook's "From: … Sent:" and the "-- " signature are cut); a new
/// ticket's description keeps everything above the signature. Both end with the attachment list (name, type, size, over
/// the limit or not) and the original message's reference. The subject is cleaned of control characters (a CR/LF header
/// injection becomes spaces) and cut to <see cref="Ticket.MaxSubjectLength"/>.</para>
/// <para>Failures of the store (<see cref="StorageException"/>) propagate: the message is not completed in its source and
/// is read again. Thread-safe: one instance may process messages concurrently.</para>
/// </remarks>
public sealed partial class EmailIntake
{
    private const string KeyPrefix = "email:";
    private readonly ServiceDeskEngine _engine;
    private readonly ITicketStore _store;
    private readonly IEmailThreadStore _threads;
    private readonly IClock _clock;
    private readonly ILogger _logger;
    private readonly SenderRateLimiter _limiter;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="engine">The engine commands go to.</param>
    /// <param name="store">The engine's store, to find a ticket by its number and an idempotency key's ticket.</param>
    /// <param name="threads">Where Message-IDs are recorded.</param>
    /// <param name="clock">The clock of the rate limit and thread entries.</param>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="logger">A logger, or none.</param>
    /// <exception cref="ArgumentNullException">An argument other than <paramref name="logger"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every fault.</exception>
    public EmailIntake(ServiceDeskEngine engine, ITicketStore store, IEmailThreadStore threads, IClock clock, EmailIntakeOptions options, ILogger<EmailIntake>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(threads);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(options);
        var faults = options.Validate();
        if (faults.Count > 0)
        {
            throw new ArgumentException("Invalid EmailIntakeOptions: " + string.Join(" ", faults), nameof(options));
        }

        // KOI8-R, Windows-1251 and the other legacy charsets mail still arrives in live in the code-pages provider, which
        // .NET does not register by default; registering it again is harmless.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        _engine = engine;
        _store = store;
        _threads = threads;
        _clock = clock;
        Options = options;
        _logger = logger ?? (ILogger)NullLogger<EmailIntake>.Instance;
        _limiter = new SenderRateLimiter(options.MaxMessagesPerSenderPerHour);
    }

    /// <summary>Gets the settings.</summary>
    public EmailIntakeOptions Options { get; }

    /// <summary>Receives up to <paramref name="maxCount"/> messages from a source, processes each and completes it.</summary>
    /// <param name="source">The source.</param>
    /// <param name="maxCount">The most messages, 1 or more; default 100.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The results, in the order received.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxCount"/> is less than 1.</exception>
    /// <exception cref="StorageException">The store failed; messages processed before stay completed, the failed one is not.</exception>
    public async Task<IReadOnlyList<IntakeResult>> DrainAsync(IMessageSource source, int maxCount = 100, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        var messages = await source.ReceiveAsync(maxCount, cancellationToken).ConfigureAwait(false);
        var results = new List<IntakeResult>(messages.Count);
        foreach (var message in messages)
        {
            var result = await ProcessAsync(message, cancellationToken).ConfigureAwait(false);
            await source.CompleteAsync(message, result, cancellationToken).ConfigureAwait(false);
            results.Add(result);
        }

        return results;
    }

    /// <summary>Processes one message.</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>What happened; expected outcomes (auto-replies, oversize, malformed, …) are results, not exceptions.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is <see langword="null"/>.</exception>
    /// <exception cref="StorageException">The store failed (the message should be read again later).</exception>
    public async Task<IntakeResult> ProcessAsync(RawMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var result = await ProcessCoreAsync(message, cancellationToken).ConfigureAwait(false);
        IntakeLog.Processed(_logger, message.Reference, result.Outcome, result.Number?.ToString(), result.Reason);
        return result;
    }

    private async Task<IntakeResult> ProcessCoreAsync(RawMessage raw, CancellationToken cancellationToken)
    {
        var reference = raw.Reference;
        if (raw.Length > Options.MaxMessageBytes)
        {
            return new IntakeResult(IntakeOutcome.TooLarge,
                $"the message has {raw.Length:N0} bytes, over the limit of {Options.MaxMessageBytes:N0} (EmailIntakeOptions.MaxMessageBytes); it was not read and stays at its reference",
                reference);
        }

        MimeMessage mime;
        byte[]? hashSource;
        var stream = await raw.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream(raw.Length is > 0 and < int.MaxValue ? (int)raw.Length : 4096);
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (buffer.Length > Options.MaxMessageBytes)
            {
                return new IntakeResult(IntakeOutcome.TooLarge,
                    $"the message has {buffer.Length:N0} bytes, over the limit of {Options.MaxMessageBytes:N0} (EmailIntakeOptions.MaxMessageBytes)", reference);
            }

            if (buffer.Length == 0)
            {
                return new IntakeResult(IntakeOutcome.Malformed, "the message is empty (0 bytes)", reference);
            }

            buffer.Position = 0;
            try
            {
                mime = await MimeMessage.LoadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (FormatException ex)
            {
                return new IntakeResult(IntakeOutcome.Malformed, "the message is not valid MIME: " + ex.Message, reference);
            }

            hashSource = mime.MessageId is null ? buffer.ToArray() : null;
        }

        var messageId = mime.MessageId is { } id ? InMemoryEmailThreadStore.Normalize(id) : null;
        var subject = MessageText.CleanHeader(mime.Subject);
        var sender = mime.From.Mailboxes.FirstOrDefault() ?? mime.Sender;
        var from = sender?.Address is { } a && EmailAddresses.IsAddress(a) ? a.ToLowerInvariant() : null;
        var result = new IntakeResult(IntakeOutcome.Malformed, string.Empty, reference) { MessageId = messageId, Subject = subject, From = from };
        if (from is null)
        {
            return result with
            {
                Reason = mime.Headers.Count == 0 || (mime.From.Count == 0 && mime.Date == DateTimeOffset.MinValue && messageId is null)
                    ? "the content has no message headers (no From, Date or Message-ID): not an e-mail message"
                    : $"the message has no usable sender address (From: {TextPolicy.Echo(mime.Headers[HeaderId.From])})",
            };
        }

        var key = IdempotencyKey(messageId, hashSource);
        var tenant = Options.Tenant;
        if (await _store.FindAppliedAsync(tenant, key, cancellationToken).ConfigureAwait(false) is { } applied)
        {
            return result with
            {
                Outcome = IntakeOutcome.Duplicate,
                Reason = $"the message was applied before (idempotency key {TextPolicy.Echo(key)}) to {applied.Ticket.Number}",
                Ticket = applied.Ticket.Id,
                Number = applied.Ticket.Number,
            };
        }

        if (MessageClassifier.Classify(mime, from, Options) is { } automatic)
        {
            return result with { Outcome = automatic.Outcome, Reason = automatic.Reason + "; it opens no ticket and adds no comment" };
        }

        var now = _clock.GetCurrentInstant();
        if (!_limiter.TryAcquire(tenant, from, now))
        {
            return result with
            {
                Outcome = IntakeOutcome.RateLimited,
                Reason = $"{from} sent more than {Options.MaxMessagesPerSenderPerHour} messages in the last hour (EmailIntakeOptions.MaxMessagesPerSenderPerHour); a loop or a flood is likely",
            };
        }

        var attachments = Attachments(mime);
        result = result with { Attachments = attachments };
        var body = MessageText.BodyOf(mime);
        var (ticket, unknownNumber) = await FindThreadAsync(mime, subject, cancellationToken).ConfigureAwait(false);
        try
        {
            return ticket is not null
                ? await CommentAsync(result, ticket, sender!, from, key, body, now, cancellationToken).ConfigureAwait(false)
                : await OpenAsync(result, sender!, from, key, subject, body, unknownNumber, now, cancellationToken).ConfigureAwait(false);
        }
        catch (CommandDeniedException ex)
        {
            return result with { Outcome = IntakeOutcome.Rejected, Reason = "the engine denied the command: " + ex.Message };
        }
        catch (TicketNotFoundException ex)
        {
            return result with { Outcome = IntakeOutcome.Rejected, Reason = "the ticket the message threads to is gone: " + ex.Message };
        }
        catch (ArgumentException ex)
        {
            return result with { Outcome = IntakeOutcome.Rejected, Reason = "the engine refused the message's data: " + ex.Message };
        }
    }

    private async Task<IntakeResult> CommentAsync(
        IntakeResult result, Ticket ticket, MailboxAddress sender, string from, string key, string body, Instant now, CancellationToken cancellationToken)
    {
        var isRequester = ticket.Requester.Email is { } email && string.Equals(email, from, StringComparison.OrdinalIgnoreCase);
        var actor = isRequester ? Actor.OfRequester(from) : Actor.OfIntegration(Options.IntegrationName);
        var text = MessageText.StripReply(body);
        if (text.Length == 0)
        {
            text = "(The reply has no text above the quoted message.)";
        }

        if (!isRequester)
        {
            text = $"From: {Display(sender, from)}\n\n{text}";
        }

        text = Compose(text, result.Attachments, result.Reference, Ticket.MaxDescriptionLength);
        var context = new CommandContext(Options.Tenant, actor) { IdempotencyKey = key };
        var done = await _engine.CommentAsync(context, ticket.Id, CommentVisibility.Public, text, cancellationToken).ConfigureAwait(false);
        await RecordAsync(result.MessageId, done.Ticket, now, cancellationToken).ConfigureAwait(false);
        return result with
        {
            Outcome = done.Outcome == CommandOutcome.Replayed ? IntakeOutcome.Duplicate : IntakeOutcome.Commented,
            Reason = done.Outcome == CommandOutcome.Replayed
                ? $"the message was applied before to {ticket.Number}"
                : $"a public comment on {ticket.Number} by {(isRequester ? "its requester" : "another sender, as " + Options.IntegrationName)}",
            Ticket = done.Ticket.Id,
            Number = done.Ticket.Number,
            Text = text,
        };
    }

    private async Task<IntakeResult> OpenAsync(
        IntakeResult result, MailboxAddress sender, string from, string key, string subject, string body, TicketNumber? unknownNumber, Instant now,
        CancellationToken cancellationToken)
    {
        var customer = Resolve(from);
        if (customer is null)
        {
            return result with
            {
                Outcome = IntakeOutcome.UnknownSender,
                Reason = $"no customer maps the address {from} or its domain, and EmailIntakeOptions.DefaultCustomer is not set",
            };
        }

        var title = subject.Length == 0 ? "(no subject)" : subject;
        if (title.Length > Ticket.MaxSubjectLength)
        {
            title = title[..(Ticket.MaxSubjectLength - 1)] + "…";
        }

        var description = MessageText.StripSignature(body);
        description = Compose(description.Length == 0 ? "(The message has no text.)" : description, result.Attachments, result.Reference, Ticket.MaxDescriptionLength);
        var contact = Display(sender, from);
        if (contact.Length > Requester.MaxLength)
        {
            contact = from;
        }

        var request = new OpenTicketRequest(Options.Kind, title, new Requester(customer.Customer, contact, from), Options.Impact, Options.Urgency)
        {
            Description = description,
            Channel = Channel.Email,
            Contract = customer.Contract,
        };
        var context = new CommandContext(Options.Tenant, Actor.OfRequester(from)) { IdempotencyKey = key };
        var done = await _engine.OpenTicketAsync(context, request, cancellationToken).ConfigureAwait(false);
        await RecordAsync(result.MessageId, done.Ticket, now, cancellationToken).ConfigureAwait(false);
        var reason = done.Outcome == CommandOutcome.Replayed
            ? $"the message was applied before as {done.Ticket.Number}"
            : unknownNumber is { } n
                ? $"the subject names {n}, which this tenant does not have, and no header threads it; opened a new ticket {done.Ticket.Number}"
                : $"a new message from {from}; opened {done.Ticket.Number}";
        return result with
        {
            Outcome = done.Outcome == CommandOutcome.Replayed ? IntakeOutcome.Duplicate : IntakeOutcome.TicketOpened,
            Reason = reason,
            Ticket = done.Ticket.Id,
            Number = done.Ticket.Number,
            Text = description,
        };
    }

    private async Task<(Ticket? Ticket, TicketNumber? UnknownNumber)> FindThreadAsync(MimeMessage mime, string subject, CancellationToken cancellationToken)
    {
        var tenant = Options.Tenant;
        var candidates = new List<string>();
        if (mime.InReplyTo is { Length: > 0 } inReplyTo)
        {
            candidates.Add(inReplyTo);
        }

        for (var i = mime.References.Count - 1; i >= 0; i--)
        {
            candidates.Add(mime.References[i]);
        }

        foreach (var candidate in candidates)
        {
            if (await _threads.FindAsync(tenant, candidate, cancellationToken).ConfigureAwait(false) is { } entry
                && await _store.GetAsync(tenant, entry.Ticket, cancellationToken).ConfigureAwait(false) is { } threaded)
            {
                return (threaded, null);
            }
        }

        TicketNumber? unknown = null;
        foreach (Match match in NumberInSubject().Matches(subject))
        {
            if (!TicketNumber.TryParse(match.Groups["n"].Value, out var number))
            {
                continue;
            }

            if (await _store.GetByNumberAsync(tenant, number, cancellationToken).ConfigureAwait(false) is { } byNumber)
            {
                return (byNumber, null);
            }

            unknown ??= number;
        }

        return (null, unknown);
    }

    private async Task RecordAsync(string? messageId, Ticket ticket, Instant now, CancellationToken cancellationToken)
    {
        if (messageId is { Length: > 0 and <= 998 })
        {
            await _threads.RecordAsync(new EmailThreadEntry(ticket.Tenant, messageId, ticket.Id, ticket.Number, EmailDirection.Inbound, now), cancellationToken).ConfigureAwait(false);
        }
    }

    private CustomerMapping? Resolve(string from)
    {
        if (Options.Addresses.TryGetValue(from, out var byAddress))
        {
            return byAddress;
        }

        var domain = EmailAddresses.DomainOf(from);
        while (true)
        {
            if (Options.Domains.TryGetValue(domain, out var byDomain))
            {
                return byDomain;
            }

            var dot = domain.IndexOf('.', StringComparison.Ordinal);
            if (dot < 0 || domain.IndexOf('.', dot + 1) < 0)
            {
                return Options.DefaultCustomer;
            }

            domain = domain[(dot + 1)..];
        }
    }

    private IReadOnlyList<AttachmentInfo> Attachments(MimeMessage mime)
    {
        var list = new List<AttachmentInfo>();
        foreach (var entity in mime.Attachments)
        {
            long size;
            string name;
            switch (entity)
            {
                case MimePart part:
                    name = part.FileName ?? "(unnamed)";
                    size = DecodedSize(part);
                    break;
                case MessagePart message:
                    name = entity.ContentDisposition?.FileName ?? MessageText.CleanHeader(message.Message?.Subject) + ".eml";
                    using (var counter = new MemoryStream())
                    {
                        message.Message?.WriteTo(counter);
                        size = counter.Length;
                    }

                    break;
                default:
                    continue;
            }

            list.Add(new AttachmentInfo(MessageText.CleanHeader(name), entity.ContentType.MimeType, size, size > Options.MaxAttachmentBytes));
        }

        return list;
    }

    private static long DecodedSize(MimePart part)
    {
        if (part.Content is null)
        {
            return 0;
        }

        using var counter = new CountingStream();
        part.Content.DecodeTo(counter);
        return counter.Length;
    }

    private string Compose(string text, IReadOnlyList<AttachmentInfo> attachments, string reference, int max)
    {
        var footer = new StringBuilder();
        if (attachments.Count > 0)
        {
            footer.Append("\n\nAttachments:");
            foreach (var a in attachments)
            {
                footer.Append(CultureInfo.InvariantCulture, $"\n- {a.FileName} ({a.ContentType}, {a.Size:N0} bytes)");
                if (a.OverLimit)
                {
                    footer.Append(CultureInfo.InvariantCulture, $" over the {Options.MaxAttachmentBytes:N0}-byte limit, kept only in the original message");
                }
            }
        }

        var refText = reference.Length > 300 ? reference[..300] + "…" : reference;
        footer.Append("\n\nOriginal message: ").Append(refText);
        var room = max - footer.Length;
        if (text.Length > room)
        {
            const string cut = "\n(… cut; the full text is in the original message)";
            text = text[..Math.Max(0, room - cut.Length)] + cut;
        }

        return text + footer;
    }

    private static string Display(MailboxAddress sender, string from)
        => string.IsNullOrWhiteSpace(sender.Name) ? from : $"{MessageText.CleanHeader(sender.Name)} <{from}>";

    private static string IdempotencyKey(string? messageId, byte[]? raw)
    {
        if (messageId is null)
        {
            return KeyPrefix + "sha256:" + Convert.ToHexStringLower(SHA256.HashData(raw ?? []));
        }

        var key = KeyPrefix + messageId;
        return key.Length <= TicketAppend.MaxIdempotencyKeyLength
            ? key
            : KeyPrefix + "id-sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(messageId)));
    }

    [GeneratedRegex(@"(?<![A-Za-z0-9])\[?(?<n>(INC|REQ|PRB|CHG)\d{1,10})\]?(?![0-9])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NumberInSubject();

    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => _length += count;
    }
}

internal static partial class IntakeLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "E-mail {Reference}: {Outcome} {Number} ({Reason})")]
    public static partial void Processed(ILogger logger, string reference, IntakeOutcome outcome, string? number, string reason);
}
