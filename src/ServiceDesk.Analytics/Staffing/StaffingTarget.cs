using NodaTime;

namespace ServiceDesk.Analytics;

/// <summary>
/// A service level to staff for: answer <see cref="ServiceLevel"/> of contacts within <see cref="AnswerWithin"/>, with
/// agents busy at most <see cref="MaxOccupancy"/> of the time, and <see cref="Shrinkage"/> of paid time unavailable.
/// </summary>
/// <remarks>Immutable; every value is validated when set. Example: 80 % within 20 seconds, 30 % shrinkage, at most 85 %
/// occupancy: <c>new StaffingTarget(0.80, Duration.FromSeconds(20)) { Shrinkage = 0.30, MaxOccupancy = 0.85 }</c>.</remarks>
/// <param name="ServiceLevel">The fraction of contacts to answer in time, strictly between 0 and 1 (a target of 0 needs no
/// agents, and Erlang C never reaches 100 %).</param>
/// <param name="AnswerWithin">The answer time, zero or positive (zero: answered without waiting).</param>
public sealed record StaffingTarget(double ServiceLevel, Duration AnswerWithin)
{
    /// <summary>Gets the fraction of contacts to answer within <see cref="AnswerWithin"/>, in <c>(0, 1)</c>.</summary>
    public double ServiceLevel { get; init; } = double.IsFinite(ServiceLevel) && ServiceLevel is > 0 and < 1
        ? ServiceLevel
        : throw new ArgumentOutOfRangeException(
            nameof(ServiceLevel), ServiceLevel,
            $"The service level target {TextPolicy.Echo(ServiceLevel)} must be more than 0 and less than 1 (0 % needs no agents; Erlang C never answers 100 % in time).");

    /// <summary>Gets the answer time target.</summary>
    public Duration AnswerWithin { get; init; } = AnswerWithin < Duration.Zero
        ? throw new ArgumentOutOfRangeException(nameof(AnswerWithin), AnswerWithin, "The answer time target must be zero or positive.")
        : AnswerWithin;

    /// <summary>Gets the fraction of scheduled time agents are not available for contacts (breaks, training, absence),
    /// in <c>[0, 1)</c>; default 0. Scheduled agents = <c>ceil(agents / (1 - Shrinkage))</c>.</summary>
    public double Shrinkage
    {
        get;
        init => field = double.IsFinite(value) && value is >= 0 and < 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Shrinkage), value, $"Shrinkage {TextPolicy.Echo(value)} must be at least 0 and less than 1.");
    }

    /// <summary>Gets the highest allowed occupancy <c>A / N</c> (traffic per agent), in <c>(0, 1]</c>; default 1 (no cap).</summary>
    public double MaxOccupancy
    {
        get;
        init => field = double.IsFinite(value) && value is > 0 and <= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxOccupancy), value, $"Maximum occupancy {TextPolicy.Echo(value)} must be more than 0 and at most 1.");
    } = 1;
}

/// <summary>The staff needed for one interval.</summary>
/// <param name="Erlangs">The offered traffic <c>A = arrivals / interval × average handle time</c>.</param>
/// <param name="Agents">The agents needed on the phones: the smallest <c>N</c> with <c>N &gt; A</c>, service level at
/// least the target and occupancy <c>A / N</c> at most the cap; 0 when nothing arrives.</param>
/// <param name="ScheduledAgents">The agents to schedule once shrinkage is allowed for: <c>ceil(Agents / (1 - Shrinkage))</c>.</param>
/// <param name="ServiceLevel">The service level <paramref name="Agents"/> achieve (1 when nothing arrives).</param>
/// <param name="Occupancy">The occupancy <c>A / Agents</c> (0 when nothing arrives).</param>
/// <param name="AverageSpeedOfAnswer">The average speed of answer with <paramref name="Agents"/>.</param>
/// <param name="LimitedByOccupancy">Whether the occupancy cap, not the service level, decided <paramref name="Agents"/>.</param>
public sealed record StaffingRequirement(
    double Erlangs, int Agents, int ScheduledAgents, double ServiceLevel, double Occupancy, Duration AverageSpeedOfAnswer, bool LimitedByOccupancy);
