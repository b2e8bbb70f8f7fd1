using System.Globalization;
using NodaTime;
using ServiceDesk.Engine;
using ServiceDesk.Events;
using ServiceDesk.Testing;

namespace ServiceDesk.Storage.PostgreSql.Tests;

/// <summary>
/// Comments on tickets through a <see cref="ServiceDeskEngine"/> and its retry helper, counting what went wrong. Used by
/// <see cref="PostgreSqlEngineContentionTests"/> both in the test process and as the <c>Main</c> of a child process, so that
/// two processes hammer the same tickets on one database.
/// </summary>
public static class EngineWriter
{
    /// <summary>The most attempts per comment: far more than the writers racing on one ticket.</summary>
    public const int MaxAttempts = 50;

    /// <summary>The child process: <c>engine-writer &lt;schema&gt; &lt;tenant&gt; &lt;label&gt; &lt;comments per ticket&gt;
    /// &lt;ticket&gt;…</c>, with the connection string in <c>SERVICEDESK_POSTGRES</c>. Prints <c>READY</c>, waits for a line
    /// on standard input, writes, then prints <c>DONE &lt;conflicts&gt; &lt;other failures&gt;</c> (and each other failure on
    /// standard error).</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>0 when every comment was stored.</returns>
    public static async Task<int> Main(string[] args)
    {
        if (args is not ["engine-writer", var schema, var tenantName, var label, var countText, .. var ids] || ids.Length == 0)
        {
            await Console.Error.WriteLineAsync("usage: engine-writer <schema> <tenant> <label> <comments per ticket> <ticket>...");
            return 2;
        }

        await using var store = await PostgreSqlTicketStore.OpenAsync(new PostgreSqlTicketStoreOptions
        {
            ConnectionString = PostgresServer.RequireConnectionString(),
            Schema = schema,
        });
        using var engine = new ServiceDeskEngine(store, new TestClock(TestClock.DefaultStart, Duration.FromMilliseconds(1)), ServiceDeskEngineOptions.CreateDefault());
        Console.WriteLine("READY");
        _ = Console.ReadLine();
        var outcome = await WriteAsync(
            engine, new TenantId(tenantName), label, [.. ids.Select(TicketId.Parse)], int.Parse(countText, CultureInfo.InvariantCulture));
        foreach (var failure in outcome.Failures)
        {
            await Console.Error.WriteLineAsync(failure.ToString());
        }

        Console.WriteLine($"DONE {outcome.Conflicts} {outcome.Failures.Count}");
        return outcome.Failures.Count == 0 ? 0 : 1;
    }

    /// <summary>The text of a writer's comment, so the test can find each exactly once.</summary>
    /// <param name="label">The writer.</param>
    /// <param name="ticket">The ticket.</param>
    /// <param name="round">The round.</param>
    /// <returns>The text.</returns>
    public static string Text(string label, TicketId ticket, int round) => FormattableString.Invariant($"{label} #{round} on {ticket}");

    /// <summary>Adds <paramref name="perTicket"/> comments to each ticket, round-robin, each through
    /// <see cref="ServiceDeskEngine.RetryOnConflictAsync"/> with an idempotency key of its own.</summary>
    /// <param name="engine">The engine.</param>
    /// <param name="tenant">The tenant.</param>
    /// <param name="label">The writer's name, in every comment and key.</param>
    /// <param name="tickets">The tickets.</param>
    /// <param name="perTicket">Comments per ticket.</param>
    /// <returns>The conflicts the retry helper absorbed and every other exception an attempt threw.</returns>
    public static async Task<WriterOutcome> WriteAsync(ServiceDeskEngine engine, TenantId tenant, string label, IReadOnlyList<TicketId> tickets, int perTicket)
    {
        var conflicts = 0;
        var failures = new List<Exception>();
        for (var round = 0; round < perTicket; round++)
        {
            foreach (var ticket in tickets)
            {
                var context = new CommandContext(tenant, Actor.OfAgent(new AgentId(label))) { IdempotencyKey = $"{label}:{ticket}:{round}" };
                var text = Text(label, ticket, round);
                try
                {
                    await engine.RetryOnConflictAsync(
                        async ct =>
                        {
                            try
                            {
                                return await engine.CommentAsync(context, ticket, CommentVisibility.Public, text, ct);
                            }
                            catch (ConcurrencyException)
                            {
                                conflicts++;
                                throw;
                            }
                        },
                        MaxAttempts);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    failures.Add(ex); // reported by the caller: any failure fails the test
                }
            }
        }

        return new WriterOutcome(conflicts, failures);
    }
}

/// <summary>What one <see cref="EngineWriter"/> saw.</summary>
/// <param name="Conflicts">Attempts that threw <see cref="ConcurrencyException"/> (each retried by the helper).</param>
/// <param name="Failures">Every other exception, and conflicts that outlasted the attempts.</param>
public sealed record WriterOutcome(int Conflicts, IReadOnlyList<Exception> Failures);
