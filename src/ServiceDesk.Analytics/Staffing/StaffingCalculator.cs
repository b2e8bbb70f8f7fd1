using NodaTime;

namespace ServiceDesk.Analytics;

/// <summary>
/// Computes the agents needed per interval to meet a <see cref="StaffingTarget"/> with the <see cref="ErlangC"/> model.
/// </summary>
/// <remarks>
/// <para>Erlang C assumes Poisson arrivals at a constant rate within the interval, exponential handle times, no
/// abandonment and a steady state; it tends to overstaff slightly when callers abandon. Intervals are independent:
/// work carried over from one interval to the next is not modelled.</para>
/// <para>The search starts at the least stable and occupancy-compliant <c>N</c> and steps up one agent at a time,
/// updating the Erlang B recursion incrementally, so an interval costs O(N). Pure and thread-safe.</para>
/// </remarks>
public static class StaffingCalculator
{
    /// <summary>The largest traffic accepted, in erlangs.</summary>
    public const double MaxErlangs = 100_000;

    /// <summary>Computes the agents needed for one interval.</summary>
    /// <param name="target">The service level target.</param>
    /// <param name="arrivals">The expected number of contacts arriving in the interval; finite, at least 0 (may be
    /// fractional, e.g. an average over weeks).</param>
    /// <param name="interval">The length of the interval; positive.</param>
    /// <param name="averageHandleTime">The mean handle time (talk plus wrap-up); positive.</param>
    /// <returns>The requirement; 0 agents when <paramref name="arrivals"/> is 0.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="target"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range, or the traffic exceeds
    /// <see cref="MaxErlangs"/>.</exception>
    public static StaffingRequirement Required(StaffingTarget target, double arrivals, Duration interval, Duration averageHandleTime)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!double.IsFinite(arrivals) || arrivals < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(arrivals), arrivals, $"Arrivals {TextPolicy.Echo(arrivals)} must be a finite number of at least 0.");
        }

        if (interval.BclCompatibleTicks <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "The interval must be positive.");
        }

        ErlangC.CheckTimes(averageHandleTime, target.AnswerWithin);
        var erlangs = arrivals * averageHandleTime.BclCompatibleTicks / interval.BclCompatibleTicks;
        if (erlangs > MaxErlangs)
        {
            throw new ArgumentOutOfRangeException(nameof(arrivals), arrivals, $"The traffic of {TextPolicy.Echo(erlangs)} erlangs exceeds the supported {MaxErlangs}.");
        }

        if (erlangs == 0)
        {
            return new StaffingRequirement(0, 0, 0, 1, 0, Duration.Zero, LimitedByOccupancy: false);
        }

        // Least N that is stable (N > A) and within the occupancy cap (A / N <= cap).
        var stable = (int)Math.Floor(erlangs) + 1;
        // The division can land just above an integer (214.8 / 0.6 is 358.00000000000006), so the ceiling is corrected
        // both ways against the cap as it is checked: A / N <= cap.
        var capped = (int)Math.Ceiling(erlangs / target.MaxOccupancy);
        while (capped > 1 && erlangs / (capped - 1) <= target.MaxOccupancy)
        {
            capped--;
        }

        while (erlangs / capped > target.MaxOccupancy)
        {
            capped++;
        }

        var n = Math.Max(stable, capped);
        var b = 1.0;
        for (var k = 1; k <= n; k++)
        {
            b = erlangs * b / (k + (erlangs * b));
        }

        var first = n;
        double level;
        while (true)
        {
            level = Level(n, erlangs, b, averageHandleTime, target.AnswerWithin);
            if (level >= target.ServiceLevel)
            {
                break;
            }

            n++;
            b = erlangs * b / (n + (erlangs * b));
        }

        var c = Math.Clamp(n * b / (n - (erlangs * (1 - b))), 0, 1);
        var asa = Duration.FromTicks((long)(c * averageHandleTime.BclCompatibleTicks / (n - erlangs)));
        var scheduled = (int)decimal.Ceiling(n / (1m - (decimal)target.Shrinkage));
        var limited = n == first && capped > stable
            && ErlangC.ServiceLevel(n - 1, erlangs, averageHandleTime, target.AnswerWithin) >= target.ServiceLevel;
        return new StaffingRequirement(erlangs, n, scheduled, level, erlangs / n, asa, limited);
    }

    /// <summary>Computes the agents needed for each of a sequence of equal intervals, e.g. the 168 hours of a week.</summary>
    /// <param name="target">The service level target.</param>
    /// <param name="arrivalsPerInterval">The expected arrivals in each interval.</param>
    /// <param name="interval">The length of each interval; positive.</param>
    /// <param name="averageHandleTime">The mean handle time; positive.</param>
    /// <returns>One requirement per interval, in order.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range (the message names the interval's index).</exception>
    public static IReadOnlyList<StaffingRequirement> PerInterval(
        StaffingTarget target, IReadOnlyList<double> arrivalsPerInterval, Duration interval, Duration averageHandleTime)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(arrivalsPerInterval);
        var result = new StaffingRequirement[arrivalsPerInterval.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var arrivals = arrivalsPerInterval[i];
            if (!double.IsFinite(arrivals) || arrivals < 0)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(arrivalsPerInterval), arrivals, $"Arrivals {TextPolicy.Echo(arrivals)} of interval {i} must be a finite number of at least 0.");
            }

            result[i] = Required(target, arrivals, interval, averageHandleTime);
        }

        return Array.AsReadOnly(result);
    }

    private static double Level(int n, double erlangs, double erlangB, Duration aht, Duration within)
    {
        var c = Math.Clamp(n * erlangB / (n - (erlangs * (1 - erlangB))), 0, 1);
        var exponent = -(n - erlangs) * within.BclCompatibleTicks / (double)aht.BclCompatibleTicks;
        return Math.Clamp(1 - (c * Math.Exp(exponent)), 0, 1);
    }
}
