using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using MimeKit;
using NodaTime;
using ServiceDesk.Email;
using ServiceDesk.Engine;
using ServiceDesk.Events;
using ServiceDesk.Storage.Sqlite;
using ServiceDesk.Testing;

namespace ServiceDesk.Benchmarks.Email;

/// <summary>
/// Intake throughput on SQLite: 400 messages (200 new requests, each followed later by a Gmail-style reply that quotes it
/// and threads by In-Reply-To) parsed and applied to the engine, on a fresh SQLite file per iteration. Results are per
/// message (<c>OperationsPerInvoke</c>), so messages/s = 1 s / Mean. <see cref="Bare"/> is the baseline: the naive
/// loop a product would write first (MimeKit parse, then <c>OpenTicketAsync</c> or <c>CommentAsync</c> with the message
/// text as is, a dictionary for threading, no idempotency key, no auto-reply, loop, rate or size checks, no quote
/// stripping, no attachment scan). <see cref="Intake"/> is <see cref="EmailIntake"/> as shipped; the ratio is what its
/// checks, idempotency lookup and text handling cost.
/// </summary>
[MemoryDiagnoser]
public class EmailIntakeBenchmarks
{
    private const int Pairs = 200;
    private static readonly TenantId Tenant = new("bench-desk");
    private readonly List<byte[]> _messages = [];
    private string _directory = null!;
    private SqliteTicketStore _store = null!;
    private ServiceDeskEngine _engine = null!;
    private EmailIntake _intake = null!;

    /// <summary>Builds the messages.</summary>
    [GlobalSetup]
    public void Setup()
    {
        for (var i = 0; i < Pairs; i++)
        {
            _messages.Add(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"""
                From: User {i} <user{i}@acme.example>
                To: support@desk.example.com
                Subject: Laptop {i} does not start
                Date: Tue, 08 Dec 2026 09:00:00 +0300
                Message-ID: <new-{i}@mail.acme.example>
                MIME-Version: 1.0
                Content-Type: multipart/alternative; boundary="b{i}"

                --b{i}
                Content-Type: text/plain; charset=utf-8

                Hello, laptop {i} shows a black screen after the update. Я пробовал перезагрузку.

                --
                User {i}
                --b{i}
                Content-Type: text/html; charset=utf-8

                <p>Hello, laptop {i} shows a <b>black screen</b> after the update. Я пробовал перезагрузку.</p>
                --b{i}--
                """).ReplaceLineEndings("\r\n")));
        }

        for (var i = 0; i < Pairs; i++)
        {
            _messages.Add(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"""
                From: User {i} <user{i}@acme.example>
                To: support@desk.example.com
                Subject: Re: Laptop {i} does not start
                Date: Tue, 08 Dec 2026 10:00:00 +0300
                Message-ID: <reply-{i}@mail.acme.example>
                In-Reply-To: <new-{i}@mail.acme.example>
                References: <new-{i}@mail.acme.example>
                MIME-Version: 1.0
                Content-Type: text/plain; charset=utf-8

                It starts in safe mode now.

                On Tue, 8 Dec 2026 at 09:00, User {i} <user{i}@acme.example> wrote:
                > Hello, laptop {i} shows a black screen after the update.
                """).ReplaceLineEndings("\r\n")));
        }
    }

    /// <summary>A fresh SQLite file, engine and intake.</summary>
    [IterationSetup]
    public void Open()
    {
        _directory = Directory.CreateTempSubdirectory("sd-bench-email-").FullName;
        _store = SqliteTicketStore.OpenAsync(Path.Combine(_directory, "tickets.db")).GetAwaiter().GetResult();
        var clock = new TestClock(Instant.FromUtc(2026, 12, 8, 6, 0), Duration.FromMilliseconds(10));
        _engine = new ServiceDeskEngine(_store, clock, ServiceDeskEngineOptions.CreateDefault());
        var options = new EmailIntakeOptions { Tenant = Tenant, MessageIdDomain = "desk.example.com", MaxMessagesPerSenderPerHour = 10_000 };
        options.Domains["acme.example"] = new CustomerMapping(new CustomerId("acme"));
        _intake = new EmailIntake(_engine, _store, new InMemoryEmailThreadStore(), clock, options);
    }

    /// <summary>Drops the store.</summary>
    [IterationCleanup]
    public void Close()
    {
        _engine.Dispose();
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>The naive loop: parse, then open or comment with the raw text.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = 2 * Pairs)]
    public async Task Bare()
    {
        var threads = new Dictionary<string, TicketId>(StringComparer.Ordinal);
        foreach (var bytes in _messages)
        {
            using var stream = new MemoryStream(bytes, writable: false);
            var message = await MimeMessage.LoadAsync(stream);
            var from = message.From.Mailboxes.First().Address;
            var context = new CommandContext(Tenant, Actor.OfRequester(from));
            if (message.InReplyTo is { } parent && threads.TryGetValue(parent, out var ticket))
            {
                await _engine.CommentAsync(context, ticket, CommentVisibility.Public, message.TextBody ?? "(empty)");
            }
            else
            {
                var opened = await _engine.OpenTicketAsync(context, new OpenTicketRequest(
                    TicketKind.Incident, message.Subject ?? "(no subject)", new Requester(new CustomerId("acme"), from, from), new Impact(3), new Urgency(3))
                { Description = message.TextBody ?? string.Empty, Channel = Channel.Email });
                threads[message.MessageId ?? string.Empty] = opened.Ticket.Id;
            }
        }
    }

    /// <summary><see cref="EmailIntake"/> as shipped.</summary>
    [Benchmark(OperationsPerInvoke = 2 * Pairs)]
    public async Task Intake()
    {
        for (var i = 0; i < _messages.Count; i++)
        {
            var result = await _intake.ProcessAsync(RawMessage.FromBytes("bench:" + i.ToString(CultureInfo.InvariantCulture), _messages[i]));
            if (!result.ReachedTicket)
            {
                throw new InvalidOperationException($"message {i}: {result.Outcome} ({result.Reason})");
            }
        }
    }
}
