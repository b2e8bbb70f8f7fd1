namespace ServiceDesk.Email;

/// <summary>A customer (and optionally a contract) that incoming addresses map to.</summary>
/// <param name="Customer">The customer of the requester.</param>
/// <param name="Contract">The contract a new ticket is opened under, if any.</param>
public sealed record CustomerMapping(CustomerId Customer, ContractId? Contract = null);

/// <summary>Settings of <see cref="EmailIntake"/>, with documented defaults; validated once by the constructor (or at
/// start with dependency injection), every fault listed.</summary>
public sealed class EmailIntakeOptions
{
    /// <summary>The default <see cref="MaxMessageBytes"/>: 25 MiB.</summary>
    public const long DefaultMaxMessageBytes = 25L * 1024 * 1024;

    /// <summary>The default <see cref="MaxAttachmentBytes"/>: 10 MiB.</summary>
    public const long DefaultMaxAttachmentBytes = 10L * 1024 * 1024;

    /// <summary>Gets or sets the tenant whose tickets this mailbox feeds. Required.</summary>
    public TenantId Tenant { get; set; }

    /// <summary>Gets or sets the domain of the Message-IDs the desk writes (e.g. <c>desk.example.com</c>); a message whose
    /// Message-ID has it is one of ours come back (<see cref="IntakeOutcome.Loop"/>). Required.</summary>
    public string MessageIdDomain { get; set; } = string.Empty;

    /// <summary>Gets the desk's own sender addresses; mail from them is a loop. Empty by default.</summary>
    public ISet<string> OwnAddresses { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the customers by exact address (looked up first), e.g. <c>jane@acme.example</c>.</summary>
    public IDictionary<string, CustomerMapping> Addresses { get; } = new Dictionary<string, CustomerMapping>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the customers by domain (a contract's domains), e.g. <c>acme.example</c>; a sub-domain
    /// (<c>mail.acme.example</c>) matches its parent when it is not listed itself.</summary>
    public IDictionary<string, CustomerMapping> Domains { get; } = new Dictionary<string, CustomerMapping>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets the customer of senders no mapping covers; <see langword="null"/> (default) turns their new
    /// messages away with <see cref="IntakeOutcome.UnknownSender"/>. Replies threaded to an existing ticket are accepted
    /// from anyone.</summary>
    public CustomerMapping? DefaultCustomer { get; set; }

    /// <summary>Gets or sets the kind of ticket a new message opens; default <see cref="TicketKind.Incident"/>.</summary>
    public TicketKind Kind { get; set; } = TicketKind.Incident;

    /// <summary>Gets or sets the impact of a new ticket; default 3 (one user).</summary>
    public Impact Impact { get; set; } = new(3);

    /// <summary>Gets or sets the urgency of a new ticket; default 3.</summary>
    public Urgency Urgency { get; set; } = new(3);

    /// <summary>Gets or sets the largest message read, in bytes, 1 KiB to 1 GiB; default 25 MiB. A larger message gets
    /// <see cref="IntakeOutcome.TooLarge"/> and stays in its source.</summary>
    public long MaxMessageBytes { get; set; } = DefaultMaxMessageBytes;

    /// <summary>Gets or sets the largest attachment recorded as within limits, in bytes, 0 to <see cref="MaxMessageBytes"/>;
    /// default 10 MiB. Larger ones are listed as over the limit.</summary>
    public long MaxAttachmentBytes { get; set; } = DefaultMaxAttachmentBytes;

    /// <summary>Gets or sets how many messages one sender may bring in an hour (sliding), 1 to 10,000; default 20. Later ones
    /// get <see cref="IntakeOutcome.RateLimited"/>. Kept in memory, per <see cref="EmailIntake"/> instance.</summary>
    public int MaxMessagesPerSenderPerHour { get; set; } = 20;

    /// <summary>Gets or sets the name of the integration actor of comments by someone other than the requester; default <c>email</c>.</summary>
    public string IntegrationName { get; set; } = "email";

    /// <summary>Lists every fault of these settings.</summary>
    /// <returns>The faults, empty when the options are valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var faults = new List<string>();
        if (Tenant.IsDefault)
        {
            faults.Add("Tenant: required.");
        }

        if (!EmailAddresses.IsDomain(MessageIdDomain))
        {
            faults.Add($"MessageIdDomain: {TextPolicy.Echo(MessageIdDomain)} is not a domain name (e.g. desk.example.com).");
        }

        if (MaxMessageBytes is < 1024 or > 1024L * 1024 * 1024)
        {
            faults.Add($"MaxMessageBytes: {MaxMessageBytes} is outside 1,024 to 1,073,741,824.");
        }

        if (MaxAttachmentBytes < 0 || MaxAttachmentBytes > MaxMessageBytes)
        {
            faults.Add($"MaxAttachmentBytes: {MaxAttachmentBytes} is outside 0 to MaxMessageBytes ({MaxMessageBytes}).");
        }

        if (MaxMessagesPerSenderPerHour is < 1 or > 10_000)
        {
            faults.Add($"MaxMessagesPerSenderPerHour: {MaxMessagesPerSenderPerHour} is outside 1 to 10,000.");
        }

        if (!Enum.IsDefined(Kind))
        {
            faults.Add($"Kind: {(int)Kind} is not a ticket kind.");
        }

        if (Impact.IsDefault || Urgency.IsDefault)
        {
            faults.Add("Impact and Urgency: a level 1 to 9 is required.");
        }

        if (string.IsNullOrWhiteSpace(IntegrationName))
        {
            faults.Add("IntegrationName: required.");
        }

        foreach (var domain in Domains.Keys.Where(d => !EmailAddresses.IsDomain(d)))
        {
            faults.Add($"Domains: {TextPolicy.Echo(domain)} is not a domain name.");
        }

        foreach (var address in Addresses.Keys.Concat(OwnAddresses).Where(a => !EmailAddresses.IsAddress(a)))
        {
            faults.Add($"Addresses/OwnAddresses: {TextPolicy.Echo(address)} is not an address (local@domain).");
        }

        return faults;
    }
}
