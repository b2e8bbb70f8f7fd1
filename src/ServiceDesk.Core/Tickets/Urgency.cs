using System.Globalization;

namespace ServiceDesk;

/// <summary>How quickly an issue needs resolving: how soon the business feels its effect.</summary>
/// <remarks>
/// <para>A level from 1 (work stopped) to <see cref="MaxLevel"/>; a smaller level is more severe. The ITIL default uses three
/// levels: <see cref="High"/> (1), <see cref="Medium"/> (2) and <see cref="Low"/> (3). Custom
/// <see cref="PriorityMatrix"/> instances may use any number of levels up to <see cref="MaxLevel"/>.</para>
/// <para><c>default(Urgency)</c> has level 0 and is not a valid urgency; <see cref="IsDefault"/> tells it apart.</para>
/// </remarks>
public readonly record struct Urgency : IComparable<Urgency>
{
    /// <summary>The largest level a urgency can have: 9.</summary>
    public const int MaxLevel = 9;

    /// <summary>Initializes a new urgency level.</summary>
    /// <param name="level">The level, 1 (most severe) to <see cref="MaxLevel"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="level"/> is outside 1 to 9.</exception>
    public Urgency(int level)
    {
        if (level < 1 || level > MaxLevel)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, $"A urgency level must be between 1 and {MaxLevel}.");
        }

        Level = level;
    }

    /// <summary>Gets the urgency level 1 (work cannot continue), the highest of the ITIL default.</summary>
    public static Urgency High => new(1);

    /// <summary>Gets the urgency level 2 (work is degraded).</summary>
    public static Urgency Medium => new(2);

    /// <summary>Gets the urgency level 3 (work can continue), the lowest of the ITIL default.</summary>
    public static Urgency Low => new(3);

    /// <summary>Gets the level: 1 is the most severe; 0 for <c>default(Urgency)</c>.</summary>
    public int Level { get; }

    /// <summary>Gets a value indicating whether this is <c>default(Urgency)</c>, which is not a valid urgency.</summary>
    public bool IsDefault => Level == 0;

    /// <inheritdoc />
    public int CompareTo(Urgency other) => Level.CompareTo(other.Level);

    /// <summary>Returns <c>High</c>, <c>Medium</c>, <c>Low</c> for levels 1 to 3, else the level number.</summary>
    /// <returns>The display text.</returns>
    public override string ToString() => Level switch
    {
        0 => "(default)",
        1 => "High",
        2 => "Medium",
        3 => "Low",
        _ => Level.ToString(CultureInfo.InvariantCulture),
    };
}
