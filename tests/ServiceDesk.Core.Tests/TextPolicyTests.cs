using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using ServiceDesk.Events;
using ServiceDesk.Storage;

namespace ServiceDesk.Tests;

public sealed class TextPolicyTests
{
    /// <summary>The reference rule, written the slow obvious way: storable text is exactly text that survives a UTF-8 round
    /// trip unchanged and holds no NUL.</summary>
    private static bool StorableByUtf8(string text)
        => !text.Contains('\0', StringComparison.Ordinal)
            && string.Equals(Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text)), text, StringComparison.Ordinal);

    [Property(MaxTest = 500)]
    public Property IsStorable_AgreesWithUtf8RoundTrip(char[] chars)
    {
        var text = new string(chars);
        var at = TextPolicy.IndexOfUnstorable(text);
        var firstBad = -1;
        for (var i = 0; i < text.Length && firstBad < 0; i++)
        {
            if (text[i] == '\0' || (char.IsSurrogate(text[i]) && !char.IsSurrogatePair(text, i) && !(i > 0 && char.IsSurrogatePair(text, i - 1))))
            {
                firstBad = i;
            }
        }

        return (TextPolicy.IsStorable(text) == StorableByUtf8(text) && at == firstBad).ToProperty();
    }

    [Theory]
    [InlineData("", -1)]
    [InlineData("plain", -1)]
    [InlineData("emoji \U0001F600 ok", -1)]
    [InlineData("\u0001\u001F\u007F\uFFFE tab\t", -1)]
    [InlineData("a\0b", 1)]
    public void IndexOfUnstorable_Examples(string text, int expected) => Assert.Equal(expected, TextPolicy.IndexOfUnstorable(text));

    [Fact]
    public void IndexOfUnstorable_LoneSurrogates_AreFoundWherePairsAreNot()
    {
        Assert.Equal(0, TextPolicy.IndexOfUnstorable("\uD800"));
        Assert.Equal(1, TextPolicy.IndexOfUnstorable("a\uDC00"));
        Assert.Equal(2, TextPolicy.IndexOfUnstorable("\uD83D\uDE00\uD83D"));
        Assert.Equal(0, TextPolicy.IndexOfUnstorable("\uDE00\uD83D"));
        Assert.Equal(3, TextPolicy.IndexOfUnstorable("\uD83D\uDE00x\0\uD800"));
    }

    [Fact]
    public void ThrowIfUnstorable_Nul_NamesFieldIndexAndCharacter()
    {
        var ex = Assert.Throws<ArgumentException>(() => TextPolicy.ThrowIfUnstorable("ab\0c", "Subject"));

        Assert.Equal("Subject", ex.ParamName);
        Assert.Contains("NUL character (U+0000) at index 2", ex.Message, StringComparison.Ordinal);
        Assert.Contains(@"'ab\u0000c'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ThrowIfUnstorable_LoneSurrogate_NamesCodeUnit()
    {
        var ex = Assert.Throws<ArgumentException>(() => TextPolicy.ThrowIfUnstorable("key\uDC01", "IdempotencyKey"));

        Assert.Contains("lone surrogate (U+DC01) at index 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Echo_LongValue_IsCutWithItsLength()
    {
        var echo = TextPolicy.Echo(new string('x', 10 * 1024 * 1024));

        Assert.Equal("'" + new string('x', TextPolicy.MaxEchoLength) + "'… (10,485,760 characters)", echo);
    }

    [Fact]
    public void Echo_NeverSplitsASurrogatePair()
    {
        var text = new string('x', TextPolicy.MaxEchoLength - 1) + "\U0001F600" + "tail";

        var echo = TextPolicy.Echo(text);

        Assert.DoesNotContain("\\uD83D", echo, StringComparison.Ordinal);
        Assert.True(TextPolicy.IsStorable(echo));
        Assert.EndsWith($"'… ({text.Length} characters)", echo, StringComparison.Ordinal);
    }

    [Fact]
    public void Echo_NullAndFormattable()
    {
        Assert.Equal("(null)", TextPolicy.Echo((string?)null));
        Assert.Equal("'1.5'", TextPolicy.Echo((object)1.5m));
    }

    /// <summary>Issue 19, class 4: the text policy is enforced where text enters the model, before any I/O.</summary>
    [Fact]
    public void TextPolicy_EnforcedByTicketsEventsIdsAndKeys()
    {
        var tenant = new TenantId("acme");
        var id = TicketId.New();
        Assert.Throws<ArgumentException>(() => new TenantId("ac\uD800me"));
        Assert.Throws<ArgumentException>(() => new CommentAdded(tenant, id, 2, NodaTime.Instant.FromUnixTimeSeconds(0), Actor.System, CommentVisibility.Public, "a\0b"));
        Assert.Throws<ArgumentException>(() => AttributeValue.FromString("x\uDFFF"));
        Assert.Throws<ArgumentException>(() => TicketAppend.ValidateIdempotencyKey("key-\uD800"));
        Assert.Throws<ArgumentException>(() => Actor.OfRequester("Ann\0"));
    }

    [Fact]
    public void IsStorable_AllocatesNothing()
    {
        const string text = "A typical subject line with an emoji \U0001F600 and accents éü";
        _ = TextPolicy.IsStorable(text);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var all = true;
        for (var i = 0; i < 1_000; i++)
        {
            all &= TextPolicy.IsStorable(text);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(all);
    }
}
