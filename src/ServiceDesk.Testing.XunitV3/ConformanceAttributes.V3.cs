using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using Xunit;

namespace ServiceDesk.Testing;

/// <summary>
/// Skips every conformance test of a derived test class when a static property names a reason, such as a database
/// server that is not configured on this machine.
/// </summary>
/// <remarks>
/// <para>Put it on the adapter's test class: <c>[ConformanceSkip(typeof(PostgresServer), nameof(PostgresServer.SkipReason))]</c>.
/// The property is read before each test; when it returns <see langword="null"/> the test runs, otherwise it is reported
/// as skipped with that reason (through xUnit v3's dynamic skip, <see cref="Assert.Skip(string)"/>). Make the property
/// return <see langword="null"/> in CI, so that a missing server there is a failure rather than a skip.</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class ConformanceSkipAttribute : Attribute
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="type">The type declaring the property.</param>
    /// <param name="propertyName">A public static <see cref="string"/> property: the skip reason, or <see langword="null"/> to run.</param>
    public ConformanceSkipAttribute([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type type, string propertyName)
    {
        Type = type;
        PropertyName = propertyName;
    }

    /// <summary>Gets the type declaring the property.</summary>
    /// <remarks>Its public properties are kept by the trimmer, since the skip reason is read through reflection.</remarks>
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)]
    public Type Type { get; }

    /// <summary>Gets the name of the public static property that gives the skip reason.</summary>
    public string PropertyName { get; }

    /// <summary>Skips the running test when its class carries the attribute and the property gives a reason.</summary>
    /// <param name="testClass">The running test's class (the adapter's derived class).</param>
    internal static void SkipIfAsked(Type testClass)
    {
        if (testClass.GetCustomAttribute<ConformanceSkipAttribute>(inherit: true) is not { } skip)
        {
            return;
        }

        var property = skip.Type.GetProperty(skip.PropertyName, BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{skip.Type.FullName} has no public static property {skip.PropertyName}.");
        if (property.GetValue(null) is string reason)
        {
            Assert.Skip(reason);
        }
    }
}

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
