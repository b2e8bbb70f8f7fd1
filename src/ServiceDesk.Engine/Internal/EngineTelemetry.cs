using System.Diagnostics;
using System.Reflection;

namespace ServiceDesk.Engine.Internal;

/// <summary>
/// The engine's tracing (an <see cref="ActivitySource"/> named <see cref="ServiceDeskEngine.ActivitySourceName"/>) and the
/// tag names it shares with <see cref="EngineMetrics"/>: one span and one duration measurement per command and per sweep,
/// started and ended by a <see cref="TelemetryScope"/>.
/// </summary>
/// <remarks>
/// <para>Usage, one call pair around the whole operation, so that it moves with the operation:</para>
/// <code>
/// using var telemetry = _telemetry.StartCommand("Assign", context.Tenant, id);
/// try { return telemetry.Complete(await RunAsync(...)); }
/// catch (Exception ex) when (telemetry.Fail(ex)) { throw; }   // Fail records and returns false: nothing is caught
/// </code>
/// <para>Span names follow the OpenTelemetry advice of a low-cardinality "{operation} {target}" name:
/// <c>servicedesk.command {Command}</c> (for example <c>servicedesk.command Transition</c>) and <c>servicedesk.sweep</c>.
/// Spans are <see cref="ActivityKind.Internal"/>, children of <see cref="Activity.Current"/>; with no listener nothing is
/// allocated but the scope.</para>
/// <para>Thread-safe; each scope belongs to one operation.</para>
/// </remarks>
internal sealed class EngineTelemetry : IDisposable
{
    /// <summary>The prefix of a command span's name; the command's name follows.</summary>
    public const string CommandSpanPrefix = "servicedesk.command ";

    /// <summary>The name of a sweep span.</summary>
    public const string SweepSpanName = "servicedesk.sweep";

    /// <summary>The tenant (spans only; never a metric tag).</summary>
    public const string TenantTag = "servicedesk.tenant";

    /// <summary>The ticket id (spans only).</summary>
    public const string TicketIdTag = "servicedesk.ticket.id";

    /// <summary>The ticket number, e.g. <c>INC0000042</c> (spans only, once known).</summary>
    public const string TicketNumberTag = "servicedesk.ticket.number";

    /// <summary>The ticket kind (the tickets-opened counter).</summary>
    public const string TicketKindTag = "servicedesk.ticket.kind";

    /// <summary>The command: <c>OpenTicket</c>, <c>Transition</c>, <c>Assign</c>, ...</summary>
    public const string CommandTag = "servicedesk.command";

    /// <summary>The workflow trigger of a transition.</summary>
    public const string TriggerTag = "servicedesk.trigger";

    /// <summary>A <see cref="CommandOutcome"/> name, or <see cref="ErrorOutcome"/>.</summary>
    public const string OutcomeTag = "servicedesk.outcome";

    /// <summary>The SLA metric of a breach.</summary>
    public const string SlaMetricTag = "servicedesk.sla.metric";

    /// <summary>The OpenTelemetry error type: the full name of the exception's type, set only when the operation threw.</summary>
    public const string ErrorTypeTag = "error.type";

    /// <summary>The outcome of a command that threw.</summary>
    public const string ErrorOutcome = "error";

    /// <summary>The OpenTelemetry fallback <c>error.type</c>, for a scope that ended with neither a result nor an
    /// exception.</summary>
    public const string OtherError = "_OTHER";

    /// <summary>The counts of a sweep's <see cref="SweepResult"/>, as span tags.</summary>
    public const string SweepClaimedTag = "servicedesk.sweep.claimed";

    /// <inheritdoc cref="SweepClaimedTag"/>
    public const string SweepEscalationsTag = "servicedesk.sweep.escalations";

    /// <inheritdoc cref="SweepClaimedTag"/>
    public const string SweepThresholdsTag = "servicedesk.sweep.thresholds";

    /// <inheritdoc cref="SweepClaimedTag"/>
    public const string SweepRescheduledTag = "servicedesk.sweep.rescheduled";

    /// <inheritdoc cref="SweepClaimedTag"/>
    public const string SweepConflictsTag = "servicedesk.sweep.conflicts";

    /// <inheritdoc cref="SweepClaimedTag"/>
    public const string SweepFailedTag = "servicedesk.sweep.failed";

    private readonly ActivitySource _source;
    private readonly EngineMetrics _metrics;

    public EngineTelemetry(EngineMetrics metrics)
    {
        _metrics = metrics;
        var assembly = typeof(EngineTelemetry).Assembly;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString();
        _source = new ActivitySource(ServiceDeskEngine.ActivitySourceName, version);
    }

    /// <summary>Starts the span and the duration measurement of a command.</summary>
    /// <param name="command">The command's name, e.g. <c>Transition</c>.</param>
    /// <param name="tenant">The tenant of the command's context.</param>
    /// <param name="ticket">The ticket, when known before the command runs (every command but an opening).</param>
    /// <param name="trigger">The workflow trigger of a transition.</param>
    /// <returns>The scope; dispose it when the command ends.</returns>
    public TelemetryScope StartCommand(string command, TenantId tenant, TicketId? ticket = null, string? trigger = null)
    {
        Activity? activity = null;
        if (_source.HasListeners())
        {
            var tags = new ActivityTagsCollection
            {
                { CommandTag, command },
                { TenantTag, tenant.Value },
            };
            if (ticket is { } id)
            {
                tags.Add(TicketIdTag, id.ToString());
            }

            if (trigger is not null)
            {
                tags.Add(TriggerTag, trigger);
            }

            activity = _source.StartActivity(CommandSpanPrefix + command, ActivityKind.Internal, parentContext: default, tags);
        }

        return new TelemetryScope(_metrics, command, activity);
    }

    /// <summary>Starts the span and the duration measurement of a sweep.</summary>
    /// <returns>The scope; dispose it when the sweep ends.</returns>
    public TelemetryScope StartSweep()
        => new(_metrics, command: null, _source.HasListeners() ? _source.StartActivity(SweepSpanName, ActivityKind.Internal) : null);

    /// <summary>Releases the activity source.</summary>
    public void Dispose() => _source.Dispose();
}

/// <summary>The span and duration measurement of one command or sweep: <see cref="Complete(CommandResult)"/> (or
/// <see cref="Complete(SweepResult)"/>) on success, <see cref="Fail"/> from an exception filter on failure, and
/// <see cref="Dispose"/> at the end, which records the duration and ends the span.</summary>
/// <remarks>A scope disposed without either call is recorded as failed, with the fallback error type <c>_OTHER</c>.</remarks>
internal sealed class TelemetryScope : IDisposable
{
    private readonly EngineMetrics _metrics;
    private readonly string? _command;
    private readonly Activity? _activity;
    private readonly long _start = Stopwatch.GetTimestamp();
    private string? _outcome;
    private string? _errorType;
    private bool _disposed;

    internal TelemetryScope(EngineMetrics metrics, string? command, Activity? activity)
    {
        _metrics = metrics;
        _command = command;
        _activity = activity;
    }

    /// <summary>Gets the span, or <see langword="null"/> when nobody listens.</summary>
    public Activity? Activity => _activity;

    /// <summary>Records a command's result: its outcome, and the ticket's id and number.</summary>
    /// <param name="result">The result.</param>
    /// <returns><paramref name="result"/>.</returns>
    public CommandResult Complete(CommandResult result)
    {
        _outcome = result.Outcome.ToString();
        if (_activity is { } activity)
        {
            activity.SetTag(EngineTelemetry.OutcomeTag, _outcome);
            activity.SetTag(EngineTelemetry.TicketIdTag, result.Ticket.Id.ToString());
            activity.SetTag(EngineTelemetry.TicketNumberTag, result.Ticket.Number.ToString());
        }

        return result;
    }

    /// <summary>Records what a sweep did.</summary>
    /// <param name="result">The sweep's counts.</param>
    /// <returns><paramref name="result"/>.</returns>
    public SweepResult Complete(SweepResult result)
    {
        _outcome = nameof(Complete);
        if (_activity is { } activity)
        {
            activity.SetTag(EngineTelemetry.SweepClaimedTag, result.Claimed);
            activity.SetTag(EngineTelemetry.SweepEscalationsTag, result.Escalations);
            activity.SetTag(EngineTelemetry.SweepThresholdsTag, result.Thresholds);
            activity.SetTag(EngineTelemetry.SweepRescheduledTag, result.Rescheduled);
            activity.SetTag(EngineTelemetry.SweepConflictsTag, result.Conflicts);
            activity.SetTag(EngineTelemetry.SweepFailedTag, result.Failed);
        }

        return result;
    }

    /// <summary>Records a failure: <c>error.type</c> (the exception type's full name), the span's error status and an
    /// exception event. Meant for an exception filter: it returns <see langword="false"/>, so nothing is caught.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns><see langword="false"/>.</returns>
    public bool Fail(Exception exception)
    {
        _outcome = EngineTelemetry.ErrorOutcome;
        _errorType = exception.GetType().FullName ?? exception.GetType().Name;
        if (_activity is { } activity)
        {
            if (_command is not null)
            {
                activity.SetTag(EngineTelemetry.OutcomeTag, EngineTelemetry.ErrorOutcome);
            }

            activity.SetTag(EngineTelemetry.ErrorTypeTag, _errorType);
            activity.SetStatus(ActivityStatusCode.Error, exception.Message);
            activity.AddException(exception);
        }

        return false;
    }

    /// <summary>Records the duration and ends the span; later calls do nothing.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        var elapsed = Stopwatch.GetElapsedTime(_start);
        var errorType = _outcome is null or EngineTelemetry.ErrorOutcome ? _errorType ?? EngineTelemetry.OtherError : null;
        if (_command is not null)
        {
            _metrics.RecordCommandDuration(_command, _outcome ?? EngineTelemetry.ErrorOutcome, errorType, elapsed);
        }
        else
        {
            _metrics.RecordSweepDuration(errorType, elapsed);
        }

        if (_outcome is null && _activity is { } activity)
        {
            activity.SetTag(EngineTelemetry.ErrorTypeTag, EngineTelemetry.OtherError);
            activity.SetStatus(ActivityStatusCode.Error);
        }

        _activity?.Dispose();
    }
}
