using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Storage;

namespace ServiceDesk.Notifications;

/// <summary>Options of an <see cref="OutboxDispatcher"/>; bindable from configuration and validated once, listing every
/// fault (<see cref="Validate"/>).</summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>option</term><description>default (valid range)</description></listheader>
/// <item><term><see cref="BatchSize"/></term><description>100 (1 to 1,000)</description></item>
/// <item><term><see cref="LeaseDuration"/></term><description>5 minutes (more than zero, at most one day)</description></item>
/// <item><term><see cref="PollInterval"/></term><description>5 seconds (more than zero, at most one hour)</description></item>
/// <item><term><see cref="MaxAttempts"/></term><description>10 (1 to 100): the attempt that fails the 10th time parks the message</description></item>
/// <item><term><see cref="InitialBackoff"/></term><description>10 seconds (more than zero, at most <see cref="MaxBackoff"/>)</description></item>
/// <item><term><see cref="MaxBackoff"/></term><description>1 hour (at most one day)</description></item>
/// <item><term><see cref="MaxParallelTickets"/></term><description>8 (1 to 256): tickets delivered at once within a batch</description></item>
/// <item><term><see cref="DeliverAt"/></term><description><see cref="OutboxDispatcher.EscalationDeliverAt"/></description></item>
/// </list>
/// <para>The backoff after the n-th failed attempt (n from 1) is <c>min(MaxBackoff, InitialBackoff × 2^(n-1))</c>, or the
/// handler's <see cref="OutboxHandlerResult.RetryAfter"/> when that is longer. With the defaults the 10th and last attempt
/// comes about 1 hour 25 minutes after the first; when it fails the message is parked.</para>
/// </remarks>
public sealed class OutboxDispatcherOptions
{
    /// <summary>Gets or sets how many messages one dispatch claims. Default: 100; 1 to 1,000.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>Gets or sets how long claimed messages stay leased to this dispatcher. Default: 5 minutes.</summary>
    /// <remarks>A ticket's messages in a batch are delivered one after the other, so the lease must cover the slowest
    /// ticket of a batch (handler timeout × that ticket's messages); a lease that runs out lets another instance deliver
    /// the same messages again (at least once, never lost).</remarks>
    public Duration LeaseDuration { get; set; } = Duration.FromMinutes(5);

    /// <summary>Gets or sets how long the hosted dispatcher sleeps after a batch that was not full. Default: 5 seconds.</summary>
    public Duration PollInterval { get; set; } = Duration.FromSeconds(5);

    /// <summary>Gets or sets how many attempts a message gets before it is parked. Default: 10; 1 to 100.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>Gets or sets the wait after the first failed attempt. Default: 10 seconds.</summary>
    public Duration InitialBackoff { get; set; } = Duration.FromSeconds(10);

    /// <summary>Gets or sets the longest wait between attempts. Default: 1 hour.</summary>
    public Duration MaxBackoff { get; set; } = Duration.FromHours(1);

    /// <summary>Gets or sets how many tickets of a batch are delivered at the same time. Default: 8; 1 to 256.</summary>
    public int MaxParallelTickets { get; set; } = 8;

    /// <summary>Gets or sets when a message may be delivered at the earliest (<see langword="null"/>: at once). Default:
    /// <see cref="OutboxDispatcher.EscalationDeliverAt"/>, which holds an <see cref="Escalated"/> notification until its
    /// <see cref="Escalated.DeliverAt"/> (the next opening of its business calendar).</summary>
    public Func<OutboxMessage, Instant?> DeliverAt { get; set; } = OutboxDispatcher.EscalationDeliverAt;

    /// <summary>The values configuration held that could not be read (set by the configuration binding of the DI
    /// extensions).</summary>
    internal List<string> ConfigurationFaults { get; } = [];

    /// <summary>Lists every fault of these options.</summary>
    /// <param name="prefix">The prefix of each fault, e.g. the consumer's name.</param>
    /// <returns>The faults; empty when the options are valid.</returns>
    public IReadOnlyList<string> Validate(string prefix = "OutboxDispatcher")
    {
        var faults = new List<string>(ConfigurationFaults.Select(f => $"{prefix}.{f}"));
        if (BatchSize is < 1 or > IOutboxDeliveryStore.MaxClaim)
        {
            faults.Add($"{prefix}.BatchSize: {BatchSize} is outside 1 to {IOutboxDeliveryStore.MaxClaim:N0}");
        }

        if (LeaseDuration <= Duration.Zero || LeaseDuration > Duration.FromDays(1))
        {
            faults.Add($"{prefix}.LeaseDuration: {LeaseDuration} must be more than zero and at most one day");
        }

        if (PollInterval <= Duration.Zero || PollInterval > Duration.FromHours(1))
        {
            faults.Add($"{prefix}.PollInterval: {PollInterval} must be more than zero and at most one hour");
        }

        if (MaxAttempts is < 1 or > 100)
        {
            faults.Add($"{prefix}.MaxAttempts: {MaxAttempts} is outside 1 to 100");
        }

        if (MaxBackoff <= Duration.Zero || MaxBackoff > Duration.FromDays(1))
        {
            faults.Add($"{prefix}.MaxBackoff: {MaxBackoff} must be more than zero and at most one day");
        }

        if (InitialBackoff <= Duration.Zero || InitialBackoff > MaxBackoff)
        {
            faults.Add($"{prefix}.InitialBackoff: {InitialBackoff} must be more than zero and at most MaxBackoff ({MaxBackoff})");
        }

        if (MaxParallelTickets is < 1 or > 256)
        {
            faults.Add($"{prefix}.MaxParallelTickets: {MaxParallelTickets} is outside 1 to 256");
        }

        if (DeliverAt is null)
        {
            faults.Add($"{prefix}.DeliverAt: a function is required (use OutboxDispatcher.EscalationDeliverAt or _ => null)");
        }

        return faults;
    }

    /// <summary>Returns a copy (the dispatcher keeps its own, so later changes to these options do not reach it).</summary>
    internal OutboxDispatcherOptions Copy() => new()
    {
        BatchSize = BatchSize,
        LeaseDuration = LeaseDuration,
        PollInterval = PollInterval,
        MaxAttempts = MaxAttempts,
        InitialBackoff = InitialBackoff,
        MaxBackoff = MaxBackoff,
        MaxParallelTickets = MaxParallelTickets,
        DeliverAt = DeliverAt,
    };

    /// <summary>The wait after the <paramref name="attempt"/>-th failure (1 or more).</summary>
    internal Duration Backoff(int attempt)
    {
        var ticks = InitialBackoff.BclCompatibleTicks;
        for (var i = 1; i < attempt && ticks < MaxBackoff.BclCompatibleTicks; i++)
        {
            ticks = ticks > long.MaxValue / 2 ? long.MaxValue : ticks * 2;
        }

        return Duration.FromTicks(Math.Min(ticks, MaxBackoff.BclCompatibleTicks));
    }
}
