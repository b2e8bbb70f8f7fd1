namespace ServiceDesk.Billing;

/// <summary>Thrown when two amounts of different currencies are added, subtracted or compared.</summary>
/// <remarks>Amounts are never converted implicitly: convert with an explicit exchange rate first.</remarks>
public sealed class CurrencyMismatchException : InvalidOperationException
{
    /// <summary>Initializes a new instance naming both currencies.</summary>
    /// <param name="left">The currency of the first operand.</param>
    /// <param name="right">The currency of the second operand.</param>
    public CurrencyMismatchException(Currency left, Currency right)
        : base($"Cannot combine amounts in {left} and {right}: mixed currencies are refused; convert one amount explicitly first.")
    {
        Left = left;
        Right = right;
    }

    /// <summary>Gets the currency of the first operand.</summary>
    public Currency Left { get; }

    /// <summary>Gets the currency of the second operand.</summary>
    public Currency Right { get; }
}
