using ServiceDesk.Storage.Sqlite;

namespace ServiceDesk.Email.Tests;

public sealed class IntakeEdgeTests
{
    private const string Plain = """
        From: Jane Doe <jane@acme.example>
        To: support@desk.example.com
        Subject: {0}
        Date: Tue, 08 Dec 2026 09:00:00 +0300
        Message-ID: <{1}@mail.acme.example>
        MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8

        {2}
        """;

    private static string Message(string subject, string id, string body = "Hello.") => string.Format(System.Globalization.CultureInfo.InvariantCulture, Plain, subject, id, body);

    [Fact]
    public async Task Process_FiftyMegabyteMessage_TooLargeWithoutReadingIt_ReferenceKept()
    {
        using var desk = new Desk();
        var opened = false;
        var raw = new RawMessage("imap:INBOX/1/77", 50L * 1024 * 1024, _ =>
        {
            opened = true;
            return ValueTask.FromResult<Stream>(new MemoryStream());
        });

        var result = await desk.Intake.ProcessAsync(raw);

        Assert.Equal(IntakeOutcome.TooLarge, result.Outcome);
        Assert.False(opened);
        Assert.Equal("imap:INBOX/1/77", result.Reference);
        Assert.Contains("52,428,800 bytes", result.Reason, StringComparison.Ordinal);
        Assert.False(result.ReachedTicket);
    }

    [Fact]
    public async Task Process_ContentLargerThanAnnounced_TooLarge()
    {
        using var desk = new Desk(o => (o.MaxMessageBytes, o.MaxAttachmentBytes) = (4096, 1024));
        var body = new string('x', 10_000);
        var bytes = System.Text.Encoding.UTF8.GetBytes(Message("big", "big1", body));
        var result = await desk.Intake.ProcessAsync(new RawMessage("test:big", 100, _ => ValueTask.FromResult<Stream>(new MemoryStream(bytes))));
        Assert.Equal(IntakeOutcome.TooLarge, result.Outcome);
    }

    [Fact]
    public async Task Process_EmptyMessage_Malformed()
    {
        using var desk = new Desk();
        var result = await desk.Intake.ProcessAsync(RawMessage.FromBytes("test:empty", []));
        Assert.Equal(IntakeOutcome.Malformed, result.Outcome);
        Assert.Contains("empty", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Process_MoreThanTheHourlyLimit_RateLimited_ThenAcceptedAfterAnHour()
    {
        using var desk = new Desk(o => o.MaxMessagesPerSenderPerHour = 3);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(IntakeOutcome.TicketOpened, (await desk.ProcessAsync(Message("flood " + i, "flood" + i))).Outcome);
        }

        var limited = await desk.ProcessAsync(Message("flood 3", "flood3"));
        Assert.Equal(IntakeOutcome.RateLimited, limited.Outcome);
        Assert.Contains("jane@acme.example", limited.Reason, StringComparison.Ordinal);

        desk.Clock.AdvanceMinutes(61);
        Assert.Equal(IntakeOutcome.TicketOpened, (await desk.ProcessAsync(Message("flood 4", "flood4"))).Outcome);
    }

    [Fact]
    public async Task Process_SameMessageTwice_AppliedOnce()
    {
        using var desk = new Desk();
        var first = await desk.ProcessAsync(Message("Printer", "dup1"));
        var second = await desk.ProcessAsync(Message("Printer", "dup1"));
        Assert.Equal(IntakeOutcome.TicketOpened, first.Outcome);
        Assert.Equal(IntakeOutcome.Duplicate, second.Outcome);
        Assert.Equal(first.Ticket, second.Ticket);
        Assert.Single((await desk.Store.QueryAsync(new Storage.TicketQuery(Desk.Tenant))).Items);
    }

    [Fact]
    public async Task Process_ReplyReadTwice_OneComment()
    {
        using var desk = new Desk();
        var opened = await desk.ProcessAsync(Message("Printer", "root1"));
        var reply = Message("Re: [" + opened.Number + "] Printer", "reply1", "Still broken.");
        Assert.Equal(IntakeOutcome.Commented, (await desk.ProcessAsync(reply)).Outcome);
        Assert.Equal(IntakeOutcome.Duplicate, (await desk.ProcessAsync(reply)).Outcome);
        var history = await desk.Engine.GetHistoryAsync(Desk.Tenant, opened.Ticket!.Value);
        Assert.Single(history.OfType<Events.CommentAdded>());
    }

    [Fact]
    public async Task Process_MessageWithoutMessageId_AppliedOnceByItsContent()
    {
        using var desk = new Desk();
        var raw = Message("No id", "x").Replace("Message-ID: <x@mail.acme.example>\n", string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain("Message-ID", raw, StringComparison.Ordinal);
        Assert.Equal(IntakeOutcome.TicketOpened, (await desk.ProcessAsync(raw)).Outcome);
        Assert.Equal(IntakeOutcome.Duplicate, (await desk.ProcessAsync(raw)).Outcome);
    }

    [Fact]
    public async Task Process_VeryLongMessageId_HashedIntoTheKey()
    {
        using var desk = new Desk();
        var id = new string('a', 400);
        Assert.Equal(IntakeOutcome.TicketOpened, (await desk.ProcessAsync(Message("long id", id))).Outcome);
        Assert.Equal(IntakeOutcome.Duplicate, (await desk.ProcessAsync(Message("long id", id))).Outcome);
    }

    [Fact]
    public async Task Process_UnknownSenderWithDefaultCustomer_Opens()
    {
        using var desk = new Desk(o => o.DefaultCustomer = new CustomerMapping(new CustomerId("walk-in")));
        var raw = Message("Hi", "walkin").Replace("jane@acme.example", "x@unknown.example", StringComparison.Ordinal);
        var result = await desk.ProcessAsync(raw);
        Assert.Equal(IntakeOutcome.TicketOpened, result.Outcome);
        Assert.Equal("walk-in", (await desk.Store.GetAsync(Desk.Tenant, result.Ticket!.Value))!.Requester.Customer.Value);
    }

    [Fact]
    public async Task Process_ReplyToUnknownTicketFromUnknownSender_UnknownSender_NotLost()
    {
        using var desk = new Desk();
        var raw = Message("Re: [INC0000777] x", "u777").Replace("jane@acme.example", "x@unknown.example", StringComparison.Ordinal);
        var result = await desk.ProcessAsync(raw, "file:/mail/u777.eml");
        Assert.Equal(IntakeOutcome.UnknownSender, result.Outcome);
        Assert.Equal("file:/mail/u777.eml", result.Reference);
    }

    [Fact]
    public async Task DrainAsync_Folder_MovesFilesByOutcome_AndAReQueuedFileIsADuplicate()
    {
        var folder = Directory.CreateTempSubdirectory("sd-email-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "001.eml"), Message("VPN", "f1").ReplaceLineEndings("\r\n"));
            await File.WriteAllTextAsync(Path.Combine(folder, "002.eml"), Message("Out of office", "f2").Replace("MIME-Version", "Auto-Submitted: auto-replied\nMIME-Version", StringComparison.Ordinal).ReplaceLineEndings("\r\n"));
            using var desk = new Desk();
            var source = new FolderMessageSource(folder);

            var results = await desk.Intake.DrainAsync(source);

            Assert.Equal([IntakeOutcome.TicketOpened, IntakeOutcome.AutoReply], results.Select(r => r.Outcome));
            Assert.True(File.Exists(Path.Combine(folder, "processed", "001.eml")));
            Assert.True(File.Exists(Path.Combine(folder, "held", "002.eml")));
            Assert.Empty(await source.ReceiveAsync(10));

            File.Copy(Path.Combine(folder, "processed", "001.eml"), Path.Combine(folder, "001.eml"));
            var again = Assert.Single(await desk.Intake.DrainAsync(source));
            Assert.Equal(IntakeOutcome.Duplicate, again.Outcome);
            Assert.True(File.Exists(Path.Combine(folder, "processed", "001.1.eml")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Process_OnSqlite_OpensAndThreads()
    {
        var path = Path.Combine(Path.GetTempPath(), "sd-email-" + Guid.NewGuid().ToString("N") + ".db");
        try
        {
            await using var store = await SqliteTicketStore.OpenAsync(path);
            using var desk = new Desk(store: store);
            var opened = await desk.ProcessAsync(Message("VPN", "sq1"));
            var reply = await desk.ProcessAsync(Message("Re: VPN", "sq2", "Fixed.").Replace("MIME-Version", "In-Reply-To: <sq1@mail.acme.example>\nMIME-Version", StringComparison.Ordinal));
            Assert.Equal(IntakeOutcome.TicketOpened, opened.Outcome);
            Assert.Equal(IntakeOutcome.Commented, reply.Outcome);
            Assert.Equal(opened.Ticket, reply.Ticket);
            Assert.Equal(IntakeOutcome.Duplicate, (await desk.ProcessAsync(Message("VPN", "sq1"))).Outcome);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    [Fact]
    public void Options_Invalid_EveryFaultListed()
    {
        var options = new EmailIntakeOptions { MessageIdDomain = "not a domain", MaxMessageBytes = 10, MaxMessagesPerSenderPerHour = 0, IntegrationName = " " };
        options.Domains["bad domain"] = new CustomerMapping(new CustomerId("x"));
        var faults = options.Validate();
        Assert.Contains(faults, f => f.StartsWith("Tenant:", StringComparison.Ordinal));
        Assert.Contains(faults, f => f.StartsWith("MessageIdDomain:", StringComparison.Ordinal));
        Assert.Contains(faults, f => f.StartsWith("MaxMessageBytes:", StringComparison.Ordinal));
        Assert.Contains(faults, f => f.StartsWith("MaxAttachmentBytes:", StringComparison.Ordinal));
        Assert.Contains(faults, f => f.StartsWith("MaxMessagesPerSenderPerHour:", StringComparison.Ordinal));
        Assert.Contains(faults, f => f.StartsWith("IntegrationName:", StringComparison.Ordinal));
        Assert.Contains(faults, f => f.StartsWith("Domains:", StringComparison.Ordinal));
        using var desk = new Desk();
        var ex = Assert.Throws<ArgumentException>(() => new EmailIntake(desk.Engine, desk.Store, desk.Threads, desk.Clock, options));
        Assert.Contains("MaxMessagesPerSenderPerHour", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RawMessage_BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RawMessage("x", -1, _ => default));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RawMessage(new string('r', 1001), 1, _ => default));
        Assert.Throws<ArgumentException>(() => new RawMessage(" ", 1, _ => default));
        Assert.Throws<ArgumentException>(() => new ImapMessageSource(new ImapSourceOptions()));
        Assert.Throws<ArgumentException>(() => new ImapMessageSource(new ImapSourceOptions { Host = "imap.example.com", Port = 0 }));
    }

    [Theory]
    [InlineData("Thanks!\n\nOn Mon, 7 Dec 2026 at 18:00, Desk <support@desk.example.com> wrote:\n> old", "Thanks!")]
    [InlineData("Thanks!\n\nOn Mon, 7 Dec 2026 at 18:00, Service Desk <\nsupport@desk.example.com> wrote:\n> old", "Thanks!")]
    [InlineData("Ok\n-----Original Message-----\nFrom: x", "Ok")]
    [InlineData("Ok\n-----Исходное сообщение-----\nОт: x", "Ok")]
    [InlineData("Top\n> quoted\nBottom", "Top\nBottom")]
    [InlineData("Body\n-- \nSig", "Body")]
    [InlineData("Body\n\n08.12.2026 9:12, Иван пишет:\n> старое", "Body")]
    [InlineData("Done.\n\nFrom: Desk\nSent: Monday\nTo: Jane", "Done.")]
    [InlineData("From: here is not a header line\nstill text", "From: here is not a header line\nstill text")]
    public void StripReply_KeepsOnlyNewText(string text, string expected) => Assert.Equal(expected, MessageText.StripReply(text));
}
