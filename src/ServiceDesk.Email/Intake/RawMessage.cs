namespace ServiceDesk.Email;

/// <summary>
/// One message as a source delivers it: a reference that finds it again (a file path, an IMAP UID), its size in bytes,
/// and a way to open its raw RFC 5322 bytes.
/// </summary>
/// <remarks>
/// The size is known before the content is read, so <see cref="EmailIntake"/> turns away a message over
/// <see cref="EmailIntakeOptions.MaxMessageBytes"/> without reading it. The reference is what an operator uses to find the
/// original (it is kept in every <see cref="IntakeResult"/> and in the ticket's comment), so nothing is lost.
/// Instances are immutable; <see cref="OpenAsync"/> may be called more than once when the source allows it.
/// </remarks>
public sealed class RawMessage
{
    /// <summary>The longest reference: 1,000 characters.</summary>
    public const int MaxReferenceLength = 1_000;

    private readonly Func<CancellationToken, ValueTask<Stream>> _open;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="reference">Where the message is, e.g. <c>file:/var/mail/in/0001.eml</c> or <c>imap:INBOX/1234</c>;
    /// 1 to 1,000 characters.</param>
    /// <param name="length">The message's size in bytes, 0 or more.</param>
    /// <param name="open">Opens the message's raw bytes; the caller disposes the stream.</param>
    /// <exception cref="ArgumentNullException"><paramref name="reference"/> or <paramref name="open"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="reference"/> is blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reference"/> is longer than 1,000 characters or
    /// <paramref name="length"/> is negative.</exception>
    public RawMessage(string reference, long length, Func<CancellationToken, ValueTask<Stream>> open)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reference);
        ArgumentNullException.ThrowIfNull(open);
        if (reference.Length > MaxReferenceLength)
        {
            throw new ArgumentOutOfRangeException(nameof(reference), reference.Length, $"A message reference is 1 to {MaxReferenceLength:N0} characters.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Reference = reference;
        Length = length;
        _open = open;
    }

    /// <summary>Gets where the message is.</summary>
    public string Reference { get; }

    /// <summary>Gets the message's size in bytes.</summary>
    public long Length { get; }

    /// <summary>Opens the message's raw bytes.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A readable stream; the caller disposes it.</returns>
    public ValueTask<Stream> OpenAsync(CancellationToken cancellationToken = default) => _open(cancellationToken);

    /// <summary>Creates a message held in memory.</summary>
    /// <param name="reference">Where the message came from (see the constructor).</param>
    /// <param name="content">The raw RFC 5322 bytes.</param>
    /// <returns>The message.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="content"/> is <see langword="null"/>.</exception>
    public static RawMessage FromBytes(string reference, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return new RawMessage(reference, content.LongLength, _ => ValueTask.FromResult<Stream>(new MemoryStream(content, writable: false)));
    }

    /// <summary>Creates a message read from a file; the size is the file's length at this call.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The message, with the reference <c>file:</c> and the full path.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is blank.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static RawMessage FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"No message file at {TextPolicy.Echo(path)}.", path);
        }

        var full = info.FullName;
        return new RawMessage("file:" + full, info.Length, _ => ValueTask.FromResult<Stream>(
            new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 16 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan)));
    }
}
