using NodaTime;

namespace ServiceDesk.Events;

/// <summary>A ticket's classification was edited: its category, service, configuration item and contract, as they are after
/// the edit and as they were before (like <see cref="Assigned"/>, one event carries every field of one edit).</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Ticket">The ticket.</param>
/// <param name="Version">The version produced.</param>
/// <param name="At">When it happened.</param>
/// <param name="Actor">Who edited.</param>
/// <param name="Category">The category after the edit, or <see langword="null"/> for none.</param>
/// <param name="Service">The affected service after the edit, or <see langword="null"/>.</param>
/// <param name="ConfigurationItem">The configuration item after the edit, or <see langword="null"/>.</param>
/// <param name="Contract">The contract after the edit, or <see langword="null"/>.</param>
/// <param name="PreviousCategory">The category before the edit, or <see langword="null"/>.</param>
/// <param name="PreviousService">The service before the edit, or <see langword="null"/>.</param>
/// <param name="PreviousConfigurationItem">The configuration item before the edit, or <see langword="null"/>.</param>
/// <param name="PreviousContract">The contract before the edit, or <see langword="null"/>.</param>
/// <remarks>Fields the edit left as they were carry the same value on both sides.</remarks>
public sealed record ClassificationChanged(
    TenantId Tenant, TicketId Ticket, long Version, Instant At, Actor Actor,
    TicketCategory? Category, ServiceId? Service, ConfigurationItemId? ConfigurationItem, ContractId? Contract,
    TicketCategory? PreviousCategory, ServiceId? PreviousService, ConfigurationItemId? PreviousConfigurationItem, ContractId? PreviousContract)
    : TicketEvent(Tenant, Ticket, Version, At, Actor);

/// <summary>The SLA policy of a ticket was selected again after an edit (the engine's <c>sla.policy</c> attribute now names
/// <paramref name="Policy"/>).</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Ticket">The ticket.</param>
/// <param name="Version">The version produced.</param>
/// <param name="At">When it happened.</param>
/// <param name="Actor">Who caused it (the engine records it as the system).</param>
/// <param name="Policy">The policy in force from now on, 1 to 200 characters.</param>
/// <param name="PreviousPolicy">The policy before, or <see langword="null"/> when the ticket had none.</param>
/// <param name="Restarted"><see langword="true"/> when the new policy's clocks start at this event (nothing before counts);
/// <see langword="false"/> when they are measured over the ticket's whole history (elapsed time is kept).</param>
public sealed record SlaPolicyReselected(
    TenantId Tenant, TicketId Ticket, long Version, Instant At, Actor Actor,
    string Policy, string? PreviousPolicy, bool Restarted)
    : TicketEvent(Tenant, Ticket, Version, At, Actor)
{
    /// <summary>The maximum length of a policy name: 200 (as an SLA policy's name).</summary>
    public const int MaxPolicyLength = 200;

    /// <summary>Gets the policy in force from now on.</summary>
    public string Policy { get; init; } = Guard.Text(Policy, MaxPolicyLength, required: true, nameof(Policy));

    /// <summary>Gets the policy before, if any.</summary>
    public string? PreviousPolicy { get; init; } = Guard.OptionalText(PreviousPolicy, MaxPolicyLength, nameof(PreviousPolicy));
}

/// <summary>An agent set (or cleared) the due instant of one SLA metric of a ticket by hand.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Ticket">The ticket.</param>
/// <param name="Version">The version produced.</param>
/// <param name="At">When it happened.</param>
/// <param name="Actor">Who set it.</param>
/// <param name="Metric">The metric's name in the ticket's policy (e.g. <c>resolution</c>), 1 to 64 characters.</param>
/// <param name="Due">The due instant, or <see langword="null"/> when the override is cleared and the computed due applies again.</param>
/// <param name="Reason">Why, up to 100 characters, if given.</param>
public sealed record SlaDueOverridden(
    TenantId Tenant, TicketId Ticket, long Version, Instant At, Actor Actor,
    string Metric, Instant? Due, string? Reason)
    : TicketEvent(Tenant, Ticket, Version, At, Actor)
{
    /// <summary>The maximum length of a metric name: 64 (as an SLA metric's name).</summary>
    public const int MaxMetricLength = 64;

    /// <summary>Gets the metric's name.</summary>
    public string Metric { get; init; } = Guard.Text(Metric, MaxMetricLength, required: true, nameof(Metric));

    /// <summary>Gets why, if given.</summary>
    public string? Reason { get; init; } = Guard.OptionalText(Reason, ServiceDesk.Ticket.MaxHoldReasonLength, nameof(Reason));
}
