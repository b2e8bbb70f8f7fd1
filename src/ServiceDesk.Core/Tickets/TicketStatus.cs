namespace ServiceDesk;

/// <summary>The state of a ticket in its lifecycle, such as <c>New</c>, <c>InProgress</c> or <c>Resolved</c>.</summary>
/// <remarks>
/// <para>Statuses are names, not a closed enumeration, because lifecycles are defined by workflows (ServiceDesk.Workflow)
/// and users add their own. The well-known ITIL statuses are provided as static properties. A name is 1 to
/// <see cref="MaxLength"/> ASCII letters, digits or underscores, starting with a letter; comparison is ordinal.</para>
/// <para><c>default(TicketStatus)</c> is not a valid status; <see cref="IsDefault"/> tells it apart.</para>
/// </remarks>
public readonly record struct TicketStatus
{
    /// <summary>The maximum length of a status name: 64.</summary>
    public const int MaxLength = 64;

    /// <summary>Initializes a status from its name.</summary>
    /// <param name="name">1 to 64 ASCII letters, digits or underscores, starting with a letter.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, too long or has other characters.</exception>
    public TicketStatus(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!IsValidName(name))
        {
            throw new ArgumentException(
                $"{TextPolicy.Echo(name)} is not a valid status name: use 1 to {MaxLength} ASCII letters, digits or underscores, starting with a letter.",
                nameof(name));
        }

        Name = name;
    }

    /// <summary>Gets the status <c>New</c>: logged, not yet worked on.</summary>
    public static TicketStatus New => new("New");

    /// <summary>Gets the status <c>InProgress</c>: being worked on.</summary>
    public static TicketStatus InProgress => new("InProgress");

    /// <summary>Gets the status <c>OnHold</c>: waiting for someone else, with a hold reason.</summary>
    public static TicketStatus OnHold => new("OnHold");

    /// <summary>Gets the status <c>Resolved</c>: a solution was given; the requester may still reopen.</summary>
    public static TicketStatus Resolved => new("Resolved");

    /// <summary>Gets the status <c>Closed</c>: final.</summary>
    public static TicketStatus Closed => new("Closed");

    /// <summary>Gets the status <c>Canceled</c>: abandoned before resolution; final.</summary>
    public static TicketStatus Canceled => new("Canceled");

    /// <summary>Gets the name; <see langword="null"/> for <c>default(TicketStatus)</c>.</summary>
    public string Name { get; }

    /// <summary>Gets a value indicating whether this is <c>default(TicketStatus)</c>, which is not a valid status.</summary>
    public bool IsDefault => Name is null;

    /// <summary>Returns the name.</summary>
    /// <returns>The status name, or <c>(default)</c>.</returns>
    public override string ToString() => Name ?? "(default)";

    internal static bool IsValidName(string name)
    {
        if (name.Length == 0 || name.Length > MaxLength || !char.IsAsciiLetter(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}
