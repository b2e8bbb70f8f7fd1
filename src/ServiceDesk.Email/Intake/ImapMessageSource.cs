using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;

namespace ServiceDesk.Email;

/// <summary>Settings of <see cref="ImapMessageSource"/>.</summary>
public sealed class ImapSourceOptions
{
    /// <summary>Gets or sets the IMAP server's host name. Required.</summary>
    public string Host { get; set; } = string.Empty;

    /// <summary>Gets or sets the port; default 993.</summary>
    public int Port { get; set; } = 993;

    /// <summary>Gets or sets how the connection is secured; default <see cref="SecureSocketOptions.Auto"/>
    /// (TLS on 993, STARTTLS when offered).</summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.Auto;

    /// <summary>Gets or sets the user name; none (no authentication) by default.</summary>
    public string? UserName { get; set; }

    /// <summary>Gets or sets the password.</summary>
    public string? Password { get; set; }

    /// <summary>Gets or sets the folder read; default <c>INBOX</c>.</summary>
    public string Folder { get; set; } = "INBOX";

    /// <summary>Gets or sets a folder completed messages are moved to (e.g. <c>Processed</c>); none by default, when they
    /// are only flagged as seen.</summary>
    public string? CompletedFolder { get; set; }
}

/// <summary>
/// An IMAP mailbox read with MailKit: unseen messages of a folder, oldest first; completing flags a message as seen
/// (and moves it to <see cref="ImapSourceOptions.CompletedFolder"/> when set), never deletes it.
/// </summary>
/// <remarks>
/// The source keeps one connection, opened at the first <see cref="ReceiveAsync"/> and reopened after a failure; a
/// message's size comes from the server's <c>RFC822.SIZE</c>, so an oversize message is never downloaded. References
/// read <c>imap:</c> folder <c>/</c> UID validity <c>/</c> UID. Not thread-safe: one poller per mailbox. The intake loop
/// (<see cref="EmailIntake.DrainAsync"/>) is the poller; a host calls it on a timer. Note: the repository's tests cover
/// this adapter only as far as its arguments; no IMAP server runs in the test suite.
/// </remarks>
public sealed class ImapMessageSource : IMessageSource, IAsyncDisposable, IDisposable
{
    private readonly ImapSourceOptions _options;
    private readonly ImapClient _client = new();
    private IMailFolder? _folder;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">The server and folder.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The host is blank or the port is outside 1 to 65,535.</exception>
    public ImapMessageSource(ImapSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            throw new ArgumentException("ImapSourceOptions.Host is required.", nameof(options));
        }

        if (options.Port is < 1 or > 65_535)
        {
            throw new ArgumentException($"ImapSourceOptions.Port is 1 to 65,535; got {options.Port}.", nameof(options));
        }

        _options = options;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxCount"/> is less than 1.</exception>
    public async Task<IReadOnlyList<RawMessage>> ReceiveAsync(int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        var folder = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var uids = await folder.SearchAsync(SearchQuery.NotSeen, cancellationToken).ConfigureAwait(false);
        if (uids.Count == 0)
        {
            return [];
        }

        var wanted = uids.OrderBy(u => u.Id).Take(maxCount).ToList();
        var summaries = await folder.FetchAsync(wanted, MessageSummaryItems.UniqueId | MessageSummaryItems.Size, cancellationToken).ConfigureAwait(false);
        var validity = folder.UidValidity;
        return [.. summaries.OrderBy(s => s.UniqueId.Id).Select(s =>
        {
            var uid = s.UniqueId;
            return new RawMessage(
                FormattableString.Invariant($"imap:{folder.FullName}/{validity}/{uid.Id}"),
                s.Size ?? 0,
                async ct => await folder.GetStreamAsync(uid, ct).ConfigureAwait(false));
        })];
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="message"/> or <paramref name="result"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The reference is not an IMAP reference of this folder.</exception>
    public async Task CompleteAsync(RawMessage message, IntakeResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(result);
        var folder = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var slash = message.Reference.LastIndexOf('/');
        if (!message.Reference.StartsWith("imap:" + folder.FullName + "/", StringComparison.Ordinal) || slash < 0
            || !uint.TryParse(message.Reference.AsSpan(slash + 1), System.Globalization.CultureInfo.InvariantCulture, out var id) || id == 0)
        {
            throw new ArgumentException($"{TextPolicy.Echo(message.Reference)} is not a message of the IMAP folder {TextPolicy.Echo(folder.FullName)}.", nameof(message));
        }

        var uid = new UniqueId(id);
        await folder.AddFlagsAsync(uid, MessageFlags.Seen, silent: true, cancellationToken).ConfigureAwait(false);
        if (_options.CompletedFolder is { Length: > 0 } completed)
        {
            var destination = await _client.GetFolderAsync(completed, cancellationToken).ConfigureAwait(false);
            await folder.MoveToAsync(uid, destination, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(quit: true).ConfigureAwait(false);
        }

        _client.Dispose();
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    private async Task<IMailFolder> OpenAsync(CancellationToken cancellationToken)
    {
        if (_folder is { IsOpen: true } && _client.IsConnected)
        {
            return _folder;
        }

        if (!_client.IsConnected)
        {
            await _client.ConnectAsync(_options.Host, _options.Port, _options.Security, cancellationToken).ConfigureAwait(false);
        }

        if (!_client.IsAuthenticated && _options.UserName is { Length: > 0 } user)
        {
            await _client.AuthenticateAsync(user, _options.Password ?? string.Empty, cancellationToken).ConfigureAwait(false);
        }

        var folder = await _client.GetFolderAsync(_options.Folder, cancellationToken).ConfigureAwait(false);
        await folder.OpenAsync(FolderAccess.ReadWrite, cancellationToken).ConfigureAwait(false);
        _folder = folder;
        return folder;
    }
}
