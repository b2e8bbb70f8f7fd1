using System.Globalization;
using MailKit.Security;
using ServiceDesk.Email;

/// <summary>Reads the sample's <c>ServiceDesk:Email</c> section into <see cref="EmailOptions"/>: the SMTP server, one
/// sender for every tenant, and the tenant intake opens tickets in. An unreadable number or enum is kept as an invalid value, so the start-up validation of
/// <c>AddEmail</c> names it with every other fault instead of the binder stopping at the first.</summary>
internal static class EmailSettings
{
    public static void Bind(IConfiguration section, EmailOptions options)
    {
        var smtp = section.GetSection("Smtp");
        options.Smtp = new SmtpOptions
        {
            Host = smtp["Host"] ?? string.Empty,
            Port = int.TryParse(smtp["Port"] ?? "587", NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : -1,
            Security = Enum.TryParse<SecureSocketOptions>(smtp["Security"] ?? "Auto", ignoreCase: true, out var security) ? security : (SecureSocketOptions)(-1),
            UserName = smtp["UserName"],
            Password = smtp["Password"],
        };
        var sender = section.GetSection("Sender");
        options.Notifications.DefaultSender = new EmailSenderSettings
        {
            FromAddress = sender["FromAddress"] ?? string.Empty,
            FromName = sender["FromName"] ?? "Service Desk",
            MessageIdDomain = sender["MessageIdDomain"] ?? string.Empty,
            TicketUrl = sender["TicketUrl"] ?? string.Empty,
            ConfirmUrl = sender["ConfirmUrl"] ?? string.Empty,
            RejectUrl = sender["RejectUrl"] ?? string.Empty,
        };
        options.Intake.MessageIdDomain = options.Notifications.DefaultSender.MessageIdDomain;
        if (section["IntakeTenant"] is { Length: > 0 } tenant)
        {
            options.Intake.Tenant = new ServiceDesk.TenantId(tenant); // the tenant mail to the desk's mailbox opens tickets in
        }
    }
}
