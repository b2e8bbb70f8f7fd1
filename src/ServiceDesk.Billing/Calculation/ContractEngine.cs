using System.Globalization;
using System.Runtime.CompilerServices;
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
/// A time entry as read once by the contract-month rollup, before its contract's plans are applied: 32 bytes, so a
/// bucket sorts and prices without touching the entry object (or, while reading entries, any contract's plans).
/// </summary>
internal struct RawEntry
{
    public const byte Billable = 1;
    public const byte Covered = 2;
    public const byte Approved = 4;
    public const byte Rejected = 8;
    public const byte PriorityFromEntry = 16;

    public long Start;
    public long Actual;
    public int Index;
    public int Activity;
    public int Role;
    public byte Priority;
    public byte Flags;
}

/// <summary>Numbers strings in order of first sight: recently seen string instances by reference, others by value (ordinal).</summary>
internal sealed class Interner
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<string> _values = [];
    private readonly string?[] _refs = new string?[64];
    private readonly int[] _refIds = new int[64];

    public int Count => _values.Count;

    public string this[int id] => _values[id];

    public int Intern(string value)
    {
        var slot = RuntimeHelpers.GetHashCode(value) & (_refs.Length - 1);
        if (ReferenceEquals(_refs[slot], value))
        {
            return _refIds[slot];
        }

        if (!_ids.TryGetValue(value, out var id))
        {
            id = _values.Count;
            _ids.Add(value, id);
            _values.Add(value);
        }

        _refs[slot] = value;
        _refIds[slot] = id;
        return id;
    }
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
    private readonly string?[] _recent = new string?[8];
    private readonly ActivityInfo[] _recentInfo = new ActivityInfo[8];
    private readonly Fraction _overage;
    private readonly Fraction[] _rates;
    private readonly Fraction[] _afterRates;
    private int _recentNext;
    private ActivityInfo[] _byId = [];
    private bool[] _knownById = [];
    private long _carry;
    private bool _fullyInForce;
    private bool _anyInForce;
    private LocalDate _first;
    private LocalDate _last;
    private long _rollLeft;
    private long _inclLeft;
    private bool _havePeriod;
    private bool _periodStart;
    private bool _periodEnd;
    private YearMonth _periodFirst;
    private YearMonth _periodLast;
    private int _periodDays;
    private int _periodDaysInForce;
    private Money? _periodFee;
    private readonly string[] _unitCodes;
    private readonly decimal[] _unitQuantity;
    private readonly decimal[] _unitCarry;
    private readonly decimal[] _unitRoll;
    private readonly decimal[] _unitIncl;
    private readonly decimal[] _unitIncludedThisMonth;
    private readonly decimal[] _unitRollIn;
    private readonly decimal[] _unitRollOut;

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
        _overage = Fraction.PerHour(_overageUnits, 0);
        _rates = new Fraction[slots];
        _afterRates = new Fraction[slots];
        for (var slot = 0; slot < slots; slot++)
        {
            _rates[slot] = Fraction.PerHour(_rateUnits[slot], _afterRateUnits[slot]);
            _afterRates[slot] = Fraction.PerHour(_afterRateUnits[slot], _rateUnits[slot]);
        }

        _ratesNeedEntry = _tm is not null && _tm.Rates.Any(r => r.Role is not null || r.Priority is not null);
        var units = _sub?.IncludedUnits ?? [];
        _unitCodes = [.. units.Select(u => u.ItemCode)];
        _unitQuantity = [.. units.Select(u => u.Quantity)];
        _unitCarry = new decimal[units.Count];
        _unitRoll = new decimal[units.Count];
        _unitIncl = new decimal[units.Count];
        _unitIncludedThisMonth = new decimal[units.Count];
        _unitRollIn = new decimal[units.Count];
        _unitRollOut = new decimal[units.Count];
    }

    private const int MaxCachedActivities = 1024;

    /// <summary>What a contract's plans make of an activity (cached per engine: activities are few).</summary>
    private readonly record struct ActivityInfo(bool Subscribed, ulong BundleMask, bool TimeAndMaterials, int RateSlot);

    /// <summary>Classifies an activity: a few recently seen strings by reference first, then by value.</summary>
    private ActivityInfo Activity(string activity)
    {
        for (var i = 0; i < _recent.Length; i++)
        {
            if (ReferenceEquals(_recent[i], activity))
            {
                return _recentInfo[i];
            }
        }

        if (!_activities.TryGetValue(activity, out var info))
        {
            info = Classify(activity);
            if (_activities.Count < MaxCachedActivities)
            {
                _activities[activity] = info;
            }
        }

        _recent[_recentNext] = activity;
        _recentInfo[_recentNext] = info;
        _recentNext = (_recentNext + 1) % _recent.Length;
        return info;
    }

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
    public EntryFacts Facts(TimeEntry e, int index) => Facts(e, index, e.Start.ToUnixTimeTicks(), e.Duration.BclCompatibleTicks);

    /// <summary>Extracts the facts of an entry whose start and duration in ticks are already known.</summary>
    public EntryFacts Facts(TimeEntry e, int index, long start, long actual)
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

        var activity = Activity(e.Activity);

        if (activity.Subscribed)
        {
            flags |= EntryFacts.Subscribed;
        }

        var slot = -1;
        if (activity.TimeAndMaterials)
        {
            slot = activity.RateSlot >= -1 ? activity.RateSlot : FindRate(e.Activity, e.Role, e.Priority, out var rateIndex) ? rateIndex + 1 : -1;
        }

        var mask = activity.BundleMask;
        return new EntryFacts
        {
            Start = start,
            Actual = actual,
            BundleMask = mask,
            Index = index,
            RateSlot = slot,
            Flags = flags,
        };
    }

    /// <summary>Reads the fields the rollup needs from an entry of this contract (no plan is consulted but coverage, and only when the entry names a service or item).</summary>
    public RawEntry Raw(TimeEntry e, int index, long start, long actual, Interner activities, Interner roles)
    {
        var flags = e.Billable ? RawEntry.Billable : (byte)0;
        if (e.Approval == ApprovalState.Approved)
        {
            flags |= RawEntry.Approved;
        }
        else if (e.Approval == ApprovalState.Rejected)
        {
            flags |= RawEntry.Rejected;
        }
        else if (e.Approval != ApprovalState.Pending)
        {
            flags |= RawEntry.Approved | RawEntry.Rejected;
        }

        if ((e.Service is not { } service || _c.Covers(service)) && (e.ConfigurationItem is not { } item || _c.Covers(item)))
        {
            flags |= RawEntry.Covered;
        }

        byte priority = 0;
        if (e.Priority is { } p)
        {
            if ((int)p is >= 0 and < 254)
            {
                priority = (byte)((int)p + 1);
            }
            else
            {
                flags |= RawEntry.PriorityFromEntry;
            }
        }

        return new RawEntry
        {
            Start = start,
            Actual = actual,
            Index = index,
            Activity = activities.Intern(e.Activity),
            Role = e.Role is { } role ? roles.Intern(role) + 1 : 0,
            Priority = priority,
            Flags = flags,
        };
    }

    /// <summary>The facts of a raw entry of this contract: the same as <see cref="Facts(TimeEntry, int)"/> of the entry it was read from.</summary>
    public EntryFacts Facts(in RawEntry r, Interner activities, Interner roles, IReadOnlyList<TimeEntry> entries)
    {
        var flags = (byte)0;
        if ((r.Flags & RawEntry.Billable) != 0)
        {
            flags |= EntryFacts.Billable;
        }

        if ((r.Flags & RawEntry.Covered) != 0)
        {
            flags |= EntryFacts.Covered;
        }

        var approval = r.Flags & (RawEntry.Approved | RawEntry.Rejected);
        if (approval == RawEntry.Approved || (approval == 0 && !_c.RequireApproval))
        {
            flags |= EntryFacts.Approved;
        }
        else if (approval == RawEntry.Rejected)
        {
            flags |= EntryFacts.Rejected;
        }

        if ((uint)r.Activity >= (uint)_byId.Length)
        {
            Array.Resize(ref _byId, Math.Max(activities.Count, 8));
            Array.Resize(ref _knownById, _byId.Length);
        }

        if (!_knownById[r.Activity])
        {
            _byId[r.Activity] = Activity(activities[r.Activity]);
            _knownById[r.Activity] = true;
        }

        var activity = _byId[r.Activity];
        if (activity.Subscribed)
        {
            flags |= EntryFacts.Subscribed;
        }

        var slot = -1;
        if (activity.TimeAndMaterials)
        {
            if (activity.RateSlot >= -1)
            {
                slot = activity.RateSlot;
            }
            else
            {
                Priority? priority = (r.Flags & RawEntry.PriorityFromEntry) != 0 ? entries[r.Index].Priority
                    : r.Priority == 0 ? null : (Priority)(r.Priority - 1);
                slot = FindRate(activities[r.Activity], r.Role == 0 ? null : roles[r.Role - 1], priority, out var rateIndex) ? rateIndex + 1 : -1;
            }
        }

        return new EntryFacts
        {
            Start = r.Start,
            Actual = r.Actual,
            BundleMask = activity.BundleMask,
            Index = r.Index,
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
        if (!_havePeriod || month > _periodLast || month < _periodFirst)
        {
            (_periodFirst, _periodLast) = _c.GetBillingPeriod(month);
        }

        _havePeriod = true;
        _periodStart = month == _periodFirst;
        _periodEnd = month == _periodLast;
        if (_periodStart)
        {
            StartPeriod();
        }
        else
        {
            // Within a period, what is left of the quota is brought forward as it is.
            Totals.RolloverIn = _rollLeft + _inclLeft;
            Totals.Included = 0;
            for (var i = 0; i < _unitCodes.Length; i++)
            {
                _unitRollIn[i] = _unitRoll[i] + _unitIncl[i];
                _unitIncludedThisMonth[i] = 0m;
            }
        }
        for (var i = 0; i < _bundleLeft.Length; i++)
        {
            var b = _c.PrepaidBundles[i];
            _bundleOpening[i] = _bundleLeft[i];
            _bundleFull[i] = _first >= b.PurchasedOn && (b.ExpiresOn is not { } e1 || _last <= e1);
            _bundleAny[i] = _last >= b.PurchasedOn && (b.ExpiresOn is not { } e2 || _first <= e2);
        }
    }

    /// <summary>Opens a billing period: the fee and the quotas, pro-rated by days in force when the period is partial.</summary>
    private void StartPeriod()
    {
        (_periodDaysInForce, _periodDays) = _c.GetDaysInForce(_periodFirst, _periodLast);
        var active = _sub is not null && _periodDaysInForce > 0;
        var partial = active && _sub!.ProRatePartialPeriods && _periodDaysInForce < _periodDays;
        _periodFee = !active ? null : partial ? ProRate(_sub!.Fee, _periodDaysInForce, _periodDays) : _sub!.Fee;
        var included = !active ? 0 : partial ? ProRate(_sub!.IncludedTime, _periodDaysInForce, _periodDays) : _sub!.IncludedTime.BclCompatibleTicks;
        Totals.RolloverIn = _carry;
        Totals.Included = included;
        _rollLeft = _carry;
        _inclLeft = included;
        for (var i = 0; i < _unitCodes.Length; i++)
        {
            var quantity = !active ? 0m : partial ? ProRate(_unitQuantity[i], _periodDaysInForce, _periodDays) : _unitQuantity[i];
            _unitRollIn[i] = _unitCarry[i];
            _unitRoll[i] = _unitCarry[i];
            _unitIncl[i] = quantity;
            _unitIncludedThisMonth[i] = quantity;
        }
    }

    /// <summary>Pro-rates a fee by days: <c>round(fee x days / total)</c> to the minor unit, half away from zero.</summary>
    internal static Money ProRate(Money fee, int days, int total) => new Money(fee.Amount * days / total, fee.Currency).Round();

    /// <summary>Pro-rates included time by days, rounded to the whole minute, half away from zero.</summary>
    internal static long ProRate(Duration included, int days, int total)
    {
        const long ticksPerMinute = 600_000_000L;
        var minutes = decimal.Round((decimal)included.BclCompatibleTicks * days / total / ticksPerMinute, 0, MidpointRounding.AwayFromZero);
        return (long)minutes * ticksPerMinute;
    }

    /// <summary>Pro-rates included units by days, rounded to whole units, half away from zero.</summary>
    internal static decimal ProRate(decimal units, int days, int total) => decimal.Round(units * days / total, 0, MidpointRounding.AwayFromZero);

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
            var units = _overage.Fits ? _overage.Apply(remaining, 0, default) : DivideRounded(_overageUnits * remaining, TicksPerHour);
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
            var rates = _rates[f.RateSlot];
            var tmUnits = rates.Fits
                ? rates.Apply(inside, after, _afterRates[f.RateSlot])
                : DivideRounded((_rateUnits[f.RateSlot] * inside) + (_afterRateUnits[f.RateSlot] * after), TicksPerHour);
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
        if (_periodEnd)
        {
            Totals.RolloverOut = _sub is { RolloverUnused: true } ? Math.Min(_inclLeft, _c.RolloverCap.BclCompatibleTicks) : 0;
            _carry = Totals.RolloverOut;
            for (var i = 0; i < _unitCodes.Length; i++)
            {
                _unitRollOut[i] = _sub is { RolloverUnused: true } ? Math.Min(_unitIncl[i], _unitQuantity[i]) : 0m;
                _unitCarry[i] = _unitRollOut[i];
            }
        }
        else
        {
            Totals.RolloverOut = Totals.QuotaLeft;
            for (var i = 0; i < _unitCodes.Length; i++)
            {
                _unitRollOut[i] = _unitRoll[i] + _unitIncl[i];
            }
        }

        if (_periodStart && _periodFee is { } fee)
        {
            Totals.OtherRevenue += fee.Amount;
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

    /// <summary>The unit quotas of the month (call after <see cref="EndMonth"/>).</summary>
    public UnitQuotaUsage[] UnitUsages()
    {
        var result = new UnitQuotaUsage[_unitCodes.Length];
        for (var i = 0; i < result.Length; i++)
        {
            var left = _unitRoll[i] + _unitIncl[i];
            result[i] = new UnitQuotaUsage(
                _unitCodes[i], _c.PriceList!.GetItem(_unitCodes[i]).Unit, _unitIncludedThisMonth[i], _unitRollIn[i],
                _unitIncludedThisMonth[i] + _unitRollIn[i] - left, left, _unitRollOut[i]);
        }

        return result;
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
        var month = string.Create(CultureInfo.InvariantCulture, $"{Month.Year:D4}-{Month.Month:D2}"); // as the pattern uuuu-MM, without parsing it
        if (_periodStart && _periodFee is { } fee)
        {
            var what = _sub!.PeriodMonths == 1
                ? $"{_sub.Name}: monthly fee {month}"
                : string.Create(CultureInfo.InvariantCulture, $"{_sub.Name}: fee {_periodFirst.Year:D4}-{_periodFirst.Month:D2} to {_periodLast.Year:D4}-{_periodLast.Month:D2}");
            if (_periodDaysInForce < _periodDays && _sub.ProRatePartialPeriods)
            {
                what = string.Create(CultureInfo.InvariantCulture, $"{what} (pro rata {_periodDaysInForce}/{_periodDays} days)");
            }

            lines.Add(InvoiceLine.Create(InvoiceLineKind.SubscriptionFee, what, 1m, _sub.PeriodMonths == 1 ? "month" : "period", fee, fee.Amount, _c.TaxRate));
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
    /// <param name="work">The work.</param>
    /// <param name="works">The charged quantity per item code, added to.</param>
    /// <param name="fromQuota">The quantity drawn from the subscription's units of the item.</param>
    public ExclusionReason? PriceWork(OneOffWork work, SortedDictionary<string, decimal> works, out decimal fromQuota)
    {
        fromQuota = 0m;
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

        var charged = work.Quantity;
        var q = Array.IndexOf(_unitCodes, work.ItemCode);
        if (q >= 0)
        {
            fromQuota = Math.Min(charged, _unitRoll[q] + _unitIncl[q]);
            var fromRoll = Math.Min(fromQuota, _unitRoll[q]);
            _unitRoll[q] -= fromRoll;
            _unitIncl[q] -= fromQuota - fromRoll;
            charged -= fromQuota;
        }

        if (charged > 0m)
        {
            works[work.ItemCode] = works.GetValueOrDefault(work.ItemCode) + charged;
            Totals.OtherRevenue += item.UnitPrice.Amount * charged;
        }

        return null;
    }

    internal static decimal Hours(long ticks) => (decimal)ticks / TicksPerHour;

    /// <summary>Converts an amount to units of 10^-10 (rates are used to 10 decimal places, half away from zero).</summary>
    internal static Int128 ToUnits(decimal amount) => (Int128)decimal.Round(amount * UnitsPerOne, 0, MidpointRounding.AwayFromZero);

    internal static decimal FromUnits(Int128 units) => (decimal)units / UnitsPerOne;

    /// <summary>
    /// A rate in units per hour reduced with the other rate of its pair by their common divisor with the ticks per
    /// hour, so that <c>round((a x t1 + b x t2) / ticksPerHour)</c> is computed in 64 bits when the products fit: the
    /// same rational number, so the same result as the 128-bit path.
    /// </summary>
    private readonly struct Fraction
    {
        private const ulong Limit = 1UL << 62;

        private Fraction(long numerator, long denominator)
        {
            Numerator = numerator;
            Denominator = denominator;
            Fits = true;
        }

        public long Numerator { get; }

        public long Denominator { get; }

        public bool Fits { get; }

        public static Fraction PerHour(Int128 units, Int128 other)
        {
            if (units < 0 || other < 0 || units > long.MaxValue || other > long.MaxValue)
            {
                return default;
            }

            var g = (long)Gcd(Gcd((ulong)units, (ulong)other), TicksPerHour);
            return new Fraction((long)units / g, TicksPerHour / g);
        }

        /// <summary>Rounds <c>(this x ticks + other x otherTicks) / ticksPerHour</c> half away from zero (ticks non-negative); <paramref name="other"/> shares the denominator.</summary>
        public Int128 Apply(long ticks, long otherTicks, Fraction other)
        {
            var high = Math.BigMul(Numerator, ticks, out var low);
            if (high != 0 || unchecked((ulong)low) >= Limit)
            {
                return Slow(ticks, otherTicks, other);
            }

            if (otherTicks != 0)
            {
                var high2 = Math.BigMul(other.Numerator, otherTicks, out var low2);
                if (high2 != 0 || unchecked((ulong)low2) >= Limit)
                {
                    return Slow(ticks, otherTicks, other);
                }

                low += low2;
            }

            var quotient = Math.DivRem(low, Denominator, out var remainder);
            return remainder * 2 >= Denominator ? quotient + 1 : quotient;
        }

        private Int128 Slow(long ticks, long otherTicks, Fraction other)
            => DivideRounded(((Int128)Numerator * ticks) + ((Int128)other.Numerator * otherTicks), Denominator);

        private static ulong Gcd(ulong a, ulong b)
        {
            while (b != 0)
            {
                (a, b) = (b, a % b);
            }

            return a == 0 ? 1 : a;
        }
    }

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

    private bool FindRate(string activity, string? role, Priority? priority, out int index)
    {
        index = -1;
        var best = -1;
        var rates = _tm!.Rates;
        for (var i = 0; i < rates.Count; i++)
        {
            var r = rates[i];
            if (r.Specificity > best && r.Matches(activity, role, priority))
            {
                best = r.Specificity;
                index = i;
            }
        }

        return index >= 0 || _tm.DefaultHourlyRate is not null;
    }
}
