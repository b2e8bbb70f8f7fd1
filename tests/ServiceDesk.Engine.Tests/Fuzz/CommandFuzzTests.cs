using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Storage;
using ServiceDesk.Testing;

namespace ServiceDesk.Engine.Tests.Fuzz;

/// <summary>
/// Issue 19: a bounded fuzz suite over the engine's commands on every store. Hostile text (NUL, lone surrogates, controls,
/// astral characters, over-long values), instants and durations go into openings, comments, attributes, time entries and
/// idempotency keys. Each command must either be refused with an <see cref="ArgumentException"/> before anything is stored
/// (no ticket, no event, no number burnt) or be applied, and then every value reads back exactly from the store.
/// </summary>
/// <remarks>Cases are drawn from a seeded <see cref="Random"/>; a failure names the case's seed, which replays it.</remarks>
public abstract class CommandFuzzTests(StoreKind kind) : StoreBackedTests(kind)
{
    private const int Cases = 40;

    private static readonly string[] Pieces =
    [
        "a", "Z", " ", "\t", "\n", "\0", "\uD800", "\uDFFF", "\uD83D\uDE00", "\U0010FFFF", "\u0001", "\u007F", "\uFFFE", "\uFFFF",
        "é", "\u0301", "\u202E", "'", "\"", "\\", "%", "_", ";--", "<script>", "{", "}", "NULL", "1,5",
    ];

    /// <summary>A random text: short runs of hostile pieces, now and then far longer than any limit.</summary>
    private static string Text(Random random)
    {
        var length = random.Next(10) switch
        {
            0 => 0,
            1 => random.Next(150, 40_000),
            _ => random.Next(1, 12),
        };
        var builder = new System.Text.StringBuilder();
        while (builder.Length < length)
        {
            builder.Append(Pieces[random.Next(Pieces.Length)]);
        }

        return builder.ToString();
    }

    private static Instant Moment(Random random) => random.Next(6) switch
    {
        0 => Instant.MaxValue - Duration.FromHours(random.Next(1, 48)),
        1 => Instant.MinValue + Duration.FromHours(random.Next(1, 48)),
        2 => TimeLogged.MaxStarted - Duration.FromMinutes(random.Next(-5, 5)),
        _ => TestClock.DefaultStart - Duration.FromHours(random.Next(0, 1_000)),
    };

    [ConformanceFact]
    public async Task Commands_HostileInput_AreRefusedBeforeAnyIoOrRoundTripExactly()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        var caller = new CommandContext(Tenant, Actor.OfRequester("Jane Doe"));
        var agent = new CommandContext(Tenant, Actor.OfAgent(Desk.Alice));
        var anchor = (await engine.OpenTicketAsync(caller, Desk.Incident("Anchor"))).Ticket!;
        var lastNumber = anchor.Number.Sequence;
        var failures = new List<string>();
        var (applied, refused) = (0, 0);

        for (var i = 0; i < Cases; i++)
        {
            var seed = 19_000 + i; // fixed seeds: CI is deterministic; a failure names its seed
            var random = new Random(seed);
            try
            {
                var next = await OneCaseAsync(engine, caller, agent, anchor.Id, lastNumber, random);
                (applied, refused) = next.OpenApplied ? (applied + 1, refused) : (applied, refused + 1);
                lastNumber = next.LastNumber;
            }
            catch (Exception ex)
            {
                failures.Add($"seed {seed}: {ex.GetType().Name}: {ex.Message[..Math.Min(300, ex.Message.Length)]}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.True(applied > 0 && refused > 0, $"The cases must exercise both paths: {applied} openings applied, {refused} refused.");
    }

    /// <summary>Runs one random case and returns the tenant's last incident number after it.</summary>
    private async Task<(long LastNumber, bool OpenApplied)> OneCaseAsync(ServiceDeskEngine engine, CommandContext caller, CommandContext agent, TicketId anchor, long lastNumber, Random random)
    {
        var subject = Text(random);
        var description = Text(random);
        string? key = random.Next(3) == 0 ? Text(random) : null;
        var request = Desk.Incident(subject.Length == 0 ? "x" : subject) with { Description = description };
        CommandResult? opened = null;
        try
        {
            opened = await engine.OpenTicketAsync(caller with { IdempotencyKey = key is { Length: > 0 } ? key : null }, request);
        }
        catch (ArgumentException)
        {
            // Refused: nothing may be stored and no number burnt (checked by the next opening).
        }

        if (opened is { Outcome: CommandOutcome.Applied, Ticket: { } ticket })
        {
            Assert.Equal(lastNumber + 1, ticket.Number.Sequence);
            lastNumber++;
            var stored = await Store.GetAsync(Tenant, ticket.Id);
            Assert.Equal(request.Subject, stored!.Subject);
            Assert.Equal(request.Description, stored.Description);
            Assert.Equal(request.Subject, Assert.IsType<TicketOpened>((await Store.ReadHistoryAsync(Tenant, ticket.Id))[0]).Subject);
        }
        else
        {
            var probe = (await engine.OpenTicketAsync(caller, Desk.Incident("probe"))).Ticket!;
            Assert.Equal(lastNumber + 1, probe.Number.Sequence);
            lastNumber++;
        }

        var before = (await Store.ReadHistoryAsync(Tenant, anchor)).Count;
        var text = Text(random);
        await ExpectRoundTripAsync(
            anchor,
            () => engine.CommentAsync(agent, anchor, CommentVisibility.Public, text),
            history => Assert.Equal(text, Assert.IsType<CommentAdded>(history[^1]).Text),
            before);

        before = (await Store.ReadHistoryAsync(Tenant, anchor)).Count;
        var value = Text(random);
        await ExpectRoundTripAsync(
            anchor,
            () => engine.SetAttributeAsync(agent, anchor, "note", AttributeValue.FromString(value)),
            history => Assert.Equal(value, (history[^1] as AttributeChanged)?.Value?.AsString() ?? value),
            before);

        before = (await Store.ReadHistoryAsync(Tenant, anchor)).Count;
        var started = Moment(random);
        var duration = Duration.FromMinutes(random.Next(-10, 60 * 30));
        var activity = random.Next(2) == 0 ? Text(random) : null;
        await ExpectRoundTripAsync(
            anchor,
            () => engine.LogTimeAsync(agent, anchor, Desk.Alice, started, duration, billable: true, activity is { Length: > 0 } ? activity : null),
            history =>
            {
                var logged = Assert.IsType<TimeLogged>(history[^1]);
                Assert.Equal((started, duration), (logged.Started, logged.Duration));
            },
            before);

        return (lastNumber, opened is { Outcome: CommandOutcome.Applied });
    }

    /// <summary>Runs a command: refused with an <see cref="ArgumentException"/> and nothing stored, or applied and read back.</summary>
    private async Task ExpectRoundTripAsync(TicketId ticket, Func<Task<CommandResult>> command, Action<IReadOnlyList<TicketEvent>> check, int historyBefore)
    {
        CommandResult result;
        try
        {
            result = await command();
        }
        catch (ArgumentException)
        {
            Assert.Equal(historyBefore, (await Store.ReadHistoryAsync(Tenant, ticket)).Count);
            return;
        }

        if (result.Outcome == CommandOutcome.Applied)
        {
            check(await Store.ReadHistoryAsync(Tenant, result.Ticket!.Id));
        }
    }
}

/// <summary>On the in-memory store.</summary>
public sealed class InMemoryCommandFuzzTests() : CommandFuzzTests(StoreKind.InMemory);

/// <summary>On a fresh SQLite file.</summary>
public sealed class SqliteCommandFuzzTests() : CommandFuzzTests(StoreKind.Sqlite);

/// <summary>On a real PostgreSQL server, in a schema of each test's own (skipped with the reason when none is configured
/// outside CI).</summary>
[ConformanceSkip(typeof(EnginePostgres), nameof(EnginePostgres.SkipReason))]
public sealed class PostgreSqlCommandFuzzTests() : CommandFuzzTests(StoreKind.PostgreSql);
