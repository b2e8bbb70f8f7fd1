using System.Globalization;
using NodaTime;

namespace ServiceDesk.Sla;

/// <summary>
/// An immutable set of SLA policies with a deterministic selection rule, loadable from JSON.
/// </summary>
/// <remarks>
/// <para>
/// <b>Precedence.</b> <see cref="Select"/> considers the policies that apply to the ticket and takes the most specific:
/// a policy constrained by contract beats every policy that is not; among those, one constrained by service beats one
/// that is not; then customer tier, then priority, then ticket kind (<see cref="SlaPolicy.Specificity"/> compares these
/// as bits). Policies equally specific are taken in definition order: the first wins. A policy with no criteria is the
/// catch-all.
/// </para>
/// <para>
/// <b>Priority changes.</b> Selection is made with the ticket's context when its clocks start; a later priority change
/// re-targets the selected policy's metrics through their per-priority targets and <see cref="SlaMetric.PriorityChange"/>.
/// A host that wants a different policy after a change selects again and starts new clocks.
/// </para>
/// <para>Instances are immutable and thread-safe.</para>
/// </remarks>
public sealed partial class SlaPolicySet
{
    /// <summary>Initializes a set from policies.</summary>
    /// <param name="policies">The policies, in definition order; names must be unique.</param>
    /// <exception cref="ArgumentNullException"><paramref name="policies"/> or one of them is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDefinitionException">Two policies have the same name.</exception>
    public SlaPolicySet(IEnumerable<SlaPolicy> policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        var list = policies.ToList();
        if (list.Exists(p => p is null))
        {
            throw new ArgumentNullException(nameof(policies), "A policy is null.");
        }

        var errors = list.Select((p, i) => (p, i))
            .Where(x => list.Take(x.i).Any(q => string.Equals(q.Name, x.p.Name, StringComparison.Ordinal)))
            .Select(x => string.Create(CultureInfo.InvariantCulture, $"$.policies[{x.i}].name: {TextPolicy.Echo(x.p.Name)} is already the name of another policy; names must be unique."))
            .ToList();
        if (errors.Count > 0)
        {
            throw new InvalidDefinitionException("SLA policy set", errors);
        }

        Policies = list.AsReadOnly();
    }

    /// <summary>Gets the policies, in definition order.</summary>
    public IReadOnlyList<SlaPolicy> Policies { get; }

    /// <summary>Selects the policy for a ticket by the documented precedence.</summary>
    /// <param name="ticket">The ticket's context.</param>
    /// <returns>The most specific applicable policy (the first of equally specific ones), or <see langword="null"/> when none applies.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ticket"/> is <see langword="null"/>.</exception>
    public SlaPolicy? Select(SlaTicketContext ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        SlaPolicy? best = null;
        foreach (var policy in Policies)
        {
            if (policy.AppliesTo(ticket) && (best is null || policy.Specificity > best.Specificity))
            {
                best = policy;
            }
        }

        return best;
    }

    /// <summary>Selects the policy for a ticket and evaluates its clocks.</summary>
    /// <param name="ticket">The ticket's context.</param>
    /// <param name="timeline">The ticket's timeline.</param>
    /// <param name="now">The evaluation instant.</param>
    /// <returns>One state per metric of the selected policy; empty when no policy applies.</returns>
    public IReadOnlyList<SlaClockState> Evaluate(SlaTicketContext ticket, TicketTimeline timeline, Instant now)
        => Select(ticket)?.Evaluate(timeline, now) ?? [];
}
