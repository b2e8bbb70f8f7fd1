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

            var list = c.PriceList;
            foreach (var w in s.Works)
            {
                var key = baseKey with
                {
                    Service = Has(dimensions, RollupDimensions.Service) ? w.Service : null,
                    Ticket = Has(dimensions, RollupDimensions.Ticket) ? w.Ticket : null,
                };
                ref var row = ref Row(rows, key);
                row.Revenue += list!.GetItem(w.ItemCode).UnitPrice.Amount * w.Quantity;
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
        var index = new Dictionary<string, int>(contracts.Count, StringComparer.Ordinal);
        var tables = new MonthTable[contracts.Count];
        var offsets = new int[contracts.Count + 1];
        for (var i = 0; i < contracts.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(contracts[i], nameof(contracts));
            index.Add(contracts[i].Id.Value, i);
            tables[i] = new MonthTable(contracts[i], through);
            offsets[i + 1] = offsets[i] + tables[i].Count;
        }

        var buckets = offsets[^1];
        var contractOf = new int[buckets];
        for (var i = 0; i < contracts.Count; i++)
        {
            contractOf.AsSpan(offsets[i], offsets[i + 1] - offsets[i]).Fill(i);
        }

        var engines = contracts.Select(c => new ContractEngine(c)).ToArray();
        var maxDuration = Duration.FromHours(24).BclCompatibleTicks;
        var latest = (now + Duration.FromMinutes(5)).ToUnixTimeTicks();
        HashSet<TimeEntryId>? superseded = null;
        var bucketOf = new int[entries.Count];
        var counts = new int[buckets + 1];
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            bucketOf[i] = -1;
            var ticks = e.Duration.BclCompatibleTicks;
            var start = e.Start.ToUnixTimeTicks();
            if (ticks <= 0 || ticks > maxDuration || start + ticks > latest)
            {
                continue;
            }

            if (e.Supersedes is { } target)
            {
                (superseded ??= []).Add(target);
            }

            if (e.Contract.Value is not { } contractId || !index.TryGetValue(contractId, out var ci) || e.Tenant != contracts[ci].Tenant)
            {
                continue;
            }

            var m = tables[ci].Find(start);
            if (m < 0)
            {
                continue;
            }

            bucketOf[i] = offsets[ci] + m;
            counts[bucketOf[i] + 1]++;
        }

        for (var b = 0; b < buckets; b++)
        {
            counts[b + 1] += counts[b];
        }

        var facts = new EntryFacts[counts[buckets]];
        var fill = counts.AsSpan(0, buckets).ToArray();
        for (var i = 0; i < entries.Count; i++)
        {
            var b = bucketOf[i];
            if (b >= 0 && (superseded is null || !superseded.Contains(entries[i].Id)))
            {
                facts[fill[b]++] = engines[contractOf[b]].Facts(entries[i], i);
            }
        }

        var comparer = new EntryOrder(entries);
        var rows = new List<RollupRow>(buckets);
        for (var ci = 0; ci < contracts.Count; ci++)
        {
            var contract = contracts[ci];
            var engine = engines[ci];
            var table = tables[ci];
            for (var m = 0; m < table.Count; m++)
            {
                var b = offsets[ci] + m;
                var span = facts.AsSpan(counts[b], fill[b] - counts[b]);
                span.Sort(comparer);
                engine.BeginMonth(table.First.PlusMonths(m));
                foreach (ref readonly var f in span)
                {
                    engine.Price(f, null, null);
                }

                engine.EndMonth();
                var t = engine.Totals;
                var key = new RollupKey(contract.Currency, contract.Id, null, engine.Month, null, null, null, null);
                rows.Add(new Accumulator
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
                }.ToRow(key));
            }
        }

        rows.Sort((x, y) => KeyComparer.Instance.Compare(x.Key, y.Key));
        return rows;
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

    /// <summary>Month boundaries of one contract in UTC ticks, from its start month through a given month.</summary>
    private sealed class MonthTable
    {
        private readonly long[] _starts;

        public MonthTable(Contract contract, YearMonth through)
        {
            First = contract.Start.ToYearMonth();
            Count = through < First ? 0 : ((through.Year - First.Year) * 12) + through.Month - First.Month + 1;
            _starts = new long[Count + 1];
            for (var m = 0; m <= Count; m++)
            {
                _starts[m] = contract.Zone.AtStartOfDay(First.PlusMonths(m).OnDayOfMonth(1)).ToInstant().ToUnixTimeTicks();
            }
        }

        public YearMonth First { get; }

        public int Count { get; }

        public int Find(long ticks)
        {
            if (Count == 0 || ticks < _starts[0] || ticks >= _starts[Count])
            {
                return -1;
            }

            var i = Array.BinarySearch(_starts, ticks);
            return i >= 0 ? i : ~i - 1;
        }
    }

    private readonly struct EntryOrder(IReadOnlyList<TimeEntry> entries) : IComparer<EntryFacts>
    {
        public int Compare(EntryFacts x, EntryFacts y)
        {
            var c = x.Start.CompareTo(y.Start);
            return c != 0 ? c : entries[x.Index].Id.CompareTo(entries[y.Index].Id);
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
