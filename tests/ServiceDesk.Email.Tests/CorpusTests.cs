namespace ServiceDesk.Email.Tests;

/// <summary>Processes every file of Corpus/ once, in name order, through one desk; each file's row states what it must give.</summary>
public sealed class CorpusFixture : IDisposable
{
    public CorpusFixture()
    {
        Desk = new Desk();
        var folder = Path.Combine(AppContext.BaseDirectory, "Corpus");
        foreach (var file in Directory.GetFiles(folder, "*.eml").Order(StringComparer.Ordinal))
        {
            Results[Path.GetFileName(file)] = Desk.Intake.ProcessAsync(RawMessage.FromFile(file)).GetAwaiter().GetResult();
        }
    }

    internal Desk Desk { get; }

    internal Dictionary<string, IntakeResult> Results { get; } = [];

    public void Dispose() => Desk.Dispose();
}

/// <summary>One row: the file, its outcome, the ticket number (null for none), text that must and must not be stored, and
/// the customer of the ticket when it was opened.</summary>
public sealed record CorpusCase(string File, IntakeOutcome Outcome, int? Number, string[] Contains, string[] Excludes, string? Customer = null, string? Subject = null)
{
    public override string ToString() => File;
}

public sealed class CorpusTests(CorpusFixture fixture) : IClassFixture<CorpusFixture>
{
    private static readonly string[] None = [];

    private static readonly CorpusCase[] Rows =
    [
        new("01-plain-new.eml", IntakeOutcome.TicketOpened, 1, ["authentication failed", "Original message: file:"], None, "acme", "VPN is down"),
        new("02-multipart-alternative.eml", IntakeOutcome.TicketOpened, 2, ["every five minutes since the update"], ["<b>", "<p>"], "acme"),
        new("03-html-only.eml", IntakeOutcome.TicketOpened, 3, ["Printer on floor 3 prints blank pages.", "HP LaserJet 4050\nAsset tag: PR-0042"], ["<div>", "alert(", "color: red"], "acme"),
        new("04-quoted-printable.eml", IntakeOutcome.TicketOpened, 4, ["Le café is not served", "wrapped by the quoted-printable encoder at seventy-six characters."], ["=\n", "=C3"], "acme"),
        new("05-base64-utf8-russian.eml", IntakeOutcome.TicketOpened, 5, ["Не работает почта на телефоне, пишет «ошибка сервера»."], None, "contoso", "Не работает почта"),
        new("06-koi8r.eml", IntakeOutcome.TicketOpened, 6, ["Принтер не печатает, горит оранжевая лампа."], None, "contoso", "Принтер"),
        new("07-windows1251.eml", IntakeOutcome.TicketOpened, 7, ["Сервер 1С недоступен с 8 утра, бухгалтерия стоит."], None, "contoso", "Сервер 1С"),
        new("08-gmail-reply.eml", IntakeOutcome.Commented, 1, ["It works again after the restart, thank you!"], ["wrote:", "We have received your request", "> "]),
        new("09-outlook-reply.eml", IntakeOutcome.Commented, 2, ["The prompt came back after lunch.\n\nBob"], ["Sent:", "From: Service Desk", "____", "Hello Bob"]),
        new("10-original-message.eml", IntakeOutcome.Commented, 3, ["New toner installed, still blank pages."], ["Original Message", "Hello Carol"]),
        new("11-signature.eml", IntakeOutcome.TicketOpened, 8, ["Please prepare a laptop for Tom"], ["ACME Corp, 1 Main St"], "acme"),
        new("12-gmail-russian-reply.eml", IntakeOutcome.Commented, 5, ["Спасибо, теперь всё работает."], ["Мы получили ваш запрос", "Service Desk <support"]),
        new("13-outlook-russian-reply.eml", IntakeOutcome.Commented, 6, ["Лампа всё ещё горит."], ["Отправлено:", "Здравствуйте, Ольга!"]),
        new("14-auto-submitted.eml", IntakeOutcome.AutoReply, null, None, None),
        new("15-x-autoreply.eml", IntakeOutcome.AutoReply, null, None, None),
        new("16-precedence-bulk.eml", IntakeOutcome.AutoReply, null, None, None),
        new("17-x-autorespond.eml", IntakeOutcome.AutoReply, null, None, None),
        new("18-bounce-dsn.eml", IntakeOutcome.Bounce, null, None, None),
        new("19-bounce-postmaster.eml", IntakeOutcome.Bounce, null, None, None),
        new("20-multipart-report-only.eml", IntakeOutcome.Bounce, null, None, None),
        new("21-loop-own-messageid.eml", IntakeOutcome.Loop, null, None, None),
        new("22-loop-own-address.eml", IntakeOutcome.Loop, null, None, None),
        new("23-unknown-ticket-number.eml", IntakeOutcome.TicketOpened, 9, ["The issue from last year is back."], None, "acme"),
        new("24-unknown-sender.eml", IntakeOutcome.UnknownSender, null, None, None),
        new("25-attachments.eml", IntakeOutcome.TicketOpened, 10, ["See the attached report and log.", "- report.pdf (application/pdf, 2,064 bytes)", "- app.log (text/plain, "], ["over the"], "acme"),
        new("26-header-injection.eml", IntakeOutcome.TicketOpened, 11, ["Header injection attempt."], None, "acme", "HelpBcc: victim@acme.example"),
        new("27-malformed.eml", IntakeOutcome.Malformed, null, None, None),
        new("28-no-from.eml", IntakeOutcome.Malformed, null, None, None),
        new("29-duplicate.eml", IntakeOutcome.Duplicate, 1, None, None),
        new("30-subdomain.eml", IntakeOutcome.TicketOpened, 12, ["I need access to \\\\fs01\\finance."], None, "contoso"),
        new("31-address-map.eml", IntakeOutcome.TicketOpened, 13, ["Calendar does not sync"], None, "acme-vip"),
        new("32-big-attachment.eml", IntakeOutcome.TicketOpened, 14, ["- crash.dmp (application/octet-stream, 102,400 bytes) over the 65,536-byte limit, kept only in the original message"], None, "acme"),
        new("33-reply-by-references-other-sender.eml", IntakeOutcome.Commented, 2, ["From: Dave <dave@acme.example>\n\nSame problem here on my PC."], ["> Outlook"]),
        new("34-html-blockquote-reply.eml", IntakeOutcome.Commented, 4, ["Fixed by the vendor, thanks."], ["Le café is not served", "wrote:"]),
        new("35-precedence-list.eml", IntakeOutcome.AutoReply, null, None, None),
    ];

    public static TheoryData<CorpusCase> Cases => new(Rows);

    [Fact]
    public void Corpus_EveryFileHasARow_AndAtLeastThirty()
    {
        Assert.True(fixture.Results.Count >= 30, $"the corpus has {fixture.Results.Count} files");
        Assert.Equal(fixture.Results.Keys.Order(StringComparer.Ordinal), Rows.Select(c => c.File).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Process_CorpusFile_GivesItsExpectedOutcome(CorpusCase expected)
    {
        var result = fixture.Results[expected.File];
        Assert.True(expected.Outcome == result.Outcome, $"{expected.File}: expected {expected.Outcome}, got {result.Outcome} ({result.Reason})");
        Assert.False(string.IsNullOrWhiteSpace(result.Reason));
        Assert.EndsWith(expected.File, result.Reference, StringComparison.Ordinal);
        if (expected.Number is { } n)
        {
            Assert.Equal(new TicketNumber(TicketKind.Incident, n), result.Number);
        }
        else
        {
            Assert.Null(result.Number);
            Assert.Null(result.Text);
        }

        foreach (var text in expected.Contains)
        {
            Assert.Contains(text, result.Text, StringComparison.Ordinal);
        }

        foreach (var text in expected.Excludes)
        {
            Assert.DoesNotContain(text, result.Text ?? string.Empty, StringComparison.Ordinal);
        }

        if (result.Ticket is { } id)
        {
            var ticket = await fixture.Desk.Store.GetAsync(Desk.Tenant, id);
            Assert.NotNull(ticket);
            if (expected.Outcome == IntakeOutcome.TicketOpened)
            {
                Assert.Equal(Channel.Email, ticket.Channel);
                Assert.Equal(expected.Customer, ticket.Requester.Customer.Value);
                Assert.Equal(result.From, ticket.Requester.Email);
                Assert.Equal(result.Text, ticket.Description);
                if (expected.Subject is { } subject)
                {
                    Assert.Equal(subject, ticket.Subject);
                }
            }

            if (expected.Outcome == IntakeOutcome.Commented)
            {
                var history = await fixture.Desk.Engine.GetHistoryAsync(Desk.Tenant, id);
                Assert.Contains(history.OfType<Events.CommentAdded>(), c => c.Text == result.Text && c.Visibility == Events.CommentVisibility.Public);
            }
        }
    }

    [Fact]
    public async Task Process_CorpusAutomatedMessages_OpenNoTicketAndAddNoComment()
    {
        var opened = fixture.Results.Values.Count(r => r.Outcome == IntakeOutcome.TicketOpened);
        var tickets = (await fixture.Desk.Store.QueryAsync(new Storage.TicketQuery(Desk.Tenant))).Items;
        Assert.Equal(opened, tickets.Count);
        var comments = 0;
        foreach (var t in tickets)
        {
            comments += (await fixture.Desk.Engine.GetHistoryAsync(Desk.Tenant, t.Id)).OfType<Events.CommentAdded>().Count();
        }

        Assert.Equal(fixture.Results.Values.Count(r => r.Outcome == IntakeOutcome.Commented), comments);
    }

    [Fact]
    public void Process_UnknownTicketNumber_ReasonNamesTheNumber()
    {
        var result = fixture.Results["23-unknown-ticket-number.eml"];
        Assert.Contains("INC0009999", result.Reason, StringComparison.Ordinal);
        Assert.Contains("opened a new ticket", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Process_HeaderInjection_SubjectHasNoLineBreak()
    {
        var result = fixture.Results["26-header-injection.eml"];
        Assert.DoesNotContain('\r', result.Subject!);
        Assert.DoesNotContain('\n', result.Subject!);
    }

    [Fact]
    public void Process_Attachments_RecordedAsMetadata()
    {
        var result = fixture.Results["25-attachments.eml"];
        Assert.Collection(
            result.Attachments,
            a => Assert.Equal(new AttachmentInfo("report.pdf", "application/pdf", 2064, false), a),
            a => Assert.Equal(("app.log", "text/plain", false), (a.FileName, a.ContentType, a.OverLimit)));
        var big = Assert.Single(fixture.Results["32-big-attachment.eml"].Attachments);
        Assert.True(big.OverLimit);
        Assert.Equal(102_400, big.Size);
    }
}
