namespace ServiceDesk.Storage;

/// <summary>
/// Thrown by a store adapter when its storage cannot be reached or fails (a lost connection, a timeout, a full disk),
/// as opposed to a rejected operation (<see cref="ConcurrencyException"/>, <see cref="ArgumentException"/>).
/// </summary>
/// <remarks>
/// <para>Appends are atomic: an append that fails with this exception stored either all of its snapshot and events or
/// none of them, never part. When the failure happened while committing, the caller cannot tell which: retry the
/// command with the same idempotency key, which applies it at most once.</para>
/// <para><see cref="Exception.InnerException"/> holds the driver's exception.</para>
/// </remarks>
public sealed class StorageException : IOException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">What failed, naming the store and the operation.</param>
    /// <param name="innerException">The driver's exception.</param>
    public StorageException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets a value indicating whether retrying the same operation later may succeed (a lost connection or a
    /// timeout rather than, say, a schema error).</summary>
    public bool IsTransient { get; init; }
}
