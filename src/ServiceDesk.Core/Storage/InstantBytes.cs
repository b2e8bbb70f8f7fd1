using System.Buffers.Binary;
using NodaTime;

namespace ServiceDesk.Storage;

/// <summary>The 12-byte form of an instant in continuation tokens: Unix seconds (big-endian 8 bytes), then the
/// nanoseconds within the second (big-endian 4 bytes).</summary>
internal static class InstantBytes
{
    /// <summary>Writes <paramref name="instant"/> to the first 12 bytes of <paramref name="bytes"/>.</summary>
    public static void Write(Span<byte> bytes, Instant instant)
    {
        var seconds = instant.ToUnixTimeSeconds();
        BinaryPrimitives.WriteInt64BigEndian(bytes, seconds);
        BinaryPrimitives.WriteInt32BigEndian(bytes[8..], (int)(instant - Instant.FromUnixTimeSeconds(seconds)).ToInt64Nanoseconds());
    }

    /// <summary>Reads an instant written by <see cref="Write"/>; <see langword="false"/> when the bytes are out of range.</summary>
    public static bool TryRead(ReadOnlySpan<byte> bytes, out Instant instant)
    {
        var seconds = BinaryPrimitives.ReadInt64BigEndian(bytes);
        var nanos = BinaryPrimitives.ReadInt32BigEndian(bytes[8..]);
        if (nanos is < 0 or >= 1_000_000_000
            || seconds < Instant.MinValue.ToUnixTimeSeconds() || seconds > Instant.MaxValue.ToUnixTimeSeconds())
        {
            instant = default;
            return false;
        }

        instant = Instant.FromUnixTimeSeconds(seconds).PlusNanoseconds(nanos);
        return true;
    }
}
