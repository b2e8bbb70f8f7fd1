using ServiceDesk.Generators;

namespace ServiceDesk;

/// <summary>How widely an issue affects the business: the number of users, services or the revenue it touches.</summary>
/// <remarks>
/// <para>A level from 1 (enterprise-wide) to <see cref="MaxLevel"/>; a smaller level is more severe. The ITIL default uses three
/// levels: <see cref="High"/> (1), <see cref="Medium"/> (2) and <see cref="Low"/> (3). Custom
/// <see cref="PriorityMatrix"/> instances may use any number of levels up to <see cref="MaxLevel"/>.</para>
/// <para><c>default(Impact)</c> has level 0 and is not a valid impact; <see cref="IsDefault"/> tells it apart.</para>
/// </remarks>
[SeverityLevel("impact", "many users or a whole service", "a department or several users", "one user")]
public readonly partial record struct Impact;
