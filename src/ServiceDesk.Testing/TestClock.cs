using NodaTime;

namespace ServiceDesk.Testing;

/// <summary>
/// A controllable <see cref="IClock"/> for tests: it stands still until a test moves it, or moves by a fixed step
/// every time it is read.
/// </summary>
/// <remarks>
/// <para>Pass it wherever production code takes an <see cref="IClock"/> (never read the system clock in a domain
/// package), then move it with <see cref="Advance"/> and its shorthands, or set it with <see cref="Reset"/>.</para>
/// <para><b>Auto-advance.</b> When <see cref="AutoAdvance"/> is more than zero, <see cref="GetCurrentInstant"/> returns
/// the current instant and then moves the clock on by that step, so successive readings are strictly increasing
/// (useful to give every event of a test its own instant). <see cref="Now"/> reads the clock without moving it.</para>
/// <para><b>Direction.</b> <see cref="Advance"/> only moves forwards and rejects a negative duration, so a typo cannot
/// silently turn time back; <see cref="Reset"/> moves the clock anywhere, backwards included, on purpose.</para>
/// <para><b>Thread safety.</b> Every member is thread-safe: readings and moves are serialized, so concurrent readers
/// of an auto-advancing clock each get a distinct instant and no step is lost.</para>
/// </remarks>
public sealed class TestClock : IClock
{
    /// <summary>The instant a clock created with <see cref="TestClock()"/> starts at: Monday 2025-01-06 09:00:00 UTC.</summary>
    /// <remarks>A whole second, so the instants a test derives from it survive storage with microsecond precision.</remarks>
    public static readonly Instant DefaultStart = Instant.FromUtc(2025, 1, 6, 9, 0);

    private readonly Lock _gate = new();
    private Instant _now;
    private Duration _autoAdvance;

    /// <summary>Initializes a clock standing still at <see cref="DefaultStart"/>.</summary>
    public TestClock()
        : this(DefaultStart)
    {
    }

    /// <summary>Initializes a clock at an instant, optionally moving on by a step at every reading.</summary>
    /// <param name="start">The instant the clock starts at.</param>
    /// <param name="autoAdvance">How far every <see cref="GetCurrentInstant"/> moves the clock after reading it;
    /// zero (the default) for a clock that stands still.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="autoAdvance"/> is negative.</exception>
    public TestClock(Instant start, Duration autoAdvance = default)
    {
        ThrowIfNegative(autoAdvance, nameof(autoAdvance));
        _now = start;
        _autoAdvance = autoAdvance;
    }

    /// <summary>Gets the current instant without moving the clock, even when <see cref="AutoAdvance"/> is set.</summary>
    public Instant Now
    {
        get
        {
            lock (_gate)
            {
                return _now;
            }
        }
    }

    /// <summary>Gets or sets how far every <see cref="GetCurrentInstant"/> moves the clock after reading it; zero or more,
    /// zero by default (the clock stands still).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative duration.</exception>
    public Duration AutoAdvance
    {
        get
        {
            lock (_gate)
            {
                return _autoAdvance;
            }
        }

        set
        {
            ThrowIfNegative(value, nameof(AutoAdvance));
            lock (_gate)
            {
                _autoAdvance = value;
            }
        }
    }

    /// <summary>Creates a standing clock at a UTC date and time.</summary>
    /// <param name="year">The year.</param>
    /// <param name="month">The month, 1 to 12.</param>
    /// <param name="day">The day of the month.</param>
    /// <param name="hour">The hour, 0 to 23.</param>
    /// <param name="minute">The minute, 0 to 59.</param>
    /// <param name="second">The second, 0 to 59.</param>
    /// <returns>The clock.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The date or time does not exist.</exception>
    public static TestClock FromUtc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0)
        => new(Instant.FromUtc(year, month, day, hour, minute, second));

    /// <summary>Returns the current instant, then moves the clock on by <see cref="AutoAdvance"/>.</summary>
    /// <returns>The instant before the auto-advance step.</returns>
    public Instant GetCurrentInstant()
    {
        lock (_gate)
        {
            var now = _now;
            _now = now + _autoAdvance;
            return now;
        }
    }

    /// <summary>Moves the clock forwards.</summary>
    /// <param name="duration">How far; zero or more.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is negative (use <see cref="Reset"/> to
    /// move the clock back on purpose).</exception>
    public void Advance(Duration duration)
    {
        ThrowIfNegative(duration, nameof(duration));
        lock (_gate)
        {
            _now += duration;
        }
    }

    /// <summary>Moves the clock forwards by a number of seconds.</summary>
    /// <param name="seconds">How many seconds; zero or more.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seconds"/> is negative.</exception>
    public void AdvanceSeconds(long seconds) => Advance(Duration.FromSeconds(seconds));

    /// <summary>Moves the clock forwards by a number of minutes.</summary>
    /// <param name="minutes">How many minutes; zero or more.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minutes"/> is negative.</exception>
    public void AdvanceMinutes(long minutes) => Advance(Duration.FromMinutes(minutes));

    /// <summary>Moves the clock forwards by a number of hours.</summary>
    /// <param name="hours">How many hours; zero or more.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="hours"/> is negative.</exception>
    public void AdvanceHours(long hours) => Advance(Duration.FromHours(hours));

    /// <summary>Moves the clock forwards by a number of standard (24-hour) days.</summary>
    /// <param name="days">How many days; zero or more.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="days"/> is negative.</exception>
    public void AdvanceDays(int days) => Advance(Duration.FromDays(days));

    /// <summary>Sets the clock to an instant, earlier or later than the current one.</summary>
    /// <param name="instant">The new current instant.</param>
    public void Reset(Instant instant)
    {
        lock (_gate)
        {
            _now = instant;
        }
    }

    /// <summary>Returns the current instant in ISO form, and the auto-advance step if any.</summary>
    /// <returns>A description of the clock, for test output.</returns>
    public override string ToString()
    {
        lock (_gate)
        {
            return _autoAdvance == Duration.Zero ? $"TestClock at {_now}" : $"TestClock at {_now}, +{_autoAdvance} per reading";
        }
    }

    private static void ThrowIfNegative(Duration duration, string paramName)
    {
        if (duration < Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(
                paramName, duration, "A test clock only moves forwards by a duration of zero or more; use Reset to move it back.");
        }
    }
}
