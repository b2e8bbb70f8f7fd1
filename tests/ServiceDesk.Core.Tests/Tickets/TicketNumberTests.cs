using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace ServiceDesk.Tests.Tickets;

public sealed class TicketNumberTests
{
    [Theory]
    [InlineData(TicketKind.Incident, 1234, "INC0001234")]
    [InlineData(TicketKind.ServiceRequest, 1, "REQ0000001")]
    [InlineData(TicketKind.Problem, 9_999_999, "PRB9999999")]
    [InlineData(TicketKind.Change, 12_345_678, "CHG12345678")]
    public void ToString_PadsToSevenDigitsWithKindPrefix(TicketKind kind, long sequence, string expected)
    {
        var number = new TicketNumber(kind, sequence);
        Assert.Equal(expected, number.ToString());
        Assert.Equal(number, TicketNumber.Parse(expected));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(10_000_000_000)]
    public void Constructor_SequenceOutOfRange_ThrowsWithRange(long sequence)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new TicketNumber(TicketKind.Incident, sequence));
        Assert.Equal("sequence", ex.ParamName);
        Assert.Contains("between 1 and 9,999,999,999", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_UndefinedKind_ThrowsListingValidKinds()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new TicketNumber((TicketKind)42, 1));
        Assert.Contains("Incident, ServiceRequest, Problem, Change", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("INC")]
    [InlineData("XYZ0000001")]
    [InlineData("INC00000A1")]
    [InlineData("INC0000000")]
    [InlineData("INC-0000001")]
    [InlineData("INC12345678901")]
    public void Parse_Malformed_ThrowsFormatException(string text)
    {
        var ex = Assert.Throws<FormatException>(() => TicketNumber.Parse(text));
        Assert.Contains("INC0001234", ex.Message, StringComparison.Ordinal);
        Assert.False(TicketNumber.TryParse(text, out _));
    }

    [Fact]
    public void Parse_LowerCasePrefix_Accepted()
        => Assert.Equal(new TicketNumber(TicketKind.Change, 7), TicketNumber.Parse("chg0000007"));

    [Fact]
    public void Default_IsDefaultAndPrintsNone()
    {
        Assert.True(default(TicketNumber).IsDefault);
        Assert.Equal("(none)", default(TicketNumber).ToString());
    }

    [Property]
    public Property FormatThenParse_RoundTrips(PositiveInt sequence, byte kindSeed)
    {
        var kind = (TicketKind)((kindSeed % 4) + 1);
        var number = new TicketNumber(kind, sequence.Get);
        return (TicketNumber.Parse(number.ToString()) == number).ToProperty();
    }

    [Fact]
    public void CompareTo_OrdersByKindThenSequence()
    {
        var numbers = new[]
        {
            new TicketNumber(TicketKind.Problem, 1),
            new TicketNumber(TicketKind.Incident, 10),
            new TicketNumber(TicketKind.Incident, 2),
        };
        Array.Sort(numbers);
        Assert.Equal(["INC0000002", "INC0000010", "PRB0000001"], numbers.Select(n => n.ToString()));
    }
}
