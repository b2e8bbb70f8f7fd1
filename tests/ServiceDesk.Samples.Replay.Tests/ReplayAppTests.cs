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
}
