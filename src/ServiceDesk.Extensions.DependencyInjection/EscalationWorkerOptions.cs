using NodaTime;
using ServiceDesk.Engine;
using ServiceDesk.Storage;

namespace ServiceDesk.Extensions.DependencyInjection;

/// <summary>Options of the escalation worker registered by <c>AddEscalationWorker</c>; bindable from configuration.</summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>option</term><description>default</description></listheader>
/// <item><term><see cref="BatchSize"/></term><description>100 (1 to 1,000)</description></item>
/// <item><term><see cref="LeaseDuration"/></term><description>1 minute (more than zero, at most one day)</description></item>
/// <item><term><see cref="PollInterval"/></term><description>10 seconds (more than zero, at most one hour)</description></item>
/// </list>
/// <para>Mutable, so configuration and <c>Action&lt;EscalationWorkerOptions&gt;</c> can set it; it is validated at
/// start-up together with the other ServiceDesk options, then turned into an immutable
/// <see cref="EscalationSweeperOptions"/>.</para>
/// </remarks>
public sealed class EscalationWorkerOptions
{
    /// <summary>Gets or sets how many due timers one sweep claims. Default: 100; 1 to 1,000.</summary>
    /// <remarks>A sweep that claims a full batch is followed by another one at once; otherwise the worker sleeps until the
    /// next due timer, at most <see cref="PollInterval"/>.</remarks>
    public int BatchSize { get; set; } = 100;

    /// <summary>Gets or sets how long a claimed timer stays leased to this worker. Default: 1 minute.</summary>
    public Duration LeaseDuration { get; set; } = Duration.FromMinutes(1);

    /// <summary>Gets or sets the longest the worker sleeps after a sweep that did not fill a batch, and how long it waits after
    /// a failed one. Default: 10 seconds.</summary>
    /// <remarks>With a store that knows its next due timer (every shipped adapter), the worker wakes at that timer when it is
    /// sooner; the interval bounds how late a timer stored meanwhile by a command (or by another host) is noticed.</remarks>
    public Duration PollInterval { get; set; } = Duration.FromSeconds(10);

    /// <summary>The values configuration held that could not be read (see <c>AddEscalationWorker(section)</c>).</summary>
    internal List<string> ConfigurationFaults { get; } = [];

    /// <summary>Lists every fault of these options: values out of range, and values in configuration that could not be read.</summary>
    /// <returns>The faults; empty when the options are valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var faults = new List<string>(ConfigurationFaults);
        if (BatchSize is < 1 or > ITimerStore.MaxClaim)
        {
            faults.Add($"EscalationWorker.BatchSize: {BatchSize} is outside 1 to {ITimerStore.MaxClaim:N0}");
        }

        if (LeaseDuration <= Duration.Zero || LeaseDuration > Duration.FromDays(1))
        {
            faults.Add($"EscalationWorker.LeaseDuration: {LeaseDuration} must be more than zero and at most one day");
        }

        if (PollInterval <= Duration.Zero || PollInterval > Duration.FromHours(1))
        {
            faults.Add($"EscalationWorker.PollInterval: {PollInterval} must be more than zero and at most one hour");
        }

        return faults;
    }

    /// <summary>Creates the sweeper options.</summary>
    /// <returns>The immutable sweeper options.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (see <see cref="Validate"/>).</exception>
    public EscalationSweeperOptions ToSweeperOptions() => new()
    {
        BatchSize = BatchSize,
        LeaseDuration = LeaseDuration,
        PollInterval = PollInterval,
    };
}
