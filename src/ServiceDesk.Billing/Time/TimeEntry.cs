using NodaTime;
using ServiceDesk.Events;

namespace ServiceDesk.Billing;

/// <summary>Whether a time entry has been approved for billing.</summary>
public enum ApprovalState
{
    /// <summary>Waiting for approval; billed only when the contract does not require approval.</summary>
    Pending = 0,

    /// <summary>Approved; billable.</summary>
    Approved = 1,

    /// <summary>Rejected; never billed.</summary>
    Rejected = 2,
}

/// <summary>Time an agent spent on a ticket under a contract: an immutable record.</summary>
/// <remarks>
/// <para><b>Never edited once billed.</b> A correction is a new entry that <see cref="Supersedes"/> the original
/// (see <see cref="Correct"/>); the original stays as it was, and re-invoicing its month issues a credit note. To
/// cancel an entry's billing, correct it to non-billable.</para>
/// <para>The constructor rejects programmer errors (default ids, a blank activity); business faults such as a zero
/// or negative duration, a start in the future or overlaps are reported by <see cref="TimeEntryValidator"/>.</para>
/// <para>The entry belongs to the billing month of its <see cref="Start"/> in the contract's zone, even when it runs
/// past the end of that month. Immutable and thread-safe.</para>
/// </remarks>
public sealed record TimeEntry
{
    private readonly string _activity = string.Empty;

    /// <summary>Initializes a time entry.</summary>
    /// <param name="id">The entry's identifier.</param>
    /// <param name="tenant">The tenant.</param>
    /// <param name="contract">The contract the time is billed under.</param>
    /// <param name="ticket">The ticket worked on.</param>
    /// <param name="agent">The agent who did the work.</param>
    /// <param name="activity">The activity code, e.g. <c>remote</c>, <c>onsite</c>, <c>callout</c>.</param>
    /// <param name="start">When the work started.</param>
    /// <param name="duration">How long it took (validated by <see cref="TimeEntryValidator"/>).</param>
    /// <exception cref="ArgumentException">An identifier is default, or <paramref name="activity"/> is blank or longer than 200 characters.</exception>
    public TimeEntry(TimeEntryId id, TenantId tenant, ContractId contract, TicketId ticket, AgentId agent, string activity, Instant start, Duration duration)
    {
        Ids.ThrowIfDefault(id.IsDefault, nameof(TimeEntryId), nameof(id));
        TenantId.ThrowIfDefault(tenant);
        ContractId.ThrowIfDefault(contract);
        TicketId.ThrowIfDefault(ticket);
        AgentId.ThrowIfDefault(agent);
        Id = id;
        Tenant = tenant;
        Contract = contract;
        Ticket = ticket;
        Agent = agent;
        Activity = activity;
        Start = start;
        Duration = duration;
    }

    /// <summary>Gets the entry's identifier.</summary>
    public TimeEntryId Id { get; init; }

    /// <summary>Gets the tenant.</summary>
    public TenantId Tenant { get; init; }

    /// <summary>Gets the contract the time is billed under.</summary>
    public ContractId Contract { get; init; }

    /// <summary>Gets the ticket worked on.</summary>
    public TicketId Ticket { get; init; }

    /// <summary>Gets the agent who did the work.</summary>
    public AgentId Agent { get; init; }

    /// <summary>Gets the activity code (ordinal comparison).</summary>
    public string Activity
    {
        get => _activity;
        init => _activity = string.IsNullOrWhiteSpace(value) || value.Length > ContractOptions.MaxTextLength
            ? throw new ArgumentException($"An activity must be 1 to {ContractOptions.MaxTextLength} characters and not blank; got {TextPolicy.Echo(value)}.", nameof(Activity))
            : value;
    }

    /// <summary>Gets when the work started.</summary>
    public Instant Start { get; init; }

    /// <summary>Gets how long the work took (actual, before the contract's rounding).</summary>
    public Duration Duration { get; init; }

    /// <summary>Gets when the work ended: <see cref="Start"/> plus <see cref="Duration"/>.</summary>
    public Instant End => Start + Duration;

    /// <summary>Gets a value indicating whether the time is billable. Default: <see langword="true"/>.</summary>
    public bool Billable { get; init; } = true;

    /// <summary>Gets free-text notes, or <see langword="null"/>.</summary>
    public string? Notes { get; init; }

    /// <summary>Gets the agent's role for rate selection (e.g. <c>engineer</c>), or <see langword="null"/>.</summary>
    public string? Role { get; init; }

    /// <summary>Gets the ticket's priority for rate selection, or <see langword="null"/>.</summary>
    public Priority? Priority { get; init; }

    /// <summary>Gets the service the work was for, or <see langword="null"/>.</summary>
    public ServiceId? Service { get; init; }

    /// <summary>Gets the configuration item (service object) the work was on, or <see langword="null"/>.</summary>
    public ConfigurationItemId? ConfigurationItem { get; init; }

    /// <summary>Gets the approval state. Default: <see cref="ApprovalState.Pending"/>.</summary>
    public ApprovalState Approval { get; init; }

    /// <summary>Gets the entry this one corrects (replaces), or <see langword="null"/>.</summary>
    public TimeEntryId? Supersedes { get; init; }

    /// <summary>Creates a time entry from a <see cref="TimeLogged"/> event.</summary>
    /// <param name="logged">The event.</param>
    /// <param name="id">The entry's identifier.</param>
    /// <param name="contract">The contract the time is billed under.</param>
    /// <param name="defaultActivity">The activity when the event has none.</param>
    /// <returns>A pending entry.</returns>
    public static TimeEntry FromEvent(TimeLogged logged, TimeEntryId id, ContractId contract, string defaultActivity = "support")
    {
        ArgumentNullException.ThrowIfNull(logged);
        return new TimeEntry(id, logged.Tenant, contract, logged.Ticket, logged.Agent, logged.Activity ?? defaultActivity, logged.Started, logged.Duration)
        {
            Billable = logged.Billable,
        };
    }

    /// <summary>Creates a correction: a new, pending entry that supersedes this one, with the given changes.</summary>
    /// <param name="id">The new entry's identifier.</param>
    /// <param name="start">The corrected start, or <see langword="null"/> to keep it.</param>
    /// <param name="duration">The corrected duration, or <see langword="null"/> to keep it.</param>
    /// <param name="billable">The corrected billable flag, or <see langword="null"/> to keep it.</param>
    /// <param name="activity">The corrected activity, or <see langword="null"/> to keep it.</param>
    /// <param name="notes">Notes on the correction, or <see langword="null"/> to keep the original notes.</param>
    /// <returns>The correction; this entry is unchanged.</returns>
    public TimeEntry Correct(TimeEntryId id, Instant? start = null, Duration? duration = null, bool? billable = null, string? activity = null, string? notes = null)
    {
        Ids.ThrowIfDefault(id.IsDefault, nameof(TimeEntryId), nameof(id));
        return this with
        {
            Id = id,
            Supersedes = Id,
            Start = start ?? Start,
            Duration = duration ?? Duration,
            Billable = billable ?? Billable,
            Activity = activity ?? Activity,
            Notes = notes ?? Notes,
            Approval = ApprovalState.Pending,
        };
    }

    /// <summary>Returns a copy with another approval state (only before the entry is billed).</summary>
    /// <param name="approval">The state.</param>
    /// <returns>The copy.</returns>
    public TimeEntry WithApproval(ApprovalState approval) => this with { Approval = approval };

    /// <summary>Tells whether another entry keeps this one from being recorded: the same tenant and agent, times that overlap
    /// (the other starts before this one ends and ends after it starts), another id, not the entry this one
    /// <see cref="Supersedes"/>, and not rejected. Pass current entries only (a superseded entry blocks nothing).</summary>
    /// <param name="other">The other entry.</param>
    /// <returns><see langword="true"/> when <paramref name="other"/> blocks this entry.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is <see langword="null"/>.</exception>
    /// <remarks>The rule of <see cref="DurableLedger.RecordTimeAsync"/> and <see cref="IBillingStore.AddTimeEntryUnlessOverlappingAsync"/>.</remarks>
    public bool ConflictsWith(TimeEntry other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return other.Tenant == Tenant && other.Agent == Agent && other.Start < End && other.End > Start
            && other.Id != Id && other.Id != Supersedes && other.Approval != ApprovalState.Rejected;
    }
}
