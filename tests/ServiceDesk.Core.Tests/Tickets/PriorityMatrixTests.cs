using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace ServiceDesk.Tests.Tickets;

public sealed class PriorityMatrixTests
{
    [Theory]
    [InlineData(1, 1, Priority.P1Critical)]
    [InlineData(1, 2, Priority.P2High)]
    [InlineData(1, 3, Priority.P3Moderate)]
    [InlineData(2, 1, Priority.P2High)]
    [InlineData(2, 2, Priority.P3Moderate)]
    [InlineData(2, 3, Priority.P4Low)]
    [InlineData(3, 1, Priority.P3Moderate)]
    [InlineData(3, 2, Priority.P4Low)]
    [InlineData(3, 3, Priority.P5Planning)]
    public void Default_IsTheItilMatrix(int impact, int urgency, Priority expected)
        => Assert.Equal(expected, PriorityMatrix.Default.Calculate(new Impact(impact), new Urgency(urgency)));

    [Fact]
    public void Calculate_LevelOutsideMatrix_ThrowsWithRange()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => PriorityMatrix.Default.Calculate(new Impact(4), Urgency.Low));
        Assert.Equal("impact", ex.ParamName);
        Assert.Contains("levels 1 to 3; got level 4", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => PriorityMatrix.Default.Calculate(Impact.High, default));
    }

    [Fact]
    public void Build_CustomFourByFour_UsesEveryCell()
    {
        var builder = new PriorityMatrixBuilder(4, 4);
        for (var i = 1; i <= 4; i++)
        {
            for (var u = 1; u <= 4; u++)
            {
                builder.Set(new Impact(i), new Urgency(u), (Priority)Math.Min(5, i + u - 1));
            }
        }

        var matrix = builder.Build();
        Assert.Equal(4, matrix.ImpactLevels);
        Assert.Equal(Priority.P4Low, matrix.Calculate(new Impact(4), new Urgency(1)));
        Assert.Equal(Priority.P5Planning, matrix.Calculate(new Impact(4), new Urgency(4)));
    }

    [Fact]
    public void Build_MissingDuplicateAndInvalidCells_ListsEveryFault()
    {
        var builder = new PriorityMatrixBuilder(2, 2)
            .Set(Impact.High, Urgency.High, Priority.P1Critical)
            .Set(Impact.High, Urgency.High, Priority.P2High)
            .Set(Impact.Low, Urgency.High, Priority.P3Moderate)
            .Set(Impact.Medium, Urgency.Medium, (Priority)9);

        var ex = Assert.Throws<InvalidDefinitionException>(builder.Build);
        Assert.Equal("priority matrix", ex.DefinitionName);
        Assert.Contains(ex.Errors, e => e.Contains("set twice", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("impact level 3 is outside this matrix (1 to 2)", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("9 is not a priority (1 to 5)", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("cell (impact 1, urgency 2) has no priority", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("cell (impact 2, urgency 1) has no priority", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("cell (impact 2, urgency 2) has no priority", StringComparison.Ordinal));
        Assert.Equal(6, ex.Errors.Count);
        foreach (var error in ex.Errors)
        {
            Assert.Contains(error, ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(0, 3)]
    [InlineData(10, 3)]
    [InlineData(3, 0)]
    [InlineData(3, 10)]
    public void Builder_SizeOutOfRange_Throws(int impacts, int urgencies)
        => Assert.Throws<ArgumentOutOfRangeException>(() => new PriorityMatrixBuilder(impacts, urgencies));

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    public void Impact_LevelOutOfRange_ThrowsWithRange(int level)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Impact(level));
        Assert.Contains("between 1 and 9", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Urgency(level));
    }

    [Property]
    public Property Build_AnyFullMatrix_ReturnsWhatWasSet(PositiveInt rowsSeed, PositiveInt colsSeed, int[] seeds)
    {
        var rows = (rowsSeed.Get % 9) + 1;
        var cols = (colsSeed.Get % 9) + 1;
        var cells = new Priority[rows, cols];
        var builder = new PriorityMatrixBuilder(rows, cols);
        var k = 0;
        for (var i = 0; i < rows; i++)
        {
            for (var u = 0; u < cols; u++)
            {
                var seed = seeds is { Length: > 0 } ? seeds[k++ % seeds.Length] : i + u;
                cells[i, u] = (Priority)((Math.Abs(seed % 5)) + 1);
                builder.Set(new Impact(i + 1), new Urgency(u + 1), cells[i, u]);
            }
        }

        var matrix = builder.Build();
        var ok = true;
        for (var i = 0; i < rows; i++)
        {
            for (var u = 0; u < cols; u++)
            {
                ok &= matrix.Calculate(new Impact(i + 1), new Urgency(u + 1)) == cells[i, u];
            }
        }

        return ok.ToProperty();
    }

    [Property]
    public Property Default_HigherImpactOrUrgencyNeverLowersPriority(PositiveInt a, PositiveInt b, PositiveInt c, PositiveInt d)
    {
        int L(PositiveInt x) => ((x.Get - 1) % 3) + 1;
        var (i1, u1, i2, u2) = (L(a), L(b), L(c), L(d));
        var p1 = PriorityMatrix.Default.Calculate(new Impact(i1), new Urgency(u1));
        var p2 = PriorityMatrix.Default.Calculate(new Impact(i2), new Urgency(u2));
        // A smaller level is more severe; a smaller priority number is more urgent.
        return (i1 <= i2 && u1 <= u2).Implies(p1 <= p2);
    }
}
