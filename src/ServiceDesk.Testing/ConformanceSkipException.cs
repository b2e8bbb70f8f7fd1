namespace ServiceDesk.Testing;

/// <summary>
/// Thrown by a conformance test that needs an optional capability the store under test does not have (such as
/// <see cref="Storage.ITicketBatchStore"/>); a <see cref="ConformanceFactAttribute"/> test that throws it is reported as
/// skipped, with the message as the reason, instead of failed.
/// </summary>
/// <remarks>Capabilities are known only once the store exists, after discovery, so this is the run-time counterpart of
/// <see cref="ConformanceSkipAttribute"/>, which decides at discovery. Only <see cref="ConformanceFactAttribute"/> tests
/// turn it into a skip; anywhere else it fails the test like any exception.</remarks>
public sealed class ConformanceSkipException : Exception
{
    /// <summary>Initializes a new instance.</summary>
    public ConformanceSkipException()
        : this("The store under test lacks an optional capability this test needs.")
    {
    }

    /// <summary>Initializes a new instance with the reason reported for the skipped test.</summary>
    /// <param name="message">The reason, naming the missing capability.</param>
    public ConformanceSkipException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with the reason and the exception that caused it.</summary>
    /// <param name="message">The reason, naming the missing capability.</param>
    /// <param name="innerException">The cause.</param>
    public ConformanceSkipException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
