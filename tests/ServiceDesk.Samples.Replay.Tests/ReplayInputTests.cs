namespace ServiceDesk.Samples.Replay.Tests;

public sealed class ReplayInputTests
{
    [Fact]
    public async Task RunAsync_MalformedRows_ReportedWithLineNumbersAndSkipped()
    {
        var folder = ReplayTestData.TempFolder();
        try
        {
            var lines = ReplayTestData.FirstLines(40);
            lines[3] = string.Join(',', lines[3].Split(',').Take(30));                         // line 4: too few fields
            var f = lines[6].Split(',');
            f[13] = "31/2/2016 25:99";                                                          // line 7: impossible time
            lines[6] = string.Join(',', f);
            f = lines[9].Split(',');
            f[1] = "Teleported";                                                               // line 10: unknown state
            lines[9] = string.Join(',', f);
            var path = Path.Combine(folder, "export.csv");
            await File.WriteAllLinesAsync(path, lines);

            var report = await new ReplayRunner(new ReplaySettings { EventsPath = path, SqlitePath = Path.Combine(folder, "r.db") }).RunAsync();

            Assert.Equal(40, report.Rows);
            Assert.Equal(3, report.IssueCount);
            Assert.Equal([4L, 7L, 10L], report.Issues.Select(i => i.Line));
            Assert.Contains("expected 36 fields, found 30", report.Issues[0].Message, StringComparison.Ordinal);
            Assert.Contains("31/2/2016 25:99", report.Issues[1].Message, StringComparison.Ordinal);
            Assert.Contains("unknown incident_state 'Teleported'", report.Issues[2].Message, StringComparison.Ordinal);
            Assert.Equal("line 10: " + report.Issues[2].Message, report.Issues[2].ToString());
            Assert.Equal(37, report.Events);
            Assert.True(report.Incidents > 5);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Read_QuotedFields_CommasDoubledQuotesAndLineBreaksInsideQuotes()
    {
        var lines = ReplayTestData.FirstLines(30);
        var header = lines[0].Split(',');
        int C(string column) => Array.IndexOf(header, column);
        var first = lines[1].Split(',')[C("number")];
        var plain = ServiceNowLog.Read(new StringReader(string.Join('\n', lines)), "plain.csv");
        for (var i = 1; i < lines.Count; i++)
        {
            var f = lines[i].Split(',');
            if (f[C("number")] == first)
            {
                f[C("caller_id")] = "\"Doe, Jane \"\"JD\"\"\"";                // a comma and doubled quotes inside quotes
                f[C("location")] = "\"Building 7\nFloor 2\"";                // a line break inside quotes
                f[C("category")] = "\"Category 42\"";                         // quoted without need
            }

            lines[i] = string.Join(',', f);
        }

        var quoted = ServiceNowLog.Read(new StringReader(string.Join('\n', lines)), "quoted.csv");

        Assert.Empty(quoted.Issues);
        Assert.Equal(plain.Rows, quoted.Rows);
        Assert.Equal(plain.Incidents.Select(i => i.Number), quoted.Incidents.Select(i => i.Number));
        var incident = quoted.Incidents[0];
        Assert.Equal("Doe, Jane \"JD\"", incident.Caller);
        Assert.Equal("Building 7\nFloor 2", incident.Location);
        Assert.Equal("Category 42", incident.Category);
        Assert.Equal(plain.Incidents[0].Events.Select(e => (e.State, e.At, e.Group, e.Agent)), incident.Events.Select(e => (e.State, e.At, e.Group, e.Agent)));
    }

    [Fact]
    public void Read_UnterminatedQuote_ThrowsLogFormatExceptionNamingTheRow()
    {
        var lines = ReplayTestData.FirstLines(3);
        lines[2] = "\"" + lines[2];

        var ex = Assert.Throws<LogFormatException>(() => ServiceNowLog.Read(new StringReader(string.Join('\n', lines)), "broken.csv"));

        Assert.Contains("'broken.csv', row 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_HeaderWithoutRequiredColumns_ThrowsWithLineOne()
    {
        using var reader = new StringReader("number,state\nINC1,New\n");

        var ex = Assert.Throws<LogFormatException>(() => ServiceNowLog.Read(reader, "mine.csv"));

        Assert.Contains("'mine.csv', line 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("incident_state", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_FromToAndLimit_FilterIncidentsByOpening()
    {
        var all = ServiceNowLog.Read(ReplayTestData.ShippedLog, new NodaTime.LocalDate(2016, 3, 1), new NodaTime.LocalDate(2016, 3, 2), limit: null);

        Assert.NotEmpty(all.Incidents);
        Assert.All(all.Incidents, i => Assert.InRange(i.OpenedAt.InUtc().Date, new NodaTime.LocalDate(2016, 3, 1), new NodaTime.LocalDate(2016, 3, 2)));
        var limited = ServiceNowLog.Read(ReplayTestData.ShippedLog, limit: 7);
        Assert.Equal(7, limited.Incidents.Count);
        Assert.Equal(limited.Rows, limited.Incidents.Sum(i => i.Events.Count));
    }

    [Theory]
    [InlineData(new[] { "--limit", "abc" }, "--limit must be a whole number")]
    [InlineData(new[] { "--limit" }, "Option --limit needs a value")]
    [InlineData(new[] { "--events" }, "Option --events needs a value")]
    [InlineData(new[] { "--bogus", "1" }, "Unknown option 'bogus'")]
    [InlineData(new[] { "--limit", "5", "--bogus" }, "Unknown option 'bogus'")]
    [InlineData(new[] { "--limit", "5", "--bogus=3" }, "Unknown option 'bogus'")]
    [InlineData(new[] { "--batch", "20000" }, "--batch must be a whole number between 1 and 10000, not '20000'")]
    [InlineData(new[] { "--store", "oracle" }, "--store must be sqlite, postgres or memory")]
    [InlineData(new[] { "--store", "postgres" }, "--store postgres needs --connection")]
    [InlineData(new[] { "--from", "2016-13-01" }, "--from must be a date as yyyy-MM-dd")]
    [InlineData(new[] { "--from", "2016-05-01", "--to", "2016-04-01" }, "is after --to")]
    [InlineData(new[] { "--events", "/nonexistent/incidents.csv" }, "'/nonexistent/incidents.csv' does not exist")]
    public async Task RunAsync_BadOptions_ExitNonZeroWithMessage(string[] args, string message)
    {
        var (console, output) = ReplayTestData.Console();

        var code = await ReplayApp.RunAsync(args, console, interactive: false);

        Assert.Equal(ReplayApp.BadInput, code);
        Assert.Contains("error:", output.ToString(), StringComparison.Ordinal);
        Assert.Contains(message, output.ToString().ReplaceLineEndings(string.Empty), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--bogus", "1")]
    public async Task RunAsync_TrailingUnknownOption_SaysUnknownNotNeedsAValue(params string[] tail)
    {
        var (console, output) = ReplayTestData.Console();

        var code = await ReplayApp.RunAsync(["--limit", "5", .. tail], console, interactive: false);

        Assert.Equal(ReplayApp.BadInput, code);
        Assert.Equal("error: Unknown option 'bogus'. Run with --help for the options.", output.ToString().ReplaceLineEndings(string.Empty));
    }

    [Fact]
    public async Task RunAsync_Help_PrintsUsageAndExitsZero()
    {
        var (console, output) = ReplayTestData.Console();

        Assert.Equal(ReplayApp.Ok, await ReplayApp.RunAsync(["--help"], console, interactive: false));
        Assert.Contains("--events <PATH>", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("--out <FOLDER>", output.ToString(), StringComparison.Ordinal);
    }
}
