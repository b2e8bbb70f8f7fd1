using ServiceDesk.Generators;

namespace ServiceDesk;

/// <summary>How quickly an issue needs resolving: how soon the business feels its effect.</summary>
/// <remarks>
/// <para>A level from 1 (work stopped) to <see cref="MaxLevel"/>; a smaller level is more severe. The ITIL default uses three
/// levels: <see cref="High"/> (1), <see cref="Medium"/> (2) and <see cref="Low"/> (3). Custom
/// <see cref="PriorityMatrix"/> instances may use any number of levels up to <see cref="MaxLevel"/>.</para>
/// <para><c>default(Urgency)</c> has level 0 and is not a valid urgency; <see cref="IsDefault"/> tells it apart.</para>
/// </remarks>
[SeverityLevel("urgency", "work cannot continue", "work is degraded", "work can continue")]
public readonly partial record struct Urgency;
