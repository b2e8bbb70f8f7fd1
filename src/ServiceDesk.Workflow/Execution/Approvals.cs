namespace ServiceDesk.Workflow;

/// <summary>How many of the approvers must approve.</summary>
public enum ApprovalMode
{
    /// <summary>One approval is enough; the request is rejected only when every approver rejected.</summary>
    Any = 1,

    /// <summary>Every approver must approve; one rejection rejects.</summary>
    All = 2,

    /// <summary>At least <see cref="ApprovalRule.Required"/> of the approvers must approve.</summary>
    NOfM = 3,
}

/// <summary>The outcome of an approval so far.</summary>
public enum ApprovalStatus
{
    /// <summary>Not decided yet: more decisions are needed.</summary>
    Pending = 1,

    /// <summary>The rule is met.</summary>
    Granted = 2,

    /// <summary>The rule can no longer be met.</summary>
    Denied = 3,
}

/// <summary>One approver's decision.</summary>
/// <param name="Approver">Who decided: an approver's id, 1 to 128 characters.</param>
/// <param name="Approved"><see langword="true"/> for approve, <see langword="false"/> for reject.</param>
public readonly record struct ApprovalDecision(string Approver, bool Approved);

/// <summary>The approvers asked for a ticket and the decisions they gave so far, supplied in a <see cref="TransitionContext"/>.</summary>
/// <remarks>Decisions by someone who is not an approver are ignored; when one approver decided several times, the last
/// decision counts. Immutable and thread-safe.</remarks>
public sealed record ApprovalSet
{
    /// <summary>Initializes an approval set.</summary>
    /// <param name="approvers">The approvers asked; duplicates are removed (ordinal comparison).</param>
    /// <param name="decisions">The decisions given so far, oldest first.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An approver id is blank.</exception>
    public ApprovalSet(IEnumerable<string> approvers, IEnumerable<ApprovalDecision> decisions)
    {
        ArgumentNullException.ThrowIfNull(approvers);
        ArgumentNullException.ThrowIfNull(decisions);
        var list = new List<string>();
        foreach (var approver in approvers)
        {
            if (string.IsNullOrWhiteSpace(approver))
            {
                throw new ArgumentException("An approver id must not be null, empty or blank.", nameof(approvers));
            }

            if (!list.Contains(approver, StringComparer.Ordinal))
            {
                list.Add(approver);
            }
        }

        Approvers = list;
        Decisions = decisions.ToArray();
    }

    /// <summary>Gets the approvers asked, without duplicates.</summary>
    public IReadOnlyList<string> Approvers { get; }

    /// <summary>Gets the decisions given so far, oldest first.</summary>
    public IReadOnlyList<ApprovalDecision> Decisions { get; }

    /// <summary>Gets the rule this approval was asked with, which the shipped lifecycles' approval guards apply instead of
    /// their configured rule; <see langword="null"/> (the default) for the lifecycle's rule.</summary>
    /// <remarks>The engine sets it from the rule given when approval was requested, so one ticket can need all approvers and
    /// another any one of them under the same lifecycle.</remarks>
    public ApprovalRule? Rule { get; init; }

    /// <summary>Evaluates this approval under its own <see cref="Rule"/>, or under <paramref name="fallback"/> when it has none.</summary>
    /// <param name="fallback">The rule to apply when <see cref="Rule"/> is <see langword="null"/>.</param>
    /// <returns>The status.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="fallback"/> is <see langword="null"/>.</exception>
    public ApprovalStatus Evaluate(ApprovalRule fallback)
    {
        ArgumentNullException.ThrowIfNull(fallback);
        return (Rule ?? fallback).Evaluate(this);
    }

    /// <summary>Counts the approvals and rejections of the approvers, the last decision of each counting.</summary>
    /// <returns>The number of approvers who approved and who rejected.</returns>
    public (int Approved, int Rejected) Count()
    {
        var last = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var decision in Decisions)
        {
            if (decision.Approver is not null && Approvers.Contains(decision.Approver, StringComparer.Ordinal))
            {
                last[decision.Approver] = decision.Approved;
            }
        }

        var approved = last.Values.Count(v => v);
        return (approved, last.Count - approved);
    }
}

/// <summary>An approval rule: any, all, or n of the m approvers.</summary>
/// <remarks>Immutable and thread-safe. With no approvers at all, <see cref="ApprovalMode.All"/> and
/// <see cref="ApprovalMode.Any"/> are <see cref="ApprovalStatus.Pending"/>: a rule with nobody to ask is never met by
/// accident.</remarks>
public sealed record ApprovalRule
{
    private ApprovalRule(ApprovalMode mode, int required)
    {
        Mode = mode;
        Required = required;
    }

    /// <summary>Gets the rule "one approval is enough".</summary>
    public static ApprovalRule Any { get; } = new(ApprovalMode.Any, 1);

    /// <summary>Gets the rule "every approver must approve".</summary>
    public static ApprovalRule All { get; } = new(ApprovalMode.All, 0);

    /// <summary>Gets the mode.</summary>
    public ApprovalMode Mode { get; }

    /// <summary>Gets the number of approvals required for <see cref="ApprovalMode.NOfM"/> (1 for <see cref="ApprovalMode.Any"/>, 0
    /// for <see cref="ApprovalMode.All"/>, meaning "all of them").</summary>
    public int Required { get; }

    /// <summary>Creates the rule "at least <paramref name="required"/> of the approvers must approve".</summary>
    /// <param name="required">The number of approvals required, 1 to 1000.</param>
    /// <returns>The rule.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="required"/> is outside 1 to 1000.</exception>
    public static ApprovalRule NOfM(int required)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(required, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(required, 1000);
        return new ApprovalRule(ApprovalMode.NOfM, required);
    }

    /// <summary>Decides the status of an approval under this rule.</summary>
    /// <param name="approvals">The approvers and decisions; <see langword="null"/> means none were asked.</param>
    /// <returns>Granted when the rule is met, denied when it can no longer be met, otherwise pending.</returns>
    /// <remarks>For n of m, when fewer than n approvers were asked, the rule can never be met and the status is denied.</remarks>
    public ApprovalStatus Evaluate(ApprovalSet? approvals)
    {
        var m = approvals?.Approvers.Count ?? 0;
        if (m == 0)
        {
            return Mode == ApprovalMode.NOfM ? ApprovalStatus.Denied : ApprovalStatus.Pending;
        }

        var (approved, rejected) = approvals!.Count();
        var needed = Mode switch
        {
            ApprovalMode.Any => 1,
            ApprovalMode.All => m,
            _ => Required,
        };

        if (approved >= needed)
        {
            return ApprovalStatus.Granted;
        }

        return m - rejected < needed ? ApprovalStatus.Denied : ApprovalStatus.Pending;
    }

    /// <summary>Describes the rule, e.g. <c>2 of the approvers</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => Mode switch
    {
        ApprovalMode.Any => "any approver",
        ApprovalMode.All => "all approvers",
        _ => $"{Required} of the approvers",
    };
}
