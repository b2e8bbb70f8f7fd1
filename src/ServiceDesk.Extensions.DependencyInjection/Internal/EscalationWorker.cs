using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;
using ServiceDesk.Engine;
using ServiceDesk.Storage;

namespace ServiceDesk.Extensions.DependencyInjection.Internal;

/// <summary>
/// Sweeps due escalation timers: again at once after a full batch; otherwise it asks the store for the next due timer
/// (<see cref="EscalationSweeper.GetNextDueAsync"/>) and sleeps on the <see cref="TimeProvider"/> until then, but never
/// longer than the poll interval (a command may store an earlier timer meanwhile, and a store may not know). A failed sweep
/// is logged and the next one goes ahead after the poll interval; stops when the host stops.
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
        // The engine's clock: the due instants the store answers are on its timeline. AddServiceDesk makes it read the same
        // TimeProvider the worker waits on.
        var clock = services.GetService<IClock>() ?? new TimeProviderClock(_time);
        var poll = settings.PollInterval.ToTimeSpan();
        WorkerStarted(_logger, settings.BatchSize, poll);
        while (!stoppingToken.IsCancellationRequested)
        {
            var again = false;
            SweepResult? swept = null;
            try
            {
                var result = await sweeper.SweepAsync(stoppingToken).ConfigureAwait(false);
                again = result.Claimed >= settings.BatchSize && result.Failed < result.Claimed;
                swept = result;
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
                    // After a failed sweep (or one with failed timers, which were released and are due again) wait the
                    // poll interval, so that a timer that keeps failing is not retried in a tight loop.
                    var wait = swept is { Failed: 0 } ok
                        ? await WaitBeforeNextSweepAsync(sweeper, clock, poll, ok.Claimed > 0, stoppingToken).ConfigureAwait(false)
                        : poll;
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, _time, stoppingToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await Task.Yield();
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
            }
        }

        WorkerStopped(_logger);
    }

    /// <summary>How long to wait after a sweep that was not full and had no failures: until the next due timer, at most the
    /// poll interval; zero (sweep again at once) when a timer is already due and the last sweep claimed something; the poll
    /// interval when the store cannot tell, fails to answer, or answers "due" although the last sweep found nothing (so an
    /// inconsistent answer never makes the worker spin).</summary>
    private async Task<TimeSpan> WaitBeforeNextSweepAsync(
        EscalationSweeper sweeper, IClock clock, TimeSpan poll, bool claimedSome, CancellationToken stoppingToken)
    {
        Instant? next;
        try
        {
            next = await sweeper.GetNextDueAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Like a failed sweep: the worker outlives it and polls.
            NextDueFailed(_logger, ex, poll);
            return poll;
        }

        if (next is not { } due)
        {
            return poll;
        }

        var until = due - clock.GetCurrentInstant();
        if (until <= Duration.Zero)
        {
            return claimedSome ? TimeSpan.Zero : poll;
        }

        // Round up to whole ticks, so the worker never wakes just before the timer is due.
        var ticks = until.BclCompatibleTicks;
        if (Duration.FromTicks(ticks) < until)
        {
            ticks++;
        }

        return ticks < poll.Ticks ? TimeSpan.FromTicks(ticks) : poll;
    }

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Escalation worker started: batches of {BatchSize}, sleeping until the next due timer but at most {PollInterval}")]
    private static partial void WorkerStarted(ILogger logger, int batchSize, TimeSpan pollInterval);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "Escalation sweep failed; retrying in {PollInterval}")]
    private static partial void SweepFailed(ILogger logger, Exception exception, TimeSpan pollInterval);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Escalation worker stopped")]
    private static partial void WorkerStopped(ILogger logger);

    [LoggerMessage(EventId = 104, Level = LogLevel.Error, Message = "Escalation worker not started: the store {Store} does not implement ITimerStore, so it has no timers to sweep")]
    private static partial void StoreHasNoTimers(ILogger logger, string store);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Escalation worker could not read the next due timer; sweeping again in {PollInterval}")]
    private static partial void NextDueFailed(ILogger logger, Exception exception, TimeSpan pollInterval);
}
