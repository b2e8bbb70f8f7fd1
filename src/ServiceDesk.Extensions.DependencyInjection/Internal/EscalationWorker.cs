using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ServiceDesk.Engine;
using ServiceDesk.Storage;

namespace ServiceDesk.Extensions.DependencyInjection.Internal;

/// <summary>
/// Sweeps due escalation timers: again at once after a full batch, otherwise after the poll interval; a failed sweep
/// is logged and the next one goes ahead; stops when the host stops.
/// </summary>
internal sealed partial class EscalationWorker(IServiceProvider services, IOptions<EscalationWorkerOptions> options) : BackgroundService
{
    private readonly ILogger _logger = services.GetService<ILogger<EscalationWorker>>() ?? (ILogger)NullLogger<EscalationWorker>.Instance;
    private readonly TimeProvider _time = services.GetService<TimeProvider>() ?? TimeProvider.System;

    /// <summary>Gets the number of sweeps run so far (for tests and diagnostics).</summary>
    public long Sweeps => Interlocked.Read(ref _sweeps);

    private long _sweeps;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Leave the host's StartAsync at once, even when the store answers synchronously.
        await Task.Yield();
        var store = await services.GetServiceDeskStoreAsync(stoppingToken).ConfigureAwait(false);
        if (store is not ITimerStore)
        {
            StoreHasNoTimers(_logger, store.GetType().Name);
            return;
        }

        var settings = options.Value;
        var sweeper = new EscalationSweeper(
            services.GetRequiredService<ServiceDeskEngine>(),
            settings.ToSweeperOptions(),
            services.GetService<ILogger<EscalationSweeper>>());
        var poll = settings.PollInterval.ToTimeSpan();
        WorkerStarted(_logger, settings.BatchSize, poll);
        while (!stoppingToken.IsCancellationRequested)
        {
            var again = false;
            try
            {
                var result = await sweeper.SweepAsync(stoppingToken).ConfigureAwait(false);
                again = result.Claimed >= settings.BatchSize && result.Failed < result.Claimed;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The worker must outlive a failed sweep (a database restart, a network blip): log, wait, try again.
                SweepFailed(_logger, ex, poll);
            }
            finally
            {
                Interlocked.Increment(ref _sweeps);
            }

            if (again)
            {
                // A backlog: sweep again at once, but let other work (and shutdown) in between batches.
                await Task.Yield();
            }
            else
            {
                try
                {
                    await Task.Delay(poll, _time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
            }
        }

        WorkerStopped(_logger);
    }

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Escalation worker started: batches of {BatchSize}, polling every {PollInterval}")]
    private static partial void WorkerStarted(ILogger logger, int batchSize, TimeSpan pollInterval);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "Escalation sweep failed; retrying in {PollInterval}")]
    private static partial void SweepFailed(ILogger logger, Exception exception, TimeSpan pollInterval);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Escalation worker stopped")]
    private static partial void WorkerStopped(ILogger logger);

    [LoggerMessage(EventId = 104, Level = LogLevel.Error, Message = "Escalation worker not started: the store {Store} does not implement ITimerStore, so it has no timers to sweep")]
    private static partial void StoreHasNoTimers(ILogger logger, string store);
}
