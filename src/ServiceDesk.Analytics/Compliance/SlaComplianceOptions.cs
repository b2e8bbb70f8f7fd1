using NodaTime;
using ServiceDesk.Sla;

namespace ServiceDesk.Analytics;

/// <summary>What <see cref="SlaCompliance"/> measures against: the SLA policies, the evaluation instant, the zone of the
/// months and which statuses are holds.</summary>
/// <remarks>
/// Defaults: no policies and no evaluation instant (both required), months in UTC, hold status <c>OnHold</c>. Read once
/// when a <see cref="SlaComplianceAccumulator"/> is created; later changes have no effect on it. Invalid options throw one
/// <see cref="ArgumentException"/> listing every fault.
/// </remarks>
public sealed class SlaComplianceOptions
{
    /// <summary>Gets or sets the SLA policies to evaluate (required): each ticket's policy is selected from it as the engine
    /// selects it (<see cref="SlaPolicySet.Select"/>, or the policy named by <see cref="SlaTicketFacts.Policy"/>).</summary>
    public SlaPolicySet? Policies { get; set; }

    /// <summary>Gets or sets the instant at which every clock is evaluated (required; the library never reads the machine
    /// clock). Events after it have not happened yet; tickets opened after it are not evaluated.</summary>
    public Instant? AsOf { get; set; }

    /// <summary>Gets or sets the zone whose calendar months <see cref="SlaMetricCompliance.ByMonth"/> uses; default UTC.</summary>
    public DateTimeZone Zone { get; set; } = DateTimeZone.Utc;

    /// <summary>Gets the statuses that are holds (default <c>OnHold</c>): entering one tells the clocks the ticket is on hold,
    /// with the status change's reason as the hold reason, or the status's name when it has none (the engine's rule for a
    /// workflow's hold states).</summary>
    public ICollection<TicketStatus> HoldStatuses { get; } = [TicketStatus.OnHold];

    /// <summary>Gets or sets a value indicating whether every cycle of a metric is judged (default
    /// <see langword="true"/>): a next-response clock that restarts with each customer reply, or a resolution clock that
    /// a reopen restarts (<see cref="SlaReopenBehavior.NewCycle"/>), gives one outcome per cycle, each ended cycle as it
    /// stood when the next one started. <see langword="false"/> judges only the current cycle at <see cref="AsOf"/>, as
    /// the engine's <c>TicketView</c> shows it.</summary>
    public bool EveryCycle { get; set; } = true;
}

/// <summary>What the events of a ticket do not say but SLA policy selection and the breakdowns need: its contract,
/// service and customer tier, and the policy a routing rule named for it. Take them from the ticket's snapshot
/// (<see cref="FromTicket"/>).</summary>
/// <param name="Contract">The contract, if any.</param>
/// <param name="Service">The affected service, if any.</param>
/// <param name="CustomerTier">The customer's tier (e.g. <c>"VIP"</c>), if any.</param>
/// <param name="Policy">The name of the policy a routing rule chose when the ticket was opened, if any: it wins over
/// selection when the policy set has it, as in the engine; otherwise selection decides.</param>
public sealed record SlaTicketFacts(ContractId? Contract = null, ServiceId? Service = null, string? CustomerTier = null, string? Policy = null)
{
    /// <summary>Takes the contract and service from a ticket's snapshot, and the customer tier and opening policy the engine
    /// keeps in it (the string attributes <c>sla.tier</c> and <c>sla.policy</c>, <c>ServiceDeskEngine.CustomerTierAttribute</c>
    /// and <c>ServiceDeskEngine.SlaPolicyAttribute</c>) unless given.</summary>
    /// <param name="ticket">The ticket.</param>
    /// <param name="customerTier">The customer's tier; <see langword="null"/> for the ticket's <c>sla.tier</c>, if any.</param>
    /// <param name="policy">The policy chosen at opening; <see langword="null"/> for the ticket's <c>sla.policy</c>, if any
    /// (a later re-selection is read from the history's <see cref="Events.SlaPolicyReselected"/> events).</param>
    /// <returns>The facts.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ticket"/> is <see langword="null"/>.</exception>
    public static SlaTicketFacts FromTicket(Ticket ticket, string? customerTier = null, string? policy = null)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        return new SlaTicketFacts(ticket.Contract, ticket.Service, customerTier ?? Text(ticket, "sla.tier"), policy ?? Text(ticket, "sla.policy"));
    }

    private static string? Text(Ticket ticket, string key)
        => ticket.Attributes.TryGetValue(key, out var value) && value.Kind == AttributeKind.String ? value.AsString() : null;
}
