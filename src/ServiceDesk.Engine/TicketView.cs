using NodaTime;
using ServiceDesk.Sla;

namespace ServiceDesk.Engine;

/// <summary>A ticket with its SLA clocks evaluated at one instant: what the engine's queries return.</summary>
/// <param name="Ticket">The ticket snapshot.</param>
/// <param name="SlaPolicy">The name of the ticket's SLA policy, or <see langword="null"/> when none applies.</param>
/// <param name="Clocks">One state per metric of the policy, in definition order; empty without a policy.</param>
/// <param name="EvaluatedAt">The instant the clocks were evaluated at.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record TicketView(Ticket Ticket, string? SlaPolicy, IReadOnlyList<SlaClockState> Clocks, Instant EvaluatedAt)
{
    /// <summary>Gets the earliest due instant of a clock that is running or paused (the next deadline), or
    /// <see langword="null"/> when no clock has one.</summary>
    public Instant? NextDueAt => Min(Clocks, static c => c.Stage is SlaStage.Running or SlaStage.Paused ? c.DueAt : null);

    /// <summary>Gets the earliest <see cref="SlaClockState.NextTimerAt"/> of the clocks, or <see langword="null"/>.</summary>
    public Instant? NextSlaTimerAt => Min(Clocks, static c => c.NextTimerAt);

    /// <summary>Gets a value indicating whether a clock's current cycle is breached.</summary>
    public bool IsBreached => Clocks.Any(static c => c.IsBreached);

    internal static Instant? Min(IEnumerable<SlaClockState> clocks, Func<SlaClockState, Instant?> pick)
    {
        Instant? min = null;
        foreach (var clock in clocks)
        {
            if (pick(clock) is { } at && (min is null || at < min))
            {
                min = at;
            }
        }

        return min;
    }
}

/// <summary>One page of <see cref="ServiceDeskEngine.GetQueuePageAsync"/>.</summary>
/// <param name="Items">The tickets with their live SLA clocks, in queue order.</param>
/// <param name="ContinuationToken">The token for the next page, or <see langword="null"/> when this is the last page.</param>
public sealed record TicketViewPage(IReadOnlyList<TicketView> Items, string? ContinuationToken);
