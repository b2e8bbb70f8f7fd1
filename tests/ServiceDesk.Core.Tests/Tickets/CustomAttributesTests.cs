using NodaTime;

namespace ServiceDesk.Tests.Tickets;

public sealed class CustomAttributesTests
{
    [Fact]
    public void With_AddsReplacesAndKeepsOriginal()
    {
        var a = CustomAttributes.Empty.With("floor", AttributeValue.FromInteger(3));
        var b = a.With("floor", AttributeValue.FromInteger(4)).With("vip", AttributeValue.FromBoolean(true));
        Assert.Equal(3, a["floor"].AsInteger());
        Assert.Single(a);
        Assert.Equal(4, b["floor"].AsInteger());
        Assert.True(b["vip"].AsBoolean());
        Assert.Equal(2, b.Count);
        Assert.Same(b, b.Without("missing"));
        Assert.False(b.Without("vip").ContainsKey("vip"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1st")]
    [InlineData("has space")]
    [InlineData("ключ")]
    public void With_BadKey_ThrowsNamingKey(string key)
    {
        var ex = Assert.Throws<ArgumentException>(() => CustomAttributes.Empty.With(key, AttributeValue.FromString("x")));
        Assert.Contains($"'{key}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_MoreThanMaxCount_Throws()
    {
        var a = CustomAttributes.Empty;
        for (var i = 0; i < CustomAttributes.MaxCount; i++)
        {
            a = a.With($"k{i}", AttributeValue.FromInteger(i));
        }

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => a.With("one_more", AttributeValue.FromInteger(0)));
        Assert.Contains("at most 64", ex.Message, StringComparison.Ordinal);
        Assert.Equal(64, a.With("k0", AttributeValue.FromInteger(1)).Count);
    }

    [Fact]
    public void With_DefaultValue_Throws()
        => Assert.Throws<ArgumentException>(() => CustomAttributes.Empty.With("k", default));

    [Fact]
    public void AttributeValue_RoundTripsEveryKind()
    {
        var instant = Instant.FromUtc(2025, 1, 2, 3, 4, 5);
        var date = new LocalDate(2025, 12, 31);
        Assert.Equal("text", AttributeValue.FromString("text").AsString());
        Assert.Equal(-7, AttributeValue.FromInteger(-7).AsInteger());
        Assert.Equal(12.345m, AttributeValue.FromDecimal(12.345m).AsDecimal());
        Assert.False(AttributeValue.FromBoolean(false).AsBoolean());
        Assert.Equal(instant, AttributeValue.FromInstant(instant).AsInstant());
        Assert.Equal(date, AttributeValue.FromDate(date).AsDate());
        Assert.Equal("2025-12-31", AttributeValue.FromDate(date).ToString());
        Assert.Equal("2025-01-02T03:04:05Z", AttributeValue.FromInstant(instant).ToString());
    }

    [Fact]
    public void AttributeValue_WrongKindAndLimits_Throw()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => AttributeValue.FromInteger(1).AsString());
        Assert.Contains("Integer, not a String", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => AttributeValue.FromString(new string('v', 1025)));
        Assert.Throws<ArgumentException>(() => AttributeValue.FromDate(new LocalDate(2025, 1, 1, CalendarSystem.Julian)));
    }

    [Fact]
    public void Equals_SameEntriesInAnyOrder_AreEqualWithEqualHashes()
    {
        var a = CustomAttributes.Empty.With("x", AttributeValue.FromInteger(1)).With("y", AttributeValue.FromString("s"));
        var b = CustomAttributes.Empty.With("y", AttributeValue.FromString("s")).With("x", AttributeValue.FromInteger(1));
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, b.With("x", AttributeValue.FromInteger(2)));
        Assert.NotEqual(a, b.Without("y"));
        Assert.NotEqual(a, b.With("x", AttributeValue.FromDecimal(1m)));
        Assert.Equal(Samples.Ticket(id: new TicketId(Guid.Parse("11111111-1111-1111-1111-111111111111"))) with { Attributes = a },
                     Samples.Ticket(id: new TicketId(Guid.Parse("11111111-1111-1111-1111-111111111111"))) with { Attributes = b });
    }
}
