using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Xunit;

namespace ServiceDesk.Testing;

/// <summary>A conformance fact: an xUnit v3 <see cref="FactAttribute"/> that reports a test throwing
/// <see cref="ConformanceSkipException"/> (an optional capability the store lacks) as skipped, with the exception's message.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ConformanceFactAttribute : FactAttribute
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="sourceFilePath">Filled in by the compiler.</param>
    /// <param name="sourceLineNumber">Filled in by the compiler.</param>
    public ConformanceFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
        => SkipExceptions = [typeof(ConformanceSkipException)];
}

/// <summary>A conformance theory: an xUnit v3 <see cref="TheoryAttribute"/> that reports a test throwing
/// <see cref="ConformanceSkipException"/> as skipped, with the exception's message.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ConformanceTheoryAttribute : TheoryAttribute
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="sourceFilePath">Filled in by the compiler.</param>
    /// <param name="sourceLineNumber">Filled in by the compiler.</param>
    public ConformanceTheoryAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
        => SkipExceptions = [typeof(ConformanceSkipException)];
}
