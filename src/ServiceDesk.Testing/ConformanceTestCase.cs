using System.ComponentModel;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ServiceDesk.Testing;

/// <summary>
/// The test case of a <see cref="ConformanceFactAttribute"/> test: runs like any xUnit fact, but reports a test that threw
/// <see cref="ConformanceSkipException"/> as skipped with the exception's message.
/// </summary>
/// <remarks>Created by <see cref="ConformanceFactDiscoverer"/>; public only so that xUnit can serialize it between discovery
/// and execution.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ConformanceTestCase : XunitTestCase
{
    /// <summary>Called by the de-serializer only.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public ConformanceTestCase()
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="diagnosticMessageSink">The sink for diagnostic messages.</param>
    /// <param name="defaultMethodDisplay">How test names are displayed.</param>
    /// <param name="defaultMethodDisplayOptions">Options of the display of test names.</param>
    /// <param name="testMethod">The test method.</param>
    public ConformanceTestCase(
        IMessageSink diagnosticMessageSink,
        TestMethodDisplay defaultMethodDisplay,
        TestMethodDisplayOptions defaultMethodDisplayOptions,
        ITestMethod testMethod)
        : base(diagnosticMessageSink, defaultMethodDisplay, defaultMethodDisplayOptions, testMethod)
    {
    }

    /// <inheritdoc />
    public override async Task<RunSummary> RunAsync(
        IMessageSink diagnosticMessageSink,
        IMessageBus messageBus,
        object[] constructorArguments,
        ExceptionAggregator aggregator,
        CancellationTokenSource cancellationTokenSource)
    {
        using var bus = new SkippingMessageBus(messageBus);
        var summary = await base.RunAsync(diagnosticMessageSink, bus, constructorArguments, aggregator, cancellationTokenSource);
        summary.Failed -= bus.Skipped;
        summary.Skipped += bus.Skipped;
        return summary;
    }

    /// <summary>Passes every message on, except that a failure by <see cref="ConformanceSkipException"/> becomes a skip.</summary>
    private sealed class SkippingMessageBus(IMessageBus inner) : IMessageBus
    {
        private static readonly string SkipType = typeof(ConformanceSkipException).FullName!;

        public int Skipped { get; private set; }

        public bool QueueMessage(IMessageSinkMessage message)
        {
            switch (message)
            {
                case ITestFailed failed when failed.ExceptionTypes.Length > 0 && failed.ExceptionTypes[0] == SkipType:
                    Skipped++;
                    return inner.QueueMessage(new TestSkipped(failed.Test, failed.Messages.FirstOrDefault() ?? "optional capability missing"));
                case ITestCaseFinished finished when Skipped > 0:
                    return inner.QueueMessage(new TestCaseFinished(
                        finished.TestCase, finished.ExecutionTime, finished.TestsRun, finished.TestsFailed - Skipped, finished.TestsSkipped + Skipped));
                default:
                    return inner.QueueMessage(message);
            }
        }

        public void Dispose()
        {
            // The inner bus belongs to the runner, which disposes it.
        }
    }
}
