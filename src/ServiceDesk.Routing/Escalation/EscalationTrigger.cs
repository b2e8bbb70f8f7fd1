using NodaTime;

namespace ServiceDesk.Routing;

/// <summary>When an escalation rule fires: at an SLA threshold or after idle business time. Immutable and thread-safe.</summary>
public sealed class EscalationTrigger
{
    private EscalationTrigger(string? metric, int? percent, Duration? offset, Duration? idle)
    {
        Metric = metric;
        Percent = percent;
        OffsetFromDue = offset;
        Idle = idle;
    }

    /// <summary>Gets the SLA metric the trigger watches; <see langword="null"/> for an idle trigger.</summary>
    public string? Metric { get; }

    /// <summary>Gets the per cent of the target (1 to 1,000) at which the trigger fires, for a percentage threshold.</summary>
    public int? Percent { get; }

    /// <summary>Gets the business-time offset from the deadline (negative before, positive after), for an offset threshold.</summary>
    public Duration? OffsetFromDue { get; }

    /// <summary>Gets the idle business time since the last public update, for an idle trigger.</summary>
    public Duration? Idle { get; }

    /// <summary>Gets a value indicating whether this is an idle trigger.</summary>
    public bool IsIdle => Idle is not null;

    /// <summary>Creates a trigger at a percentage of an SLA clock's target: 75 fires with a quarter of the target left,
    /// 100 at the deadline, 150 half a target after it.</summary>
    /// <param name="metric">The metric name, e.g. <c>resolution</c>.</param>
    /// <param name="percent">1 to 1,000.</param>
    /// <returns>The trigger.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="metric"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="metric"/> is blank or longer than 64 characters.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="percent"/> is outside 1 to 1,000.</exception>
    public static EscalationTrigger SlaPercent(string metric, int percent)
    {
        ValidateMetric(metric);
        if (percent is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(percent), percent, "A threshold percentage must be between 1 and 1,000.");
        }

        return new(metric, percent, null, null);
    }

    /// <summary>Creates a trigger at a business-time offset from an SLA clock's deadline.</summary>
    /// <param name="metric">The metric name.</param>
    /// <param name="offsetFromDue">Negative for before the deadline (−1 h: one business hour before), zero at it, positive
    /// after it; at most 365 days either way.</param>
    /// <returns>The trigger.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="metric"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="metric"/> is blank or longer than 64 characters.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offsetFromDue"/> is more than 365 days either way.</exception>
    public static EscalationTrigger SlaOffset(string metric, Duration offsetFromDue)
    {
        ValidateMetric(metric);
        if (offsetFromDue > Duration.FromDays(365) || offsetFromDue < -Duration.FromDays(365))
        {
            throw new ArgumentOutOfRangeException(nameof(offsetFromDue), offsetFromDue, "An offset must be within 365 days of the deadline.");
        }

        return new(metric, null, offsetFromDue, null);
    }

    /// <summary>Creates a trigger after <paramref name="businessTime"/> without a public update (measured in the policy's
    /// business calendar, or real time when it has none).</summary>
    /// <param name="businessTime">Greater than zero, at most 365 days.</param>
    /// <returns>The trigger.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="businessTime"/> is out of range.</exception>
    public static EscalationTrigger IdleFor(Duration businessTime)
    {
        if (businessTime <= Duration.Zero || businessTime > Duration.FromDays(365))
        {
            throw new ArgumentOutOfRangeException(nameof(businessTime), businessTime, "Idle time must be greater than zero and at most 365 days.");
        }

        return new(null, null, null, businessTime);
    }

    /// <summary>Returns a description such as <c>resolution at 75%</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
        => Idle is { } idle ? $"idle for {idle}"
            : Percent is { } p ? $"{Metric} at {p}%"
            : OffsetFromDue!.Value < Duration.Zero ? $"{Metric} {-OffsetFromDue.Value} before due"
            : $"{Metric} {OffsetFromDue.Value} after due";

    internal Instant? ThresholdOf(in SlaClockSnapshot clock)
    {
        if (Percent is { } percent)
        {
            // percent of target elapsed = (100 - percent)% of target still to go before the deadline.
            var before = Duration.FromTicks(clock.Target.BclCompatibleTicks * (100 - percent) / 100);
            return clock.BeforeDue(before);
        }

        return clock.BeforeDue(-OffsetFromDue!.Value);
    }

    private static void ValidateMetric(string metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        if (string.IsNullOrWhiteSpace(metric) || metric.Length > 64)
        {
            throw new ArgumentException($"A metric name must be 1 to 64 characters and not blank; got {TextPolicy.Echo(metric)}.", nameof(metric));
        }
    }
}
