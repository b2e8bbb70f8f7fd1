using NodaTime;
using ServiceDesk.Engine;
using ServiceDesk.Sla;

namespace ServiceDesk.Benchmarks.Engine;

/// <summary>The definitions the engine benchmarks share.</summary>
public static class EngineBenchmarkData
{
    /// <summary>The tenant.</summary>
    public static readonly TenantId Tenant = new("bench");

    /// <summary>The requester of every ticket.</summary>
    public static readonly Requester Requester = new(new CustomerId("c-1"), "Jane Doe", "jane@example.com");

    /// <summary>Gets an agent's command context.</summary>
    public static CommandContext Agent { get; } = new(Tenant, Actor.OfAgent(new AgentId("alice")));

    /// <summary>Gets the requester's command context.</summary>
    public static CommandContext Caller { get; } = new(Tenant, Actor.OfRequester("Jane Doe"));

    /// <summary>Gets the command benchmarks' desk: the shipped lifecycles and a standard SLA policy on weekday hours
    /// 09:00-17:00 UTC (first response 1 h, resolution 8 h, next response 2 h), so every command also evaluates the SLA
    /// clocks and stores the ticket's next timer.</summary>
    public static ServiceDeskEngineOptions CommandOptions { get; } = ServiceDeskEngineOptions.CreateDefault().With(null, new SlaPolicySet([StandardPolicy()]));

    /// <summary>An incident to open.</summary>
    public static OpenTicketRequest Incident { get; } = new(TicketKind.Incident, "VPN is down", Requester, Impact.Medium, Urgency.High)
    {
        Description = "The VPN client times out on connect since this morning.",
    };

    /// <summary>The command benchmarks' desk with the resolution target changed to <paramref name="resolution"/> (for repairs).</summary>
    /// <param name="resolution">The resolution target.</param>
    /// <returns>The options.</returns>
    public static ServiceDeskEngineOptions WithResolution(Duration resolution)
        => ServiceDeskEngineOptions.CreateDefault().With(null, new SlaPolicySet([StandardPolicy(resolution)]));

    private static SlaPolicy StandardPolicy(Duration? resolution = null)
    {
        var calendar = new BusinessCalendarBuilder("UTC").AddWeekdayHours(new LocalTime(9, 0), new LocalTime(17, 0)).Build();
        var options = new SlaPolicyOptions { Name = "standard" };
        options.Metrics.Add(SlaMetricOptions.FirstResponse(calendar, Duration.FromHours(1)));
        options.Metrics.Add(SlaMetricOptions.Resolution(calendar, resolution ?? Duration.FromHours(8)));
        options.Metrics.Add(SlaMetricOptions.NextResponse(calendar, Duration.FromHours(2)));
        return options.Build();
    }
}
