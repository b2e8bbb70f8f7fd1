using NodaTime;

namespace ServiceDesk.Billing;

/// <summary>How a contract rounds each time entry: to a multiple of an increment, then up to a minimum.</summary>
/// <remarks>
/// <para>First the actual duration is rounded to a multiple of <see cref="Increment"/> in the direction of
/// <see cref="Mode"/> (no rounding when the increment is zero), then raised to <see cref="Minimum"/> if shorter.
/// Example: increment 15 minutes, minimum 30 minutes, mode up: 10 min becomes 30, 31 min becomes 45, 45 stays 45.</para>
/// <para>The rule applies to each entry on its own, never to a sum. <c>default</c> is <see cref="None"/>: no rounding.
/// This type is immutable and thread-safe.</para>
/// </remarks>
public readonly record struct TimeRoundingRule
{
    /// <summary>Initializes a rounding rule.</summary>
    /// <param name="increment">The increment: zero (no rounding) to 24 hours.</param>
    /// <param name="minimum">The minimum billed per entry: zero to 24 hours.</param>
    /// <param name="mode">The rounding direction.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public TimeRoundingRule(Duration increment, Duration minimum, TimeRoundingMode mode = TimeRoundingMode.Up)
    {
        var day = Duration.FromHours(24);
        if (increment < Duration.Zero || increment > day)
        {
            throw new ArgumentOutOfRangeException(nameof(increment), increment, "The increment must be from zero (no rounding) to 24 hours.");
        }

        if (minimum < Duration.Zero || minimum > day)
        {
            throw new ArgumentOutOfRangeException(nameof(minimum), minimum, "The minimum must be from zero to 24 hours.");
        }

        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "The mode must be Up, Nearest or Down.");
        }

        Increment = Duration.FromTicks(increment.BclCompatibleTicks);
        Minimum = Duration.FromTicks(minimum.BclCompatibleTicks);
        Mode = mode;
    }

    /// <summary>Gets the rule that does not round.</summary>
    public static TimeRoundingRule None => default;

    /// <summary>Gets the increment (zero: no rounding).</summary>
    public Duration Increment { get; }

    /// <summary>Gets the minimum billed per entry (zero: none).</summary>
    public Duration Minimum { get; }

    /// <summary>Gets the rounding direction.</summary>
    public TimeRoundingMode Mode { get; }

    /// <summary>Creates an "up to the increment, at least the minimum" rule from minutes.</summary>
    /// <param name="incrementMinutes">The increment in minutes (0 to 1440).</param>
    /// <param name="minimumMinutes">The minimum in minutes (0 to 1440).</param>
    /// <returns>The rule.</returns>
    public static TimeRoundingRule UpTo(int incrementMinutes, int minimumMinutes = 0)
        => new(Duration.FromMinutes(incrementMinutes), Duration.FromMinutes(minimumMinutes));

    /// <summary>Rounds a duration.</summary>
    /// <param name="actual">The actual duration; positive.</param>
    /// <returns>The billed duration (tick precision).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="actual"/> is zero or negative.</exception>
    public Duration Apply(Duration actual)
    {
        if (actual <= Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(actual), actual, "Only a positive duration can be rounded.");
        }

        return Duration.FromTicks(ApplyTicks(actual.BclCompatibleTicks));
    }

    internal long ApplyTicks(long ticks)
    {
        var increment = Increment.BclCompatibleTicks;
        if (increment > 0)
        {
            var whole = ticks / increment * increment;
            var rest = ticks - whole;
            ticks = Mode switch
            {
                TimeRoundingMode.Up => rest > 0 ? whole + increment : whole,
                TimeRoundingMode.Nearest => rest * 2 >= increment ? whole + increment : whole,
                _ => whole,
            };
        }

        return Math.Max(ticks, Minimum.BclCompatibleTicks);
    }
}
