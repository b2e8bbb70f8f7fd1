using System.Collections.Concurrent;
using ServiceDesk.Storage;

namespace ServiceDesk.Notifications.Tests;

/// <summary>A handler that records every call and answers from a script (delivered unless the script says otherwise), and
/// checks that no message is handled by two callers at once.</summary>
internal sealed class RecordingHandler(Func<OutboxDelivery, OutboxHandlerResult>? script = null, TimeSpan delay = default) : IOutboxHandler
{
    private readonly ConcurrentDictionary<long, bool> _inFlight = new();

    public ConcurrentQueue<OutboxDelivery> Calls { get; } = new();

    public int Overlaps;

    public async ValueTask<OutboxHandlerResult> HandleAsync(OutboxDelivery delivery, CancellationToken cancellationToken)
    {
        if (!_inFlight.TryAdd(delivery.Message.Position, true))
        {
            Interlocked.Increment(ref Overlaps);
        }

        try
        {
            Calls.Enqueue(delivery);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, cancellationToken);
            }

            return script?.Invoke(delivery) ?? OutboxHandlerResult.Delivered;
        }
        finally
        {
            _inFlight.TryRemove(delivery.Message.Position, out _);
        }
    }

    public List<long> Positions => [.. Calls.Select(c => c.Message.Position)];
}
