using System.Globalization;
using NodaTime;

namespace ServiceDesk.Samples.Replay.Tests;

public sealed class InvoiceTableTests
{
    /// <summary>Every numeric column's rows, as displayed, sum to the displayed all row.</summary>
    internal static void AssertAddsUp(IReadOnlyList<string[]> rows)
    {
        Assert.Equal("all", rows[^1][0]);
        foreach (var column in new[] { 1, 3, 4, 5 })
        {
            Assert.Equal(Number(rows[^1][column]), rows.Take(rows.Count - 1).Sum(r => Number(r[column])));
        }

        Assert.Equal(Minutes(rows[^1][2]), rows.Take(rows.Count - 1).Sum(r => Minutes(r[2])));
    }

    private static decimal Number(string text) => decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture);

    private static long Minutes(string text)
    {
        var parts = text.Split(':');
        return (long.Parse(parts[0], NumberStyles.Number, CultureInfo.InvariantCulture) * 60) + long.Parse(parts[1], CultureInfo.InvariantCulture);
    }

    private static ContractRow Row(string id, decimal net, decimal tax, Duration logged)
        => new(id, "client", "plan", 3, 5, logged, 2, net, tax, net + tax, net + tax, []);

    [Fact]
    public void InvoiceRows_HalfCentsAndHalfMinutes_RowsAddUpAsDisplayed()
    {
        // Half-way values: rounded half to even, 0.125 + 0.125 shows 0.12 + 0.12 beside a total of 0.25.
        var contracts = new[]
        {
            Row("A", 1000.125m, 200.025m, Duration.FromSeconds(90)),
            Row("B", 2000.125m, 400.025m, Duration.FromSeconds(150)),
            Row("C", 0.5m, 0.1m, Duration.FromHours(2770.5)),
        };

        var rows = ConsoleReport.InvoiceRows(contracts);

        AssertAddsUp(rows);
        Assert.Equal(["A", "3", "0:02", "1,000.13", "200.03", "1,200.15"], rows[0]);
        Assert.Equal("2,770:30", rows[2][2]);
        Assert.Equal(["all", "9", "2,770:35", "3,000.76", "600.16", "3,600.90"], rows[^1]);
    }

    [Fact]
    public void InvoiceRows_NoContracts_IsAnAllRowOfZeros()
        => Assert.Equal(["all", "0", "0:00", "0.00", "0.00", "0.00"], Assert.Single(ConsoleReport.InvoiceRows([])));
}
