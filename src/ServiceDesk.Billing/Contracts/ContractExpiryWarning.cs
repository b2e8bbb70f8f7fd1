using NodaTime;

namespace ServiceDesk.Billing;

/// <summary>A warning that a contract's current term ends soon.</summary>
/// <param name="Contract">The contract.</param>
/// <param name="EndsOn">The last day of the current term.</param>
/// <param name="DaysLeft">Days from the given date to <paramref name="EndsOn"/> (0 on the last day).</param>
/// <param name="RenewsAutomatically">Whether the contract renews unless terminated.</param>
/// <param name="NoticeDeadline">For an automatically renewing contract, the last day to give notice; otherwise <see langword="null"/>.</param>
public sealed record ContractExpiryWarning(ContractId Contract, LocalDate EndsOn, int DaysLeft, bool RenewsAutomatically, LocalDate? NoticeDeadline);
