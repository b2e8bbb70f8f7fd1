using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NodaTime;

namespace ServiceDesk.Billing;

/// <summary>The dimensions a rollup groups by; combine with <c>|</c>. The currency is always part of the key.</summary>
[Flags]
public enum RollupDimensions
{
    /// <summary>One row per currency: the grand total.</summary>
    None = 0,

    /// <summary>By contract.</summary>
    Contract = 1,

    /// <summary>By client.</summary>
    Client = 2,

    /// <summary>By billing month (in each contract's zone).</summary>
    Period = 4,

    /// <summary>By agent.</summary>
    Agent = 8,

    /// <summary>By service.</summary>
    Service = 16,

    /// <summary>By activity.</summary>
    Activity = 32,

    /// <summary>By ticket.</summary>
    Ticket = 64,
}

/// <summary>The key of a rollup row: the currency and the values of the chosen dimensions (others are <see langword="null"/>).</summary>
/// <param name="Currency">The currency.</param>
/// <param name="Contract">The contract, when grouped by contract.</param>
/// <param name="Client">The client, when grouped by client.</param>
/// <param name="Period">The month, when grouped by period.</param>
/// <param name="Agent">The agent, when grouped by agent; <see langword="null"/> also for amounts that belong to no agent (fees, quota left, works).</param>
/// <param name="Service">The service, when grouped by service and known.</param>
/// <param name="Activity">The activity, when grouped by activity and known.</param>
/// <param name="Ticket">The ticket, when grouped by ticket and known.</param>
public readonly record struct RollupKey(
    Currency Currency, ContractId? Contract, CustomerId? Client, YearMonth? Period, AgentId? Agent, ServiceId? Service, string? Activity, TicketId? Ticket);

/// <summary>A row of a rollup: times and revenue of one key.</summary>
/// <remarks>
/// Amounts that belong to a contract-month rather than to a time entry (included time, rolled-over time, quota left,
/// subscription fees, bundle prices) appear under an empty agent, service, activity and ticket; one-off works under
/// their ticket and service. So every grouping adds up to the same grand total.
/// </remarks>
public sealed record RollupRow(RollupKey Key)
{
    /// <summary>Gets the billable time (rounded per entry).</summary>
    public Duration BillableTime { get; init; }

    /// <summary>Gets the non-billable time (actual).</summary>
    public Duration NonBillableTime { get; init; }

    /// <summary>Gets the time included by subscriptions.</summary>
    public Duration IncludedTime { get; init; }

    /// <summary>Gets the time rolled over from previous months.</summary>
    public Duration RolloverTime { get; init; }

    /// <summary>Gets the quota used.</summary>
    public Duration QuotaUsed { get; init; }

    /// <summary>Gets the quota left.</summary>
    public Duration QuotaLeft { get; init; }

    /// <summary>Gets the time drawn from prepaid bundles.</summary>
    public Duration PrepaidUsed { get; init; }

    /// <summary>Gets the overage time.</summary>
    public Duration OverageTime { get; init; }

    /// <summary>Gets the time-and-materials time.</summary>
    public Duration TimeAndMaterialsTime { get; init; }

    /// <summary>Gets the uncovered billable time.</summary>
    public Duration UncoveredTime { get; init; }

    /// <summary>Gets the revenue before per-line invoice rounding (see <see cref="ContractMonthStatement.Revenue"/>).</summary>
    public Money Revenue { get; init; }
}

/// <summary>Rolls statements up by contract, client, period, agent, service, activity and ticket.</summary>
/// <remarks>Pure and thread-safe. Rows are ordered by key (currency, contract, client, period, agent, service, activity, ticket; empty first).</remarks>
public static class BillingRollup
{
    /// <summary>Groups statements by the chosen dimensions.</summary>
    /// <param name="statements">The statements (from <see cref="BillingCalculator"/>).</param>
    /// <param name="dimensions">The dimensions.</param>
    /// <returns>The rows, one per key.</returns>
    public static IReadOnlyList<RollupRow> Aggregate(IEnumerable<ContractMonthStatement> statements, RollupDimensions dimensions)
    {
        ArgumentNullException.ThrowIfNull(statements);
        var rows = new Dictionary<RollupKey, Accumulator>();
        foreach (var s in statements)
        {
            var c = s.Contract;
            var baseKey = new RollupKey(
                c.Currency,
                Has(dimensions, RollupDimensions.Contract) ? c.Id : null,
                Has(dimensions, RollupDimensions.Client) ? c.Client : null,
                Has(dimensions, RollupDimensions.Period) ? s.Month : null,
                null, null, null, null);
            ref var head = ref Row(rows, baseKey);
            head.Included += s.IncludedTime.BclCompatibleTicks;
            head.Rollover += s.RolloverIn.BclCompatibleTicks;
            head.QuotaLeft += s.QuotaLeft.BclCompatibleTicks;
            head.Revenue += s.Lines.Where(l => l.Kind is InvoiceLineKind.SubscriptionFee or InvoiceLineKind.PrepaidBundle).Sum(l => l.UnitPrice.Amount * l.Quantity);
            foreach (var a in s.Allocations)
            {
                var e = a.Entry;
                var key = baseKey with
                {
                    Agent = Has(dimensions, RollupDimensions.Agent) ? e.Agent : null,
                    Service = Has(dimensions, RollupDimensions.Service) ? e.Service : null,
                    Activity = Has(dimensions, RollupDimensions.Activity) ? e.Activity : null,
                    Ticket = Has(dimensions, RollupDimensions.Ticket) ? e.Ticket : null,
                };
                ref var row = ref Row(rows, key);
                row.Add(a.Source, a.Time.BclCompatibleTicks, a.Revenue.Amount);
            }

            foreach (var w in s.WorkAllocations)
            {
                var key = baseKey with
                {
                    Service = Has(dimensions, RollupDimensions.Service) ? w.Work.Service : null,
                    Ticket = Has(dimensions, RollupDimensions.Ticket) ? w.Work.Ticket : null,
                };
                ref var row = ref Row(rows, key);
                row.Revenue += w.Revenue.Amount;
            }
        }

        return [.. rows.OrderBy(r => r.Key, KeyComparer.Instance).Select(r => r.Value.ToRow(r.Key))];
    }

    /// <summary>
    /// The fast path for the most common report: rolls time entries up by contract and month without building
    /// statements. Gives the same rows as <see cref="Aggregate"/> with <c>Contract | Period</c> over
    /// <see cref="BillingCalculator.CalculateMonths"/> for entries that pass validation.
    /// </summary>
    /// <param name="contracts">The contracts.</param>
    /// <param name="entries">Time entries of any of the contracts (others are ignored).</param>
    /// <param name="through">The last month (in each contract's zone); months run from each contract's start month.</param>
    /// <param name="now">The current instant: entries ending later than 5 minutes after it are left out.</param>
    /// <returns>One row per contract and month, ordered by contract then month.</returns>
    /// <remarks>
    /// Applies the per-entry checks (positive duration of at most 24 hours, not in the future) and corrections, but not
    /// the set checks of <see cref="TimeEntryValidator"/> (duplicate ids, correction cycles, overlaps), and ignores
    /// one-off works: validate first when the input is not trusted. Allocation-light: one pass to bucket entries by
    /// contract and month, a sort of each bucket by start, and the pricing engine.
    /// </remarks>
    public static IReadOnlyList<RollupRow> ByContractAndMonth(IReadOnlyList<Contract> contracts, IReadOnlyList<TimeEntry> entries, YearMonth through, Instant now)
    {
        ArgumentNullException.ThrowIfNull(contracts);
        ArgumentNullException.ThrowIfNull(entries);
        var count = contracts.Count;
        var index = new ContractIndex(count);
        var engines = new ContractEngine[count];
        var tenants = new TenantId[count];
        var firsts = new YearMonth[count];

        // offsets[c]..offsets[c + 1]: the buckets (months) of contract c; its month starts in UTC ticks are
        // starts[offsets[c] + c ..], one more than its months (the end of the last month).
        var offsets = new int[count + 1];
        for (var i = 0; i < count; i++)
        {
            ArgumentNullException.ThrowIfNull(contracts[i], nameof(contracts));
            var c = contracts[i];
            index.Add(c.Id.Value, i);
            engines[i] = new ContractEngine(c);
            tenants[i] = c.Tenant;
            firsts[i] = c.Start.ToYearMonth();
            offsets[i + 1] = offsets[i] + (through < firsts[i] ? 0 : ((through.Year - firsts[i].Year) * 12) + through.Month - firsts[i].Month + 1);
        }

        var buckets = offsets[^1];
        var starts = new long[buckets + count];
        for (var i = 0; i < count; i++)
        {
            for (var m = 0; m <= offsets[i + 1] - offsets[i]; m++)
            {
                starts[offsets[i] + i + m] = contracts[i].Zone.AtStartOfDay(firsts[i].PlusMonths(m).OnDayOfMonth(1)).ToInstant().ToUnixTimeTicks();
            }
        }

        var bucketStart = new long[buckets];
        for (var i = 0; i < count; i++)
        {
            starts.AsSpan(offsets[i] + i, offsets[i + 1] - offsets[i]).CopyTo(bucketStart.AsSpan(offsets[i]));
        }

        var maxLength = Duration.FromHours(24);
        var maxDuration = maxLength.BclCompatibleTicks;
        var latestInstant = now + Duration.FromMinutes(5);
        var latest = latestInstant.ToUnixTimeTicks();
        var activities = new Interner();
        var roles = new Interner();
        HashSet<TimeEntryId>? superseded = null;
        var n = entries.Count;
        var counts = new int[buckets + 1];
        var bucketOf = ArrayPool<int>.Shared.Rent(n);
        var read = ArrayPool<RawEntry>.Shared.Rent(n);
        var sorted = ArrayPool<RawEntry>.Shared.Rent(n);
        var keys = ArrayPool<long>.Shared.Rent(n);
        try
        {
            // Pass 1: each entry is read once, touching only compact per-contract arrays (ids, tenants, month starts).
            for (var i = 0; i < n; i++)
            {
                var e = entries[i];
                bucketOf[i] = -1;
                var ticks = e.Duration.BclCompatibleTicks;
                var start = e.Start.ToUnixTimeTicks();
                if ((ticks <= 0 || ticks >= maxDuration || start + ticks >= latest)
                    && (e.Duration <= Duration.Zero || e.Duration > maxLength || e.Start + e.Duration > latestInstant))
                {
                    // Ticks are exact away from the limits; near them (or below a tick) the exact check decides, as in validation.
                    continue;
                }

                if (e.Supersedes is { } target)
                {
                    (superseded ??= []).Add(target);
                }

                if (e.Contract.Value is not { } contractId || !index.TryGet(contractId, out var ci) || e.Tenant != tenants[ci])
                {
                    continue;
                }

                var months = offsets[ci + 1] - offsets[ci];
                var m = FindMonth(starts.AsSpan(offsets[ci] + ci, months + 1), start);
                if (m < 0)
                {
                    continue;
                }

                var b = offsets[ci] + m;
                bucketOf[i] = b;
                counts[b + 1]++;
                read[i] = engines[ci].Raw(e, i, start, ticks, activities, roles);
            }

            for (var b = 0; b < buckets; b++)
            {
                counts[b + 1] += counts[b];
            }

            // Pass 2: counting sort into contract-month buckets (corrections known now drop what they supersede).
            var fill = counts.AsSpan(0, buckets).ToArray();
            for (var i = 0; i < n; i++)
            {
                var b = bucketOf[i];
                if (b >= 0 && (superseded is null || !superseded.Contains(entries[i].Id)))
                {
                    var at = fill[b]++;
                    sorted[at] = read[i];
                    keys[at] = read[i].Start - bucketStart[b];
                }
            }

            // Pass 3: contract by contract (its plans stay in cache), each month sorted by start then id, then priced.
            var rows = new RollupRow[buckets];
            var ordered = new RawEntry[16];
            for (var ci = 0; ci < count; ci++)
            {
                var contract = contracts[ci];
                var engine = engines[ci];
                for (var b = offsets[ci]; b < offsets[ci + 1]; b++)
                {
                    var span = sorted.AsSpan(counts[b], fill[b] - counts[b]);
                    if (ordered.Length < span.Length)
                    {
                        ordered = new RawEntry[Math.Max(span.Length, ordered.Length * 2)];
                    }

                    var inOrder = ordered.AsSpan(0, span.Length);
                    SortByStartThenId(keys.AsSpan(counts[b], span.Length), span, inOrder, entries);
                    engine.BeginMonth(firsts[ci].PlusMonths(b - offsets[ci]));
                    foreach (ref readonly var r in inOrder)
                    {
                        engine.Price(engine.Facts(r, activities, roles, entries), null, null);
                    }

                    engine.EndMonth();
                    ref readonly var t = ref engine.Totals;
                    rows[b] = new Accumulator
                    {
                        Billable = t.Billable,
                        NonBillable = t.NonBillable,
                        Included = t.Included,
                        Rollover = t.RolloverIn,
                        QuotaUsed = t.QuotaUsed,
                        QuotaLeft = t.QuotaLeft,
                        Prepaid = t.BundleUsed,
                        Overage = t.Overage,
                        TimeAndMaterials = t.TimeAndMaterials,
                        Uncovered = t.Uncovered,
                        Revenue = t.TimeRevenue + t.OtherRevenue,
                    }.ToRow(new RollupKey(contract.Currency, contract.Id, null, engine.Month, null, null, null, null));
                }
            }

            Array.Sort(rows, static (x, y) => KeyComparer.Instance.Compare(x.Key, y.Key));
            return rows;
        }
        finally
        {
            ArrayPool<long>.Shared.Return(keys);
            ArrayPool<RawEntry>.Shared.Return(sorted);
            ArrayPool<RawEntry>.Shared.Return(read);
            ArrayPool<int>.Shared.Return(bucketOf);
        }
    }

    /// <summary>
    /// Finds the month of an instant in a contract's month starts (UTC ticks, strictly increasing, one more than the
    /// months): a guess from the average length of a month, then a step or two to the month that holds it. Returns -1
    /// outside the months.
    /// </summary>
    private static int FindMonth(ReadOnlySpan<long> starts, long ticks)
    {
        // The Gregorian average (146,097 days in 4,800 months), so a guess is off by at most a few months however long the range.
        const long averageMonth = 146_097L * 24 * 36_000_000_000L / 4_800;
        var months = starts.Length - 1;
        if (months <= 0 || ticks < starts[0] || ticks >= starts[months])
        {
            return -1;
        }

        var m = (int)Math.Min((ticks - starts[0]) / averageMonth, months - 1);
        while (ticks < starts[m])
        {
            m--;
        }

        while (ticks >= starts[m + 1])
        {
            m++;
        }

        return m;
    }

    /// <summary>
    /// Puts a bucket in order of start, then id, into <paramref name="ordered"/>. <paramref name="keys"/> hold each
    /// entry's start relative to the bucket's month; a bucket already in order of start is only copied; otherwise, when
    /// the bucket is small enough, they are packed with the entry's position and sorted as plain numbers; then runs of
    /// equal starts are put in id order.
    /// </summary>
    private static void SortByStartThenId(Span<long> keys, ReadOnlySpan<RawEntry> bucket, Span<RawEntry> ordered, IReadOnlyList<TimeEntry> entries)
    {
        const int positionBits = 18;
        const long maxRelative = 1L << (63 - positionBits);
        var inOrder = true;
        for (var k = 1; k < keys.Length && inOrder; k++)
        {
            inOrder = keys[k - 1] <= keys[k];
        }

        if (inOrder)
        {
            // Input in order of start (as read from a store ordered by start): the counting sort kept that order.
            bucket.CopyTo(ordered);
        }
        else if (bucket.Length <= 1 << positionBits && !keys.ContainsAnyExceptInRange(0, maxRelative - 1))
        {
            for (var k = 0; k < keys.Length; k++)
            {
                keys[k] = (keys[k] << positionBits) | (long)k;
            }

            keys.Sort();
            for (var k = 0; k < keys.Length; k++)
            {
                ordered[k] = bucket[(int)(keys[k] & ((1 << positionBits) - 1))];
                keys[k] >>= positionBits;
            }
        }
        else
        {
            bucket.CopyTo(ordered);
            keys.Sort(ordered);
        }

        for (var i = 1; i < keys.Length; i++)
        {
            if (keys[i] != keys[i - 1])
            {
                continue;
            }

            var from = i - 1;
            var to = i + 1;
            while (to < keys.Length && keys[to] == keys[from])
            {
                to++;
            }

            ordered[from..to].Sort(new EntryOrder(entries));
            i = to;
        }
    }

    private static bool Has(RollupDimensions value, RollupDimensions flag) => (value & flag) != 0;

    private static ref Accumulator Row(Dictionary<RollupKey, Accumulator> rows, RollupKey key)
        => ref CollectionsMarshal.GetValueRefOrAddDefault(rows, key, out _);

    private struct Accumulator
    {
        public long Billable;
        public long NonBillable;
        public long Included;
        public long Rollover;
        public long QuotaUsed;
        public long QuotaLeft;
        public long Prepaid;
        public long Overage;
        public long TimeAndMaterials;
        public long Uncovered;
        public decimal Revenue;

        public void Add(AllocationSource source, long ticks, decimal revenue)
        {
            Revenue += revenue;
            switch (source)
            {
                case AllocationSource.NonBillable:
                    NonBillable += ticks;
                    return;
                case AllocationSource.Quota:
                    QuotaUsed += ticks;
                    break;
                case AllocationSource.PrepaidBundle:
                    Prepaid += ticks;
                    break;
                case AllocationSource.Overage:
                    Overage += ticks;
                    break;
                case AllocationSource.TimeAndMaterials:
                    TimeAndMaterials += ticks;
                    break;
                default:
                    Uncovered += ticks;
                    break;
            }

            Billable += ticks;
        }

        public readonly RollupRow ToRow(RollupKey key) => new(key)
        {
            BillableTime = Duration.FromTicks(Billable),
            NonBillableTime = Duration.FromTicks(NonBillable),
            IncludedTime = Duration.FromTicks(Included),
            RolloverTime = Duration.FromTicks(Rollover),
            QuotaUsed = Duration.FromTicks(QuotaUsed),
            QuotaLeft = Duration.FromTicks(QuotaLeft),
            PrepaidUsed = Duration.FromTicks(Prepaid),
            OverageTime = Duration.FromTicks(Overage),
            TimeAndMaterialsTime = Duration.FromTicks(TimeAndMaterials),
            UncoveredTime = Duration.FromTicks(Uncovered),
            Revenue = new Money(Revenue, key.Currency),
        };
    }

    /// <summary>
    /// Contract ids to indexes: entries usually share their contract's id string, so an open-addressing table keyed by
    /// reference (every contract's own id, never evicted, plus other instances seen while it is at most half full)
    /// answers first; other strings go through an ordinal dictionary.
    /// </summary>
    private sealed class ContractIndex
    {
        private readonly Dictionary<string, int> _byValue;
        private readonly string?[] _refs;
        private readonly int[] _indexes;
        private readonly int _mask;
        private int _used;

        public ContractIndex(int count)
        {
            _byValue = new Dictionary<string, int>(count, StringComparer.Ordinal);
            var size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, count * 4));
            _refs = new string?[size];
            _indexes = new int[size];
            _mask = size - 1;
        }

        public void Add(string id, int index)
        {
            _byValue.Add(id, index);
            Remember(id, index);
        }

        public bool TryGet(string id, out int index)
        {
            var slot = RuntimeHelpers.GetHashCode(id) & _mask;
            while (_refs[slot] is { } known)
            {
                if (ReferenceEquals(known, id))
                {
                    index = _indexes[slot];
                    return true;
                }

                slot = (slot + 1) & _mask;
            }

            if (!_byValue.TryGetValue(id, out index))
            {
                return false;
            }

            if (_used * 2 < _refs.Length)
            {
                Remember(id, index);
            }

            return true;
        }

        private void Remember(string id, int index)
        {
            var slot = RuntimeHelpers.GetHashCode(id) & _mask;
            while (_refs[slot] is { } known)
            {
                if (ReferenceEquals(known, id))
                {
                    return;
                }

                slot = (slot + 1) & _mask;
            }

            _refs[slot] = id;
            _indexes[slot] = index;
            _used++;
        }
    }

    /// <summary>Orders entries whose starts fall in the same tick: by exact start (instants have nanoseconds), then id.</summary>
    private readonly struct EntryOrder(IReadOnlyList<TimeEntry> entries) : IComparer<RawEntry>
    {
        public int Compare(RawEntry x, RawEntry y)
        {
            var a = entries[x.Index];
            var b = entries[y.Index];
            var c = a.Start.CompareTo(b.Start);
            return c != 0 ? c : a.Id.CompareTo(b.Id);
        }
    }

    private sealed class KeyComparer : IComparer<RollupKey>
    {
        public static readonly KeyComparer Instance = new();

        public int Compare(RollupKey x, RollupKey y)
        {
            var c = string.CompareOrdinal(x.Currency.Code, y.Currency.Code);
            if (c == 0)
            {
                c = string.CompareOrdinal(x.Contract?.Value, y.Contract?.Value);
            }

            if (c == 0)
            {
                c = string.CompareOrdinal(x.Client?.Value, y.Client?.Value);
            }

            if (c == 0)
            {
                c = Nullable.Compare(x.Period, y.Period);
            }

            if (c == 0)
            {
                c = string.CompareOrdinal(x.Agent?.Value, y.Agent?.Value);
            }

            if (c == 0)
            {
                c = string.CompareOrdinal(x.Service?.Value, y.Service?.Value);
            }

            if (c == 0)
            {
                c = string.CompareOrdinal(x.Activity, y.Activity);
            }

            if (c == 0)
            {
                c = Nullable.Compare(x.Ticket?.Value, y.Ticket?.Value);
            }

            return c;
        }
    }
}
