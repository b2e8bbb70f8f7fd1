using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Notifications;
using ServiceDesk.Storage;

namespace ServiceDesk.Email.Tests;

/// <summary>E-mail notifications through the outbox dispatcher (<see cref="EmailOutboxHandler"/>), against a real SMTP server
/// on loopback.</summary>
public sealed class DispatcherTests
{
    [Fact]
    public async Task Dispatcher_SendsTheAcknowledgement_SmtpDownIsRetriedThenDelivered()
    {
        int port;
        await using (var gone = await LoopbackSmtpServer.StartAsync())
        {
            port = gone.Port;
        }

        using var desk = new Desk();
        var opened = await desk.ProcessAsync("""
            From: Jane Doe <jane@acme.example>
            Subject: Printer prints blank pages
            Message-ID: <dispatch-1@mail.acme.example>

            Since this morning.
            """);
        Assert.Equal(IntakeOutcome.TicketOpened, opened.Outcome);
        EmailOutboxHandler Handler(int smtpPort) => new(new EmailNotifier(desk.Engine, desk.Threads, new RequesterRecipientResolver(),
            new SmtpEmailTransport(new SmtpOptions { Host = "127.0.0.1", Port = smtpPort, Security = SecureSocketOptions.None, Timeout = NodaTime.Duration.FromSeconds(5) }),
            desk.Clock, EndToEndTests.NotificationOptions()));
        var store = (IOutboxDeliveryStore)desk.Store;
        var options = new OutboxDispatcherOptions { InitialBackoff = NodaTime.Duration.FromMinutes(1) };

        // The SMTP server is down: the opening's messages fail (not delivered, not parked) and wait for the backoff.
        var down = await new OutboxDispatcher(store, EmailServiceDeskBuilderExtensions.EmailConsumer, Handler(port), desk.Clock, options).DispatchOnceAsync();
        Assert.True(down.Failed >= 1, $"{down}");
        Assert.Equal(0, down.Parked);

        // Up again and past the backoff: the acknowledgement arrives once, the other events of the opening are settled.
        await using var smtp = await LoopbackSmtpServer.StartAsync();
        desk.Clock.AdvanceMinutes(5);
        var up = await new OutboxDispatcher(store, EmailServiceDeskBuilderExtensions.EmailConsumer, Handler(smtp.Port), desk.Clock, options).DispatchOnceAsync();
        Assert.Equal(0, up.Failed);
        var ack = await smtp.NextAsync();
        Assert.Equal($"[{opened.Number}] Received: Printer prints blank pages", ack.Subject);
        Assert.Equal(0, smtp.Pending);
        Assert.Equal(0, (await new OutboxDispatcher(store, EmailServiceDeskBuilderExtensions.EmailConsumer, Handler(smtp.Port), desk.Clock, options).DispatchOnceAsync()).Claimed);
    }
}
