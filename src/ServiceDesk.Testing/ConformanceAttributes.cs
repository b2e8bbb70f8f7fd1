using System.Diagnostics.CodeAnalysis;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ServiceDesk.Testing;

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
        return ConformanceSkipAttribute.ReasonFor(testMethod.TestClass.Class.ToRuntimeType()) is { } reason
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
        return ConformanceSkipAttribute.ReasonFor(testMethod.TestClass.Class.ToRuntimeType()) is { } reason
            ? [new XunitSkippedDataRowTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason)]
            : base.Discover(discoveryOptions, testMethod, theoryAttribute);
    }
}
