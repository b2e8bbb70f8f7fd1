using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace ServiceDesk.Storage.Sqlite.Tests;

/// <summary>A writer killed with SIGKILL in the middle of a stream of appends loses nothing it acknowledged: not the
/// events, not their outbox rows, not the schedule stored with them.</summary>
public sealed class SqliteCrashTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "servicedesk-crash-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task KilledWriter_EveryAcknowledgedAppendSurvives_NothingHalfApplied()
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, "desk.db");
        var tenant = new TenantId("crash");
        var acknowledged = new Dictionary<TicketId, long>();

        for (var run = 0; run < 3; run++)
        {
            // Each run kills a fresh writer after a different number of acknowledgements, on the same file.
            var stopAfter = 150 + (run * 97);
            var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
            var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = false, UseShellExecute = false };
            start.ArgumentList.Add(typeof(CrashWriter).Assembly.Location);
            start.ArgumentList.Add("crash-writer");
            start.ArgumentList.Add(path);
            start.ArgumentList.Add(tenant.Value + "-" + run);
            using var writer = Process.Start(start)!;
            var count = 0;
            while (count < stopAfter && writer.StandardOutput.ReadLine() is { } line)
            {
                var parts = line.Split(' ');
                Assert.Equal("ACK", parts[0]);
                acknowledged[TicketId.Parse(parts[1])] = long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
                count++;
            }

            if (count != stopAfter)
            {
                writer.WaitForExit(10_000);
                Assert.Fail($"the writer stopped early after {count} acknowledgements (exit code {(writer.HasExited ? writer.ExitCode : -1)})");
            }

            writer.Kill(entireProcessTree: true); // SIGKILL on Linux: no clean-up, no flush, mid-append.
            Assert.True(writer.WaitForExit(30_000), "the killed writer did not exit");
        }

        await using var store = await SqliteTicketStore.OpenAsync(path);
        Assert.Equal("ok", await store.CheckIntegrityAsync());
        Assert.Equal(12, acknowledged.Count);
        for (var run = 0; run < 3; run++)
        {
            var runTenant = new TenantId(tenant.Value + "-" + run);
            var page = await store.QueryAsync(new TicketQuery(runTenant) { PageSize = 100 });
            Assert.Equal(4, page.Items.Count);
            var outbox = await DrainOutboxAsync(store, runTenant);
            foreach (var ticket in page.Items)
            {
                // Everything acknowledged is there (the writer may have gone on past the acknowledgements read before the
                // kill, so later versions may be there too, but only as whole appends).
                Assert.True(ticket.Version >= acknowledged[ticket.Id], $"{ticket.Number}: acknowledged v{acknowledged[ticket.Id]}, found v{ticket.Version}");
                var history = await store.ReadHistoryAsync(runTenant, ticket.Id);
                Assert.Equal(Enumerable.Range(1, (int)ticket.Version).Select(v => (long)v), history.Select(e => e.Version));
                Assert.Equal(0, (ticket.Version - 1) % 3); // v1 opened, then whole appends of three events only

                // The outbox holds every stored event of the ticket exactly once, positions rising with the version, and the
                // schedule is the one stored with the last append.
                var messages = outbox.Where(m => m.Event.Ticket == ticket.Id).ToList();
                Assert.Equal(history.Select(e => e.Version), messages.Select(m => m.Event.Version));
                Assert.Equal(history, messages.Select(m => m.Event));
                Assert.Equal(CrashWriter.ScheduleFor(ticket.Version), await store.GetScheduleAsync(runTenant, ticket.Id));
            }
        }
    }

    /// <summary>Reads and acknowledges a tenant's whole outbox, in position order.</summary>
    private static async Task<List<OutboxMessage>> DrainOutboxAsync(SqliteTicketStore store, TenantId tenant)
    {
        var all = new List<OutboxMessage>();
        while (await store.ReadOutboxAsync(IOutboxStore.MaxRead, tenant) is { Count: > 0 } batch)
        {
            all.AddRange(batch);
            Assert.Equal(batch.Count, await store.AcknowledgeOutboxAsync([.. batch.Select(m => m.Position)]));
        }

        return all;
    }
}
