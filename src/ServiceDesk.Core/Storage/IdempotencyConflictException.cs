namespace ServiceDesk.Storage;

/// <summary>
/// Thrown when an idempotency key that was already applied is used again for something else: for another ticket, or (when
/// both carry a <see cref="TicketAppend.IdempotencyFingerprint"/>) for a command with different parameters. This follows
/// Stripe's rule for idempotent requests: a key names one request; retrying it with the same parameters returns the first
/// result, reusing it with different parameters is an error, never a silent replay that drops the second request.
/// </summary>
/// <remarks>Derives from <see cref="ArgumentException"/> (the key is a bad argument), so code that caught the key's reuse
/// for another ticket as an <see cref="ArgumentException"/> keeps working. Nothing was stored.</remarks>
public sealed class IdempotencyConflictException : ArgumentException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="key">The reused key.</param>
    /// <param name="appliedTo">The ticket the key was first applied to.</param>
    /// <param name="reusedFor">The ticket of the conflicting command.</param>
    /// <param name="differentParameters"><see langword="true"/> when the key was reused for the same ticket with different
    /// parameters; <see langword="false"/> when it was reused for another ticket.</param>
    public IdempotencyConflictException(TenantId tenant, string key, TicketId appliedTo, TicketId reusedFor, bool differentParameters)
        : base(
            differentParameters
                ? $"Idempotency key {TextPolicy.Echo(key)} of tenant '{tenant}' was already applied to ticket {appliedTo} by a command with different parameters; a key names one command, so a retry must repeat it exactly. Use a new key for a new command."
                : $"Idempotency key {TextPolicy.Echo(key)} of tenant '{tenant}' was already used for ticket {appliedTo}; a key identifies one command on one ticket, so it cannot be reused for ticket {reusedFor}.",
            "idempotencyKey")
    {
        Tenant = tenant;
        Key = key;
        AppliedTo = appliedTo;
        ReusedFor = reusedFor;
        DifferentParameters = differentParameters;
    }

    /// <summary>Gets the tenant.</summary>
    public TenantId Tenant { get; }

    /// <summary>Gets the reused key.</summary>
    public string Key { get; }

    /// <summary>Gets the ticket the key was first applied to.</summary>
    public TicketId AppliedTo { get; }

    /// <summary>Gets the ticket of the conflicting command (the same as <see cref="AppliedTo"/> when only the parameters
    /// differ).</summary>
    public TicketId ReusedFor { get; }

    /// <summary>Gets a value indicating whether the key was reused for the same ticket with different parameters (rather
    /// than for another ticket).</summary>
    public bool DifferentParameters { get; }

    /// <summary>Checks a key found applied against a new use of it: the same ticket and, when both fingerprints are known,
    /// the same fingerprint.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="key">The key.</param>
    /// <param name="applied">What the key was applied as.</param>
    /// <param name="ticket">The ticket of the new use.</param>
    /// <param name="fingerprint">The fingerprint of the new use, or <see langword="null"/> when unknown.</param>
    /// <exception cref="IdempotencyConflictException">The uses differ.</exception>
    public static void ThrowIfConflict(TenantId tenant, string key, AppendResult applied, TicketId ticket, string? fingerprint)
    {
        ArgumentNullException.ThrowIfNull(applied);
        if (applied.Ticket.Id != ticket)
        {
            throw new IdempotencyConflictException(tenant, key, applied.Ticket.Id, ticket, differentParameters: false);
        }

        if (fingerprint is not null && applied.IdempotencyFingerprint is { } stored && !string.Equals(stored, fingerprint, StringComparison.Ordinal))
        {
            throw new IdempotencyConflictException(tenant, key, applied.Ticket.Id, ticket, differentParameters: true);
        }
    }
}
