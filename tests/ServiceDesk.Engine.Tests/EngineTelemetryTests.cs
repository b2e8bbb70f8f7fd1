using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;
using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Storage;
using ServiceDesk.Storage.InMemory;
using ServiceDesk.Testing;
using ServiceDesk.Workflow;

namespace ServiceDesk.Engine.Tests;

/// <summary>Tracing (one span per command and per sweep on the <c>ServiceDesk.Engine</c> activity source) and the tags of
/// the engine's metrics.</summary>
public sealed class EngineTelemetryTests : IDisposable
{
    private readonly TestClock _clock = new();
    private readonly InMemoryTicketStore _store = new();
    private readonly TestMeterFactory _meters = new();
    private readonly MetricsCollector _metrics;
    private readonly ServiceDeskEngine _engine;

    public EngineTelemetryTests()
    {
        _metrics = new MetricsCollector(_meters);
        _engine = new ServiceDeskEngine(_store, _clock, Desk.Options, meterFactory: _meters);
    }

    public void Dispose()
    {
        _engine.Dispose();
        _metrics.Dispose();
        _meters.Dispose();
    }

    [Fact]
    public async Task Commands_EveryPublicCommand_EmitsOneInternalSpanWithTenantTicketCommandAndOutcome()
    {
        using var spans = new SpanCollector();
        var agent = Desk.Agent(Desk.Alice);

        var opened = (await _engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("VPN is down"))).Ticket;
        var other = (await _engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Printer jam"))).Ticket;
        var id = opened.Id;
        await _engine.AssignAsync(agent, id, Desk.Network, Desk.Alice);
        await _engine.CommentAsync(agent, id, CommentVisibility.Public, "Looking into it.");
        await _engine.ChangePriorityAsync(agent, id, Impact.High, Urgency.High, "whole floor");
        await _engine.LinkAsync(agent, id, other.Id, TicketLinkType.CausedBy);
        await _engine.SetAttributeAsync(agent, id, "site", AttributeValue.FromString("HQ"));
        await _engine.LogTimeAsync(agent, id, Desk.Alice, _clock.Now, Duration.FromMinutes(15), billable: true);
        await _engine.TransitionAsync(agent, id, IncidentLifecycle.Start);
        await _engine.ChangeClassificationAsync(agent, id, new TicketClassification { Contract = new ContractId("C-GOLD") });
        await _engine.OverrideSlaDueAsync(agent, id, "resolution", _clock.Now + Duration.FromDays(2));
        await _engine.ClearSlaDueOverrideAsync(agent, id, "resolution");
        await _engine.DeclareMajorIncidentAsync(agent, id);
        await _engine.ClearMajorIncidentAsync(agent, id);
        await _engine.RequestApprovalAsync(agent, id, ApprovalRequest.Of(ServiceDesk.Workflow.ApprovalRule.Any, Desk.Alice));
        await _engine.ApproveAsync(agent, id, 1);
        await _engine.RequestApprovalAsync(agent, id, ApprovalRequest.Of(ServiceDesk.Workflow.ApprovalRule.Any, Desk.Bob));
        await _engine.WithdrawApprovalAsync(agent, id, 2);
        await _engine.RequestApprovalAsync(agent, id, ApprovalRequest.Of(ServiceDesk.Workflow.ApprovalRule.Any, Desk.Bob));
        await _engine.RejectApprovalAsync(Desk.Agent(Desk.Bob), id, 3);
        await _engine.TransitionAsync(agent, id, IncidentLifecycle.Resolve, "SolvedPermanently", "Fixed.");
        await _engine.RejectResolutionAsync(Desk.Caller(), id, "Still broken.");
        await _engine.TransitionAsync(agent, id, IncidentLifecycle.Resolve, "SolvedPermanently", "Fixed again.");
        await _engine.ConfirmResolutionAsync(Desk.Caller(), id);
        await _engine.RateSatisfactionAsync(Desk.Caller(), id, 5); // after the resolution: applied

        var commands = new[]
        {
            "OpenTicket", "OpenTicket", "Assign", "Comment", "ChangePriority", "Link", "SetAttribute", "LogTime", "Transition",
            "ChangeClassification", "OverrideSlaDue", "ClearSlaDueOverride", "DeclareMajorIncident", "ClearMajorIncident", "RequestApproval", "Approve", "RequestApproval", "WithdrawApproval", "RequestApproval",
            "RejectApproval", "Transition", "RejectResolution", "Transition", "ConfirmResolution", "RateSatisfaction",
        };
        Assert.Equal(commands.Select(c => "servicedesk.command " + c), spans.Stopped.Select(s => s.DisplayName));
        Assert.All(spans.Stopped, span =>
        {
            Assert.Equal(ServiceDeskEngine.ActivitySourceName, span.Source.Name);
            Assert.Equal(ActivityKind.Internal, span.Kind);
            Assert.Equal(spans.Root.SpanId, span.ParentSpanId);
            Assert.Equal(ActivityStatusCode.Unset, span.Status);
            Assert.Equal(Desk.Tenant.Value, span.GetTagItem("servicedesk.tenant"));
            Assert.Equal(span.DisplayName["servicedesk.command ".Length..], span.GetTagItem("servicedesk.command"));
            Assert.Equal("Applied", span.GetTagItem("servicedesk.outcome"));
            Assert.Null(span.GetTagItem("error.type"));
        });
        Assert.Equal(opened.Id.ToString(), spans.Stopped[0].GetTagItem("servicedesk.ticket.id"));
        Assert.Equal(opened.Number.ToString(), spans.Stopped[0].GetTagItem("servicedesk.ticket.number"));
        Assert.Equal(other.Id.ToString(), spans.Stopped[1].GetTagItem("servicedesk.ticket.id"));
        Assert.All(spans.Stopped.Skip(2), span => Assert.Equal(id.ToString(), span.GetTagItem("servicedesk.ticket.id")));
        static bool Fires(Activity s) => s.DisplayName.EndsWith("Transition", StringComparison.Ordinal) || s.DisplayName.EndsWith("Resolution", StringComparison.Ordinal);
        Assert.Equal(["Start", "Resolve", "Reopen", "Resolve", "Close"], spans.Stopped.Where(Fires).Select(s => s.GetTagItem("servicedesk.trigger")));
        Assert.All(spans.Stopped.Where(s => !Fires(s)), s => Assert.Null(s.GetTagItem("servicedesk.trigger")));

        // Every public command of the engine (every public method returning Task<CommandResult>) was traced above.
        var publicCommands = typeof(ServiceDeskEngine).GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.ReturnType == typeof(Task<CommandResult>))
            .Select(m => m.Name[..^"Async".Length]);
        Assert.Equal(publicCommands.Except(ChangeCommands).Order(StringComparer.Ordinal), commands.Distinct().Order(StringComparer.Ordinal));
    }

    /// <summary>The change management commands, traced by <see cref="Commands_ChangeManagement_EmitOneSpanPerStoredCommand"/>.</summary>
    private static readonly string[] ChangeCommands = ["ScheduleChange", "RequestChangeAuthorization", "OpenStandardChange"];

    [Fact]
    public async Task Commands_ChangeManagement_EmitOneSpanPerStoredCommand()
    {
        var changes = new ChangeManagementOptions { Cab = ApprovalRequest.Of(ApprovalRule.Any, Desk.Bob) };
        changes.StandardChanges.Add(new StandardChangeTemplate("restart", "Restart the web farm", Duration.FromHours(1)));
        using var engine = new ServiceDeskEngine(_store, _clock, Desk.Options.With(changes.Build()), meterFactory: _meters);
        var agent = Desk.Agent(Desk.Alice);
        var request = new OpenTicketRequest(TicketKind.Change, "Upgrade", Desk.Requester, Impact.Low, Urgency.Low)
        {
            Attributes = CustomAttributes.Empty.With(ChangeLifecycle.TypeAttribute, AttributeValue.FromString("Normal")),
        };
        var id = (await engine.OpenTicketAsync(agent, request)).Ticket.Id;
        using var spans = new SpanCollector();

        await engine.ScheduleChangeAsync(agent, id, _clock.Now + Duration.FromDays(1), _clock.Now + Duration.FromDays(1) + Duration.FromHours(1));
        await engine.TransitionAsync(agent, id, ChangeLifecycle.Submit);
        await engine.RequestChangeAuthorizationAsync(agent, id);
        await engine.OpenStandardChangeAsync(agent, "restart", Desk.Requester, _clock.Now + Duration.FromDays(2));

        // OpenStandardChangeAsync is two stored commands (the opening, then the scheduling), each with its own span.
        Assert.Equal(
            ["ScheduleChange", "Transition", "RequestChangeAuthorization", "OpenTicket", "ScheduleChange"],
            spans.Stopped.Select(s => s.DisplayName["servicedesk.command ".Length..]));
        Assert.All(spans.Stopped, span => Assert.Equal("Applied", span.GetTagItem("servicedesk.outcome")));
    }

    [Fact]
    public async Task Transition_Rejected_SpanHasRejectedOutcomeTriggerAndNoError()
    {
        var id = (await _engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Mouse"))).Ticket.Id;
        using var spans = new SpanCollector();

        var result = await _engine.TransitionAsync(Desk.Agent(Desk.Alice), id, IncidentLifecycle.Close);

        Assert.Equal(CommandOutcome.Rejected, result.Outcome);
        var span = Assert.Single(spans.Stopped);
        Assert.Equal("servicedesk.command Transition", span.DisplayName);
        Assert.Equal("Rejected", span.GetTagItem("servicedesk.outcome"));
        Assert.Equal(IncidentLifecycle.Close.Name, span.GetTagItem("servicedesk.trigger"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        Assert.Null(span.GetTagItem("error.type"));
    }

    [Fact]
    public async Task Command_UnknownTicket_SpanAndDurationCarryTicketNotFoundErrorType()
    {
        using var spans = new SpanCollector();
        var missing = TicketId.New();

        await Assert.ThrowsAsync<TicketNotFoundException>(() => _engine.AssignAsync(Desk.Agent(Desk.Alice), missing, Desk.Network));

        var span = Assert.Single(spans.Stopped);
        var errorType = typeof(TicketNotFoundException).FullName;
        Assert.Equal("ServiceDesk.Engine.TicketNotFoundException", errorType);
        Assert.Equal("servicedesk.command Assign", span.DisplayName);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(errorType, span.GetTagItem("error.type"));
        Assert.Equal("error", span.GetTagItem("servicedesk.outcome"));
        Assert.Equal(missing.ToString(), span.GetTagItem("servicedesk.ticket.id"));
        var exception = Assert.Single(span.Events, e => e.Name == "exception");
        Assert.Equal(errorType, exception.Tags.Single(t => t.Key == "exception.type").Value);

        var duration = Assert.Single(_metrics.Measurements("servicedesk.engine.command.duration"));
        Assert.Equal(errorType, duration.Tags["error.type"]);
        Assert.Equal("error", duration.Tags["servicedesk.outcome"]);
        Assert.Equal("Assign", duration.Tags["servicedesk.command"]);
    }

    [Fact]
    public async Task Command_StaleExpectedVersion_SpanAndDurationCarryConcurrencyErrorType()
    {
        var id = (await _engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Laptop"))).Ticket.Id;
        using var spans = new SpanCollector();

        await Assert.ThrowsAsync<ConcurrencyException>(
            () => _engine.CommentAsync(Desk.Agent(Desk.Alice) with { ExpectedVersion = 1 }, id, CommentVisibility.Internal, "stale"));

        var span = Assert.Single(spans.Stopped);
        Assert.Equal("servicedesk.command Comment", span.DisplayName);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("ServiceDesk.Storage.ConcurrencyException", span.GetTagItem("error.type"));
        var failed = Assert.Single(_metrics.Measurements("servicedesk.engine.command.duration"), m => m.Tags.ContainsKey("error.type"));
        Assert.Equal(("Comment", "error", "ServiceDesk.Storage.ConcurrencyException"),
            (failed.Tags["servicedesk.command"], failed.Tags["servicedesk.outcome"], failed.Tags["error.type"]));
    }

    [Fact]
    public async Task Sweep_DueTimer_EmitsOneSweepSpanWithCountsAndADuration()
    {
        var id = (await _engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Email bounces"))).Ticket.Id;
        _clock.AdvanceHours(2); // first response (1 h) is breached
        var sweeper = new EscalationSweeper(_engine);
        using var spans = new SpanCollector();

        var result = await sweeper.SweepAsync();

        Assert.Equal(1, result.Claimed);
        Assert.True(result.Thresholds >= 1);
        var span = Assert.Single(spans.Stopped);
        Assert.Equal("servicedesk.sweep", span.DisplayName);
        Assert.Equal(ActivityKind.Internal, span.Kind);
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        Assert.Equal(1, span.GetTagItem("servicedesk.sweep.claimed"));
        Assert.Equal(result.Thresholds, span.GetTagItem("servicedesk.sweep.thresholds"));
        Assert.Equal(0, span.GetTagItem("servicedesk.sweep.escalations"));
        Assert.Equal(0, span.GetTagItem("servicedesk.sweep.failed"));
        var duration = Assert.Single(_metrics.Measurements("servicedesk.engine.sweep.duration"));
        Assert.Empty(duration.Tags);
        Assert.Contains(await _engine.GetHistoryAsync(Desk.Tenant, id), e => e is SlaThresholdReached);
        Assert.Equal(1, _metrics.Sum("servicedesk.engine.sla.breaches", "servicedesk.sla.metric", "first_response"));
    }

    [Fact]
    public async Task Sweep_StoreFailsToClaim_SpanAndDurationCarryStorageErrorType()
    {
        var failing = new ClaimFailingStore();
        using var engine = new ServiceDeskEngine(failing, _clock, Desk.Options, meterFactory: _meters);
        var sweeper = new EscalationSweeper(engine);
        using var spans = new SpanCollector();

        await Assert.ThrowsAsync<StorageException>(() => sweeper.SweepAsync());

        var span = Assert.Single(spans.Stopped);
        Assert.Equal("servicedesk.sweep", span.DisplayName);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("ServiceDesk.Storage.StorageException", span.GetTagItem("error.type"));
        Assert.Null(span.GetTagItem("servicedesk.sweep.claimed"));
        var duration = Assert.Single(_metrics.Measurements("servicedesk.engine.sweep.duration"));
        Assert.Equal("ServiceDesk.Storage.StorageException", duration.Tags["error.type"]);
    }

    [Fact]
    public async Task Metrics_TagsAreNamespacedAndNeverNameTheTenant()
    {
        var agent = Desk.Agent(Desk.Alice);
        var id = (await _engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Email bounces"))).Ticket.Id;
        _clock.AdvanceHours(25);
        await _engine.TransitionAsync(agent, id, IncidentLifecycle.Start);
        await _engine.TransitionAsync(agent, id, IncidentLifecycle.Close);
        await _engine.TransitionAsync(agent, id, IncidentLifecycle.Resolve, "SolvedWorkaround", "Cleared the queue.");

        Assert.Equal(1, _metrics.Sum("servicedesk.engine.tickets.opened", "servicedesk.ticket.kind", "Incident"));
        Assert.Equal(1, _metrics.Sum("servicedesk.engine.transitions", "servicedesk.trigger", IncidentLifecycle.Start.Name));
        Assert.Equal(2, _metrics.Sum("servicedesk.engine.transitions", "servicedesk.outcome", "Applied"));
        Assert.Equal(1, _metrics.Sum("servicedesk.engine.transitions", "servicedesk.outcome", "Rejected"));
        Assert.Equal(1, _metrics.Sum("servicedesk.engine.sla.breaches", "servicedesk.sla.metric", "resolution"));
        Assert.Equal(3, _metrics.Count("servicedesk.engine.command.duration", "servicedesk.command", "Transition"));
        Assert.Equal(1, _metrics.Count("servicedesk.engine.command.duration", "servicedesk.outcome", "Rejected"));

        var all = _metrics.Measurements(null);
        Assert.NotEmpty(all);
        Assert.All(all, m => Assert.All(m.Tags.Keys, key => Assert.True(
            key.StartsWith("servicedesk.", StringComparison.Ordinal) || key == "error.type", $"{m.Instrument} has tag '{key}'")));
        Assert.All(all, m => Assert.DoesNotContain("servicedesk.tenant", m.Tags.Keys));
        Assert.All(_metrics.Measurements("servicedesk.engine.command.duration"), m => Assert.DoesNotContain("error.type", m.Tags.Keys));
    }

    [Fact]
    public void Metrics_DurationHistograms_AdviseExplicitBucketBoundaries()
    {
        Assert.Single(_meters.Meters); // the engine created its meter through the factory
        var published = new ConcurrentDictionary<string, Instrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (_meters.Meters.Contains(instrument.Meter))
                {
                    published[instrument.Name] = instrument;
                }
            },
        };
        listener.Start();

        var command = Assert.IsType<Histogram<double>>(published["servicedesk.engine.command.duration"]);
        var sweep = Assert.IsType<Histogram<double>>(published["servicedesk.engine.sweep.duration"]);
        Assert.Equal("s", command.Unit);
        Assert.Equal("s", sweep.Unit);
        Assert.Equal([0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], command.Advice!.HistogramBucketBoundaries!);
        Assert.Equal([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], sweep.Advice!.HistogramBucketBoundaries!);
    }

    [Fact]
    public async Task RetryOnConflict_WaitsBetweenAttemptsOnTheEnginesTimeProvider()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var engine = new ServiceDeskEngine(_store, _clock, Desk.Options, timeProvider: time);
        var attempts = 0;
        var conflict = new ConcurrencyException(Desk.Tenant, TicketId.New(), 1, 2);

        var retry = engine.RetryOnConflictAsync<CommandResult>(
            _ =>
            {
                Interlocked.Increment(ref attempts);
                throw conflict;
            },
            maxAttempts: 10);

        // The waits (0 to 3 ms after the first attempt, up to 27 ms before the tenth) are on fake time, which stands still:
        // on the machine clock all ten attempts would be over well within this half second. (A wait of 0 ms completes at
        // once, so a few attempts may pass; nine waits of 0 ms in a row have a chance of about one in 10^9.)
        await Task.Delay(500);
        Assert.False(retry.IsCompleted, $"all {Volatile.Read(ref attempts)} attempts ran without fake time moving");
        var stuckAt = Volatile.Read(ref attempts);
        Assert.InRange(stuckAt, 1, 9);

        var until = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(10);
        while (!retry.IsCompleted)
        {
            Assert.True(DateTimeOffset.UtcNow < until, "the retry did not finish while fake time moved");
            time.Advance(TimeSpan.FromMilliseconds(5));
            await Task.Delay(5);
        }

        Assert.Same(conflict, await Assert.ThrowsAsync<ConcurrencyException>(() => retry));
        Assert.Equal(10, Volatile.Read(ref attempts));
    }

    /// <summary>Collects the engine's spans started under a root span of this collector, so that tests running in parallel
    /// never see each other's spans: a listener samples every span of the engine's source, and only those in the root's
    /// trace are kept.</summary>
    private sealed class SpanCollector : IDisposable
    {
        private const string TestSourceName = "ServiceDesk.Engine.Tests";
        private static readonly ActivitySource TestSource = new(TestSourceName);
        private readonly ActivityListener _listener;
        private readonly ConcurrentQueue<Activity> _stopped = new();
        private readonly Activity _root;

        public SpanCollector()
        {
            // Create the test source before the listener: a source created while a listener is being added may miss it.
            var source = TestSource;
            ActivityTraceId? trace = null;
            _listener = new ActivityListener
            {
                ShouldListenTo = s => s.Name is ServiceDeskEngine.ActivitySourceName or TestSourceName,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = activity =>
                {
                    if (trace is { } t && activity.TraceId == t && activity.Source.Name == ServiceDeskEngine.ActivitySourceName)
                    {
                        _stopped.Enqueue(activity);
                    }
                },
            };
            ActivitySource.AddActivityListener(_listener);
            _root = source.StartActivity("test") ?? throw new InvalidOperationException("The test source has no listener.");
            trace = _root.TraceId;
        }

        public Activity Root => _root;

        public IReadOnlyList<Activity> Stopped => [.. _stopped];

        public void Dispose()
        {
            _root.Dispose();
            _listener.Dispose();
        }
    }

    /// <summary>A store whose timer claims fail.</summary>
    private sealed class ClaimFailingStore : ITicketStore, ITimerStore
    {
        private readonly InMemoryTicketStore _inner = new();

        public Task<IReadOnlyList<TimerLease>> ClaimDueTimersAsync(Instant now, int maxCount, Duration leaseDuration, CancellationToken cancellationToken = default)
            => throw new StorageException("the database is restarting", null) { IsTransient = true };

        public Task<bool> CompleteTimerAsync(TimerLease lease, TicketSchedule schedule, CancellationToken cancellationToken = default)
            => _inner.CompleteTimerAsync(lease, schedule, cancellationToken);

        public Task<bool> ReleaseTimerAsync(TimerLease lease, CancellationToken cancellationToken = default) => _inner.ReleaseTimerAsync(lease, cancellationToken);

        public Task<TicketSchedule?> GetScheduleAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
            => _inner.GetScheduleAsync(tenant, id, cancellationToken);

        public Task<SchedulePage> QueryScheduleAsync(ScheduleQuery query, CancellationToken cancellationToken = default)
            => _inner.QueryScheduleAsync(query, cancellationToken);

        public Task<TicketNumber> AllocateNumberAsync(TenantId tenant, TicketKind kind, CancellationToken cancellationToken = default)
            => _inner.AllocateNumberAsync(tenant, kind, cancellationToken);

        public Task<Ticket?> GetAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default) => _inner.GetAsync(tenant, id, cancellationToken);

        public Task<Ticket?> GetByNumberAsync(TenantId tenant, TicketNumber number, CancellationToken cancellationToken = default)
            => _inner.GetByNumberAsync(tenant, number, cancellationToken);

        public Task<AppendResult> AppendAsync(TicketAppend append, CancellationToken cancellationToken = default) => _inner.AppendAsync(append, cancellationToken);

        public Task<AppendResult?> FindAppliedAsync(TenantId tenant, string idempotencyKey, CancellationToken cancellationToken = default)
            => _inner.FindAppliedAsync(tenant, idempotencyKey, cancellationToken);

        public Task<TicketPage> QueryAsync(TicketQuery query, CancellationToken cancellationToken = default) => _inner.QueryAsync(query, cancellationToken);

        public Task<IReadOnlyList<TicketEvent>> ReadHistoryAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
            => _inner.ReadHistoryAsync(tenant, id, cancellationToken);
    }
}
