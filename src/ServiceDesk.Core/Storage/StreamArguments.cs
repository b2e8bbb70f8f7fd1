using NodaTime;

namespace ServiceDesk.Storage;

/// <summary>The argument checks of <see cref="ITicketHistoryStream.StreamHistoriesAsync"/>, shared by the adapters.</summary>
public static class StreamArguments
{
    /// <summary>Checks the tenant and the opening range of a history stream.</summary>
    /// <param name="tenant">Not the default value.</param>
    /// <param name="openedFrom">The inclusive start, or <see langword="null"/>.</param>
    /// <param name="openedTo">The exclusive end, or <see langword="null"/>; not before <paramref name="openedFrom"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="tenant"/> is the default value.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="openedTo"/> is before <paramref name="openedFrom"/>.</exception>
    public static void Check(TenantId tenant, Instant? openedFrom, Instant? openedTo)
    {
        TenantId.ThrowIfDefault(tenant);
        if (openedFrom is { } from && openedTo is { } to && to < from)
        {
            throw new ArgumentOutOfRangeException(nameof(openedTo), to, $"The end of the opening range ({to}) is before its start ({from}).");
        }
    }
}
