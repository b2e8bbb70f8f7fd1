namespace ServiceDesk.Analytics;

/// <summary>
/// The Erlang C model of a queue with Poisson arrivals, exponential handle times, <c>N</c> identical agents, first come
/// first served and no abandonment (M/M/N).
/// </summary>
/// <remarks>
/// <para>With traffic <c>A = arrival rate × mean handle time</c> (in erlangs) and <c>N &gt; A</c> agents:</para>
/// <para><c>P(wait) = C(N, A) = (A^N / N! · N / (N - A)) / (Σ_{k=0}^{N-1} A^k / k! + A^N / N! · N / (N - A))</c>,</para>
/// <para><c>P(wait ≤ t) = 1 - C(N, A) · e^{-(N - A) · t / AHT}</c> and the average speed of answer
/// <c>ASA = C(N, A) · AHT / (N - A)</c>.</para>
/// <para>C is computed through the Erlang B recursion <c>B(0) = 1, B(k) = A·B(k-1) / (k + A·B(k-1))</c> and
/// <c>C = N·B / (N - A·(1 - B))</c>, which never overflows. With <c>N ≤ A</c> the queue is unstable: every caller waits,
/// C is 1 and the service level 0. Pure and thread-safe.</para>
/// </remarks>
public static class ErlangC
{
    /// <summary>The largest number of agents these methods accept.</summary>
    public const int MaxAgents = 1_000_000;

    /// <summary>Gets the probability that an arriving contact has to wait, <c>C(N, A)</c>.</summary>
    /// <param name="agents">The number of agents <c>N</c>, 0 to <see cref="MaxAgents"/>.</param>
    /// <param name="erlangs">The offered traffic <c>A</c> in erlangs; finite, at least 0.</param>
    /// <returns>A probability in <c>[0, 1]</c>: 1 when <c>N ≤ A</c> and <c>A &gt; 0</c>; 0 when <c>A = 0</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static double ProbabilityOfWaiting(int agents, double erlangs)
    {
        Check(agents, erlangs);
        if (erlangs == 0)
        {
            return 0;
        }

        if (agents <= erlangs)
        {
            return 1;
        }

        var b = 1.0;
        for (var k = 1; k <= agents; k++)
        {
            b = erlangs * b / (k + (erlangs * b));
        }

        var c = agents * b / (agents - (erlangs * (1 - b)));
        return Math.Clamp(c, 0, 1);
    }

    /// <summary>Gets the service level: the probability that a contact is answered within <paramref name="answerWithin"/>.</summary>
    /// <param name="agents">The number of agents, 0 to <see cref="MaxAgents"/>.</param>
    /// <param name="erlangs">The offered traffic in erlangs; finite, at least 0.</param>
    /// <param name="averageHandleTime">The mean handle time; positive.</param>
    /// <param name="answerWithin">The answer time target <c>t</c>; zero or positive.</param>
    /// <returns><c>1 - C(N, A) · e^{-(N - A) t / AHT}</c>, in <c>[0, 1]</c>; 0 when <c>N ≤ A</c> and <c>A &gt; 0</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static double ServiceLevel(int agents, double erlangs, NodaTime.Duration averageHandleTime, NodaTime.Duration answerWithin)
    {
        CheckTimes(averageHandleTime, answerWithin);
        var c = ProbabilityOfWaiting(agents, erlangs);
        if (c == 0)
        {
            return 1;
        }

        if (agents <= erlangs)
        {
            return 0;
        }

        var exponent = -(agents - erlangs) * answerWithin.BclCompatibleTicks / (double)averageHandleTime.BclCompatibleTicks;
        return Math.Clamp(1 - (c * Math.Exp(exponent)), 0, 1);
    }

    /// <summary>Gets the average speed of answer (mean wait of all contacts, answered at once or not).</summary>
    /// <param name="agents">The number of agents, 0 to <see cref="MaxAgents"/>.</param>
    /// <param name="erlangs">The offered traffic in erlangs; finite, at least 0.</param>
    /// <param name="averageHandleTime">The mean handle time; positive.</param>
    /// <returns><c>C(N, A) · AHT / (N - A)</c> truncated to whole ticks, or <see langword="null"/> when <c>N ≤ A</c> and
    /// <c>A &gt; 0</c> (the queue grows without bound).</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static NodaTime.Duration? AverageSpeedOfAnswer(int agents, double erlangs, NodaTime.Duration averageHandleTime)
    {
        CheckTimes(averageHandleTime, NodaTime.Duration.Zero);
        var c = ProbabilityOfWaiting(agents, erlangs);
        if (c == 0)
        {
            return NodaTime.Duration.Zero;
        }

        if (agents <= erlangs)
        {
            return null;
        }

        return NodaTime.Duration.FromTicks((long)(c * averageHandleTime.BclCompatibleTicks / (agents - erlangs)));
    }

    internal static void Check(int agents, double erlangs)
    {
        if (agents is < 0 or > MaxAgents)
        {
            throw new ArgumentOutOfRangeException(nameof(agents), agents, $"agents must be between 0 and {MaxAgents}.");
        }

        if (!double.IsFinite(erlangs) || erlangs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(erlangs), erlangs, "erlangs must be a finite number of at least 0.");
        }
    }

    internal static void CheckTimes(NodaTime.Duration averageHandleTime, NodaTime.Duration answerWithin)
    {
        if (averageHandleTime.BclCompatibleTicks <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(averageHandleTime), averageHandleTime, "The average handle time must be positive (at least one tick).");
        }

        if (answerWithin < NodaTime.Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(answerWithin), answerWithin, "The answer time target must be zero or positive.");
        }
    }
}
