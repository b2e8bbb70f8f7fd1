namespace ServiceDesk.Email;

/// <summary>How one tenant's notifications are sent: the sender, the Message-ID domain and the links.</summary>
public sealed class EmailSenderSettings
{
    /// <summary>Gets or sets the sender's address (<c>From</c>), e.g. <c>support@desk.example.com</c>. Required.</summary>
    public string FromAddress { get; set; } = string.Empty;

    /// <summary>Gets or sets the sender's display name; default <c>Service Desk</c>.</summary>
    public string FromName { get; set; } = "Service Desk";

    /// <summary>Gets or sets a <c>Reply-To</c> address (the mailbox intake reads), if other than <see cref="FromAddress"/>.</summary>
    public string? ReplyTo { get; set; }

    /// <summary>Gets or sets the domain of the Message-IDs written, e.g. <c>desk.example.com</c>; intake treats a message
    /// under it as a loop, so it must equal <see cref="EmailIntakeOptions.MessageIdDomain"/>. Required.</summary>
    public string MessageIdDomain { get; set; } = string.Empty;

    /// <summary>Gets or sets the ticket's link, with <c>{TicketId}</c> and <c>{Number}</c>, e.g.
    /// <c>https://desk.example.com/tickets/{Number}</c>; empty by default.</summary>
    public string TicketUrl { get; set; } = string.Empty;

    /// <summary>Gets or sets the link that confirms a resolution, with <c>{TicketId}</c> and <c>{Number}</c>; empty by default.</summary>
    public string ConfirmUrl { get; set; } = string.Empty;

    /// <summary>Gets or sets the link that rejects a resolution, with <c>{TicketId}</c> and <c>{Number}</c>; empty by default.</summary>
    public string RejectUrl { get; set; } = string.Empty;

    internal void Validate(string path, List<string> faults)
    {
        if (!EmailAddresses.IsAddress(FromAddress))
        {
            faults.Add($"{path}.FromAddress: {TextPolicy.Echo(FromAddress)} is not an address (local@domain).");
        }

        if (ReplyTo is not null && !EmailAddresses.IsAddress(ReplyTo))
        {
            faults.Add($"{path}.ReplyTo: {TextPolicy.Echo(ReplyTo)} is not an address (local@domain).");
        }

        if (!EmailAddresses.IsDomain(MessageIdDomain))
        {
            faults.Add($"{path}.MessageIdDomain: {TextPolicy.Echo(MessageIdDomain)} is not a domain name.");
        }

        foreach (var (name, url) in new[] { ("TicketUrl", TicketUrl), ("ConfirmUrl", ConfirmUrl), ("RejectUrl", RejectUrl) })
        {
            if (url.Length > 0 && !(url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("http://", StringComparison.OrdinalIgnoreCase)))
            {
                faults.Add($"{path}.{name}: {TextPolicy.Echo(url)} is not an http(s) URL.");
            }
        }
    }
}

/// <summary>Settings of <see cref="EmailNotifier"/>.</summary>
public sealed class EmailNotificationOptions
{
    /// <summary>Gets or sets the sender of tenants not in <see cref="Tenants"/>; <see langword="null"/> (default) skips
    /// their notifications (<see cref="NotificationOutcome.NoSender"/>).</summary>
    public EmailSenderSettings? DefaultSender { get; set; }

    /// <summary>Gets the sender per tenant (by the tenant's value).</summary>
    public IDictionary<string, EmailSenderSettings> Tenants { get; } = new Dictionary<string, EmailSenderSettings>(StringComparer.Ordinal);

    /// <summary>Gets or sets the templates; default <see cref="EmailTemplates.Default"/>.</summary>
    public EmailTemplates Templates { get; set; } = EmailTemplates.Default;

    /// <summary>Gets or sets how many earlier Message-IDs of the thread go into <c>References</c>, 1 to 100; default 20.</summary>
    public int MaxReferences { get; set; } = 20;

    /// <summary>Lists every fault of these settings.</summary>
    /// <returns>The faults, empty when valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var faults = new List<string>();
        DefaultSender?.Validate("DefaultSender", faults);
        foreach (var (tenant, sender) in Tenants)
        {
            if (sender is null)
            {
                faults.Add($"Tenants[{TextPolicy.Echo(tenant)}]: null.");
                continue;
            }

            sender.Validate($"Tenants[{TextPolicy.Echo(tenant)}]", faults);
        }

        if (Templates is null)
        {
            faults.Add("Templates: required.");
        }

        if (MaxReferences is < 1 or > 100)
        {
            faults.Add($"MaxReferences: {MaxReferences} is outside 1 to 100.");
        }

        return faults;
    }

    internal EmailSenderSettings? SenderOf(TenantId tenant) => Tenants.TryGetValue(tenant.Value, out var s) ? s : DefaultSender;
}
