using MimeKit;

namespace ServiceDesk.Email;

/// <summary>Recognises messages that must never open a ticket: auto-replies, bounces and loops.</summary>
internal static class MessageClassifier
{
    private static readonly string[] DaemonLocalParts = ["mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon"];

    public static (IntakeOutcome Outcome, string Reason)? Classify(MimeMessage message, string? from, EmailIntakeOptions options)
    {
        // Loops first: a message of ours that came back must not be answered, whatever else it says.
        var ownDomain = EmailAddresses.DomainOfMessageId(message.MessageId);
        if (ownDomain is not null && string.Equals(ownDomain, options.MessageIdDomain, StringComparison.OrdinalIgnoreCase))
        {
            return (IntakeOutcome.Loop, $"the Message-ID is under the desk's own domain {options.MessageIdDomain}: a message the desk sent came back");
        }

        if (from is not null && options.OwnAddresses.Contains(from))
        {
            return (IntakeOutcome.Loop, $"the sender {from} is one of the desk's own addresses");
        }

        if (from is not null)
        {
            var local = from[..from.IndexOf('@', StringComparison.Ordinal)];
            if (DaemonLocalParts.Any(d => string.Equals(d, local, StringComparison.OrdinalIgnoreCase)))
            {
                return (IntakeOutcome.Bounce, $"the sender {from} is a mail system (MAILER-DAEMON / postmaster)");
            }
        }

        if (message.Body is MultipartReport report)
        {
            return (IntakeOutcome.Bounce, $"a multipart/report ({report.ReportType ?? "no report-type"}): a delivery status notification");
        }

        if (message.Body is MimeEntity body && body.ContentType.IsMimeType("message", "delivery-status"))
        {
            return (IntakeOutcome.Bounce, "a message/delivery-status body: a delivery status notification");
        }

        var autoSubmitted = message.Headers[HeaderId.AutoSubmitted];
        if (autoSubmitted is not null && !autoSubmitted.Trim().StartsWith("no", StringComparison.OrdinalIgnoreCase))
        {
            return (IntakeOutcome.AutoReply, $"Auto-Submitted: {Clip(autoSubmitted)}");
        }

        foreach (var name in (ReadOnlySpan<string>)["X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Auto-Response"])
        {
            if (message.Headers[name] is { } value)
            {
                return (IntakeOutcome.AutoReply, $"{name}: {Clip(value)}");
            }
        }

        if (message.Headers[HeaderId.Precedence] is { } precedence)
        {
            var p = precedence.Trim();
            if (p.Equals("bulk", StringComparison.OrdinalIgnoreCase) || p.Equals("junk", StringComparison.OrdinalIgnoreCase)
                || p.Equals("list", StringComparison.OrdinalIgnoreCase) || p.Equals("auto_reply", StringComparison.OrdinalIgnoreCase))
            {
                return (IntakeOutcome.AutoReply, $"Precedence: {Clip(p)}");
            }
        }

        if (message.Headers["X-Auto-Response-Suppress"] is { } suppress && message.Headers["X-MS-Exchange-Inbox-Rules-Loop"] is not null)
        {
            return (IntakeOutcome.AutoReply, $"an Exchange inbox rule reply (X-Auto-Response-Suppress: {Clip(suppress)})");
        }

        return null;
    }

    private static string Clip(string value) => value.Length > 60 ? value[..60] + "…" : value.Trim();
}
