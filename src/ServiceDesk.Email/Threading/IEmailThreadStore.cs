namespace ServiceDesk.Email;

/// <summary>Whether the desk received or sent a message.</summary>
public enum EmailDirection
{
    /// <summary>A message the desk received (intake).</summary>
    Inbound = 1,

    /// <summary>A message the desk sent (notifications).</summary>
    Outbound = 2,
}

/// <summary>One message of a ticket's e-mail thread.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="MessageId">The Message-ID without angle brackets, 1 to 998 characters.</param>
/// <param name="Ticket">The ticket.</param>
/// <param name="Number">The ticket's number.</param>
/// <param name="Direction">Received or sent.</param>
/// <param name="At">When it was recorded.</param>
public sealed record EmailThreadEntry(TenantId Tenant, string MessageId, TicketId Ticket, TicketNumber Number, EmailDirection Direction, Instant At);

/// <summary>
/// Which ticket a Message-ID belongs to: every message the desk sends or receives is recorded, so a reply's
/// <c>In-Reply-To</c> / <c>References</c> find the ticket, and a notification's <c>References</c> list the thread.
/// </summary>
/// <remarks>
/// Message-IDs are compared ordinally, without angle brackets, per tenant. Recording a Message-ID again for the same
/// tenant keeps the first entry (a message belongs to one ticket). Implementations are thread-safe.
/// <see cref="InMemoryEmailThreadStore"/> is the shipped implementation; a durable one is a product's (a table of
/// tenant, message id, ticket, number, direction, at with a key on tenant and message id).
/// </remarks>
public interface IEmailThreadStore
{
    /// <summary>Finds the ticket of a Message-ID.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="messageId">The Message-ID, with or without angle brackets.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entry, or <see langword="null"/> when the tenant has no such message.</returns>
    ValueTask<EmailThreadEntry?> FindAsync(TenantId tenant, string messageId, CancellationToken cancellationToken = default);

    /// <summary>Records a message of a ticket; a Message-ID already recorded for the tenant is left as it was.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when recorded, <see langword="false"/> when the Message-ID was known.</returns>
    ValueTask<bool> RecordAsync(EmailThreadEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Reads a ticket's thread, in the order recorded.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="ticket">The ticket.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entries, oldest first; empty when none.</returns>
    ValueTask<IReadOnlyList<EmailThreadEntry>> GetThreadAsync(TenantId tenant, TicketId ticket, CancellationToken cancellationToken = default);
}

/// <summary>An <see cref="IEmailThreadStore"/> in memory: for tests, single-process hosts and as the reference of the
/// contract. Its content is lost with the process, after which replies still thread by the ticket number in the subject.</summary>
public sealed class InMemoryEmailThreadStore : IEmailThreadStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(TenantId, string), EmailThreadEntry> _byId = [];
    private readonly Dictionary<(TenantId, TicketId), List<EmailThreadEntry>> _byTicket = [];

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="messageId"/> is <see langword="null"/>.</exception>
    public ValueTask<EmailThreadEntry?> FindAsync(TenantId tenant, string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(_byId.GetValueOrDefault((tenant, Normalize(messageId))));
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="entry"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The tenant or ticket is the default value, or the Message-ID is blank or longer
    /// than 998 characters.</exception>
    public ValueTask<bool> RecordAsync(EmailThreadEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        TenantId.ThrowIfDefault(entry.Tenant, nameof(entry));
        TicketId.ThrowIfDefault(entry.Ticket, nameof(entry));
        var id = Normalize(entry.MessageId);
        if (id.Length is 0 or > 998)
        {
            throw new ArgumentException($"A Message-ID is 1 to 998 characters; got {TextPolicy.Echo(entry.MessageId)}.", nameof(entry));
        }

        cancellationToken.ThrowIfCancellationRequested();
        entry = entry with { MessageId = id };
        lock (_gate)
        {
            if (!_byId.TryAdd((entry.Tenant, id), entry))
            {
                return ValueTask.FromResult(false);
            }

            if (!_byTicket.TryGetValue((entry.Tenant, entry.Ticket), out var list))
            {
                _byTicket[(entry.Tenant, entry.Ticket)] = list = [];
            }

            list.Add(entry);
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<EmailThreadEntry>> GetThreadAsync(TenantId tenant, TicketId ticket, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            IReadOnlyList<EmailThreadEntry> thread = _byTicket.TryGetValue((tenant, ticket), out var list) ? [.. list] : [];
            return ValueTask.FromResult(thread);
        }
    }

    internal static string Normalize(string messageId) => messageId.Trim().TrimStart('<').TrimEnd('>').Trim();
}
