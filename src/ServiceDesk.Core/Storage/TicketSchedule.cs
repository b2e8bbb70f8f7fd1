using NodaTime;

namespace ServiceDesk.Storage;

/// <summary>
/// What a store keeps beside a ticket's snapshot so that due work and queues are range queries instead of scans: the
/// ticket's one timer (when the escalation sweeper must next look at it), its next deadline, and whether it is in the
/// work queues at all.
/// </summary>
/// <remarks>
/// <para>A ticket has at most one timer. The engine computes it after every command (the earliest of the next SLA
/// threshold, the next breach and the next escalation rule) and stores it with the command's events through
/// <see cref="TicketAppend.Schedule"/>, in the same transaction, so a timer can never describe a ticket state that was not
/// stored. <see cref="ITimerStore"/> claims due timers for the sweeper.</para>
/// <para><see cref="Deadline"/> is the earliest due instant of the ticket's running SLA clocks (<see langword="null"/> when
/// no clock is running, e.g. on hold); <see cref="ITimerStore.QueryScheduleAsync"/> orders queues by it.</para>
/// <para>Immutable and thread-safe.</para>
/// </remarks>
public sealed record TicketSchedule
{
    /// <summary>The maximum length of <see cref="TimerPurpose"/>: 200 characters.</summary>
    public const int MaxPurposeLength = 200;

    /// <summary>Gets a schedule with no timer, no deadline and no place in the queues (a closed ticket).</summary>
    public static TicketSchedule None { get; } = new(null, null, null, false);

    /// <summary>Initializes a schedule.</summary>
    /// <param name="timerDueAt">When the sweeper must next look at the ticket, or <see langword="null"/> for no timer.</param>
    /// <param name="timerPurpose">Why (free text for logs and diagnostics, e.g. <c>escalation L2 resolution#1</c>); required
    /// with a timer (1 to 200 characters, not blank), and must be <see langword="null"/> without one.</param>
    /// <param name="deadline">The earliest due instant of the ticket's running SLA clocks, or <see langword="null"/>.</param>
    /// <param name="queued">Whether the ticket is open work that belongs in the queues.</param>
    /// <exception cref="ArgumentException">A purpose is given without a timer, is missing with one, or is blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The purpose is longer than 200 characters.</exception>
    public TicketSchedule(Instant? timerDueAt, string? timerPurpose, Instant? deadline, bool queued)
    {
        if (timerDueAt is null && timerPurpose is not null)
        {
            throw new ArgumentException($"A timer purpose ({TextPolicy.Echo(timerPurpose)}) needs a timer instant.", nameof(timerPurpose));
        }

        if (timerDueAt is not null && timerPurpose is null)
        {
            throw new ArgumentException("A timer needs a purpose (1 to 200 characters).", nameof(timerPurpose));
        }

        TimerDueAt = timerDueAt;
        TimerPurpose = timerPurpose is null ? null : Guard.Text(timerPurpose, MaxPurposeLength, required: true, nameof(timerPurpose));
        Deadline = deadline;
        Queued = queued;
    }

    /// <summary>Gets when the sweeper must next look at the ticket, or <see langword="null"/> for no timer.</summary>
    public Instant? TimerDueAt { get; }

    /// <summary>Gets why the timer is set, or <see langword="null"/> without a timer.</summary>
    public string? TimerPurpose { get; }

    /// <summary>Gets the earliest due instant of the ticket's running SLA clocks, or <see langword="null"/>.</summary>
    public Instant? Deadline { get; }

    /// <summary>Gets whether the ticket is open work that belongs in the queues.</summary>
    public bool Queued { get; }
}

/// <summary>A timer claimed by <see cref="ITimerStore.ClaimDueTimersAsync"/>: no other claim gets it until the lease expires,
/// the lease holder completes or releases it, or an append replaces the ticket's schedule.</summary>
/// <param name="Tenant">The ticket's tenant.</param>
/// <param name="Ticket">The ticket.</param>
/// <param name="DueAt">When the timer was due.</param>
/// <param name="Purpose">The timer's purpose.</param>
/// <param name="Token">The claim's token: identifies this claim, and only this claim, to
/// <see cref="ITimerStore.CompleteTimerAsync"/> and <see cref="ITimerStore.ReleaseTimerAsync"/>.</param>
/// <param name="ExpiresAt">When the lease ends and the timer may be claimed again.</param>
public sealed record TimerLease(TenantId Tenant, TicketId Ticket, Instant DueAt, string Purpose, Guid Token, Instant ExpiresAt);

/// <summary>A ticket in a queue page of <see cref="ITimerStore.QueryScheduleAsync"/>.</summary>
/// <param name="Ticket">The ticket's latest snapshot.</param>
/// <param name="Schedule">Its schedule.</param>
public sealed record ScheduledTicket(Ticket Ticket, TicketSchedule Schedule);

/// <summary>One page of <see cref="ITimerStore.QueryScheduleAsync"/>.</summary>
/// <param name="Items">The tickets, in queue order; at most the requested page size.</param>
/// <param name="ContinuationToken">The token for the next page, or <see langword="null"/> when this is the last page.</param>
public sealed record SchedulePage(IReadOnlyList<ScheduledTicket> Items, string? ContinuationToken);
