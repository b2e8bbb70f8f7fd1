using System.Globalization;

namespace ServiceDesk;

/// <summary>How widely an issue affects the business: the number of users, services or the revenue it touches.</summary>
/// <remarks>
/// <para>A level from 1 (enterprise-wide) to <see cref="MaxLevel"/>; a smaller level is more severe. The ITIL default uses three
/// levels: <see cref="High"/> (1), <see cref="Medium"/> (2) and <see cref="Low"/> (3). Custom
/// <see cref="PriorityMatrix"/> instances may use any number of levels up to <see cref="MaxLevel"/>.</para>
/// <para><c>default(Impact)</c> has level 0 and is not a valid impact; <see cref="IsDefault"/> tells it apart.</para>
/// </remarks>
public readonly record struct Impact : IComparable<Impact>
{
    /// <summary>The largest level a impact can have: 9.</summary>
    public const int MaxLevel = 9;

    /// <summary>Initializes a new impact level.</summary>
    /// <param name="level">The level, 1 (most severe) to <see cref="MaxLevel"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="level"/> is outside 1 to 9.</exception>
    public Impact(int level)
    {
        if (level < 1 || level > MaxLevel)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, $"A impact level must be between 1 and {MaxLevel}.");
        }

        Level = level;
    }

    /// <summary>Gets the impact level 1 (many users or a whole service), the highest of the ITIL default.</summary>
    public static Impact High => new(1);

    /// <summary>Gets the impact level 2 (a department or several users).</summary>
    public static Impact Medium => new(2);

    /// <summary>Gets the impact level 3 (one user), the lowest of the ITIL default.</summary>
    public static Impact Low => new(3);

    /// <summary>Gets the level: 1 is the most severe; 0 for <c>default(Impact)</c>.</summary>
    public int Level { get; }

    /// <summary>Gets a value indicating whether this is <c>default(Impact)</c>, which is not a valid impact.</summary>
    public bool IsDefault => Level == 0;

    /// <inheritdoc />
    public int CompareTo(Impact other) => Level.CompareTo(other.Level);

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
