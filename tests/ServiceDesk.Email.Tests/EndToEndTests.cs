using MailKit.Security;
using MimeKit;
using ServiceDesk.Engine;
using ServiceDesk.Storage;
using ServiceDesk.Workflow;

namespace ServiceDesk.Email.Tests;

public sealed class EndToEndTests
{
    internal static EmailNotificationOptions NotificationOptions()
    {
        var options = new EmailNotificationOptions();
        options.Tenants[Desk.Tenant.Value] = new EmailSenderSettings
        {
            FromAddress = "support@desk.example.com",
            MessageIdDomain = "desk.example.com",
            TicketUrl = "https://desk.example.com/tickets/{Number}",
            ConfirmUrl = "https://desk.example.com/tickets/{Number}/confirm",
            RejectUrl = "https://desk.example.com/tickets/{Number}/reject",
        };
        return options;
    }

    [Fact]
    public async Task OpenByEmail_Acknowledge_ReplyThreadsByInReplyTo_Resolve_ResolutionMail()
    {
        await using var smtp = await LoopbackSmtpServer.StartAsync();
        using var desk = new Desk();
        var transport = new SmtpEmailTransport(new SmtpOptions { Host = "127.0.0.1", Port = smtp.Port, Security = SecureSocketOptions.None });
        var notifier = new EmailNotifier(desk.Engine, desk.Threads, new RequesterRecipientResolver(), transport, desk.Clock, NotificationOptions());
        var outbox = (IOutboxStore)desk.Store;

        // 1. A customer writes in.
        var opened = await desk.ProcessAsync("""
            From: Jane Doe <jane@acme.example>
            To: support@desk.example.com
            Subject: VPN is down
            Date: Tue, 08 Dec 2026 09:00:00 +0300
            Message-ID: <e2e-1@mail.acme.example>
            Content-Type: text/plain; charset=utf-8

            The VPN says authentication failed.
            """);
        Assert.Equal(IntakeOutcome.TicketOpened, opened.Outcome);
        var number = opened.Number!.Value.ToString();

        // 2. The acknowledgement goes out over SMTP.
        var sent = await notifier.DeliverOutboxAsync(outbox);
        Assert.Contains(sent, r => r is { Outcome: NotificationOutcome.Sent, Kind: EmailNotificationKind.Opened });
        var ack = await smtp.NextAsync();
        Assert.Equal($"[{number}] Received: VPN is down", ack.Subject);
        Assert.Equal("jane@acme.example", Assert.Single(ack.To.Mailboxes).Address);
        Assert.Equal("support@desk.example.com", Assert.Single(ack.From.Mailboxes).Address);
        Assert.EndsWith("@desk.example.com", ack.MessageId, StringComparison.Ordinal);
        Assert.Equal("e2e-1@mail.acme.example", ack.InReplyTo);
        Assert.Equal(["e2e-1@mail.acme.example"], ack.References);
        Assert.Contains(number, ack.TextBody, StringComparison.Ordinal);
        Assert.Contains($"<b>{number}</b>", ack.HtmlBody, StringComparison.Ordinal);
        Assert.Equal("auto-generated", ack.Headers[HeaderId.AutoSubmitted]);

        // The acknowledgement fed back to the mailbox (a forwarding rule) is recognised as ours.
        using (var echo = new MemoryStream())
        {
            await ack.WriteToAsync(echo);
            Assert.Equal(IntakeOutcome.Loop, (await desk.Intake.ProcessAsync(RawMessage.FromBytes("test:echo", echo.ToArray()))).Outcome);
        }

        // 3. The customer replies to the acknowledgement; the subject has no number, In-Reply-To threads it.
        var reply = await desk.ProcessAsync($"""
            From: Jane Doe <jane@acme.example>
            To: support@desk.example.com
            Subject: Re: your message
            Date: Tue, 08 Dec 2026 09:30:00 +0300
            Message-ID: <e2e-2@mail.acme.example>
            In-Reply-To: <{ack.MessageId}>
            References: <e2e-1@mail.acme.example> <{ack.MessageId}>
            Content-Type: text/plain; charset=utf-8

            It fails on the office Wi-Fi only.

            On Tue, 8 Dec 2026 at 09:05, Service Desk <support@desk.example.com> wrote:
            > We have received your request.
            """);
        Assert.Equal(IntakeOutcome.Commented, reply.Outcome);
        Assert.Equal(opened.Ticket, reply.Ticket);
        var history = await desk.Engine.GetHistoryAsync(Desk.Tenant, opened.Ticket!.Value);
        var comment = Assert.Single(history.OfType<Events.CommentAdded>());
        Assert.StartsWith("It fails on the office Wi-Fi only.", comment.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("We have received", comment.Text, StringComparison.Ordinal);
        Assert.Equal(ActorKind.Requester, comment.Actor.Kind);

        // 4. An agent resolves the ticket; the resolution mail carries the links and the thread.
        var agent = new CommandContext(Desk.Tenant, Actor.OfAgent(new AgentId("alice")));
        (await desk.Engine.TransitionAsync(agent, opened.Ticket.Value, IncidentLifecycle.Start)).EnsureSucceeded();
        (await desk.Engine.TransitionAsync(agent, opened.Ticket.Value, IncidentLifecycle.Resolve, "SolvedPermanently", "Re-issued the Wi-Fi certificate.")).EnsureSucceeded();
        var second = await notifier.DeliverOutboxAsync(outbox);
        Assert.Contains(second, r => r is { Outcome: NotificationOutcome.Sent, Kind: EmailNotificationKind.Resolved });
        Assert.Contains(second, r => r.Outcome == NotificationOutcome.NotNotified);
        var resolved = await smtp.NextAsync();
        Assert.Equal($"[{number}] Resolved: VPN is down", resolved.Subject);
        Assert.Contains($"https://desk.example.com/tickets/{number}/confirm", resolved.TextBody, StringComparison.Ordinal);
        Assert.Contains($"https://desk.example.com/tickets/{number}/reject", resolved.HtmlBody, StringComparison.Ordinal);
        Assert.Equal("e2e-2@mail.acme.example", resolved.InReplyTo);
        Assert.Equal(["e2e-1@mail.acme.example", ack.MessageId!, "e2e-2@mail.acme.example"], resolved.References);
        Assert.Equal(0, smtp.Pending);
        Assert.Empty(await outbox.ReadOutboxAsync(100));
    }

    [Fact]
    public async Task DeliverOutbox_SmtpDown_NothingAcknowledged_ThenDeliveredWhenUp()
    {
        int port;
        await using (var gone = await LoopbackSmtpServer.StartAsync())
        {
            port = gone.Port;
        }

        using var desk = new Desk();
        var outbox = (IOutboxStore)desk.Store;
        await desk.ProcessAsync("""
            From: Jane Doe <jane@acme.example>
            Subject: Printer
            Message-ID: <down-1@mail.acme.example>

            Blank pages.
            """);
        var down = new EmailNotifier(desk.Engine, desk.Threads, new RequesterRecipientResolver(),
            new SmtpEmailTransport(new SmtpOptions { Host = "127.0.0.1", Port = port, Security = SecureSocketOptions.None, Timeout = NodaTime.Duration.FromSeconds(5) }),
            desk.Clock, NotificationOptions());
        Assert.Empty(await down.DeliverOutboxAsync(outbox));
        Assert.NotEmpty(await outbox.ReadOutboxAsync(100));

        await using var smtp = await LoopbackSmtpServer.StartAsync();
        var up = new EmailNotifier(desk.Engine, desk.Threads, new RequesterRecipientResolver(),
            new SmtpEmailTransport(new SmtpOptions { Host = "127.0.0.1", Port = smtp.Port, Security = SecureSocketOptions.None }), desk.Clock, NotificationOptions());
        Assert.Contains(await up.DeliverOutboxAsync(outbox), r => r.Outcome == NotificationOutcome.Sent);
        Assert.StartsWith("[INC0000001] Received", (await smtp.NextAsync()).Subject, StringComparison.Ordinal);
    }
}
