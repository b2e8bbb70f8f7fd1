using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Sla;
using ServiceDesk.Storage;
using ServiceDesk.Storage.Sqlite;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Engine.Tests;

/// <summary>
/// The child process of <see cref="RepairCrashTests"/>: repairs the SLAs of a tenant on a SQLite file under the changed
/// definitions, 25 tickets per page, printing <c>PAGE repaired token</c> after each page that was stored.
/// </summary>
public static class RepairCrashRunner
{
    /// <summary>The tenant of the crash test.</summary>
    public static readonly TenantId Tenant = new("repair-crash");

    /// <summary>The definitions before (8 business hours to resolve) and after (5) the change.</summary>
    public static ServiceDeskEngineOptions Definitions(int resolutionHours)
    {
        var options = new SlaPolicyOptions { Name = "standard" };
        options.Metrics.Add(SlaMetricOptions.FirstResponse(Desk.Calendar, Duration.FromHours(1)));
        options.Metrics.Add(SlaMetricOptions.Resolution(Desk.Calendar, Duration.FromHours(resolutionHours)));
        return ServiceDeskEngineOptions.CreateDefault().With(null, new SlaPolicySet([options.Build()]));
    }

    /// <summary>The instant both processes evaluate at.</summary>
    public static Instant Now => TestClock.DefaultStart + Duration.FromHours(2);

    public static async Task<int> Main(string[] args)
    {
        if (args is not ["repair", var path])
        {
            await Console.Error.WriteLineAsync("usage: repair <database>");
            return 2;
        }

        await using var store = await SqliteTicketStore.OpenAsync(path);
        using var engine = new ServiceDeskEngine(store, new TestClock(Now), Definitions(5));
        var progress = new Reporter();
        await engine.RepairSlasAsync(Tenant, new SlaRepairOptions { PageSize = 25 }, progress);
        Console.WriteLine("DONE");
        return 0;
    }

    private sealed class Reporter : IProgress<SlaRepairProgress>
    {
        public void Report(SlaRepairProgress value)
            => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PAGE {value.Repaired} {value.ContinuationToken}"));
    }
}

/// <summary>An SLA repair killed with SIGKILL mid-way loses nothing and repairs nothing twice: rerun, it completes, and every
/// open ticket ends with exactly one <see cref="SlaRepaired"/> and the new definition's clocks.</summary>
public sealed class RepairCrashTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "servicedesk-repair-crash-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task KilledRepair_RerunCompletes_EveryTicketRepairedExactlyOnce()
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, "desk.db");
        const int Tickets = 400;
        await using (var store = await SqliteTicketStore.OpenAsync(path))
        {
            using var engine = new ServiceDeskEngine(store, new TestClock(), RepairCrashRunner.Definitions(8));
            var batch = engine.BeginBatch(RepairCrashRunner.Tenant);
            for (var i = 0; i < Tickets; i++)
            {
                await batch.Engine.OpenTicketAsync(new CommandContext(RepairCrashRunner.Tenant, Actor.OfRequester("Jane Doe")), Desk.Incident("Printer " + i));
            }

            await batch.CommitAsync();
        }

        SqliteConnection.ClearAllPools();
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(RepairCrashRunner).Assembly.Location);
        start.ArgumentList.Add("repair");
        start.ArgumentList.Add(path);
        long repairedBeforeKill;
        using (var child = Process.Start(start)!)
        {
            var pages = 0;
            repairedBeforeKill = 0;
            while (pages < 5 && child.StandardOutput.ReadLine() is { } line)
            {
                var parts = line.Split(' ');
                Assert.Equal("PAGE", parts[0]);
                repairedBeforeKill = long.Parse(parts[1], CultureInfo.InvariantCulture);
                pages++;
            }

            Assert.Equal(5, pages);
            child.Kill(entireProcessTree: true); // SIGKILL: no clean-up, possibly mid-page
            Assert.True(child.WaitForExit(30_000), "the killed repair did not exit");
        }

        Assert.Equal(125, repairedBeforeKill);
        await using var reopened = await SqliteTicketStore.OpenAsync(path);
        Assert.Equal("ok", await reopened.CheckIntegrityAsync());
        using var after = new ServiceDeskEngine(reopened, new TestClock(RepairCrashRunner.Now), RepairCrashRunner.Definitions(5));
        var rerun = await after.RepairSlasAsync(RepairCrashRunner.Tenant, new SlaRepairOptions { PageSize = 100 });
        Assert.Equal(Tickets, rerun.Scanned);
        Assert.Equal(Tickets, rerun.Repaired + rerun.UpToDate);
        Assert.True(rerun.UpToDate >= 125, $"{rerun.UpToDate} tickets were already repaired; at least the 125 acknowledged pages must be");

        var newFingerprint = after.Options.SlaPolicies!.Policies[0].Fingerprint;
        string? token = null;
        var seen = 0;
        do
        {
            var page = await reopened.QueryAsync(new TicketQuery(RepairCrashRunner.Tenant) { PageSize = 200, ContinuationToken = token });
            foreach (var ticket in page.Items)
            {
                var history = await reopened.ReadHistoryAsync(RepairCrashRunner.Tenant, ticket.Id);
                var repaired = Assert.Single(history.OfType<SlaRepaired>());
                Assert.Equal(newFingerprint, repaired.ToFingerprint);
                Assert.Equal(Enumerable.Range(1, (int)ticket.Version).Select(v => (long)v), history.Select(e => e.Version));
                var view = await after.GetTicketAsync(RepairCrashRunner.Tenant, ticket.Id);
                Assert.Equal(Duration.FromHours(5), view!.Clocks.Single(c => c.Metric == "resolution").Target);
                seen++;
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
        Assert.Equal(Tickets, seen);
    }
}
