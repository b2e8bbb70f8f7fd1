namespace ServiceDesk.Tests;

public sealed class InvalidDefinitionExceptionTests
{
    [Fact]
    public void Message_ListsEveryError()
    {
        var ex = new InvalidDefinitionException("business calendar", ["$.zone: unknown zone 'Mars/Olympus'", "$.week.mon[0][1]: '25:00' is not a time"]);
        Assert.Equal(2, ex.Errors.Count);
        Assert.StartsWith("The business calendar is invalid (2 faults):", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Mars/Olympus", ex.Message, StringComparison.Ordinal);
        Assert.Contains("25:00", ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<ArgumentException>(ex);
    }

    [Fact]
    public void Constructor_NoErrors_Throws()
    {
        Assert.Throws<ArgumentException>(() => new InvalidDefinitionException("x", []));
        Assert.Throws<ArgumentNullException>(() => new InvalidDefinitionException("x", null!));
    }
}
