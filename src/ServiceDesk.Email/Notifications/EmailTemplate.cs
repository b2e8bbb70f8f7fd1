using System.Net;
using System.Text;

namespace ServiceDesk.Email;

/// <summary>
/// A notification's subject, plain text and HTML, with placeholders in braces: <c>{Number}</c>, <c>{Subject}</c>,
/// <c>{Status}</c>, <c>{Requester}</c>, <c>{Assignee}</c>, <c>{Group}</c>, <c>{Metric}</c>, <c>{Threshold}</c>,
/// <c>{Level}</c>, <c>{Reason}</c>, <c>{TicketUrl}</c>, <c>{ConfirmUrl}</c>, <c>{RejectUrl}</c>, <c>{Recipient}</c>.
/// </summary>
/// <remarks>
/// Values are HTML-encoded in <see cref="Html"/>; in <see cref="Subject"/> control characters become spaces, so no value
/// can add a header. An unknown placeholder is left as written. The ticket number is always put in front of the subject
/// as <c>[INC0000042]</c> when the template's subject does not contain <c>{Number}</c>, so replies thread by it.
/// Immutable and thread-safe.
/// </remarks>
/// <param name="Subject">The subject template, 1 to 200 characters.</param>
/// <param name="Text">The plain text template.</param>
/// <param name="Html">The HTML template (the <c>body</c> content; the notifier wraps it).</param>
public sealed record EmailTemplate(string Subject, string Text, string Html)
{
    /// <summary>Gets the subject template.</summary>
    public string Subject { get; init; } = Subject is { Length: > 0 and <= 200 }
        ? Subject
        : throw new ArgumentOutOfRangeException(nameof(Subject), Subject?.Length ?? 0, "A subject template is 1 to 200 characters.");

    /// <summary>Gets the plain text template.</summary>
    public string Text { get; init; } = Text ?? throw new ArgumentNullException(nameof(Text));

    /// <summary>Gets the HTML template.</summary>
    public string Html { get; init; } = Html ?? throw new ArgumentNullException(nameof(Html));

    internal (string Subject, string Text, string Html) Render(IReadOnlyDictionary<string, string> values)
    {
        var subject = MessageText.CleanHeader(Fill(Subject, values, encode: false));
        if (!Subject.Contains("{Number}", StringComparison.Ordinal) && values.TryGetValue("Number", out var number))
        {
            subject = $"[{number}] {subject}";
        }

        return (subject, Fill(Text, values, encode: false), Fill(Html, values, encode: true));
    }

    private static string Fill(string template, IReadOnlyDictionary<string, string> values, bool encode)
    {
        var sb = new StringBuilder(template.Length + 64);
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            var close = open < 0 ? -1 : template.IndexOf('}', open + 1);
            if (open < 0 || close < 0)
            {
                sb.Append(template, i, template.Length - i);
                break;
            }

            sb.Append(template, i, open - i);
            var name = template[(open + 1)..close];
            if (values.TryGetValue(name, out var value))
            {
                sb.Append(encode ? WebUtility.HtmlEncode(value) : value);
            }
            else
            {
                sb.Append(template, open, close - open + 1);
            }

            i = close + 1;
        }

        return sb.ToString();
    }
}

/// <summary>The templates of every <see cref="EmailNotificationKind"/>; <see cref="Default"/> has English ones.</summary>
/// <remarks>Immutable: <see cref="With"/> returns a copy with one template replaced.</remarks>
public sealed class EmailTemplates
{
    private readonly Dictionary<EmailNotificationKind, EmailTemplate> _templates;

    private EmailTemplates(Dictionary<EmailNotificationKind, EmailTemplate> templates) => _templates = templates;

    /// <summary>Gets the shipped English templates.</summary>
    public static EmailTemplates Default { get; } = new(new()
    {
        [EmailNotificationKind.Opened] = new(
            "[{Number}] Received: {Subject}",
            "Hello {Requester},\n\nWe have received your request and opened ticket {Number}: {Subject}.\nReply to this message to add to it; keep [{Number}] in the subject.\n\n{TicketUrl}\n",
            "<p>Hello {Requester},</p><p>We have received your request and opened ticket <b>{Number}</b>: {Subject}.</p><p>Reply to this message to add to it; keep [{Number}] in the subject.</p><p><a href=\"{TicketUrl}\">{TicketUrl}</a></p>"),
        [EmailNotificationKind.Assigned] = new(
            "[{Number}] Assigned to you: {Subject}",
            "Ticket {Number} ({Subject}) is assigned to {Assignee} in group {Group}.\n\n{TicketUrl}\n",
            "<p>Ticket <b>{Number}</b> ({Subject}) is assigned to {Assignee} in group {Group}.</p><p><a href=\"{TicketUrl}\">{TicketUrl}</a></p>"),
        [EmailNotificationKind.WaitingForCustomer] = new(
            "[{Number}] We need your reply: {Subject}",
            "Hello {Requester},\n\nWe are waiting for your reply on ticket {Number} ({Subject}). Reply to this message and the ticket resumes.\n\n{TicketUrl}\n",
            "<p>Hello {Requester},</p><p>We are waiting for your reply on ticket <b>{Number}</b> ({Subject}). Reply to this message and the ticket resumes.</p><p><a href=\"{TicketUrl}\">{TicketUrl}</a></p>"),
        [EmailNotificationKind.Resolved] = new(
            "[{Number}] Resolved: {Subject}",
            "Hello {Requester},\n\nTicket {Number} ({Subject}) is resolved.\n\nConfirm the resolution: {ConfirmUrl}\nNot solved? Reject it: {RejectUrl}\n",
            "<p>Hello {Requester},</p><p>Ticket <b>{Number}</b> ({Subject}) is resolved.</p><p><a href=\"{ConfirmUrl}\">Confirm the resolution</a> &middot; <a href=\"{RejectUrl}\">Not solved? Reject it</a></p>"),
        [EmailNotificationKind.SlaWarning] = new(
            "[{Number}] SLA {Metric} at {Threshold}: {Subject}",
            "Ticket {Number} ({Subject}) reached {Threshold} of its {Metric} target.\n\n{TicketUrl}\n",
            "<p>Ticket <b>{Number}</b> ({Subject}) reached <b>{Threshold}</b> of its {Metric} target.</p><p><a href=\"{TicketUrl}\">{TicketUrl}</a></p>"),
        [EmailNotificationKind.SlaBreach] = new(
            "[{Number}] SLA {Metric} breached: {Subject}",
            "Ticket {Number} ({Subject}) missed its {Metric} target. Group: {Group}; assignee: {Assignee}.\n\n{TicketUrl}\n",
            "<p>Ticket <b>{Number}</b> ({Subject}) missed its <b>{Metric}</b> target. Group: {Group}; assignee: {Assignee}.</p><p><a href=\"{TicketUrl}\">{TicketUrl}</a></p>"),
        [EmailNotificationKind.Escalated] = new(
            "[{Number}] Escalated (level {Level}): {Subject}",
            "Ticket {Number} ({Subject}) was escalated to level {Level} ({Reason}).\n\n{TicketUrl}\n",
            "<p>Ticket <b>{Number}</b> ({Subject}) was escalated to level {Level} ({Reason}).</p><p><a href=\"{TicketUrl}\">{TicketUrl}</a></p>"),
    });

    /// <summary>Gets the template of a kind.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The template.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not defined.</exception>
    public EmailTemplate this[EmailNotificationKind kind]
        => _templates.TryGetValue(kind, out var t) ? t : throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a notification kind (Opened to Escalated).");

    /// <summary>Returns a copy with one template replaced.</summary>
    /// <param name="kind">The kind.</param>
    /// <param name="template">Its template.</param>
    /// <returns>The copy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="template"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not defined.</exception>
    public EmailTemplates With(EmailNotificationKind kind, EmailTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a notification kind (Opened to Escalated).");
        }

        return new(new(_templates) { [kind] = template });
    }
}
