using NodaTime;

namespace ServiceDesk.Extensions.DependencyInjection;

/// <summary>A NodaTime <see cref="IClock"/> reading a <see cref="System.TimeProvider"/>.</summary>
/// <remarks>
/// <c>AddServiceDesk</c> registers it as the <see cref="IClock"/> when a <see cref="System.TimeProvider"/> is registered
/// (e.g. <c>FakeTimeProvider</c> in tests). Thread-safe when the time provider is.
/// </remarks>
public sealed class TimeProviderClock : IClock
{
    /// <summary>Creates a clock reading <paramref name="timeProvider"/>.</summary>
    /// <param name="timeProvider">The time provider.</param>
    /// <exception cref="ArgumentNullException"><paramref name="timeProvider"/> is <see langword="null"/>.</exception>
    public TimeProviderClock(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        TimeProvider = timeProvider;
    }

    /// <summary>Gets the time provider this clock reads.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Gets the current instant: <see cref="System.TimeProvider.GetUtcNow"/>.</summary>
    /// <returns>The current instant.</returns>
    public Instant GetCurrentInstant() => Instant.FromDateTimeOffset(TimeProvider.GetUtcNow());
}
