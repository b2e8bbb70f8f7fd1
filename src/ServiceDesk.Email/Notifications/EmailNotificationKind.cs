namespace ServiceDesk.Email;

/// <summary>The notifications the desk sends by e-mail, one template each.</summary>
public enum EmailNotificationKind
{
    /// <summary>A ticket was opened: an acknowledgement with its number, to the requester.</summary>
    Opened = 1,

    /// <summary>A ticket was assigned: to the assignee (or the group), as the recipient resolver says.</summary>
    Assigned = 2,

    /// <summary>A ticket was put on hold awaiting the caller: a question to the requester.</summary>
    WaitingForCustomer = 3,

    /// <summary>A ticket was resolved: to the requester, with links to confirm or reject the resolution.</summary>
    Resolved = 4,

    /// <summary>An SLA threshold before the due was reached: a warning to the assignee.</summary>
    SlaWarning = 5,

    /// <summary>An SLA due was missed: to the group lead.</summary>
    SlaBreach = 6,

    /// <summary>An escalation rule fired: to its target.</summary>
    Escalated = 7,
}

/// <summary>One recipient of a notification.</summary>
/// <param name="Address">The address, <c>local@domain</c>.</param>
/// <param name="Name">The display name, if any.</param>
public sealed record EmailRecipient(string Address, string? Name = null);

/// <summary>What a recipient resolver is asked.</summary>
/// <param name="Kind">The notification.</param>
/// <param name="Ticket">The ticket as it is now.</param>
/// <param name="Event">The event that caused it.</param>
public sealed record EmailRecipientRequest(EmailNotificationKind Kind, Ticket Ticket, TicketEvent Event);

/// <summary>Who receives a notification: the product supplies agents', group leads' and escalation targets' addresses.</summary>
/// <remarks>Implementations are thread-safe. Returning no recipient skips the notification
/// (<see cref="NotificationOutcome.NoRecipient"/>).</remarks>
public interface IEmailRecipientResolver
{
    /// <summary>Resolves the recipients of one notification.</summary>
    /// <param name="request">The notification, ticket and event.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The recipients; empty for none.</returns>
    ValueTask<IReadOnlyList<EmailRecipient>> ResolveAsync(EmailRecipientRequest request, CancellationToken cancellationToken = default);
}

/// <summary>
/// The requester's address for the requester's notifications (<see cref="EmailNotificationKind.Opened"/>,
/// <see cref="EmailNotificationKind.WaitingForCustomer"/>, <see cref="EmailNotificationKind.Resolved"/>), and an
/// optional delegate for the staff's (assignee, group lead, escalation target), which only the product knows.
/// </summary>
/// <param name="staff">Resolves the other kinds; none (no staff mail) by default.</param>
public sealed class RequesterRecipientResolver(Func<EmailRecipientRequest, IReadOnlyList<EmailRecipient>>? staff = null) : IEmailRecipientResolver
{
    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    public ValueTask<IReadOnlyList<EmailRecipient>> ResolveAsync(EmailRecipientRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        IReadOnlyList<EmailRecipient> recipients = request.Kind switch
        {
            EmailNotificationKind.Opened or EmailNotificationKind.WaitingForCustomer or EmailNotificationKind.Resolved
                => request.Ticket.Requester.Email is { } email ? [new EmailRecipient(email, request.Ticket.Requester.Contact)] : [],
            _ => staff?.Invoke(request) ?? [],
        };
        return ValueTask.FromResult(recipients);
    }
}
