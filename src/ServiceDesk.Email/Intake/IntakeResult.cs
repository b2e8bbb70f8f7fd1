namespace ServiceDesk.Email;

/// <summary>What intake made of one message.</summary>
public enum IntakeOutcome
{
    /// <summary>A new ticket was opened (also for a reply naming a ticket number the tenant does not have; see the reason).</summary>
    TicketOpened = 1,

    /// <summary>The message was added as a public comment to the ticket it threads to.</summary>
    Commented = 2,

    /// <summary>The message was applied before (same Message-ID); nothing changed.</summary>
    Duplicate = 3,

    /// <summary>An automatic reply (Auto-Submitted, X-Autoreply, X-Autorespond, Precedence bulk/junk/list): no ticket, no comment.</summary>
    AutoReply = 4,

    /// <summary>A delivery status notification (multipart/report, MAILER-DAEMON or postmaster): no ticket, no comment.</summary>
    Bounce = 5,

    /// <summary>A message the desk itself sent (our Message-ID domain or our own sender address): no ticket, no comment.</summary>
    Loop = 6,

    /// <summary>The sender sent more than <see cref="EmailIntakeOptions.MaxMessagesPerSenderPerHour"/> in the last hour.</summary>
    RateLimited = 7,

    /// <summary>The message is larger than <see cref="EmailIntakeOptions.MaxMessageBytes"/>; it was not read.</summary>
    TooLarge = 8,

    /// <summary>The message cannot be parsed or has no usable sender.</summary>
    Malformed = 9,

    /// <summary>A new message from an address no customer mapping covers, and no default customer is set.</summary>
    UnknownSender = 10,

    /// <summary>The engine refused the command (authorization, validation); the reason says why.</summary>
    Rejected = 11,
}

/// <summary>An attachment of an incoming message, recorded as metadata only.</summary>
/// <param name="FileName">The file name, or <c>(unnamed)</c>.</param>
/// <param name="ContentType">The MIME type, e.g. <c>application/pdf</c>.</param>
/// <param name="Size">The decoded size in bytes.</param>
/// <param name="OverLimit">Whether the attachment is larger than <see cref="EmailIntakeOptions.MaxAttachmentBytes"/>; it is
/// then listed but marked, and kept only in the original message.</param>
public sealed record AttachmentInfo(string FileName, string ContentType, long Size, bool OverLimit);

/// <summary>The result of <see cref="EmailIntake.ProcessAsync"/> for one message.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Reason">Why, in one sentence for an operator.</param>
/// <param name="Reference">Where the original message is (<see cref="RawMessage.Reference"/>): always kept.</param>
public sealed record IntakeResult(IntakeOutcome Outcome, string Reason, string Reference)
{
    /// <summary>Gets the message's Message-ID (without angle brackets), when it has one.</summary>
    public string? MessageId { get; init; }

    /// <summary>Gets the sender's address (lower case), when known.</summary>
    public string? From { get; init; }

    /// <summary>Gets the subject after neutralising control characters, when the message was parsed.</summary>
    public string? Subject { get; init; }

    /// <summary>Gets the ticket opened or commented on (or the one a duplicate was applied to).</summary>
    public TicketId? Ticket { get; init; }

    /// <summary>Gets that ticket's number.</summary>
    public TicketNumber? Number { get; init; }

    /// <summary>Gets the attachments, as metadata.</summary>
    public IReadOnlyList<AttachmentInfo> Attachments { get; init; } = [];

    /// <summary>Gets the text stored in the ticket (description or comment), when one was.</summary>
    public string? Text { get; init; }

    /// <summary>Gets whether the message reached a ticket: <see cref="IntakeOutcome.TicketOpened"/>,
    /// <see cref="IntakeOutcome.Commented"/> or <see cref="IntakeOutcome.Duplicate"/>.</summary>
    public bool ReachedTicket => Outcome is IntakeOutcome.TicketOpened or IntakeOutcome.Commented or IntakeOutcome.Duplicate;
}
