using NodaTime;
using ServiceDesk.Notifications.Webhooks;

namespace ServiceDesk.Notifications.Tests;

public sealed class WebhookSubscriptionTests
{
    [Theory]
    [InlineData("ftp://files.example.com/hook")]
    [InlineData("/relative/hook")]
    [InlineData("javascript:alert(1)")]
    [InlineData("file:///etc/passwd")]
    [InlineData("")]
    public void Create_UrlNotAbsoluteHttp_ThrowsNamingTheUrlAndTheValidForm(string url)
    {
        var ex = Assert.Throws<ArgumentException>(() => WebhookSubscription.Create("s1", new TenantId("acme"), url, null, "0123456789abcdef"));

        Assert.Equal("url", ex.ParamName);
        Assert.Contains("http:// or https://", ex.Message, StringComparison.Ordinal);
        Assert.Contains(TextPolicy.Echo(url), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_VeryLongUrl_IsRejectedWithATruncatedEcho()
    {
        var url = "https://example.com/" + new string('a', 5_000);

        var ex = Assert.Throws<ArgumentException>(() => WebhookSubscription.Create("s1", new TenantId("acme"), url, null, "0123456789abcdef"));

        Assert.True(ex.Message.Length < 1_000, "The message echoes a truncated URL.");
    }

    [Fact]
    public void Create_ShortSecretOrBadId_ThrowsWithTheRange()
    {
        var secret = Assert.Throws<ArgumentException>(() => WebhookSubscription.Create("s1", new TenantId("acme"), "https://example.com/h", null, "short"));
        var id = Assert.Throws<ArgumentException>(() => WebhookSubscription.Create("has space", new TenantId("acme"), "https://example.com/h", null, "0123456789abcdef"));

        Assert.Contains("16 to 256", secret.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("short", secret.Message, StringComparison.Ordinal);
        Assert.Contains("has space", id.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Receives_ListedTypesOrAllWhenNoneListed()
    {
        var all = WebhookSubscription.Create("a", new TenantId("acme"), "https://example.com/h", null, "0123456789abcdef");
        var some = WebhookSubscription.Create("b", new TenantId("acme"), "http://127.0.0.1:8080/h", ["opened", "escalated"], "0123456789abcdef");

        Assert.True(all.Receives("status"));
        Assert.True(some.Receives("escalated"));
        Assert.False(some.Receives("status"));
        Assert.False((some with { IsActive = false }).Receives("opened"));
        Assert.DoesNotContain("0123456789abcdef", some.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Sign_KnownVector_MatchesAnIndependentHmac()
    {
        var body = "{\"a\":1}"u8.ToArray();
        var at = Instant.FromUnixTimeSeconds(1_733_616_000);

        var header = WebhookSignature.Sign(body, "0123456789abcdef", at);

        var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
            "0123456789abcdef"u8.ToArray(), "1733616000.{\"a\":1}"u8.ToArray()));
        Assert.Equal("t=1733616000,v1=" + expected, header);
        Assert.Equal(WebhookVerification.Valid, WebhookSignature.Verify("t=1733616000,v1=" + new string('0', 64) + ",v1=" + expected, body, "0123456789abcdef", at));
    }
}
