using System.Globalization;
using NodaTime;

namespace ServiceDesk.Billing;

/// <summary>Totals of one contract-month, accumulated by <see cref="ContractEngine"/>.</summary>
internal struct MonthTotals
{
    public long Billable;
    public long NonBillable;
    public long Included;
    public long RolloverIn;
    public long QuotaUsed;
    public long QuotaLeft;
    public long RolloverOut;
    public long BundleUsed;
    public long Overage;
    public long TimeAndMaterials;
    public long Uncovered;
    public Int128 TimeRevenueUnits;
    public decimal OtherRevenue;

    public readonly decimal TimeRevenue => ContractEngine.FromUnits(TimeRevenueUnits);
}

/// <summary>What the engine needs to know about one time entry, extracted once (the hot loop never touches the entry object).</summary>
internal struct EntryFacts
{
    public const byte Billable = 1;
    public const byte Covered = 2;
    public const byte Subscribed = 4;
    public const byte Approved = 8;
    public const byte Rejected = 16;

    public long Start;
    public long Actual;
    public ulong BundleMask;
    public int Index;
    public int RateSlot;
    public byte Flags;
}

/// <summary>
/// The pricing engine of one contract: walks its months in order, carrying rollover and bundle balances, and
/// allocates each entry (given in chronological order) to quota, bundles, overage, time and materials or uncovered.
/// Not thread-safe: one instance per calculation.
/// </summary>
internal sealed class ContractEngine
{
    internal const long TicksPerHour = 36_000_000_000L;
    private const decimal UnitsPerOne = 10_000_000_000m;

    private readonly Contract _c;
    private readonly SubscriptionPlan? _sub;
    private readonly TimeAndMaterialsPlan? _tm;
    private readonly long[] _bundleLeft;
    private readonly long[] _bundleOpening;
    private readonly bool[] _bundleFull;
    private readonly bool[] _bundleAny;
    private readonly long[] _tmTicks;
    private readonly decimal _multiplier;
    private readonly Int128[] _rateUnits;
    private readonly Int128[] _afterRateUnits;
    private readonly Int128 _overageUnits;
    private readonly Dictionary<string, ActivityInfo> _activities = new(StringComparer.Ordinal);
    private readonly bool _ratesNeedEntry;
    private long _carry;
    private bool _fullyInForce;
    private bool _anyInForce;
    private LocalDate _first;
    private LocalDate _last;
    private long _rollLeft;
    private long _inclLeft;

    public ContractEngine(Contract contract)
    {
        _c = contract;
        _sub = contract.Subscription;
        _tm = contract.TimeAndMaterials;
        var n = contract.PrepaidBundles.Count;
        _bundleLeft = new long[n];
        for (var i = 0; i < n; i++)
        {
            _bundleLeft[i] = contract.PrepaidBundles[i].Time.BclCompatibleTicks;
        }

        _bundleOpening = new long[n];
        _bundleFull = new bool[n];
        _bundleAny = new bool[n];
        _tmTicks = new long[((_tm?.Rates.Count ?? 0) + 1) * 2];
        _multiplier = _tm?.AfterHoursMultiplier ?? 1m;
        var slots = (_tm?.Rates.Count ?? 0) + 1;
        _rateUnits = new Int128[slots];
        _afterRateUnits = new Int128[slots];
        for (var slot = 0; slot < slots && _tm is not null; slot++)
        {
            var rate = slot == 0 ? _tm.DefaultHourlyRate?.Amount ?? 0m : _tm.Rates[slot - 1].Rate.Amount;
            _rateUnits[slot] = ToUnits(rate);
            _afterRateUnits[slot] = ToUnits(rate * _multiplier);
        }

        _overageUnits = _sub is null ? 0 : ToUnits(contract.OverageRate.Amount);
        _ratesNeedEntry = _tm is not null && _tm.Rates.Any(r => r.Role is not null || r.Priority is not null);
    }

    private const int MaxCachedActivities = 1024;

    /// <summary>What a contract's plans make of an activity (cached per engine: activities are few).</summary>
    private readonly record struct ActivityInfo(bool Subscribed, ulong BundleMask, bool TimeAndMaterials, int RateSlot);

    private ActivityInfo Classify(string activity)
    {
        var subscribed = _sub is not null && (_c.SubscriptionActivities is not { } sa || sa.Contains(activity));
        ulong mask = 0;
        for (var i = 0; i < _bundleLeft.Length; i++)
        {
            if (_c.BundleActivities[i] is not { } ba || ba.Contains(activity))
            {
                mask |= 1UL << i;
            }
        }

        var tm = _tm is not null && (_c.TimeAndMaterialsActivities is not { } ta || ta.Contains(activity));
        var slot = -2;
        if (tm && !_ratesNeedEntry)
        {
            slot = -1;
            var rates = _tm!.Rates;
            var best = -1;
            for (var i = 0; i < rates.Count; i++)
            {
                if (rates[i].Specificity > best && (rates[i].Activity is null || string.Equals(rates[i].Activity, activity, StringComparison.Ordinal)))
                {
                    best = rates[i].Specificity;
                    slot = i + 1;
                }
            }

            if (slot == -1 && _tm.DefaultHourlyRate is not null)
            {
                slot = 0;
            }
        }

        return new ActivityInfo(subscribed, mask, tm, slot);
    }

    /// <summary>Extracts the facts of an entry of this contract: approval, coverage, plans and rate that apply.</summary>
    public EntryFacts Facts(TimeEntry e, int index)
    {
        var flags = (byte)0;
        if (e.Billable)
        {
            flags |= EntryFacts.Billable;
        }

        if (e.Approval == ApprovalState.Approved || (e.Approval == ApprovalState.Pending && !_c.RequireApproval))
        {
            flags |= EntryFacts.Approved;
        }
        else if (e.Approval == ApprovalState.Rejected)
        {
            flags |= EntryFacts.Rejected;
        }

        if ((e.Service is not { } service || _c.Covers(service)) && (e.ConfigurationItem is not { } item || _c.Covers(item)))
        {
            flags |= EntryFacts.Covered;
        }

        if (!_activities.TryGetValue(e.Activity, out var activity))
        {
            activity = Classify(e.Activity);
            if (_activities.Count < MaxCachedActivities)
            {
                _activities[e.Activity] = activity;
            }
        }

        if (activity.Subscribed)
        {
            flags |= EntryFacts.Subscribed;
        }

        var slot = -1;
        if (activity.TimeAndMaterials)
        {
            slot = activity.RateSlot >= -1 ? activity.RateSlot : FindRate(e, out var rateIndex) ? rateIndex + 1 : -1;
        }

        var mask = activity.BundleMask;
        return new EntryFacts
        {
            Start = e.Start.ToUnixTimeTicks(),
            Actual = e.Duration.BclCompatibleTicks,
            BundleMask = mask,
            Index = index,
            RateSlot = slot,
            Flags = flags,
        };
    }

    public YearMonth Month { get; private set; }

    public MonthTotals Totals;

    public bool InForce => _anyInForce;

    public void BeginMonth(YearMonth month)
    {
        Month = month;
        Totals = default;
        Array.Clear(_tmTicks);
        _first = month.OnDayOfMonth(1);
        _last = _first.PlusMonths(1).PlusDays(-1);
        _anyInForce = _c.IsInForce(month);
        _fullyInForce = _anyInForce && _c.IsInForce(_first) && _c.IsInForce(_last);
        Totals.RolloverIn = _carry;
        Totals.Included = _sub is not null && _anyInForce ? _sub.IncludedTime.BclCompatibleTicks : 0;
        _rollLeft = Totals.RolloverIn;
        _inclLeft = Totals.Included;
        for (var i = 0; i < _bundleLeft.Length; i++)
        {
            var b = _c.PrepaidBundles[i];
            _bundleOpening[i] = _bundleLeft[i];
            _bundleFull[i] = _first >= b.PurchasedOn && (b.ExpiresOn is not { } e1 || _last <= e1);
            _bundleAny[i] = _last >= b.PurchasedOn && (b.ExpiresOn is not { } e2 || _first <= e2);
        }
    }

    /// <summary>Prices one entry (already validated and in this month). Returns the exclusion reason, if excluded.</summary>
    /// <param name="f">The entry's facts.</param>
    /// <param name="e">The entry, when allocations are collected.</param>
    /// <param name="allocations">Where to add the allocations, or <see langword="null"/> to only accumulate totals.</param>
    public ExclusionReason? Price(in EntryFacts f, TimeEntry? e, List<TimeAllocation>? allocations)
    {
        if ((f.Flags & EntryFacts.Approved) == 0)
        {
            return (f.Flags & EntryFacts.Rejected) != 0 ? ExclusionReason.Rejected : ExclusionReason.NotApproved;
        }

        LocalDate date = default;
        var haveDate = false;
        if (!_fullyInForce)
        {
            date = _c.GetDate(Instant.FromUnixTimeTicks(f.Start));
            haveDate = true;
            if (!_anyInForce || !_c.IsInForce(date))
            {
                return ExclusionReason.NotInForce;
            }
        }

        var actual = f.Actual;
        if ((f.Flags & EntryFacts.Billable) == 0)
        {
            Totals.NonBillable += actual;
            allocations?.Add(new TimeAllocation(e!, AllocationSource.NonBillable, Duration.FromTicks(actual), Duration.Zero, Money.Zero(_c.Currency)));
            return null;
        }

        var remaining = _c.TimeRounding.ApplyTicks(actual);
        Totals.Billable += remaining;
        if ((f.Flags & EntryFacts.Covered) == 0)
        {
            Uncovered(e, remaining, allocations);
            return null;
        }

        var subscribed = (f.Flags & EntryFacts.Subscribed) != 0;
        if (subscribed)
        {
            var take = Math.Min(remaining, _rollLeft + _inclLeft);
            if (take > 0)
            {
                var fromRoll = Math.Min(take, _rollLeft);
                _rollLeft -= fromRoll;
                _inclLeft -= take - fromRoll;
                remaining -= take;
                Totals.QuotaUsed += take;
                allocations?.Add(new TimeAllocation(e!, AllocationSource.Quota, Duration.FromTicks(take), Duration.Zero, Money.Zero(_c.Currency)));
            }
        }

        if (f.BundleMask != 0)
        {
            foreach (var i in _c.BundleDrawOrder)
            {
                if (remaining == 0)
                {
                    break;
                }

                if (_bundleLeft[i] == 0 || !_bundleAny[i] || (f.BundleMask & (1UL << i)) == 0)
                {
                    continue;
                }

                if (!_bundleFull[i])
                {
                    if (!haveDate)
                    {
                        date = _c.GetDate(Instant.FromUnixTimeTicks(f.Start));
                        haveDate = true;
                    }

                    var b = _c.PrepaidBundles[i];
                    if (date < b.PurchasedOn || (b.ExpiresOn is { } exp && date > exp))
                    {
                        continue;
                    }
                }

                var take = Math.Min(remaining, _bundleLeft[i]);
                _bundleLeft[i] -= take;
                remaining -= take;
                Totals.BundleUsed += take;
                allocations?.Add(new TimeAllocation(e!, AllocationSource.PrepaidBundle, Duration.FromTicks(take), Duration.Zero, Money.Zero(_c.Currency))
                {
                    BundleName = _c.PrepaidBundles[i].Name,
                });
            }
        }

        if (remaining == 0)
        {
            return null;
        }

        if (subscribed)
        {
            var units = DivideRounded(_overageUnits * remaining, TicksPerHour);
            Totals.Overage += remaining;
            Totals.TimeRevenueUnits += units;
            allocations?.Add(new TimeAllocation(e!, AllocationSource.Overage, Duration.FromTicks(remaining), Duration.Zero, new Money(FromUnits(units), _c.Currency)));
            return null;
        }

        if (f.RateSlot >= 0)
        {
            long after = 0;
            if (_multiplier != 1m && actual > 0)
            {
                var start = Instant.FromUnixTimeTicks(f.Start);
                var inHours = _tm!.BusinessHours!.BusinessTimeBetween(start, start + Duration.FromTicks(actual)).BclCompatibleTicks;
                var afterActual = actual - inHours;
                if (afterActual > 0)
                {
                    after = (long)DivideRounded((Int128)remaining * afterActual, actual);
                }
            }

            var inside = remaining - after;
            var slot = f.RateSlot * 2;
            _tmTicks[slot] += inside;
            _tmTicks[slot + 1] += after;
            var tmUnits = DivideRounded((_rateUnits[f.RateSlot] * inside) + (_afterRateUnits[f.RateSlot] * after), TicksPerHour);
            Totals.TimeAndMaterials += remaining;
            Totals.TimeRevenueUnits += tmUnits;
            allocations?.Add(new TimeAllocation(e!, AllocationSource.TimeAndMaterials, Duration.FromTicks(remaining), Duration.FromTicks(after), new Money(FromUnits(tmUnits), _c.Currency)));
            return null;
        }

        Uncovered(e, remaining, allocations);
        return null;
    }

    /// <summary>Closes the month: quota left, rollover out, and the revenue of fees and bundles.</summary>
    public void EndMonth()
    {
        Totals.QuotaLeft = _rollLeft + _inclLeft;
        Totals.RolloverOut = _sub is { RolloverUnused: true } ? Math.Min(_inclLeft, _c.RolloverCap.BclCompatibleTicks) : 0;
        _carry = Totals.RolloverOut;
        if (_sub is not null && _anyInForce)
        {
            Totals.OtherRevenue += _sub.MonthlyFee.Amount;
        }

        if (_anyInForce)
        {
            foreach (var b in _c.PrepaidBundles)
            {
                if (b.Price is { } price && b.PurchasedOn.ToYearMonth() == Month)
                {
                    Totals.OtherRevenue += price.Amount;
                }
            }
        }
    }

    public BundleUsage[] BundleUsages()
    {
        var result = new BundleUsage[_bundleLeft.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = new BundleUsage(
                _c.PrepaidBundles[i].Name,
                Duration.FromTicks(_bundleOpening[i]),
                Duration.FromTicks(_bundleOpening[i] - _bundleLeft[i]),
                Duration.FromTicks(_bundleLeft[i]));
        }

        return result;
    }

    /// <summary>Builds the invoice lines of the month (call after <see cref="EndMonth"/>), in a fixed order.</summary>
    public List<InvoiceLine> BuildLines(SortedDictionary<string, decimal> works)
    {
        var lines = new List<InvoiceLine>();
        var currency = _c.Currency;
        var month = Month.ToString("uuuu-MM", CultureInfo.InvariantCulture);
        if (_sub is not null && _anyInForce)
        {
            lines.Add(InvoiceLine.Create(InvoiceLineKind.SubscriptionFee, $"{_sub.Name}: monthly fee {month}", 1m, "month", _sub.MonthlyFee, _sub.MonthlyFee.Amount, _c.TaxRate));
        }

        if (_anyInForce)
        {
            foreach (var b in _c.PrepaidBundles)
            {
                if (b.Price is { } price && b.PurchasedOn.ToYearMonth() == Month)
                {
                    lines.Add(InvoiceLine.Create(InvoiceLineKind.PrepaidBundle, $"Prepaid bundle '{b.Name}': {Hours(b.Time.BclCompatibleTicks)} h", 1m, "bundle", price, price.Amount, _c.TaxRate));
                }
            }
        }

        if (Totals.Overage > 0)
        {
            var rate = _c.OverageRate;
            lines.Add(InvoiceLine.Create(InvoiceLineKind.Overage, $"{_sub!.Name}: overage beyond the included time", Hours(Totals.Overage), CatalogueItem.HourUnit, rate, rate.Amount * Totals.Overage / TicksPerHour, _c.OverageTaxRate));
        }

        if (_tm is not null)
        {
            for (var r = 0; r <= _tm.Rates.Count; r++)
            {
                var slotIndex = r < _tm.Rates.Count ? r + 1 : 0;
                var slot = slotIndex * 2;
                var rate = slotIndex > 0 ? _tm.Rates[slotIndex - 1].Rate : _tm.DefaultHourlyRate ?? Money.Zero(currency);
                var label = slotIndex > 0 ? Label(_tm.Rates[slotIndex - 1]) : "standard rate";
                if (_tmTicks[slot] > 0)
                {
                    lines.Add(InvoiceLine.Create(InvoiceLineKind.TimeAndMaterials, $"{_tm.Name}: {label}", Hours(_tmTicks[slot]), CatalogueItem.HourUnit, rate, rate.Amount * _tmTicks[slot] / TicksPerHour, _c.TaxRate));
                }

                if (_tmTicks[slot + 1] > 0)
                {
                    var price = rate * _multiplier;
                    lines.Add(InvoiceLine.Create(InvoiceLineKind.TimeAndMaterials, $"{_tm.Name}: {label}, after hours (x{_multiplier.ToString(CultureInfo.InvariantCulture)})", Hours(_tmTicks[slot + 1]), CatalogueItem.HourUnit, price, price.Amount * _tmTicks[slot + 1] / TicksPerHour, _c.TaxRate));
                }
            }
        }

        foreach (var (code, quantity) in works)
        {
            var item = _c.PriceList!.GetItem(code);
            lines.Add(InvoiceLine.Create(InvoiceLineKind.OneOffWork, item.Name, quantity, item.Unit, item.UnitPrice, item.UnitPrice.Amount * quantity, item.TaxRate ?? _c.TaxRate));
        }

        return lines;
    }

    /// <summary>Checks one effective one-off work of this month; returns the exclusion reason, if excluded.</summary>
    public ExclusionReason? PriceWork(OneOffWork work, SortedDictionary<string, decimal> works)
    {
        if (work.Quantity == 0m)
        {
            return null;
        }

        if (work.Quantity < 0m)
        {
            return ExclusionReason.Invalid;
        }

        if (!_c.IsInForce(_c.GetDate(work.PerformedAt)))
        {
            return ExclusionReason.NotInForce;
        }

        if (_c.PriceList is null || !_c.PriceList.TryGetItem(work.ItemCode, out var item))
        {
            return _c.OneOffWorks is null ? ExclusionReason.ItemNotAllowed : ExclusionReason.UnknownItem;
        }

        if (_c.OneOffWorks is not { } plan || (plan.AllowedItems.Count > 0 && !plan.AllowedItems.Contains(work.ItemCode, StringComparer.Ordinal)))
        {
            return ExclusionReason.ItemNotAllowed;
        }

        works[work.ItemCode] = works.GetValueOrDefault(work.ItemCode) + work.Quantity;
        Totals.OtherRevenue += item.UnitPrice.Amount * work.Quantity;
        return null;
    }

    internal static decimal Hours(long ticks) => (decimal)ticks / TicksPerHour;

    /// <summary>Converts an amount to units of 10^-10 (rates are used to 10 decimal places, half away from zero).</summary>
    internal static Int128 ToUnits(decimal amount) => (Int128)decimal.Round(amount * UnitsPerOne, 0, MidpointRounding.AwayFromZero);

    internal static decimal FromUnits(Int128 units) => (decimal)units / UnitsPerOne;

    /// <summary>Divides a non-negative numerator, rounding half away from zero.</summary>
    private static Int128 DivideRounded(Int128 numerator, long denominator)
    {
        var quotient = Int128.DivRem(numerator, denominator);
        return quotient.Remainder * 2 >= denominator ? quotient.Quotient + 1 : quotient.Quotient;
    }

    private static string Label(HourlyRate rate)
    {
        var parts = new List<string>(3);
        if (rate.Activity is not null)
        {
            parts.Add(rate.Activity);
        }

        if (rate.Role is not null)
        {
            parts.Add(rate.Role);
        }

        if (rate.Priority is { } p)
        {
            parts.Add("P" + ((int)p).ToString(CultureInfo.InvariantCulture));
        }

        return parts.Count == 0 ? "rate" : string.Join(", ", parts);
    }

    private void Uncovered(TimeEntry? e, long ticks, List<TimeAllocation>? allocations)
    {
        Totals.Uncovered += ticks;
        allocations?.Add(new TimeAllocation(e!, AllocationSource.Uncovered, Duration.FromTicks(ticks), Duration.Zero, Money.Zero(_c.Currency)));
    }

    private bool FindRate(TimeEntry e, out int index)
    {
        index = -1;
        var best = -1;
        var rates = _tm!.Rates;
        for (var i = 0; i < rates.Count; i++)
        {
            var r = rates[i];
            if (r.Specificity > best && r.Matches(e))
            {
                best = r.Specificity;
                index = i;
            }
        }

        return index >= 0 || _tm.DefaultHourlyRate is not null;
    }
}
