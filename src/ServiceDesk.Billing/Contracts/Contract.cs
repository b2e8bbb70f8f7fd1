using System.Collections.Frozen;
using NodaTime;

namespace ServiceDesk.Billing;

/// <summary>
/// A validated, immutable client contract: client, validity, zone, currency, status, renewal, payment stages,
/// SLA policy reference, tier, coverage, time rounding, tax rate and its combination of billing plans.
/// </summary>
/// <remarks>
/// <para>Build one with <see cref="ContractOptions.Build"/>. Dates are in <see cref="Zone"/>; statements and invoices are per
/// calendar month in that zone (<see cref="GetMonthInterval"/>); a subscription's billing period is
/// <see cref="SubscriptionPlan.PeriodMonths"/> such months from the start month.</para>
/// <para>Instances are immutable and thread-safe; <see cref="Renew"/> and <see cref="WithStatus"/> return new ones.</para>
/// </remarks>
public sealed class Contract
{
    internal Contract(ContractOptions o)
    {
        Id = o.Id;
        Tenant = o.Tenant;
        Client = o.Client;
        ClientLegalName = o.ClientLegalName!;
        Start = o.Start!.Value;
        End = o.End;
        Zone = o.Zone!;
        Currency = o.Currency;
        Status = o.Status;
        Renewal = o.Renewal;
        ExpiryWarningDays = o.ExpiryWarningDays;
        PaymentStages = [.. o.PaymentStages];
        SlaPolicyId = o.SlaPolicyId;
        Tier = o.Tier;
        CoveredServices = [.. o.CoveredServices];
        CoveredConfigurationItems = [.. o.CoveredConfigurationItems];
        TimeRounding = o.TimeRounding;
        TaxRate = o.TaxRate;
        RequireApproval = o.RequireApproval;
        PriceList = o.PriceList;
        Subscription = o.Subscription is { } s ? s with { Activities = [.. s.Activities], IncludedUnits = [.. s.IncludedUnits] } : null;
        TimeAndMaterials = o.TimeAndMaterials is { } t ? t with { Activities = [.. t.Activities], Rates = [.. t.Rates] } : null;
        PrepaidBundles = [.. o.PrepaidBundles.Select(b => b with { Activities = [.. b.Activities] })];
        OneOffWorks = o.OneOffWorks is { } w ? w with { AllowedItems = [.. w.AllowedItems] } : null;

        _services = CoveredServices.ToFrozenSet();
        _items = CoveredConfigurationItems.ToFrozenSet();
        SubscriptionActivities = Set(Subscription?.Activities);
        TimeAndMaterialsActivities = Set(TimeAndMaterials?.Activities);
        BundleActivities = [.. PrepaidBundles.Select(b => Set(b.Activities))];
        BundleDrawOrder = [.. Enumerable.Range(0, PrepaidBundles.Count)
            .OrderBy(i => PrepaidBundles[i].ExpiresOn ?? LocalDate.MaxIsoValue)
            .ThenBy(i => PrepaidBundles[i].PurchasedOn)
            .ThenBy(i => i)];
        if (Subscription is { } sub)
        {
            OverageRate = sub.OverageHourlyRate ?? PriceList!.GetItem(sub.OverageItemCode!).UnitPrice;
            OverageTaxRate = sub.OverageItemCode is { } code ? PriceList!.GetItem(code).TaxRate ?? TaxRate : TaxRate;
            RolloverCap = sub.RolloverCap ?? sub.IncludedTime;
        }
    }

    private Contract(Contract other, LocalDate? end, ContractStatus status)
    {
        Id = other.Id;
        Tenant = other.Tenant;
        Client = other.Client;
        ClientLegalName = other.ClientLegalName;
        Start = other.Start;
        End = end;
        Zone = other.Zone;
        Currency = other.Currency;
        Status = status;
        Renewal = other.Renewal;
        ExpiryWarningDays = other.ExpiryWarningDays;
        PaymentStages = other.PaymentStages;
        SlaPolicyId = other.SlaPolicyId;
        Tier = other.Tier;
        CoveredServices = other.CoveredServices;
        CoveredConfigurationItems = other.CoveredConfigurationItems;
        TimeRounding = other.TimeRounding;
        TaxRate = other.TaxRate;
        RequireApproval = other.RequireApproval;
        PriceList = other.PriceList;
        Subscription = other.Subscription;
        TimeAndMaterials = other.TimeAndMaterials;
        PrepaidBundles = other.PrepaidBundles;
        OneOffWorks = other.OneOffWorks;
        _services = other._services;
        _items = other._items;
        SubscriptionActivities = other.SubscriptionActivities;
        TimeAndMaterialsActivities = other.TimeAndMaterialsActivities;
        BundleActivities = other.BundleActivities;
        BundleDrawOrder = other.BundleDrawOrder;
        OverageRate = other.OverageRate;
        OverageTaxRate = other.OverageTaxRate;
        RolloverCap = other.RolloverCap;
    }

    private readonly FrozenSet<ServiceId> _services;
    private readonly FrozenSet<ConfigurationItemId> _items;

    /// <summary>Gets the contract's identifier.</summary>
    public ContractId Id { get; }

    /// <summary>Gets the tenant that owns the contract.</summary>
    public TenantId Tenant { get; }

    /// <summary>Gets the client.</summary>
    public CustomerId Client { get; }

    /// <summary>Gets the client's legal name.</summary>
    public string ClientLegalName { get; }

    /// <summary>Gets the first day of validity.</summary>
    public LocalDate Start { get; }

    /// <summary>Gets the last day of the current term (inclusive), or <see langword="null"/> when open-ended.</summary>
    public LocalDate? End { get; }

    /// <summary>Gets the time zone of the contract's dates and billing months.</summary>
    public DateTimeZone Zone { get; }

    /// <summary>Gets the currency of every amount.</summary>
    public Currency Currency { get; }

    /// <summary>Gets the recorded status.</summary>
    public ContractStatus Status { get; }

    /// <summary>Gets the renewal policy.</summary>
    public RenewalPolicy Renewal { get; }

    /// <summary>Gets how many days before the end of a term an expiry warning is given.</summary>
    public int ExpiryWarningDays { get; }

    /// <summary>Gets the payment stages.</summary>
    public IReadOnlyList<PaymentStage> PaymentStages { get; }

    /// <summary>Gets the reference of the SLA policy that applies, or <see langword="null"/>.</summary>
    public string? SlaPolicyId { get; }

    /// <summary>Gets the client tier.</summary>
    public ClientTier Tier { get; }

    /// <summary>Gets the covered services; empty covers every service.</summary>
    public IReadOnlyList<ServiceId> CoveredServices { get; }

    /// <summary>Gets the covered configuration items; empty covers every one.</summary>
    public IReadOnlyList<ConfigurationItemId> CoveredConfigurationItems { get; }

    /// <summary>Gets how each time entry is rounded.</summary>
    public TimeRoundingRule TimeRounding { get; }

    /// <summary>Gets the default tax rate of invoice lines (a fraction).</summary>
    public decimal TaxRate { get; }

    /// <summary>Gets a value indicating whether only approved time entries are billed.</summary>
    public bool RequireApproval { get; }

    /// <summary>Gets the price list, or <see langword="null"/>.</summary>
    public PriceList? PriceList { get; }

    /// <summary>Gets the subscription plan, or <see langword="null"/>.</summary>
    public SubscriptionPlan? Subscription { get; }

    /// <summary>Gets the time-and-materials plan, or <see langword="null"/>.</summary>
    public TimeAndMaterialsPlan? TimeAndMaterials { get; }

    /// <summary>Gets the prepaid bundles, in definition order.</summary>
    public IReadOnlyList<PrepaidBundle> PrepaidBundles { get; }

    /// <summary>Gets the one-off works plan, or <see langword="null"/>.</summary>
    public OneOffWorksPlan? OneOffWorks { get; }

    internal FrozenSet<string>? SubscriptionActivities { get; }

    internal FrozenSet<string>? TimeAndMaterialsActivities { get; }

    internal FrozenSet<string>?[] BundleActivities { get; }

    internal int[] BundleDrawOrder { get; }

    internal Money OverageRate { get; }

    internal decimal OverageTaxRate { get; }

    internal Duration RolloverCap { get; }

    /// <summary>Gets the months of a billing period: 1 without a subscription.</summary>
    internal int PeriodMonths => Subscription?.PeriodMonths ?? 1;

    /// <summary>Gets the first and last month of the billing period that contains a month (on or after the start month).</summary>
    internal (YearMonth First, YearMonth Last) GetBillingPeriod(YearMonth month)
    {
        var anchor = Start.ToYearMonth();
        var n = PeriodMonths;
        var offset = ((month.Year - anchor.Year) * 12) + month.Month - anchor.Month;
        var k = offset >= 0 ? offset / n : ((offset + 1) / n) - 1;
        var first = anchor.PlusMonths(k * n);
        return (first, first.PlusMonths(n - 1));
    }

    /// <summary>Gets how many days of a range of months the contract is in force, and how many days the range has.</summary>
    internal (int InForce, int Days) GetDaysInForce(YearMonth first, YearMonth last)
    {
        var from = first.OnDayOfMonth(1);
        var to = last.OnDayOfMonth(1).PlusMonths(1).PlusDays(-1);
        var days = Period.DaysBetween(from, to) + 1;
        if (Status is not (ContractStatus.Active or ContractStatus.Expired))
        {
            return (0, days);
        }

        var a = from < Start ? Start : from;
        var b = to;
        if (End is { } end && !(Renewal.AutoRenew && Status == ContractStatus.Active) && end < b)
        {
            b = end;
        }

        return (a > b ? 0 : Period.DaysBetween(a, b) + 1, days);
    }

    /// <summary>Gets the billing month that contains an instant, in the contract's zone.</summary>
    /// <param name="instant">The instant.</param>
    /// <returns>The month.</returns>
    public YearMonth GetMonth(Instant instant) => instant.InZone(Zone).Date.ToYearMonth();

    /// <summary>Gets the date of an instant in the contract's zone.</summary>
    /// <param name="instant">The instant.</param>
    /// <returns>The date.</returns>
    public LocalDate GetDate(Instant instant) => instant.InZone(Zone).Date;

    /// <summary>Gets a billing month as an interval of instants: from the start of its first day to the start of the next month.</summary>
    /// <param name="month">The month.</param>
    /// <returns>The half-open interval in UTC.</returns>
    public Interval GetMonthInterval(YearMonth month)
        => new(Zone.AtStartOfDay(month.OnDayOfMonth(1)).ToInstant(), Zone.AtStartOfDay(month.PlusMonths(1).OnDayOfMonth(1)).ToInstant());

    /// <summary>Gets the last day of the term that contains a date, following automatic renewals.</summary>
    /// <param name="date">The date.</param>
    /// <returns>
    /// <see langword="null"/> for an open-ended contract; <see cref="End"/> without auto-renewal; with auto-renewal, the
    /// first end (<see cref="End"/> plus whole renewal terms) on or after <paramref name="date"/>.
    /// </returns>
    public LocalDate? GetTermEnd(LocalDate date)
    {
        if (End is not { } end || !Renewal.AutoRenew)
        {
            return End;
        }

        var terms = 0;
        var termEnd = end;
        while (termEnd < date)
        {
            terms++;
            termEnd = end.PlusMonths(checked(terms * Renewal.TermMonths));
        }

        return termEnd;
    }

    /// <summary>Gets the status on a date.</summary>
    /// <param name="today">The date in the contract's zone.</param>
    /// <returns>
    /// <see cref="ContractStatus.Draft"/>, <see cref="ContractStatus.Suspended"/> and <see cref="ContractStatus.Expired"/>
    /// as recorded; an active contract is reported <see cref="ContractStatus.Expired"/> after its end date unless it
    /// renews automatically.
    /// </returns>
    public ContractStatus GetStatus(LocalDate today)
        => Status == ContractStatus.Active && End is { } end && today > end && !Renewal.AutoRenew ? ContractStatus.Expired : Status;

    /// <summary>Gets a value indicating whether the contract is billable on a date.</summary>
    /// <param name="date">The date in the contract's zone.</param>
    /// <returns>
    /// <see langword="true"/> when the recorded status is <see cref="ContractStatus.Active"/> or
    /// <see cref="ContractStatus.Expired"/> (an expired contract still bills the days of its validity) and the date is
    /// within the validity: on or after <see cref="Start"/> and, unless the contract renews automatically, on or before
    /// <see cref="End"/>. Draft and suspended contracts bill nothing.
    /// </returns>
    public bool IsInForce(LocalDate date)
        => Status is ContractStatus.Active or ContractStatus.Expired
            && date >= Start
            && (End is not { } end || (Renewal.AutoRenew && Status == ContractStatus.Active) || date <= end);

    /// <summary>Gets a value indicating whether the contract is in force (see <see cref="IsInForce(LocalDate)"/>) on at least one day of a month.</summary>
    /// <param name="month">The month.</param>
    /// <returns><see langword="true"/> when in force on some day of the month.</returns>
    public bool IsInForce(YearMonth month)
    {
        var first = month.OnDayOfMonth(1);
        var last = first.PlusMonths(1).PlusDays(-1);
        var from = first < Start ? Start : first;
        return from <= last && IsInForce(from);
    }

    /// <summary>Gets the expiry warning for a date, if the current term ends within <see cref="ExpiryWarningDays"/> days.</summary>
    /// <param name="today">The date in the contract's zone.</param>
    /// <returns>The warning, or <see langword="null"/> when the contract is open-ended, not active, or not ending soon.</returns>
    public ContractExpiryWarning? GetExpiryWarning(LocalDate today)
    {
        if (GetStatus(today) != ContractStatus.Active || GetTermEnd(today) is not { } end || today > end)
        {
            return null;
        }

        var daysLeft = Period.DaysBetween(today, end);
        if (daysLeft > ExpiryWarningDays)
        {
            return null;
        }

        return new ContractExpiryWarning(Id, end, daysLeft, Renewal.AutoRenew, Renewal.AutoRenew ? end.PlusDays(-Renewal.NoticeDays) : null);
    }

    /// <summary>Gets the payment stages that are overdue on a date.</summary>
    /// <param name="today">The date in the contract's zone.</param>
    /// <returns>The unpaid stages whose due date has passed, in definition order.</returns>
    public IReadOnlyList<PaymentStage> GetOverduePayments(LocalDate today)
        => [.. PaymentStages.Where(p => p.GetState(today) == PaymentStageState.Overdue)];

    /// <summary>Gets a value indicating whether a service is covered.</summary>
    /// <param name="service">The service.</param>
    /// <returns><see langword="true"/> when <see cref="CoveredServices"/> is empty or contains it.</returns>
    public bool Covers(ServiceId service) => _services.Count == 0 || _services.Contains(service);

    /// <summary>Gets a value indicating whether a configuration item (service object) is covered.</summary>
    /// <param name="item">The configuration item.</param>
    /// <returns><see langword="true"/> when <see cref="CoveredConfigurationItems"/> is empty or contains it.</returns>
    public bool Covers(ConfigurationItemId item) => _items.Count == 0 || _items.Contains(item);

    /// <summary>Returns the contract renewed for one more term of <see cref="RenewalPolicy.TermMonths"/>, and active.</summary>
    /// <returns>The renewed contract.</returns>
    /// <exception cref="InvalidOperationException">The contract is open-ended.</exception>
    public Contract Renew()
        => End is { } end
            ? new Contract(this, end.PlusMonths(Renewal.TermMonths), ContractStatus.Active)
            : throw new InvalidOperationException($"Contract {TextPolicy.Echo(Id)} is open-ended and cannot be renewed.");

    /// <summary>Returns the contract with another recorded status.</summary>
    /// <param name="status">The status.</param>
    /// <returns>The contract.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="status"/> is not defined.</exception>
    public Contract WithStatus(ContractStatus status)
        => Enum.IsDefined(status)
            ? new Contract(this, End, status)
            : throw new ArgumentOutOfRangeException(nameof(status), status, "Valid values are Draft, Active, Suspended and Expired.");

    /// <inheritdoc/>
    public override string ToString() => $"Contract {Id} ({ClientLegalName}, {Currency})";

    private static FrozenSet<string>? Set(IReadOnlyList<string>? activities)
        => activities is null || activities.Count == 0 ? null : activities.ToFrozenSet(StringComparer.Ordinal);
}
