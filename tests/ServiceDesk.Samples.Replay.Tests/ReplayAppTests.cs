using NodaTime;
using NodaTime.Testing;
using Spectre.Console;

namespace ServiceDesk.Samples.Replay.Tests;

public sealed class ReplayAppTests
{
    [Fact]
    public async Task RunAsync_SmallRun_PrintsTablesAndWritesSelfContainedHtml()
    {
        var folder = ReplayTestData.TempFolder();
        try
        {
            var html = Path.Combine(folder, "report", "replay.html");
            var (console, output) = ReplayTestData.Console();

            var code = await ReplayApp.RunAsync(["--limit", "60", "--sweep-minutes", "120", "--db", Path.Combine(folder, "r.db"), "--html", html], console, interactive: false);

            var text = output.ToString();
            Assert.Equal(ReplayApp.Ok, code);
            Assert.Contains("Replaying: ", text, StringComparison.Ordinal);                    // plain progress lines when not a terminal
            Assert.Contains("SLA (resolution clock) per priority", text, StringComparison.Ordinal);
            Assert.Contains("Invoices per contract", text, StringComparison.Ordinal);
            Assert.Contains("HTML report: " + html, text.ReplaceLineEndings(string.Empty), StringComparison.Ordinal);
            var page = await File.ReadAllTextAsync(html);
            Assert.StartsWith("<!DOCTYPE html>", page, StringComparison.Ordinal);
            foreach (var heading in new[] { "SLA per priority", "Resolution time", "Escalations", "busiest groups", "Invoices per contract" })
            {
                Assert.Contains(heading, page, StringComparison.Ordinal);
            }

            Assert.True(page.Split("<table>").Length - 1 >= 5, "one table per section");
            Assert.Contains("<svg", page, StringComparison.Ordinal);
            Assert.Contains("C-UMBRELLA", page, StringComparison.Ordinal);
            Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<link", page, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("https://", page, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static readonly Instant Started = Instant.FromUtc(2026, 3, 2, 9, 30, 15);

    [Theory]
    [InlineData("--from", "2030-01-01")]                                   // past the log's end
    [InlineData("--to", "2016-01-31")]                                     // before its start: a range with no incident
    public async Task RunAsync_EmptySelection_SaysNoIncidentsExitsZeroAndWritesAnEmptyReport(string option, string date)
    {
        var folder = ReplayTestData.TempFolder();
        try
        {
            var (console, output) = ReplayTestData.Console();

            var code = await ReplayApp.RunAsync([option, date, "--store", "memory", "--out", folder], console, interactive: false, new FakeClock(Started));

            Assert.Equal(ReplayApp.Ok, code);
            Assert.Contains("no incidents in range", output.ToString(), StringComparison.Ordinal);
            var report = Path.Combine(folder, "replay-report-20260302T093015Z.html");
            Assert.Contains("HTML report: " + report, output.ToString().ReplaceLineEndings(string.Empty), StringComparison.Ordinal);
            var page = await File.ReadAllTextAsync(report);
            Assert.Contains("0 incidents", page, StringComparison.Ordinal);
            Assert.Contains("no incidents in range", page, StringComparison.Ordinal);
            Assert.EndsWith("</html>\n", page, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task RunAsync_TwoRunsIntoOneOutFolder_KeepBothReportsAndAnHtmlPathSaysItOverwrote()
    {
        var folder = ReplayTestData.TempFolder();
        try
        {
            string[] args = ["--limit", "3", "--store", "memory", "--out", folder];
            var clock = new FakeClock(Started);
            Assert.Equal(ReplayApp.Ok, await ReplayApp.RunAsync(args, ReplayTestData.Console().Console, interactive: false, clock));
            Assert.Equal(ReplayApp.Ok, await ReplayApp.RunAsync(args, ReplayTestData.Console().Console, interactive: false, clock)); // same second
            clock.AdvanceMinutes(1);
            Assert.Equal(ReplayApp.Ok, await ReplayApp.RunAsync(args, ReplayTestData.Console().Console, interactive: false, clock));

            Assert.Equal(
                ["replay-report-20260302T093015Z-2.html", "replay-report-20260302T093015Z.html", "replay-report-20260302T093115Z.html"],
                Directory.GetFiles(folder, "*.html").Select(Path.GetFileName).Order(StringComparer.Ordinal));

            var html = Path.Combine(folder, "mine.html");
            var (first, firstOutput) = ReplayTestData.Console();
            var (second, secondOutput) = ReplayTestData.Console();
            Assert.Equal(ReplayApp.Ok, await ReplayApp.RunAsync([.. args, "--html", html], first, interactive: false, clock));
            Assert.Equal(ReplayApp.Ok, await ReplayApp.RunAsync([.. args, "--html", html], second, interactive: false, clock));
            Assert.DoesNotContain("overwrote", firstOutput.ToString(), StringComparison.Ordinal);
            Assert.Contains("(overwrote the previous report)", secondOutput.ToString().ReplaceLineEndings(string.Empty), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task ReplayProgressBar_SmallRun_EveryPhaseEndsAt100PercentAndItsTimerStops()
    {
        var (console, _) = ReplayTestData.Console();
        var runner = new ReplayRunner(new ReplaySettings { EventsPath = ReplayTestData.ShippedLog, Store = ReplayStore.InMemory, Limit = 40 });
        ReplayProgressBar? bar = null;

        await console.Progress().StartAsync(async ctx =>
        {
            bar = new ReplayProgressBar(ctx);
            await runner.RunAsync(bar);
            bar.Complete();
        });

        Assert.Equal(["Reading the log", "Replaying", "Reading clocks and histories", "Invoicing"], bar!.Tasks.Select(t => t.Description.Split(' ', 2)[0] == "Replaying" ? "Replaying" : t.Description));
        Assert.All(bar.Tasks, t =>
        {
            Assert.Equal(t.MaxValue, t.Value);
            Assert.Equal(100, t.Percentage);
            Assert.True(t.IsFinished, t.Description);
            Assert.NotNull(t.StopTime);
        });
        var elapsed = bar.Tasks.Select(t => t.ElapsedTime).ToList();
        await Task.Delay(50);
        Assert.Equal(elapsed, bar.Tasks.Select(t => t.ElapsedTime)); // stopped timers do not run on
    }
}
