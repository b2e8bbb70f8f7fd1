using System.Runtime.CompilerServices;

namespace ServiceDesk.Sla;

/// <summary>One maximal open interval of a compiled block, in UTC ticks, with the open time up to its end.</summary>
internal struct Segment
{
    /// <summary>The opening instant (ticks since the Unix epoch), inclusive.</summary>
    public long Start;

    /// <summary>The closing instant (ticks since the Unix epoch), exclusive.</summary>
    public long End;

    /// <summary>The open time from the block's start to <see cref="End"/>, in ticks (prefix sum).</summary>
    public long CumEnd;
}

/// <summary>
/// The open time of a calendar over a fixed 2^51-tick span of UTC (about 7.1 years), compiled once and never
/// changed: disjoint, merged, sorted segments with prefix sums of open time, and a bucket index (one bucket per
/// 2^40 ticks, about 30.5 hours) that locates the segment of an instant in O(1).
/// </summary>
internal sealed class Block
{
    internal const int Shift = 51;
    internal const int BucketShift = 40;
    internal const int BucketCount = 1 << (Shift - BucketShift);
    private const int LinearScanLimit = 8;

    internal readonly long Start;
    internal readonly Segment[] Segments;
    internal readonly int Count;
    internal readonly long Total;
    private readonly int[] _buckets;
    private readonly int[] _openBuckets;

    internal Block(long start, List<(long Start, long End)> merged)
    {
        Start = start;
        Count = merged.Count;
        Segments = new Segment[Count];
        long cum = 0;
        for (var i = 0; i < Count; i++)
        {
            cum += merged[i].End - merged[i].Start;
            Segments[i] = new Segment { Start = merged[i].Start, End = merged[i].End, CumEnd = cum };
        }

        Total = cum;
        _buckets = new int[BucketCount + 1];
        var k = 0;
        for (var j = 0; j <= BucketCount; j++)
        {
            var bucketStart = start + ((long)j << BucketShift);
            while (k < Count && Segments[k].End <= bucketStart)
            {
                k++;
            }

            _buckets[j] = k;
        }

        // _openBuckets[j]: the first segment whose CumEnd reaches j << BucketShift of open time (Count when none).
        // The open time of a block is at most its length, 2^Shift ticks, so BucketCount + 1 entries cover it.
        _openBuckets = new int[BucketCount + 2];
        k = 0;
        for (var j = 0; j < _openBuckets.Length; j++)
        {
            var openTime = (long)j << BucketShift;
            while (k < Count && Segments[k].CumEnd < openTime)
            {
                k++;
            }

            _openBuckets[j] = k;
        }
    }

    /// <summary>The index of the first segment ending after <paramref name="t"/> (Count when none); t is in the block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int FirstEndingAfter(long t)
    {
        var j = (int)((t - Start) >> BucketShift);
        var lo = _buckets[j];
        var hi = _buckets[j + 1];
        var segments = Segments;
        if (hi - lo <= LinearScanLimit)
        {
            // A bucket (about 30 hours) usually holds a handful of intervals: a short scan beats a branchy search.
            while (lo < hi && segments[lo].End <= t)
            {
                lo++;
            }

            return lo;
        }

        while (lo < hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            if (segments[mid].End > t)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }

    /// <summary>The open time from the block's start to <paramref name="t"/>, given i = FirstEndingAfter(t).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal long OpenBefore(long t, int i)
    {
        if (i == Count)
        {
            return Total;
        }

        ref readonly var s = ref Segments[i];
        return s.CumEnd - s.End + Math.Max(s.Start, t);
    }

    /// <summary>The first index k at or after <paramref name="from"/> with CumEnd[k] at least target (0 &lt; target &lt;= Total).</summary>
    /// <remarks>
    /// The answer is at or after <paramref name="from"/> whenever CumEnd[from - 1] &lt; target, which the callers
    /// guarantee; the short-amount case (the answer is <paramref name="from"/> itself) takes one comparison.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int FirstCumEndAtLeast(int from, long target)
    {
        var segments = Segments;
        if (segments[from].CumEnd >= target)
        {
            return from;
        }

        var j = (int)(target >> BucketShift);
        var lo = Math.Max(_openBuckets[j], from + 1);
        var hi = Math.Min(_openBuckets[j + 1], Count - 1);
        if (hi - lo <= LinearScanLimit)
        {
            while (lo < hi && segments[lo].CumEnd < target)
            {
                lo++;
            }

            return lo;
        }

        while (lo < hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            if (segments[mid].CumEnd >= target)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }

    /// <summary>The first index k with CumEnd[k] above target (0 &lt;= target &lt; Total).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int FirstCumEndAbove(long target)
    {
        var segments = Segments;
        var j = (int)(target >> BucketShift);
        var lo = _openBuckets[j];
        var hi = Math.Min(_openBuckets[j + 1], Count - 1);
        if (hi - lo <= LinearScanLimit)
        {
            while (lo < hi && segments[lo].CumEnd <= target)
            {
                lo++;
            }

            return lo;
        }

        while (lo < hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            if (segments[mid].CumEnd > target)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }
}
