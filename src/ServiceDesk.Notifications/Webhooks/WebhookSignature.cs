using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NodaTime;

namespace ServiceDesk.Notifications.Webhooks;

/// <summary>
/// Signs and verifies webhook deliveries the way Stripe and GitHub do: an HMAC-SHA256, keyed by the subscription's
/// secret, over <c>"{timestamp}.{body}"</c>, sent in the <see cref="HeaderName"/> header as
/// <c>t={unix seconds},v1={lower-case hex}</c>.
/// </summary>
/// <remarks>
/// <para><b>Verifying.</b> A receiver recomputes the HMAC over the timestamp of the header, a dot, and the raw request body
/// bytes (before any JSON parsing), compares it in constant time with each <c>v1</c> value of the header (several are
/// allowed, for secret rotation), and rejects a timestamp further than the replay window (5 minutes by default) from its own
/// clock, so a captured request cannot be replayed later. <see cref="Verify"/> does all of this.</para>
/// <para>Thread-safe; no state.</para>
/// </remarks>
public static class WebhookSignature
{
    /// <summary>The header carrying the signature: <c>ServiceDesk-Signature</c>.</summary>
    public const string HeaderName = "ServiceDesk-Signature";

    /// <summary>The default replay window of <see cref="Verify"/>: 5 minutes either way.</summary>
    public static Duration DefaultTolerance { get; } = Duration.FromMinutes(5);

    /// <summary>Computes the header value for a body.</summary>
    /// <param name="body">The exact bytes of the request body.</param>
    /// <param name="secret">The subscription's secret.</param>
    /// <param name="timestamp">The signing instant (whole seconds are used).</param>
    /// <returns>The header value, e.g. <c>t=1733616000,v1=5257a8…</c>.</returns>
    /// <exception cref="ArgumentException"><paramref name="secret"/> is null or empty.</exception>
    public static string Sign(ReadOnlySpan<byte> body, string secret, Instant timestamp)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var seconds = timestamp.ToUnixTimeSeconds();
        return string.Create(CultureInfo.InvariantCulture, $"t={seconds},v1={Convert.ToHexStringLower(Compute(body, secret, seconds))}");
    }

    /// <summary>Verifies a delivery's signature header against its body.</summary>
    /// <param name="header">The <see cref="HeaderName"/> header's value.</param>
    /// <param name="body">The exact bytes of the request body.</param>
    /// <param name="secret">The subscription's secret.</param>
    /// <param name="now">The receiver's current instant.</param>
    /// <param name="tolerance">The replay window: the largest accepted difference between the header's timestamp and
    /// <paramref name="now"/>; <see cref="DefaultTolerance"/> when <see langword="null"/>.</param>
    /// <returns>The outcome: <see cref="WebhookVerification.Valid"/> or why not.</returns>
    /// <exception cref="ArgumentException"><paramref name="secret"/> is null or empty, or the tolerance is negative.</exception>
    public static WebhookVerification Verify(string? header, ReadOnlySpan<byte> body, string secret, Instant now, Duration? tolerance = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var window = tolerance ?? DefaultTolerance;
        if (window < Duration.Zero)
        {
            throw new ArgumentException($"The replay window {window} must not be negative.", nameof(tolerance));
        }

        if (string.IsNullOrEmpty(header))
        {
            return WebhookVerification.Malformed;
        }

        long? seconds = null;
        var signatures = new List<byte[]>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith("t=", StringComparison.Ordinal)
                && long.TryParse(part.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var t))
            {
                seconds = t;
            }
            else if (part.StartsWith("v1=", StringComparison.Ordinal) && part.Length == 3 + 64)
            {
                try
                {
                    signatures.Add(Convert.FromHexString(part.AsSpan(3)));
                }
                catch (FormatException)
                {
                    // Not hex: ignored like any unknown part; without a usable v1 the header is malformed.
                }
            }
        }

        if (seconds is not { } stamp || signatures.Count == 0 || stamp > Instant.MaxValue.ToUnixTimeSeconds())
        {
            return WebhookVerification.Malformed;
        }

        var age = now - Instant.FromUnixTimeSeconds(stamp);
        if (Duration.Max(age, -age) > window)
        {
            return WebhookVerification.StaleTimestamp;
        }

        var expected = Compute(body, secret, stamp);
        return signatures.Any(s => CryptographicOperations.FixedTimeEquals(s, expected))
            ? WebhookVerification.Valid
            : WebhookVerification.SignatureMismatch;
    }

    private static byte[] Compute(ReadOnlySpan<byte> body, string secret, long seconds)
    {
        var prefix = Encoding.ASCII.GetBytes(seconds.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
    }
}

/// <summary>The outcome of <see cref="WebhookSignature.Verify"/>.</summary>
public enum WebhookVerification
{
    /// <summary>The signature matches and the timestamp is within the replay window.</summary>
    Valid = 0,

    /// <summary>The header is missing, or has no timestamp or no <c>v1</c> signature.</summary>
    Malformed = 1,

    /// <summary>The timestamp is outside the replay window (a replayed or badly delayed request).</summary>
    StaleTimestamp = 2,

    /// <summary>No <c>v1</c> signature matches: the body was changed or the secret differs.</summary>
    SignatureMismatch = 3,
}
