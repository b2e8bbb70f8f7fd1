using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ServiceDesk.Email;

/// <summary>Sends a composed message; <see cref="SmtpEmailTransport"/> is the MailKit SMTP one.</summary>
public interface IEmailTransport
{
    /// <summary>Sends a message.</summary>
    /// <param name="message">The message, with its recipients.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the server accepted the message.</returns>
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken = default);
}

/// <summary>Settings of <see cref="SmtpEmailTransport"/>.</summary>
public sealed class SmtpOptions
{
    /// <summary>Gets or sets the SMTP server's host. Required.</summary>
    public string Host { get; set; } = string.Empty;

    /// <summary>Gets or sets the port, 1 to 65,535; default 587.</summary>
    public int Port { get; set; } = 587;

    /// <summary>Gets or sets how the connection is secured; default <see cref="SecureSocketOptions.Auto"/>.</summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.Auto;

    /// <summary>Gets or sets the user name; none (no authentication) by default.</summary>
    public string? UserName { get; set; }

    /// <summary>Gets or sets the password.</summary>
    public string? Password { get; set; }

    /// <summary>Gets or sets the timeout of one SMTP operation; default 30 seconds, 1 second to 10 minutes.</summary>
    public Duration Timeout { get; set; } = Duration.FromSeconds(30);

    /// <summary>Lists every fault of these settings.</summary>
    /// <returns>The faults, empty when valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var faults = new List<string>();
        if (string.IsNullOrWhiteSpace(Host))
        {
            faults.Add("Smtp.Host: required.");
        }

        if (Port is < 1 or > 65_535)
        {
            faults.Add($"Smtp.Port: {Port} is outside 1 to 65,535.");
        }

        if (!Enum.IsDefined(Security))
        {
            faults.Add($"Smtp.Security: {(int)Security} is not a SecureSocketOptions value.");
        }

        if (Timeout < Duration.FromSeconds(1) || Timeout > Duration.FromMinutes(10))
        {
            faults.Add($"Smtp.Timeout: {Timeout} is outside 1 second to 10 minutes.");
        }

        return faults;
    }
}

/// <summary>Sends messages over SMTP with MailKit: one connection per message (connect, authenticate, send, quit).</summary>
/// <remarks>Thread-safe: every call uses its own client. Failures surface as MailKit's exceptions
/// (<c>SmtpCommandException</c>, <c>SmtpProtocolException</c>, <c>IOException</c>); the outbox reader retries.</remarks>
public sealed class SmtpEmailTransport : IEmailTransport
{
    private readonly SmtpOptions _options;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">The server.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every fault.</exception>
    public SmtpEmailTransport(SmtpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var faults = options.Validate();
        if (faults.Count > 0)
        {
            throw new ArgumentException("Invalid SmtpOptions: " + string.Join(" ", faults), nameof(options));
        }

        _options = options;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is <see langword="null"/>.</exception>
    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var client = new SmtpClient { Timeout = (int)_options.Timeout.TotalMilliseconds };
        await client.ConnectAsync(_options.Host, _options.Port, _options.Security, cancellationToken).ConfigureAwait(false);
        if (_options.UserName is { Length: > 0 } user)
        {
            await client.AuthenticateAsync(user, _options.Password ?? string.Empty, cancellationToken).ConfigureAwait(false);
        }

        await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
    }
}
