namespace ServiceDesk.Billing;

/// <summary>Whether and how a contract renews at the end of its term.</summary>
/// <remarks>
/// With <see cref="AutoRenew"/>, the contract continues for another <see cref="TermMonths"/> each time its end date
/// passes, unless it is terminated at least <see cref="NoticeDays"/> days before the end (see
/// <see cref="ContractExpiryWarning.NoticeDeadline"/>). Without it, the contract expires after its end date unless
/// renewed explicitly with <see cref="Contract.Renew"/>.
/// </remarks>
public sealed record RenewalPolicy
{
    /// <summary>Gets the policy of a contract that does not renew automatically (renewal term 12 months).</summary>
    public static RenewalPolicy Manual { get; } = new();

    /// <summary>Gets a value indicating whether the contract renews automatically. Default: <see langword="false"/>.</summary>
    public bool AutoRenew { get; init; }

    /// <summary>Gets the length of a renewal term in months: 1 to 120. Default: 12.</summary>
    public int TermMonths { get; init; } = 12;

    /// <summary>Gets the notice period in days before the end of a term: 0 to 3660. Default: 30.</summary>
    public int NoticeDays { get; init; } = 30;
}
