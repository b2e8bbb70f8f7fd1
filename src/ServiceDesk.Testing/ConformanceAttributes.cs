using System.Diagnostics.CodeAnalysis;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ServiceDesk.Testing;

/// <summary>
/// Skips every conformance test of a derived test class when a static property names a reason, such as a database
/// server that is not configured on this machine.
/// </summary>
/// <remarks>
/// <para>Put it on the adapter's test class: <c>[ConformanceSkip(typeof(PostgresServer), nameof(PostgresServer.SkipReason))]</c>.
/// The property is read once, when tests are discovered; when it returns <see langword="null"/> the tests run, otherwise
/// each is reported as skipped with that reason. Make the property return <see langword="null"/> in CI, so that a
/// missing server there is a failure rather than a skip.</para>
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

    internal static string? ReasonFor(ITestMethod testMethod)
    {
        var type = testMethod.TestClass.Class.ToRuntimeType();
        if (type?.GetCustomAttributes(typeof(ConformanceSkipAttribute), inherit: true).FirstOrDefault() is not ConformanceSkipAttribute skip)
        {
            return null;
        }

        var property = skip.Type.GetProperty(skip.PropertyName, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            ?? throw new InvalidOperationException($"{skip.Type.FullName} has no public static property {skip.PropertyName}.");
        return (string?)property.GetValue(null);
    }
}

/// <summary>A conformance <see cref="FactAttribute"/> that honours <see cref="ConformanceSkipAttribute"/>.</summary>
[XunitTestCaseDiscoverer("ServiceDesk.Testing.ConformanceFactDiscoverer", "ServiceDesk.Testing")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ConformanceFactAttribute : FactAttribute
{
}

/// <summary>A conformance <see cref="TheoryAttribute"/> that honours <see cref="ConformanceSkipAttribute"/>.</summary>
[XunitTestCaseDiscoverer("ServiceDesk.Testing.ConformanceTheoryDiscoverer", "ServiceDesk.Testing")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ConformanceTheoryAttribute : TheoryAttribute
{
}

/// <summary>Discovers <see cref="ConformanceFactAttribute"/> tests, reporting them as skipped when the class says so.</summary>
public sealed class ConformanceFactDiscoverer : FactDiscoverer
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="diagnosticMessageSink">The sink for diagnostic messages.</param>
    public ConformanceFactDiscoverer(IMessageSink diagnosticMessageSink)
        : base(diagnosticMessageSink)
    {
    }

    /// <inheritdoc />
    protected override IXunitTestCase CreateTestCase(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        ArgumentNullException.ThrowIfNull(discoveryOptions);
        return ConformanceSkipAttribute.ReasonFor(testMethod) is { } reason
            ? new XunitSkippedDataRowTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason)
            : new ConformanceTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod);
    }
}

/// <summary>Discovers <see cref="ConformanceTheoryAttribute"/> tests, reporting them as skipped when the class says so.</summary>
public sealed class ConformanceTheoryDiscoverer : TheoryDiscoverer
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="diagnosticMessageSink">The sink for diagnostic messages.</param>
    public ConformanceTheoryDiscoverer(IMessageSink diagnosticMessageSink)
        : base(diagnosticMessageSink)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute)
    {
        ArgumentNullException.ThrowIfNull(discoveryOptions);
        return ConformanceSkipAttribute.ReasonFor(testMethod) is { } reason
            ? [new XunitSkippedDataRowTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason)]
            : base.Discover(discoveryOptions, testMethod, theoryAttribute);
    }
}
