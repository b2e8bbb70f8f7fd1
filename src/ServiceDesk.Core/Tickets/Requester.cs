namespace ServiceDesk;

/// <summary>Who asked: a contact person and the customer (organisation) they belong to.</summary>
/// <remarks>This type is immutable and thread-safe.</remarks>
public sealed record Requester
{
    /// <summary>The maximum length of the contact name and of the e-mail address: 254.</summary>
    public const int MaxLength = 254;

    /// <summary>Initializes a new requester.</summary>
    /// <param name="customer">The customer the contact belongs to; must not be the default value.</param>
    /// <param name="contact">The contact's name, 1 to 254 characters.</param>
    /// <param name="email">The contact's e-mail address, if known; must contain one <c>@</c> with text on both sides.</param>
    /// <exception cref="ArgumentException"><paramref name="customer"/> is the default value, or a text is blank or malformed.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="contact"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A text is longer than 254 characters.</exception>
    public Requester(CustomerId customer, string contact, string? email = null)
    {
        CustomerId.ThrowIfDefault(customer);
        Customer = customer;
        Contact = Guard.Text(contact, MaxLength, required: true);
        Email = Guard.OptionalText(email, MaxLength);
        if (Email is not null)
        {
            var at = Email.IndexOf('@', StringComparison.Ordinal);
            if (at <= 0 || at == Email.Length - 1 || Email.IndexOf('@', at + 1) >= 0)
            {
                throw new ArgumentException($"{TextPolicy.Echo(Email)} is not an e-mail address (expected local@domain).", nameof(email));
            }
        }
    }

    /// <summary>Gets the customer the contact belongs to.</summary>
    public CustomerId Customer { get; }

    /// <summary>Gets the contact's name.</summary>
    public string Contact { get; }

    /// <summary>Gets the contact's e-mail address, if known.</summary>
    public string? Email { get; }
}
