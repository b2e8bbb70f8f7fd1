using NodaTime;

namespace ServiceDesk.Extensions.DependencyInjection.Internal;

/// <summary>The one place the DI package reads the system clock: the default <see cref="IClock"/> registration.</summary>
internal static class SystemClockAccess
{
#pragma warning disable RS0030 // The composition root is where the real clock is chosen; everything else takes an IClock.
    public static IClock Instance => SystemClock.Instance;
#pragma warning restore RS0030
}
