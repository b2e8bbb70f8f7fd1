using MimeKit;
using NodaTime;
using ServiceDesk.Engine;
using ServiceDesk.Events;
using ServiceDesk.Workflow;

namespace ServiceDesk.Email.Tests;

public sealed class NotifierTests
{
    private static readonly TicketId Id = TicketId.New();
    private static readonly Instant At = Instant.FromUtc(2026, 12, 8, 9, 0);

    public static TheoryData<TicketEvent, EmailNotificationKind?> Events { get; } = new()
    {
        { new StatusChanged(Desk.Tenant, Id, 3, At, Actor.System, TicketStatus.InProgress, TicketStatus.OnHold, IncidentLifecycle.AwaitingCaller), EmailNotificationKind.WaitingForCustomer },
        { new StatusChanged(Desk.Tenant, Id, 3, At, Actor.System, TicketStatus.InProgress, TicketStatus.OnHold, "AwaitingVendor"), null },
        { new StatusChanged(Desk.Tenant, Id, 3, At, Actor.System, TicketStatus.InProgress, TicketStatus.Resolved, "SolvedPermanently"), EmailNotificationKind.Resolved },
        { new StatusChanged(Desk.Tenant, Id, 3, At, Actor.System, TicketStatus.New, TicketStatus.InProgress), null },
        { new Assigned(Desk.Tenant, Id, 2, At, Actor.System, new GroupId("network"), new AgentId("alice")), EmailNotificationKind.Assigned },
        { new SlaThresholdReached(Desk.Tenant, Id, 4, At, Actor.System, "resolution", 1, "75%", At), EmailNotificationKind.SlaWarning },
        { new SlaThresholdReached(Desk.Tenant, Id, 4, At, Actor.System, "resolution", 1, "breach", At), EmailNotificationKind.SlaBreach },
        { new Escalated(Desk.Tenant, Id, 5, At, Actor.System, 2, EscalationKind.Hierarchical, "lead@desk.example.com"), EmailNotificationKind.Escalated },
        { new CommentAdded(Desk.Tenant, Id, 5, At, Actor.System, CommentVisibility.Public, "x"), null },
    };

    [Theory]
    [MemberData(nameof(Events))]
    public void KindOf_MapsEvents(TicketEvent e, EmailNotificationKind? expected) => Assert.Equal(expected, EmailNotifier.KindOf(e));

    [Fact]
    public async Task Notify_StaffKinds_GoToTheResolversAddresses_WithTheRightTemplate()
    {
        using var desk = new Desk();
        var transport = new RecordingTransport();
        var resolver = new RequesterRecipientResolver(r => r.Kind switch
        {
            EmailNotificationKind.SlaWarning => [new EmailRecipient("alice@desk.example.com", "Alice")],
            EmailNotificationKind.SlaBreach => [new EmailRecipient("lead@desk.example.com", "Network lead")],
            _ => [],
        });
        var notifier = new EmailNotifier(desk.Engine, desk.Threads, resolver, transport, desk.Clock, EndToEndTests.NotificationOptions());
        var opened = await desk.Engine.OpenTicketAsync(
            new CommandContext(Desk.Tenant, Actor.OfRequester("jane@acme.example")),
            new OpenTicketRequest(TicketKind.Incident, "Core switch down", new Requester(new CustomerId("acme"), "Jane", "jane@acme.example"), new Impact(1), new Urgency(1)));
        var t = opened.Ticket;

        var warning = await notifier.NotifyAsync(new SlaThresholdReached(Desk.Tenant, t.Id, 2, At, Actor.System, "resolution", 1, "75%", At));
        var breach = await notifier.NotifyAsync(new SlaThresholdReached(Desk.Tenant, t.Id, 3, At, Actor.System, "resolution", 1, "breach", At));
        var assigned = await notifier.NotifyAsync(new Assigned(Desk.Tenant, t.Id, 4, At, Actor.System, new GroupId("network"), null));

        Assert.Equal(["alice@desk.example.com"], warning.Recipients);
        Assert.Equal(["lead@desk.example.com"], breach.Recipients);
        Assert.Equal(NotificationOutcome.NoRecipient, assigned.Outcome);
        Assert.Equal($"[{t.Number}] SLA resolution at 75%: Core switch down", transport.Sent[0].Subject);
        Assert.Equal($"[{t.Number}] SLA resolution breached: Core switch down", transport.Sent[1].Subject);
        Assert.Equal(transport.Sent[0].MessageId, transport.Sent[1].InReplyTo);
    }

    [Fact]
    public async Task Notify_SameEventTwice_SameMessageId_AndUnknownTenantHasNoSender()
    {
        using var desk = new Desk();
        var transport = new RecordingTransport();
        var notifier = new EmailNotifier(desk.Engine, desk.Threads, new RequesterRecipientResolver(), transport, desk.Clock, EndToEndTests.NotificationOptions());
        var opened = await desk.Engine.OpenTicketAsync(
            new CommandContext(Desk.Tenant, Actor.OfRequester("jane@acme.example")),
            new OpenTicketRequest(TicketKind.Incident, "Help\r\nBcc: x@evil.example", new Requester(new CustomerId("acme"), "Jane", "jane@acme.example"), new Impact(3), new Urgency(3)));
        var e = opened.Events.OfType<TicketOpened>().Single();

        var first = await notifier.NotifyAsync(e);
        var again = await notifier.NotifyAsync(e);

        Assert.Equal(first.MessageId, again.MessageId);
        Assert.DoesNotContain('\n', transport.Sent[0].Subject!);
        Assert.Empty(transport.Sent[0].Bcc);
        Assert.Equal(NotificationOutcome.NoSender, (await notifier.NotifyAsync(e with { Tenant = new TenantId("other") })).Outcome);
    }

    [Fact]
    public void Templates_HtmlEncodeValues_AndCustomTemplateReplacesOne()
    {
        var templates = EmailTemplates.Default.With(EmailNotificationKind.Opened, new EmailTemplate("Got it: {Subject}", "T {Number}", "<i>{Subject}</i>"));
        var (subject, text, html) = templates[EmailNotificationKind.Opened].Render(new Dictionary<string, string> { ["Number"] = "INC0000001", ["Subject"] = "<script>" });
        Assert.Equal("[INC0000001] Got it: <script>", subject);
        Assert.Equal("T INC0000001", text);
        Assert.Equal("<i>&lt;script&gt;</i>", html);
        Assert.Throws<ArgumentOutOfRangeException>(() => new EmailTemplate("", "t", "h"));
    }

    [Fact]
    public void Options_Invalid_EveryFaultListed()
    {
        var options = new EmailOptions { Smtp = new SmtpOptions { Port = 0 } };
        options.Notifications.Tenants["t1"] = new EmailSenderSettings { FromAddress = "nope", MessageIdDomain = "other.example.com", ConfirmUrl = "javascript:alert(1)" };
        options.Intake.MessageIdDomain = "desk.example.com";
        var faults = options.Validate();
        Assert.Contains(faults, f => f.StartsWith("Intake.Tenant:", StringComparison.Ordinal));
        Assert.Contains(faults, f => f.Contains("FromAddress", StringComparison.Ordinal));
        Assert.Contains(faults, f => f.Contains("ConfirmUrl", StringComparison.Ordinal));
        Assert.Contains(faults, f => f.StartsWith("Smtp.Host:", StringComparison.Ordinal));
        Assert.Contains(faults, f => f.StartsWith("Smtp.Port:", StringComparison.Ordinal));
        Assert.Contains(faults, f => f.Contains("differs from Intake.MessageIdDomain", StringComparison.Ordinal));
    }

    private sealed class RecordingTransport : IEmailTransport
    {
        public List<MimeMessage> Sent { get; } = [];

        public Task SendAsync(MimeMessage message, CancellationToken cancellationToken = default)
        {
            Sent.Add(message);
            return Task.CompletedTask;
        }
    }
}
