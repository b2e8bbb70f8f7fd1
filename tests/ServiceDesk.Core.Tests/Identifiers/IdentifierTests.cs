using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace ServiceDesk.Tests.Identifiers;

public sealed class IdentifierTests
{
    [Fact]
    public void Constructor_ValidValue_KeepsValueAndEqualityIsOrdinal()
    {
        var a = new AgentId("alice");
        Assert.Equal("alice", a.Value);
        Assert.Equal(new AgentId("alice"), a);
        Assert.NotEqual(new AgentId("Alice"), a);
        Assert.False(a.IsDefault);
        Assert.Equal("alice", a.ToString());
    }

    [Fact]
    public void Constructor_Empty_ThrowsWithRange()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new TenantId(string.Empty));
        Assert.Contains("1 to 128", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_TooLong_ThrowsWithLength()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new GroupId(new string('g', 129)));
        Assert.Contains("got 129", ex.Message, StringComparison.Ordinal);
        Assert.Equal("value", ex.ParamName);
    }

    [Theory]
    [InlineData("two words")]
    [InlineData(" leading")]
    [InlineData("tab\there")]
    [InlineData("new\nline")]
    public void Constructor_WhitespaceOrControl_ThrowsNamingValue(string value)
    {
        var ex = Assert.Throws<ArgumentException>(() => new CustomerId(value));
        Assert.Contains(TextPolicy.Echo(value), ex.Message, StringComparison.Ordinal); // quoted with control characters as \uXXXX
    }

    [Fact]
    public void Constructor_Null_ThrowsArgumentNull()
        => Assert.Throws<ArgumentNullException>(() => new ContractId(null!));

    [Fact]
    public void ThrowIfDefault_Default_ThrowsNamingParameter()
    {
        ServiceId service = default;
        var ex = Assert.Throws<ArgumentException>(() => ServiceId.ThrowIfDefault(service));
        Assert.Equal("service", ex.ParamName);
        Assert.True(service.IsDefault);
        Assert.Equal("(default)", service.ToString());
    }

    [Fact]
    public void AllStringIds_RejectDefault()
    {
        Assert.Throws<ArgumentException>(() => TenantId.ThrowIfDefault(default));
        Assert.Throws<ArgumentException>(() => AgentId.ThrowIfDefault(default));
        Assert.Throws<ArgumentException>(() => GroupId.ThrowIfDefault(default));
        Assert.Throws<ArgumentException>(() => CustomerId.ThrowIfDefault(default));
        Assert.Throws<ArgumentException>(() => ContractId.ThrowIfDefault(default));
        Assert.Throws<ArgumentException>(() => ConfigurationItemId.ThrowIfDefault(default));
        Assert.Throws<ArgumentException>(() => LocationId.ThrowIfDefault(default));
        ConfigurationItemId.ThrowIfDefault(new ConfigurationItemId("printer-3F"));
        LocationId.ThrowIfDefault(new LocationId("hq"));
    }

    [Fact]
    public void TicketId_Empty_Throws()
    {
        Assert.Throws<ArgumentException>(() => new TicketId(Guid.Empty));
        Assert.Throws<ArgumentException>(() => TicketId.ThrowIfDefault(default));
        Assert.True(default(TicketId).IsDefault);
    }

    [Fact]
    public void TicketId_ParseAndFormat_RoundTrip()
    {
        var id = TicketId.New();
        Assert.Equal(id, TicketId.Parse(id.ToString()));
        Assert.Equal(id.Value.ToString("N"), id.ToString("N", null));
        Assert.Throws<FormatException>(() => TicketId.Parse("not-a-guid"));
        Assert.Throws<ArgumentException>(() => TicketId.Parse(Guid.Empty.ToString()));
    }

    [Property]
    public Property StringIds_AcceptExactlyNonBlankPrintableUpTo128(NonEmptyString text)
    {
        var value = text.Get;
        var valid = value.Length <= 128 && !value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c));
        bool accepted;
        try
        {
            accepted = new AgentId(value).Value == value;
        }
        catch (ArgumentException)
        {
            accepted = false;
        }

        return (accepted == valid).ToProperty();
    }
}
