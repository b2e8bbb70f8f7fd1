namespace ServiceDesk;

/// <summary>A category and optional subcategory of a ticket, e.g. <c>Network / VPN</c>.</summary>
/// <remarks>Each part is 1 to <see cref="MaxLength"/> characters, not blank. Comparison is ordinal and case-sensitive.
/// This type is immutable and thread-safe.</remarks>
public sealed record TicketCategory
{
    /// <summary>The maximum length of the category and of the subcategory: 100.</summary>
    public const int MaxLength = 100;

    /// <summary>Initializes a new category.</summary>
    /// <param name="category">The category, 1 to 100 characters.</param>
    /// <param name="subcategory">The optional subcategory, 1 to 100 characters when given.</param>
    /// <exception cref="ArgumentNullException"><paramref name="category"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A part is blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A part is longer than 100 characters.</exception>
    public TicketCategory(string category, string? subcategory = null)
    {
        Category = Guard.Text(category, MaxLength, required: true);
        Subcategory = Guard.OptionalText(subcategory, MaxLength);
    }

    /// <summary>Gets the category.</summary>
    public string Category { get; }

    /// <summary>Gets the subcategory, if any.</summary>
    public string? Subcategory { get; }

    /// <summary>Returns <c>Category</c> or <c>Category / Subcategory</c>.</summary>
    /// <returns>The display text.</returns>
    public override string ToString() => Subcategory is null ? Category : $"{Category} / {Subcategory}";
}
