namespace ServiceDesk.Analytics.Tests.Staffing;

/// <summary>
/// Erlang C computed independently of the library: the textbook summation form evaluated in log space
/// (log A^k / k! = k ln A - Σ ln i) with a log-sum-exp, instead of the library's Erlang B recursion.
/// </summary>
internal static class ErlangCReference
{
    public static double ProbabilityOfWaiting(int n, double a)
    {
        if (a == 0)
        {
            return 0;
        }

        if (n <= a)
        {
            return 1;
        }

        var logs = new double[n + 1];
        var logFactorial = 0.0;
        for (var k = 0; k <= n; k++)
        {
            if (k > 0)
            {
                logFactorial += Math.Log(k);
            }

            logs[k] = (k * Math.Log(a)) - logFactorial;
        }

        var logTop = logs[n] + Math.Log(n) - Math.Log(n - a);
        var max = Math.Max(logTop, logs.Take(n).Max());
        var sum = logs.Take(n).Sum(l => Math.Exp(l - max));
        var top = Math.Exp(logTop - max);
        return top / (sum + top);
    }

    public static double ServiceLevel(int n, double a, double ahtSeconds, double withinSeconds)
        => a == 0 ? 1 : n <= a ? 0 : 1 - (ProbabilityOfWaiting(n, a) * Math.Exp(-(n - a) * withinSeconds / ahtSeconds));
}
