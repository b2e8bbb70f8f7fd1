namespace ServiceDesk;

/// <summary>The priority of a ticket, from <see cref="P1Critical"/> (most urgent) to <see cref="P5Planning"/>.</summary>
/// <remarks>Usually derived from <see cref="Impact"/> and <see cref="Urgency"/> by a <see cref="PriorityMatrix"/>.
/// The numeric values are the ITIL priority numbers, so <c>(int)priority</c> is 1 to 5 and a smaller number is
/// more urgent.</remarks>
public enum Priority
{
    /// <summary>P1: critical.</summary>
    P1Critical = 1,

    /// <summary>P2: high.</summary>
    P2High = 2,

    /// <summary>P3: moderate.</summary>
    P3Moderate = 3,

    /// <summary>P4: low.</summary>
    P4Low = 4,

    /// <summary>P5: planning.</summary>
    P5Planning = 5,
}
