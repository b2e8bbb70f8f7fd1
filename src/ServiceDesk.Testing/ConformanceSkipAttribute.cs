using System.Diagnostics.CodeAnalysis;
using System.Reflection;
#if XUNIT_V3
using Xunit;
#endif

namespace ServiceDesk.Testing;

/// <summary>
/// Skips every conformance test of a derived test class when a static property names a reason, such as a database
/// server that is not configured on this machine.
/// </summary>
/// <remarks>
/// <para>Put it on the adapter's test class: <c>[ConformanceSkip(typeof(PostgresServer), nameof(PostgresServer.SkipReason))]</c>.
/// When the property returns <see langword="null"/> the tests run, otherwise each is reported as skipped with that reason
/// (on xUnit v2 the property is read once, when tests are discovered; on xUnit v3 before each test, through
/// <c>Assert.Skip</c>). Make the property return <see langword="null"/> in CI, so that a missing server there is a failure
/// rather than a skip.</para>
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

    /// <summary>The skip reason of a test class: its attribute's property, or <see langword="null"/> to run.</summary>
    /// <param name="testClass">The test class (the adapter's derived class).</param>
    /// <exception cref="InvalidOperationException">The attribute names no public static property.</exception>
    internal static string? ReasonFor(Type? testClass)
    {
        if (testClass?.GetCustomAttribute<ConformanceSkipAttribute>(inherit: true) is not { } skip)
        {
            return null;
        }

        var property = skip.Type.GetProperty(skip.PropertyName, BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{skip.Type.FullName} has no public static property {skip.PropertyName}.");
        return (string?)property.GetValue(null);
    }

#if XUNIT_V3
    /// <summary>Skips the running test when its class carries the attribute and the property gives a reason.</summary>
    /// <param name="testClass">The running test's class (the adapter's derived class).</param>
    internal static void SkipIfAsked(Type testClass)
    {
        if (ReasonFor(testClass) is { } reason)
        {
            Assert.Skip(reason);
        }
    }
#endif
}
