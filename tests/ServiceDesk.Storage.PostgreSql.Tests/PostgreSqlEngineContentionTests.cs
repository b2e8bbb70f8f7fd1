using System.Diagnostics;
using System.Globalization;
using ServiceDesk.Engine;
using ServiceDesk.Events;
using ServiceDesk.Testing;
using NodaTime;

namespace ServiceDesk.Storage.PostgreSql.Tests;

/// <summary>
/// Several engines, in this process and in a child process, on one PostgreSQL database, commenting on the same tickets:
/// no lost update, every conflict a <see cref="ConcurrencyException"/> that <see cref="ServiceDeskEngine.RetryOnConflictAsync"/>
/// resolves.
/// </summary>
public sealed class PostgreSqlEngineContentionTests
{
    private static PostgreSqlTicketStoreOptions Options => new()
    {
        ConnectionString = PostgresServer.RequireConnectionString(),
        Schema = PostgresServer.Schema,
    };

    [PostgresFact]
    public async Task TwoEnginesInProcess_CommentingOneTicket_ConflictAndLoseNothing()
    {
        await using var storeA = await PostgreSqlTicketStore.OpenAsync(Options);
        await using var storeB = await PostgreSqlTicketStore.OpenAsync(Options);
        using var a = NewEngine(storeA);
        using var b = NewEngine(storeB);
        var tenant = new TenantId("contention-" + Guid.NewGuid().ToString("N"));
        var ticket = await OpenAsync(a, tenant);
        const int PerWriter = 15;
        var labels = Enumerable.Range(0, 6).Select(i => $"writer-{i}").ToArray();

        var outcomes = await Task.WhenAll(labels.Select((label, i) => Task.Run(
            () => EngineWriter.WriteAsync(i % 2 == 0 ? a : b, tenant, label, [ticket], PerWriter))));

        Assert.All(outcomes, o => Assert.Empty(o.Failures));
        Assert.True(outcomes.Sum(o => o.Conflicts) > 0, "six writers on one ticket through two engines never conflicted: the test proves nothing");
        await AssertEveryCommentOnceAsync(storeA, tenant, ticket, labels, PerWriter);
    }

    [PostgresFact]
    public async Task TwoProcesses_CommentingTheSameTickets_EveryCommentOnceVersionsContiguous()
    {
        await using var storeA = await PostgreSqlTicketStore.OpenAsync(Options);
        await using var storeB = await PostgreSqlTicketStore.OpenAsync(Options);
        using var a = NewEngine(storeA);
        using var b = NewEngine(storeB);
        var tenant = new TenantId("processes-" + Guid.NewGuid().ToString("N"));
        var tickets = new List<TicketId>();
        for (var i = 0; i < 3; i++)
        {
            tickets.Add(await OpenAsync(a, tenant));
        }

        const int PerTicket = 20;
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment[PostgresServer.Variable] = PostgresServer.RequireConnectionString();
        foreach (var arg in new[] { typeof(EngineWriter).Assembly.Location, "engine-writer", PostgresServer.Schema, tenant.Value, "child", PerTicket.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var ticket in tickets)
        {
            start.ArgumentList.Add(ticket.ToString());
        }

        using var child = Process.Start(start)!;
        try
        {
            var errors = child.StandardError.ReadToEndAsync();
            Assert.Equal("READY", await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)));

            // Go: the child and two engines here start together, each commenting on every ticket in turn.
            await child.StandardInput.WriteLineAsync("GO");
            await child.StandardInput.FlushAsync();
            var here = await Task.WhenAll(
                Task.Run(() => EngineWriter.WriteAsync(a, tenant, "parent-a", tickets, PerTicket)),
                Task.Run(() => EngineWriter.WriteAsync(b, tenant, "parent-b", [.. Enumerable.Reverse(tickets)], PerTicket)));
            var done = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(await Task.Run(() => child.WaitForExit(30_000)), "the child process did not exit");

            Assert.True(child.ExitCode == 0, $"the child failed (exit code {child.ExitCode}, '{done}'): {await errors}");
            Assert.Equal("DONE", done?.Split(' ')[0]);
            Assert.Equal("0", done!.Split(' ')[2]);
            Assert.All(here, o => Assert.Empty(o.Failures));
            var childConflicts = int.Parse(done.Split(' ')[1], CultureInfo.InvariantCulture);
            Assert.True(
                childConflicts + here.Sum(o => o.Conflicts) > 0,
                "three writers in two processes on the same tickets never conflicted: the test proves nothing");
            foreach (var ticket in tickets)
            {
                await AssertEveryCommentOnceAsync(storeB, tenant, ticket, ["child", "parent-a", "parent-b"], PerTicket);
            }
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill(entireProcessTree: true);
            }
        }
    }

    private static ServiceDeskEngine NewEngine(ITicketStore store)
        => new(store, new TestClock(TestClock.DefaultStart, Duration.FromMilliseconds(1)), ServiceDeskEngineOptions.CreateDefault());

    private static async Task<TicketId> OpenAsync(ServiceDeskEngine engine, TenantId tenant)
    {
        var requester = new Requester(new CustomerId("c-1"), "Jane Doe", "jane@example.com");
        var result = await engine.OpenTicketAsync(
            new CommandContext(tenant, Actor.OfRequester("Jane Doe")),
            new OpenTicketRequest(TicketKind.Incident, "Printer on fire", requester, Impact.Medium, Urgency.Medium));
        return result.Ticket.Id;
    }

    private static async Task AssertEveryCommentOnceAsync(ITicketStore store, TenantId tenant, TicketId ticket, IReadOnlyList<string> labels, int perWriter)
    {
        var history = await store.ReadHistoryAsync(tenant, ticket);
        var snapshot = (await store.GetAsync(tenant, ticket))!;
        Assert.Equal(Enumerable.Range(1, history.Count).Select(v => (long)v), history.Select(e => e.Version));
        Assert.Equal(history.Count, snapshot.Version);
        var comments = history.OfType<CommentAdded>().Select(c => c.Text).ToList();
        var expected = labels.SelectMany(l => Enumerable.Range(0, perWriter).Select(r => EngineWriter.Text(l, ticket, r))).ToList();
        Assert.Equal(expected.Order(StringComparer.Ordinal), comments.Order(StringComparer.Ordinal));
    }
}
