using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using NodaTime;
using ServiceDesk.Storage;

namespace ServiceDesk.Extensions.DependencyInjection.Tests;

public sealed class EscalationWorkerTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static IHost Build(TimerStoreDouble store, FakeTimeProvider time, int batchSize = 5)
        => Hosts.Build(s =>
        {
            s.AddSingleton<TimeProvider>(time);
            s.AddServiceDesk().UseStore("double", (_, _) => Task.FromResult<ITicketStore>(store))
                .AddEscalationWorker(o =>
                {
                    o.BatchSize = batchSize;
                    o.PollInterval = Duration.FromMinutes(1);
                });
        });

    private static async Task EventuallyAsync(Func<bool> condition)
    {
        var until = DateTimeOffset.UtcNow + Wait;
        while (!condition())
        {
            Assert.True(DateTimeOffset.UtcNow < until, "the condition did not hold in time");
            await Task.Delay(10);
        }
    }

    /// <summary>Advances fake time a poll interval at a time until <paramref name="condition"/> holds: a single advance can
    /// land before the worker has started its wait (the wait then starts from the advanced time and never ends).</summary>
    private static async Task AdvanceUntilAsync(FakeTimeProvider time, Func<bool> condition)
    {
        var until = DateTimeOffset.UtcNow + Wait;
        while (!condition())
        {
            Assert.True(DateTimeOffset.UtcNow < until, "the condition did not hold in time");
            time.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Worker_FullBatches_SweepsAgainAtOnceThenWaitsForThePollInterval()
    {
        var store = new TimerStoreDouble { FullBatches = 3 };
        var time = new FakeTimeProvider();
        using var host = Build(store, time);
        await host.StartAsync();

        await EventuallyAsync(() => store.Claims == 4);   // 3 full batches, then one that finds nothing
        await Task.Delay(100);
        Assert.Equal(4, store.Claims);                    // now it waits for the poll interval

        await AdvanceUntilAsync(time, () => store.Claims >= 5);
        await host.StopAsync();
    }

    [Fact]
    public async Task Worker_FailingSweep_LogsAndKeepsGoing()
    {
        var store = new TimerStoreDouble { Failure = new StorageException("the database is restarting", null) { IsTransient = true } };
        var time = new FakeTimeProvider();
        using var host = Build(store, time);
        await host.StartAsync();

        await EventuallyAsync(() => store.Claims == 1);
        await AdvanceUntilAsync(time, () => store.Claims >= 2); // the failed sweep was logged and the worker tried again
        store.Failure = null;
        store.FullBatches = int.MaxValue;                 // recovered, and a backlog is due
        await AdvanceUntilAsync(time, () => store.Claims > 10);
        await host.StopAsync();
    }

    [Fact]
    public async Task Worker_HostStops_StopsCleanlyWhileWaiting()
    {
        var store = new TimerStoreDouble();
        var time = new FakeTimeProvider();
        using var host = Build(store, time);
        await host.StartAsync();
        await store.FirstClaim.Task.WaitAsync(Wait);

        using var timeout = new CancellationTokenSource(Wait);
        await host.StopAsync(timeout.Token);

        var worker = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().Single();
        Assert.True(worker.ExecuteTask!.IsCompletedSuccessfully);
        Assert.False(timeout.IsCancellationRequested);
    }

    [Fact]
    public async Task Worker_HostStops_StopsCleanlyWhileSweepingABacklog()
    {
        var store = new TimerStoreDouble { FullBatches = int.MaxValue };
        var time = new FakeTimeProvider();
        using var host = Build(store, time, batchSize: 1_000);
        await host.StartAsync();
        await EventuallyAsync(() => store.Claims > 3);

        await host.StopAsync(new CancellationTokenSource(Wait).Token);

        var worker = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().Single();
        Assert.True(worker.ExecuteTask!.IsCompletedSuccessfully);
        var claims = store.Claims;
        await Task.Delay(50);
        Assert.Equal(claims, store.Claims);
    }

    [Fact]
    public async Task Worker_StoreWithoutTimers_StopsWithoutStoppingTheHost()
    {
        using var host = Hosts.Build(s => s.AddServiceDesk().UseStore("plain", (_, _) => Task.FromResult<ITicketStore>(new PlainTicketStore())).AddEscalationWorker());
        await host.StartAsync();
        var worker = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().Single();
        await worker.ExecuteTask!.WaitAsync(Wait);
        Assert.True(worker.ExecuteTask.IsCompletedSuccessfully);
        await host.StopAsync();
    }
}

/// <summary>The hosted worker on a real store: an SLA breach in (fake) time is escalated by the worker alone.</summary>
public sealed class EscalationWorkerEndToEndTests
{
    [Fact]
    public async Task Worker_InMemoryStore_EscalatesABreachedTicketOnItsOwn()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2025, 1, 6, 9, 0, 0, TimeSpan.Zero));
        var calendar = new ServiceDesk.Sla.BusinessCalendarBuilder("UTC").AddWeekdayHours(new LocalTime(9, 0), new LocalTime(17, 0)).Build();
        var policy = new ServiceDesk.Sla.SlaPolicyOptions { Name = "standard" };
        policy.Metrics.Add(ServiceDesk.Sla.SlaMetricOptions.Resolution(calendar, Duration.FromHours(8)));
        using var host = Hosts.Build(s =>
        {
            s.AddSingleton<TimeProvider>(time);
            s.AddServiceDesk().UseInMemory()
                .AddSlaPolicies(new ServiceDesk.Sla.SlaPolicySet([policy.Build()]))
                .AddEscalation(new ServiceDesk.Routing.EscalationPolicyBuilder()
                    .Rule("breach", 1, ServiceDesk.Routing.EscalationTrigger.SlaPercent("resolution", 100),
                        ServiceDesk.Routing.NotificationDelivery.Immediately, ServiceDesk.Routing.EscalationAction.ToGroup(new GroupId("second-line")))
                    .Build())
                .AddEscalationWorker(o => o.PollInterval = Duration.FromMinutes(1));
        });
        await host.StartAsync();
        var engine = host.Services.GetRequiredService<ServiceDesk.Engine.ServiceDeskEngine>();
        var id = (await engine.OpenIncidentAsync()).Ticket.Id;

        time.Advance(TimeSpan.FromHours(9)); // past the 8 business hours; the worker wakes at its next poll
        var until = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(20);
        ServiceDesk.Engine.TicketView? view;
        do
        {
            time.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(20);
            view = await engine.GetTicketAsync(new TenantId("acme"), id);
        }
        while (view!.Ticket.AssignmentGroup != new GroupId("second-line") && DateTimeOffset.UtcNow < until);

        Assert.Equal(new GroupId("second-line"), view.Ticket.AssignmentGroup);
        var history = await engine.GetHistoryAsync(new TenantId("acme"), id);
        Assert.Single(history.OfType<ServiceDesk.Events.Escalated>());
        Assert.Contains(history.OfType<ServiceDesk.Events.SlaThresholdReached>(), t => t.Threshold == "breach");
        await host.StopAsync();
    }
}
