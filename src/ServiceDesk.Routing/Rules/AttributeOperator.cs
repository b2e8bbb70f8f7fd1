namespace ServiceDesk.Routing;

/// <summary>How <see cref="RoutingCondition.AttributeIs"/> compares a ticket's custom attribute with a value.</summary>
/// <remarks>
/// A comparison is false when the ticket lacks the attribute or when the kinds are not comparable (even for
/// <see cref="NotEqual"/>). Integers and decimals compare as numbers; instants and dates compare chronologically;
/// strings (ordinal, case-sensitive) and Booleans support only <see cref="Equal"/> and <see cref="NotEqual"/>.
/// </remarks>
public enum AttributeOperator
{
    /// <summary>The attribute equals the value.</summary>
    Equal = 1,

    /// <summary>The attribute exists, is comparable and differs from the value.</summary>
    NotEqual = 2,

    /// <summary>The attribute is less than the value.</summary>
    Less = 3,

    /// <summary>The attribute is less than or equal to the value.</summary>
    LessOrEqual = 4,

    /// <summary>The attribute is greater than the value.</summary>
    Greater = 5,

    /// <summary>The attribute is greater than or equal to the value.</summary>
    GreaterOrEqual = 6,
}
