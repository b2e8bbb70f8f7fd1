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
    private static Task AdvanceUntilAsync(FakeTimeProvider time, Func<bool> condition) => AdvanceUntilAsync(time, TimeSpan.FromMinutes(1), condition);

    /// <summary>Advances fake time <paramref name="step"/> at a time until <paramref name="condition"/> holds.</summary>
    private static async Task AdvanceUntilAsync(FakeTimeProvider time, TimeSpan step, Func<bool> condition)
    {
        var until = DateTimeOffset.UtcNow + Wait;
        while (!condition())
        {
            Assert.True(DateTimeOffset.UtcNow < until, "the condition did not hold in time");
            time.Advance(step);
            await Task.Delay(20);
        }
    }

    private static Instant Now(FakeTimeProvider time) => Instant.FromDateTimeOffset(time.GetUtcNow());

    [Fact]
    public async Task Worker_NextTimerDueBeforePollInterval_SleepsUntilTheTimerNotThePollInterval()
    {
        var time = new FakeTimeProvider();
        var due = Now(time) + Duration.FromSeconds(10);   // poll interval: 1 minute
        var store = new NextDueTimerStoreDouble { NextDue = () => due };
        using var host = Build(store, time);
        await host.StartAsync();
        await EventuallyAsync(() => store.Claims == 1 && store.NextDueQueries == 1);

        await AdvanceUntilAsync(time, TimeSpan.FromSeconds(1), () => store.Claims >= 2);

        // Woken by the timer: not before it was due, and long before the poll interval. A worker cannot wake early, since
        // it sleeps on fake time from the instant it read; it may wake a step late if time moved while it went to sleep.
        var second = store.ClaimedAt[1];
        Assert.True(second >= due, $"swept at {second}, before the timer was due at {due}");
        Assert.True(second < due + Duration.FromSeconds(30), $"swept at {second}, long after the timer was due at {due}");

        // The store still answers the (now past) instant, but that sweep found nothing: the worker polls instead of spinning.
        await Task.Delay(200);
        Assert.Equal(2, store.Claims);
        await host.StopAsync();
    }

    [Fact]
    public async Task Worker_TimerAlreadyDueAfterASweepThatClaimed_SweepsAgainAtOnce()
    {
        var time = new FakeTimeProvider();
        var store = new NextDueTimerStoreDouble { LeasesPerClaim = claim => claim == 1 ? 1 : 0 };
        store.NextDue = () => store.Claims == 1 ? Now(time) : null; // one more timer is due now, then nothing is pending
        using var host = Build(store, time);
        await host.StartAsync();

        await EventuallyAsync(() => store.Claims == 2);   // without any fake time passing

        Assert.Equal(store.ClaimedAt[0], store.ClaimedAt[1]);
        await Task.Delay(200);
        Assert.Equal(2, store.Claims);                    // nothing pending: it waits for the poll interval
        await AdvanceUntilAsync(time, () => store.Claims >= 3);
        Assert.True(store.ClaimedAt[2] >= store.ClaimedAt[1] + Duration.FromMinutes(1));
        await host.StopAsync();
    }

    [Fact]
    public async Task Worker_NextTimerDueBeyondPollInterval_WakesAtThePollInterval()
    {
        var time = new FakeTimeProvider();
        var store = new NextDueTimerStoreDouble();
        var due = Now(time) + Duration.FromHours(1);
        store.NextDue = () => due;
        using var host = Build(store, time);
        await host.StartAsync();
        await EventuallyAsync(() => store.NextDueQueries == 1);

        await AdvanceUntilAsync(time, TimeSpan.FromSeconds(10), () => store.Claims >= 2);

        var second = store.ClaimedAt[1];
        Assert.True(second >= store.ClaimedAt[0] + Duration.FromMinutes(1), $"swept again at {second}, before the poll interval");
        Assert.True(second < due, $"swept again at {second}, not before the timer due at {due}: the poll interval bounds the sleep");
        await host.StopAsync();
    }

    [Fact]
    public async Task Worker_NextDueQueryFails_LogsAndPolls()
    {
        var time = new FakeTimeProvider();
        var store = new NextDueTimerStoreDouble { NextDueFailure = new StorageException("the database is restarting", null) { IsTransient = true } };
        using var host = Build(store, time);
        await host.StartAsync();
        await EventuallyAsync(() => store.NextDueQueries == 1);
        await Task.Delay(100);
        Assert.Equal(1, store.Claims);

        await AdvanceUntilAsync(time, TimeSpan.FromSeconds(10), () => store.Claims >= 2);

        Assert.True(store.ClaimedAt[1] >= store.ClaimedAt[0] + Duration.FromMinutes(1));
        var worker = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().Single();
        Assert.False(worker.ExecuteTask!.IsCompleted);
        await host.StopAsync();
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

    /// <summary>With an hour between polls, the worker still escalates within moments of the breach: it sleeps until the
    /// store's next due timer. (Polling alone would fire at the first hourly poll after the breach.)</summary>
    [Fact]
    public async Task Worker_LongPollInterval_EscalatesAtTheBreachNotAtTheNextPoll()
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
                .AddEscalationWorker(o => o.PollInterval = Duration.FromHours(1));
        });
        await host.StartAsync();
        var engine = host.Services.GetRequiredService<ServiceDesk.Engine.ServiceDeskEngine>();
        // The worker swept at 09:00 and polls hourly on a rhythm set by its start; the ticket is opened at 09:30 so that it
        // breaches (Tuesday 09:30) off that rhythm. A worker that only polled fires tens of minutes late here.
        time.Advance(TimeSpan.FromMinutes(30));
        var id = (await engine.OpenIncidentAsync()).Ticket.Id;
        var view = await engine.GetTicketAsync(new TenantId("acme"), id);
        var due = view!.Clocks.Single(c => c.Metric == "resolution").DueAt!.Value;
        Assert.Equal(Instant.FromUtc(2025, 1, 7, 9, 30), due);

        var until = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        do
        {
            var now = Instant.FromDateTimeOffset(time.GetUtcNow());
            time.Advance(now < due - Duration.FromHours(2) ? TimeSpan.FromMinutes(10) : TimeSpan.FromMinutes(1));
            await Task.Delay(20);
            view = await engine.GetTicketAsync(new TenantId("acme"), id);
        }
        while (view!.Ticket.AssignmentGroup != new GroupId("second-line") && DateTimeOffset.UtcNow < until);

        var escalated = Assert.Single((await engine.GetHistoryAsync(new TenantId("acme"), id)).OfType<ServiceDesk.Events.Escalated>());
        Assert.True(escalated.At >= due, $"escalated at {escalated.At}, before the breach at {due}");
        Assert.True(escalated.At < due + Duration.FromMinutes(5), $"escalated at {escalated.At}, long after the breach at {due}");
        await host.StopAsync();
    }
}
