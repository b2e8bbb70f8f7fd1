namespace ServiceDesk.Email;

/// <summary>
/// A folder of <c>.eml</c> files (one RFC 5322 message each), as written by a mail server's pickup or maildir-like
/// delivery, a test, or an export.
/// </summary>
/// <remarks>
/// <see cref="ReceiveAsync"/> lists <c>*.eml</c> directly in the folder, ordered by file name (ordinal), so files named
/// by arrival time come oldest first. <see cref="CompleteAsync"/> moves a file into the sub-folder <c>processed</c>
/// (a ticket was opened or commented, or the message was a duplicate) or <c>held</c> (every other outcome: auto-replies,
/// bounces, loops, rate limits, oversize, malformed, unknown senders, rejections), where an operator can inspect and
/// re-queue it by moving it back. A name already taken there gets a numeric suffix. Not thread-safe: one reader per folder.
/// </remarks>
public sealed class FolderMessageSource : IMessageSource
{
    /// <summary>The sub-folder of messages that reached a ticket: <c>processed</c>.</summary>
    public const string ProcessedFolder = "processed";

    /// <summary>The sub-folder of every other message: <c>held</c>.</summary>
    public const string HeldFolder = "held";

    /// <summary>Initializes a new instance.</summary>
    /// <param name="folder">The folder; it must exist.</param>
    /// <exception cref="ArgumentException"><paramref name="folder"/> is blank.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public FolderMessageSource(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The message folder {TextPolicy.Echo(folder)} does not exist.");
        }

        Folder = Path.GetFullPath(folder);
    }

    /// <summary>Gets the folder's full path.</summary>
    public string Folder { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxCount"/> is less than 1.</exception>
    public Task<IReadOnlyList<RawMessage>> ReceiveAsync(int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        cancellationToken.ThrowIfCancellationRequested();
        var files = Directory.GetFiles(Folder, "*.eml", SearchOption.TopDirectoryOnly);
        Array.Sort(files, StringComparer.Ordinal);
        IReadOnlyList<RawMessage> messages = [.. files.Take(maxCount).Select(RawMessage.FromFile)];
        return Task.FromResult(messages);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="message"/> or <paramref name="result"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The message is not a file of this folder.</exception>
    public Task CompleteAsync(RawMessage message, IntakeResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(result);
        cancellationToken.ThrowIfCancellationRequested();
        const string prefix = "file:";
        var path = message.Reference.StartsWith(prefix, StringComparison.Ordinal) ? message.Reference[prefix.Length..] : null;
        if (path is null || !string.Equals(Path.GetDirectoryName(path), Folder, StringComparison.Ordinal))
        {
            throw new ArgumentException($"{TextPolicy.Echo(message.Reference)} is not a file of the folder {TextPolicy.Echo(Folder)}.", nameof(message));
        }

        if (!File.Exists(path))
        {
            return Task.CompletedTask; // completed already (at-least-once: completing twice is harmless)
        }

        var target = Path.Combine(Folder, result.ReachedTicket ? ProcessedFolder : HeldFolder);
        Directory.CreateDirectory(target);
        var name = Path.GetFileNameWithoutExtension(path);
        var destination = Path.Combine(target, name + ".eml");
        for (var i = 1; File.Exists(destination); i++)
        {
            destination = Path.Combine(target, FormattableString.Invariant($"{name}.{i}.eml"));
        }

        File.Move(path, destination);
        return Task.CompletedTask;
    }
}
