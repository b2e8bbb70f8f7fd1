using System.Globalization;
using NodaTime;

namespace ServiceDesk.Sla;

/// <summary>How an <see cref="SlaThreshold"/> is expressed.</summary>
public enum SlaThresholdKind
{
    /// <summary>A percentage of the target's business time (e.g. 75 %).</summary>
    Percent = 0,

    /// <summary>An amount of business time before the due instant.</summary>
    BeforeDue = 1,

    /// <summary>An amount of business time after the due instant.</summary>
    AfterDue = 2,
}

/// <summary>
/// A point on an SLA clock at which something should happen (a warning, an escalation): a percentage of the target
/// or a business-time offset before or after the due instant.
/// </summary>
/// <remarks>
/// <para>
/// Every threshold is reduced to an amount of elapsed business time: <c>Percent(p)</c> is <c>p %</c> of the target
/// (rounded up to the tick, so it is never reached early), <c>BeforeDue(o)</c> is <c>target - o</c> (zero when
/// <c>o</c> exceeds the target: reached at the start) and <c>AfterDue(o)</c> is <c>target + o</c>. Offsets are therefore
/// counted backwards (or forwards) in business time, and pauses move thresholds exactly as they move the due instant.
/// With a manual due override the thresholds are placed relative to the fixed due instead (see <see cref="SlaClock"/>).
/// </para>
/// <para>Instances are immutable and thread-safe.</para>
/// </remarks>
public sealed class SlaThreshold : IEquatable<SlaThreshold>
{
    /// <summary>The largest percentage accepted: 1000 %.</summary>
    public const decimal MaxPercent = 1000m;

    private SlaThreshold(SlaThresholdKind kind, decimal percentage, Duration offset)
    {
        Kind = kind;
        Percentage = percentage;
        Offset = offset;
    }

    /// <summary>Gets how the threshold is expressed.</summary>
    public SlaThresholdKind Kind { get; }

    /// <summary>Gets the percentage of the target for <see cref="SlaThresholdKind.Percent"/>; zero otherwise.</summary>
    public decimal Percentage { get; }

    /// <summary>Gets the business-time offset for <see cref="SlaThresholdKind.BeforeDue"/> and <see cref="SlaThresholdKind.AfterDue"/>; zero otherwise.</summary>
    public Duration Offset { get; }

    /// <summary>Creates a threshold at a percentage of the target.</summary>
    /// <param name="percentage">More than 0 and at most <see cref="MaxPercent"/> (100 is the due instant).</param>
    /// <returns>The threshold.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="percentage"/> is out of range.</exception>
    public static SlaThreshold Percent(decimal percentage)
    {
        if (percentage <= 0 || percentage > MaxPercent)
        {
            throw new ArgumentOutOfRangeException(nameof(percentage), percentage, $"The percentage must be more than 0 and at most {MaxPercent}.");
        }

        return new SlaThreshold(SlaThresholdKind.Percent, percentage, Duration.Zero);
    }

    /// <summary>Creates a threshold an amount of business time before the due instant.</summary>
    /// <param name="offset">More than zero.</param>
    /// <returns>The threshold.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is zero or negative.</exception>
    public static SlaThreshold BeforeDue(Duration offset) => new(SlaThresholdKind.BeforeDue, 0, Positive(offset));

    /// <summary>Creates a threshold an amount of business time after the due instant.</summary>
    /// <param name="offset">More than zero.</param>
    /// <returns>The threshold.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is zero or negative.</exception>
    public static SlaThreshold AfterDue(Duration offset) => new(SlaThresholdKind.AfterDue, 0, Positive(offset));

    /// <inheritdoc />
    public bool Equals(SlaThreshold? other) => other is not null && Kind == other.Kind && Percentage == other.Percentage && Offset == other.Offset;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as SlaThreshold);

    private string? _text;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, Percentage, Offset);

    /// <summary>Describes the threshold, e.g. <c>75%</c>, <c>30m before due</c>.</summary>
    /// <returns>The description (computed once: the engine compares it on every command).</returns>
    public override string ToString() => _text ??= Kind switch
    {
        SlaThresholdKind.Percent => Percentage.ToString(CultureInfo.InvariantCulture) + "%",
        SlaThresholdKind.BeforeDue => SlaDurationText.Format(Offset) + " before due",
        _ => SlaDurationText.Format(Offset) + " after due",
    };

    /// <summary>The elapsed business time at which the threshold is reached, for a target.</summary>
    internal Duration ElapsedAt(Duration target) => Kind switch
    {
        SlaThresholdKind.Percent => Duration.FromTicks((long)decimal.Ceiling(target.BclCompatibleTicks * Percentage / 100m)),
        SlaThresholdKind.BeforeDue => target > Offset ? target - Offset : Duration.Zero,
        _ => target + Offset,
    };

    private static Duration Positive(Duration offset)
    {
        if (offset <= Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, "The offset must be more than zero.");
        }

        return offset;
    }
}
