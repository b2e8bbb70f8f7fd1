namespace ServiceDesk.Routing;

/// <summary>The support tier (line) a group works at, from first line to an external vendor.</summary>
/// <remarks>The numeric values order the tiers: functional escalation moves a ticket to the next higher value.</remarks>
public enum SupportTier
{
    /// <summary>First line: the service desk that takes calls and solves known problems.</summary>
    FirstLine = 1,

    /// <summary>Second line: specialist teams.</summary>
    SecondLine = 2,

    /// <summary>Third line: developers, architects and product experts.</summary>
    ThirdLine = 3,

    /// <summary>An external vendor or supplier.</summary>
    Vendor = 4,
}
