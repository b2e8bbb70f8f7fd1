using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ServiceDesk.Engine.Internal;

/// <summary>
/// The digest of a command's name and parameters stored with its idempotency key (<see cref="Storage.TicketAppend.IdempotencyFingerprint"/>),
/// so that reusing a key with different parameters is a conflict rather than a silent replay (Stripe's rule).
/// </summary>
/// <remarks>SHA-256 over the command name and each parameter as length-prefixed UTF-8 (a missing value is marked apart from
/// an empty one), in base64url: 43 characters. The actor, the roles and the expected version are not parameters: a retry by
/// another instance of the same caller must replay. Computed only for commands that carry a key.</remarks>
internal static class CommandFingerprint
{
    /// <summary>The fingerprint of a command with these parameters, or <see langword="null"/> when the command has no key.</summary>
    public static string? Of(CommandContext context, string command, params ReadOnlySpan<string?> parameters)
    {
        if (context.IdempotencyKey is null)
        {
            return null;
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, command);
        foreach (var parameter in parameters)
        {
            Append(hash, parameter);
        }

        return Convert.ToBase64String(hash.GetHashAndReset()).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The fingerprint of an opening: its whole request as canonical JSON (attributes in key order).</summary>
    public static string? Of(CommandContext context, OpenTicketRequest request)
        => context.IdempotencyKey is null ? null : Of(context, "OpenTicket", EngineJson.Serialize(request));

    private static void Append(IncrementalHash hash, string? value)
    {
        Span<byte> length = stackalloc byte[4];
        if (value is null)
        {
            BinaryPrimitives.WriteInt32LittleEndian(length, -1);
            hash.AppendData(length);
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}
