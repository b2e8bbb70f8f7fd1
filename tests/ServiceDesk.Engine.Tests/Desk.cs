using System.Diagnostics.Metrics;
using NodaTime;
using ServiceDesk.Routing;
using ServiceDesk.Sla;

namespace ServiceDesk.Engine.Tests;

/// <summary>The definitions the engine tests run on: weekday 09:00-17:00 UTC, first response 1 h, resolution 8 h
/// (2 h for P1), next response 2 h; tickets mentioning "vpn" go to the network group.</summary>
internal static class Desk
{
    public static readonly TenantId Tenant = new("acme");
    public static readonly TenantId OtherTenant = new("globex");
    public static readonly GroupId Network = new("network");
    public static readonly GroupId ServiceDeskGroup = new("service-desk");
    public static readonly AgentId Alice = new("alice");
    public static readonly AgentId Bob = new("bob");
    public static readonly Requester Requester = new(new CustomerId("c-1"), "Jane Doe", "jane@example.com");

    public static BusinessCalendar Calendar { get; } = new BusinessCalendarBuilder("UTC")
        .AddWeekdayHours(new LocalTime(9, 0), new LocalTime(17, 0))
        .Build();

    public static SlaPolicy Policy { get; } = BuildPolicy();

    public static ServiceDeskEngineOptions Options { get; } = ServiceDeskEngineOptions.CreateDefault().With(
        new RoutingRuleSetBuilder()
            .Rule("network", r => r.When(RoutingCondition.HasKeyword("vpn")).AssignTo(Network))
            .Build(),
        new SlaPolicySet([Policy]));

    public static CommandContext Agent(AgentId agent, string? key = null) => new(Tenant, Actor.OfAgent(agent)) { IdempotencyKey = key };

    public static CommandContext Caller(string? key = null) => new(Tenant, Actor.OfRequester("Jane Doe")) { IdempotencyKey = key };

    public static OpenTicketRequest Incident(string subject, Impact? impact = null, Urgency? urgency = null)
        => new(TicketKind.Incident, subject, Requester, impact ?? Impact.Medium, urgency ?? Urgency.Medium);

    private static SlaPolicy BuildPolicy()
    {
        var options = new SlaPolicyOptions { Name = "standard" };
        options.Metrics.Add(SlaMetricOptions.FirstResponse(Calendar, Duration.FromHours(1)));
        var resolution = SlaMetricOptions.Resolution(Calendar, Duration.FromHours(8));
        resolution.TargetsByPriority[Priority.P1Critical] = Duration.FromHours(2);
        options.Metrics.Add(resolution);
        options.Metrics.Add(SlaMetricOptions.NextResponse(Calendar, Duration.FromHours(2)));
        return options.Build();
    }
}

/// <summary>Creates meters the test can tell apart from those of other tests running in parallel.</summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public IReadOnlyList<Meter> Meters => _meters;

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options);
        _meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        foreach (var meter in _meters)
        {
            meter.Dispose();
        }
    }
}

/// <summary>Collects the measurements of the meters of one <see cref="TestMeterFactory"/>.</summary>
internal sealed class MetricsCollector : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = [];

    public MetricsCollector(TestMeterFactory factory)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (factory.Meters.Contains(instrument.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i.Name, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i.Name, v, tags));
        _listener.Start();
    }

    public double Sum(string instrument, string? tag = null, string? value = null)
    {
        lock (_measurements)
        {
            return _measurements
                .Where(m => m.Instrument == instrument && (tag is null || Equals(m.Tags.GetValueOrDefault(tag), value)))
                .Sum(m => m.Value);
        }
    }

    public int Count(string instrument, string? tag = null, string? value = null)
    {
        lock (_measurements)
        {
            return _measurements.Count(m => m.Instrument == instrument && (tag is null || Equals(m.Tags.GetValueOrDefault(tag), value)));
        }
    }

    /// <summary>The measurements of one instrument (or of every instrument), with their tags.</summary>
    public IReadOnlyList<(string Instrument, double Value, Dictionary<string, object?> Tags)> Measurements(string? instrument)
    {
        lock (_measurements)
        {
            return [.. _measurements.Where(m => instrument is null || m.Instrument == instrument)];
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Add(string instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        lock (_measurements)
        {
            _measurements.Add((instrument, value, copy));
        }
    }
}
