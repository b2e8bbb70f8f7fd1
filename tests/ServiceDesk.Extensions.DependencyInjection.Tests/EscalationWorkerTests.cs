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

        time.Advance(TimeSpan.FromMinutes(1));
        await EventuallyAsync(() => store.Claims == 5);
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
        time.Advance(TimeSpan.FromMinutes(1));
        await EventuallyAsync(() => store.Claims == 2);
        store.Failure = null;
        store.FullBatches = int.MaxValue;                 // recovered, and a backlog is due
        time.Advance(TimeSpan.FromMinutes(1));
        await EventuallyAsync(() => store.Claims > 10);
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
