namespace ServiceDesk.Email;

/// <summary>The e-mail channel's settings as registered by <c>AddEmail</c>: intake, notifications and the SMTP server.</summary>
public sealed class EmailOptions
{
    /// <summary>Gets the intake settings.</summary>
    public EmailIntakeOptions Intake { get; } = new();

    /// <summary>Gets the notification settings.</summary>
    public EmailNotificationOptions Notifications { get; } = new();

    /// <summary>Gets or sets the SMTP server notifications go through; <see langword="null"/> (default) registers no
    /// <see cref="IEmailTransport"/>, so the application registers its own.</summary>
    public SmtpOptions? Smtp { get; set; }

    /// <summary>Lists every fault of the intake, notification and SMTP settings, each prefixed with its section, and the
    /// cross-checks: the notification senders' Message-ID domains must equal the intake's (else replies would not be
    /// recognised as the desk's own and could loop).</summary>
    /// <returns>The faults, empty when valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var faults = new List<string>();
        faults.AddRange(Intake.Validate().Select(f => "Intake." + f));
        faults.AddRange(Notifications.Validate().Select(f => "Notifications." + f));
        if (Smtp is not null)
        {
            faults.AddRange(Smtp.Validate());
        }

        var senders = Notifications.Tenants.Values.Append(Notifications.DefaultSender).OfType<EmailSenderSettings>();
        foreach (var sender in senders.Where(s => EmailAddresses.IsDomain(s.MessageIdDomain) && EmailAddresses.IsDomain(Intake.MessageIdDomain)
            && !string.Equals(s.MessageIdDomain, Intake.MessageIdDomain, StringComparison.OrdinalIgnoreCase)))
        {
            faults.Add($"Notifications: a sender's MessageIdDomain {TextPolicy.Echo(sender.MessageIdDomain)} differs from Intake.MessageIdDomain {TextPolicy.Echo(Intake.MessageIdDomain)}; the desk would not recognise its own messages.");
        }

        return faults;
    }
}
