using NodaTime;

namespace ServiceDesk.Billing;

/// <summary>
/// The mutable description of a client contract, validated by <see cref="Build"/> into an immutable
/// <see cref="Contract"/>. Defaults are documented on each member and in <c>docs/billing.md</c>.
/// </summary>
/// <remarks>
/// <para><b>Plans.</b> A contract combines at most one <see cref="Subscription"/>, at most one
/// <see cref="TimeAndMaterials"/> plan, any number of <see cref="PrepaidBundles"/> and at most one
/// <see cref="OneOffWorks"/> plan; it needs at least one of them.</para>
/// <para>Not thread-safe; the built <see cref="Contract"/> is.</para>
/// </remarks>
public sealed class ContractOptions
{
    /// <summary>The maximum length of free-text fields (client name, SLA policy reference, plan names, activities).</summary>
    public const int MaxTextLength = 200;

    /// <summary>The largest number of prepaid bundles per contract (add a new contract term, or drop used-up bundles, beyond it).</summary>
    public const int MaxPrepaidBundles = 64;

    /// <summary>The largest amount a fee, rate or price in a contract may have: 1,000,000,000,000 units of the currency, so
    /// that a rate times the most time a period can hold, summed over an invoice, stays far inside <see cref="decimal"/>'s
    /// range and every invoice the contract makes can be computed.</summary>
    public const decimal MaxAmount = 1_000_000_000_000m;

    /// <summary>The most time a subscription may include per period: 1,000,000 hours.</summary>
    public static readonly Duration MaxIncludedTime = Duration.FromHours(1_000_000);

    /// <summary>Gets or sets the contract's identifier (required).</summary>
    public ContractId Id { get; set; }

    /// <summary>Gets or sets the tenant that owns the contract (required).</summary>
    public TenantId Tenant { get; set; }

    /// <summary>Gets or sets the client (required).</summary>
    public CustomerId Client { get; set; }

    /// <summary>Gets or sets the client's legal name printed on invoices (required).</summary>
    public string? ClientLegalName { get; set; }

    /// <summary>Gets or sets the first day of validity (required), in <see cref="Zone"/>.</summary>
    public LocalDate? Start { get; set; }

    /// <summary>Gets or sets the last day of the current term (inclusive), or <see langword="null"/> for an open-ended contract. Default: <see langword="null"/>.</summary>
    public LocalDate? End { get; set; }

    /// <summary>Gets or sets the time zone of the contract's dates and billing months (required).</summary>
    public DateTimeZone? Zone { get; set; }

    /// <summary>Gets or sets the currency of every amount of the contract (required).</summary>
    public Currency Currency { get; set; }

    /// <summary>Gets or sets the recorded status. Default: <see cref="ContractStatus.Draft"/>.</summary>
    public ContractStatus Status { get; set; } = ContractStatus.Draft;

    /// <summary>Gets or sets the renewal policy. Default: <see cref="RenewalPolicy.Manual"/>.</summary>
    public RenewalPolicy Renewal { get; set; } = RenewalPolicy.Manual;

    /// <summary>Gets or sets how many days before the end of a term an expiry warning is given: 0 to 3660. Default: 30.</summary>
    public int ExpiryWarningDays { get; set; } = 30;

    /// <summary>Gets the payment stages (unique names, positive rounded amounts in the contract's currency).</summary>
    public IList<PaymentStage> PaymentStages { get; } = [];

    /// <summary>Gets or sets the reference of the SLA policy that applies, or <see langword="null"/>. Default: <see langword="null"/>.</summary>
    public string? SlaPolicyId { get; set; }

    /// <summary>Gets or sets the client tier. Default: <see cref="ClientTier.Standard"/>.</summary>
    public ClientTier Tier { get; set; } = ClientTier.Standard;

    /// <summary>Gets the services the contract covers; empty (the default) covers every service.</summary>
    public IList<ServiceId> CoveredServices { get; } = [];

    /// <summary>Gets the configuration items (service objects) the contract covers; empty (the default) covers every one.</summary>
    public IList<ConfigurationItemId> CoveredConfigurationItems { get; } = [];

    /// <summary>Gets or sets how each time entry is rounded. Default: <see cref="TimeRoundingRule.None"/>.</summary>
    public TimeRoundingRule TimeRounding { get; set; }

    /// <summary>Gets or sets the tax rate of invoice lines as a fraction (0.2 for 20 %): 0 to 1. Default: 0.</summary>
    public decimal TaxRate { get; set; }

    /// <summary>Gets or sets a value indicating whether only approved time entries are billed. Default: <see langword="true"/>.</summary>
    public bool RequireApproval { get; set; } = true;

    /// <summary>Gets or sets the price list for overage items and one-off works, or <see langword="null"/>. Default: <see langword="null"/>.</summary>
    public PriceList? PriceList { get; set; }

    /// <summary>Gets or sets the subscription plan, or <see langword="null"/>. Default: <see langword="null"/>.</summary>
    public SubscriptionPlan? Subscription { get; set; }

    /// <summary>Gets or sets the time-and-materials plan, or <see langword="null"/>. Default: <see langword="null"/>.</summary>
    public TimeAndMaterialsPlan? TimeAndMaterials { get; set; }

    /// <summary>Gets the prepaid hour bundles (unique names, at most <see cref="MaxPrepaidBundles"/>). Default: none.</summary>
    public IList<PrepaidBundle> PrepaidBundles { get; } = [];

    /// <summary>Gets or sets the one-off works plan, or <see langword="null"/>. Default: <see langword="null"/>.</summary>
    public OneOffWorksPlan? OneOffWorks { get; set; }

    /// <summary>Validates every setting and builds the immutable contract.</summary>
    /// <returns>The contract.</returns>
    /// <exception cref="InvalidDefinitionException">The options are invalid; the exception lists every fault.</exception>
    public Contract Build()
    {
        var errors = new List<string>();
        Validate(errors);
        if (errors.Count > 0)
        {
            throw new InvalidDefinitionException($"contract '{(Id.IsDefault ? "(no id)" : Id.Value)}'", errors);
        }

        return new Contract(this);
    }

    private void Validate(List<string> errors)
    {
        if (Id.IsDefault)
        {
            errors.Add("Id: a contract needs an id.");
        }

        if (Tenant.IsDefault)
        {
            errors.Add("Tenant: a contract needs a tenant.");
        }

        if (Client.IsDefault)
        {
            errors.Add("Client: a contract needs a client.");
        }

        Text(errors, "ClientLegalName", ClientLegalName, required: true);
        if (Start is null)
        {
            errors.Add("Start: a contract needs a start date.");
        }
        else if (End is { } end && end < Start.Value)
        {
            errors.Add($"End: {end:uuuu-MM-dd} is before Start {Start.Value:uuuu-MM-dd}.");
        }

        if (Zone is null)
        {
            errors.Add("Zone: a contract needs a time zone.");
        }

        if (Currency.IsDefault)
        {
            errors.Add("Currency: a contract needs a currency.");
        }

        if (!Enum.IsDefined(Status))
        {
            errors.Add($"Status: {Status} is not a defined ContractStatus.");
        }

        if (!Enum.IsDefined(Tier))
        {
            errors.Add($"Tier: {Tier} is not a defined ClientTier.");
        }

        if (ExpiryWarningDays is < 0 or > 3660)
        {
            errors.Add($"ExpiryWarningDays: must be 0 to 3660; got {ExpiryWarningDays}.");
        }

        ValidateRenewal(errors);
        Text(errors, "SlaPolicyId", SlaPolicyId, required: false);
        Rate(errors, "TaxRate", TaxRate);
        ValidatePaymentStages(errors);
        ValidatePriceList(errors);
        if (Subscription is null && TimeAndMaterials is null && PrepaidBundles.Count == 0 && OneOffWorks is null)
        {
            errors.Add("Plans: a contract needs at least one plan (Subscription, TimeAndMaterials, PrepaidBundles or OneOffWorks).");
        }

        if (Subscription is { } subscription)
        {
            ValidateSubscription(errors, subscription);
        }

        if (TimeAndMaterials is { } tm)
        {
            ValidateTimeAndMaterials(errors, tm);
        }

        ValidateBundles(errors);
        if (OneOffWorks is { } works)
        {
            if (PriceList is null)
            {
                errors.Add("OneOffWorks: one-off works are priced from a price list; set PriceList.");
            }

            if (works.AllowedItems is null)
            {
                errors.Add("OneOffWorks.AllowedItems: must not be null; use an empty list for every item.");
            }

            for (var i = 0; i < (works.AllowedItems?.Count ?? 0); i++)
            {
                var code = works.AllowedItems![i];
                if (PriceList is not null && (code is null || !PriceList.TryGetItem(code, out _)))
                {
                    errors.Add($"OneOffWorks.AllowedItems[{i}]: {TextPolicy.Echo(code)} is not an item of price list {TextPolicy.Echo(PriceList.Name)}.");
                }
            }
        }

        Duplicates(errors, "CoveredServices", CoveredServices.Select(s => s.Value));
        Duplicates(errors, "CoveredConfigurationItems", CoveredConfigurationItems.Select(s => s.Value));
        if (CoveredServices.Any(s => s.IsDefault) || CoveredConfigurationItems.Any(c => c.IsDefault))
        {
            errors.Add("CoveredServices/CoveredConfigurationItems: default ids identify nothing.");
        }
    }

    private void ValidateRenewal(List<string> errors)
    {
        if (Renewal is null)
        {
            errors.Add("Renewal: must not be null; use RenewalPolicy.Manual.");
            return;
        }

        if (Renewal.TermMonths is < 1 or > 120)
        {
            errors.Add($"Renewal.TermMonths: must be 1 to 120; got {Renewal.TermMonths}.");
        }

        if (Renewal.NoticeDays is < 0 or > 3660)
        {
            errors.Add($"Renewal.NoticeDays: must be 0 to 3660; got {Renewal.NoticeDays}.");
        }

        if (Renewal.AutoRenew && End is null)
        {
            errors.Add("Renewal.AutoRenew: an open-ended contract (no End) cannot renew; set End or turn AutoRenew off.");
        }
    }

    private void ValidatePaymentStages(List<string> errors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < PaymentStages.Count; i++)
        {
            var stage = PaymentStages[i];
            var at = $"PaymentStages[{i}]";
            if (stage is null)
            {
                errors.Add($"{at}: must not be null.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(stage.Name))
            {
                errors.Add($"{at}.Name: must not be blank.");
            }
            else if (!names.Add(stage.Name))
            {
                errors.Add($"{at}.Name: {TextPolicy.Echo(stage.Name)} is used more than once.");
            }

            Amount(errors, $"{at}.Amount", stage.Amount, positive: true, rounded: true);
        }
    }

    private void ValidatePriceList(List<string> errors)
    {
        if (PriceList is { } list && !Currency.IsDefault && list.Currency != Currency)
        {
            errors.Add($"PriceList: {TextPolicy.Echo(list.Name)} is in {list.Currency}; the contract is in {Currency}.");
        }
    }

    private void ValidateSubscription(List<string> errors, SubscriptionPlan plan)
    {
        Text(errors, "Subscription.Name", plan.Name, required: true);
        Amount(errors, "Subscription.Fee", plan.Fee, positive: false, rounded: true);
        if (plan.IncludedTime > MaxIncludedTime)
        {
            errors.Add($"Subscription.IncludedTime: must be at most {MaxIncludedTime.TotalHours:N0} hours; got {plan.IncludedTime.TotalHours:N0} hours.");
        }

        if (plan.IncludedTime < Duration.Zero)
        {
            errors.Add($"Subscription.IncludedTime: must not be negative; got {plan.IncludedTime}.");
        }

        if (plan.RolloverCap is { } cap && cap < Duration.Zero)
        {
            errors.Add($"Subscription.RolloverCap: must not be negative; got {cap}.");
        }

        if (plan.RolloverCap is not null && !plan.RolloverUnused)
        {
            errors.Add("Subscription.RolloverCap: set only together with RolloverUnused.");
        }

        if ((plan.OverageHourlyRate is null) == (plan.OverageItemCode is null))
        {
            errors.Add("Subscription: set exactly one of OverageHourlyRate and OverageItemCode.");
        }

        if (plan.OverageHourlyRate is { } rate)
        {
            Amount(errors, "Subscription.OverageHourlyRate", rate, positive: false, rounded: false);
        }

        if (plan.OverageItemCode is { } code)
        {
            if (PriceList is null)
            {
                errors.Add($"Subscription.OverageItemCode: {TextPolicy.Echo(code)} needs a PriceList.");
            }
            else if (!PriceList.TryGetItem(code, out var item))
            {
                errors.Add($"Subscription.OverageItemCode: {TextPolicy.Echo(code)} is not an item of price list {TextPolicy.Echo(PriceList.Name)}.");
            }
            else if (!string.Equals(item.Unit, CatalogueItem.HourUnit, StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"Subscription.OverageItemCode: item {TextPolicy.Echo(code)} is priced per {TextPolicy.Echo(item.Unit)}; overage needs an item priced per {TextPolicy.Echo(CatalogueItem.HourUnit)}.");
            }
        }

        Activities(errors, "Subscription.Activities", plan.Activities);
        if (plan.PeriodMonths is < 1 or > 120)
        {
            errors.Add($"Subscription.PeriodMonths: must be 1 to 120; got {plan.PeriodMonths}.");
        }

        if (plan.IncludedUnits is null)
        {
            errors.Add("Subscription.IncludedUnits: must not be null; use an empty list for none.");
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < plan.IncludedUnits.Count; i++)
        {
            var quota = plan.IncludedUnits[i];
            var at = $"Subscription.IncludedUnits[{i}]";
            if (quota is null || quota.ItemCode is null)
            {
                errors.Add($"{at}: must name an item.");
                continue;
            }

            if (!seen.Add(quota.ItemCode))
            {
                errors.Add($"{at}: {TextPolicy.Echo(quota.ItemCode)} appears more than once.");
            }

            if (quota.Quantity <= 0m || quota.Quantity != decimal.Truncate(quota.Quantity))
            {
                errors.Add($"{at}: the quantity must be a positive whole number; got {quota.Quantity}.");
            }

            if (PriceList is null || !PriceList.TryGetItem(quota.ItemCode, out _))
            {
                errors.Add($"{at}: {TextPolicy.Echo(quota.ItemCode)} is not an item of the contract's price list.");
            }
            else if (OneOffWorks is not { } works || (works.AllowedItems is { Count: > 0 } allowed && !allowed.Contains(quota.ItemCode, StringComparer.Ordinal)))
            {
                errors.Add($"{at}: {TextPolicy.Echo(quota.ItemCode)} is drawn down by one-off works; set a OneOffWorks plan that allows it.");
            }
        }
    }

    private void ValidateTimeAndMaterials(List<string> errors, TimeAndMaterialsPlan plan)
    {
        Text(errors, "TimeAndMaterials.Name", plan.Name, required: true);
        if (plan.DefaultHourlyRate is null && (plan.Rates is null || plan.Rates.Count == 0))
        {
            errors.Add("TimeAndMaterials: set DefaultHourlyRate or at least one of Rates.");
        }

        if (plan.DefaultHourlyRate is { } rate)
        {
            Amount(errors, "TimeAndMaterials.DefaultHourlyRate", rate, positive: false, rounded: false);
        }

        var keys = new HashSet<(string?, string?, Priority?)>();
        var rates = plan.Rates ?? [];
        for (var i = 0; i < rates.Count; i++)
        {
            var r = rates[i];
            var at = $"TimeAndMaterials.Rates[{i}]";
            if (r is null)
            {
                errors.Add($"{at}: must not be null.");
                continue;
            }

            Amount(errors, $"{at}.Rate", r.Rate, positive: false, rounded: false);
            if (r.Priority is { } p && !Enum.IsDefined(p))
            {
                errors.Add($"{at}.Priority: {p} is not a defined Priority.");
            }

            if (!keys.Add((r.Activity, r.Role, r.Priority)))
            {
                errors.Add($"{at}: another rate has the same activity {TextPolicy.Echo(r.Activity)}, role {TextPolicy.Echo(r.Role)} and priority {TextPolicy.Echo(r.Priority)}.");
            }
        }

        if (plan.AfterHoursMultiplier is < 1m or > 10m)
        {
            errors.Add($"TimeAndMaterials.AfterHoursMultiplier: must be 1 to 10; got {plan.AfterHoursMultiplier}.");
        }

        if (plan.AfterHoursMultiplier != 1m && plan.BusinessHours is null)
        {
            errors.Add("TimeAndMaterials.BusinessHours: an after-hours multiplier needs the business calendar that decides what is after hours.");
        }

        Activities(errors, "TimeAndMaterials.Activities", plan.Activities);
    }

    private void ValidateBundles(List<string> errors)
    {
        if (PrepaidBundles.Count > MaxPrepaidBundles)
        {
            errors.Add($"PrepaidBundles: at most {MaxPrepaidBundles} bundles per contract; got {PrepaidBundles.Count}.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < PrepaidBundles.Count; i++)
        {
            var bundle = PrepaidBundles[i];
            var at = $"PrepaidBundles[{i}]";
            if (bundle is null)
            {
                errors.Add($"{at}: must not be null.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(bundle.Name))
            {
                errors.Add($"{at}.Name: must not be blank.");
            }
            else if (!names.Add(bundle.Name))
            {
                errors.Add($"{at}.Name: {TextPolicy.Echo(bundle.Name)} is used more than once.");
            }

            if (bundle.Time <= Duration.Zero)
            {
                errors.Add($"{at}.Time: must be positive; got {bundle.Time}.");
            }

            if (bundle.Price is { } price)
            {
                Amount(errors, $"{at}.Price", price, positive: false, rounded: true);
            }

            if (bundle.ExpiresOn is { } expires && expires < bundle.PurchasedOn)
            {
                errors.Add($"{at}.ExpiresOn: {expires:uuuu-MM-dd} is before PurchasedOn {bundle.PurchasedOn:uuuu-MM-dd}.");
            }

            Activities(errors, $"{at}.Activities", bundle.Activities);
        }
    }

    private void Amount(List<string> errors, string at, Money amount, bool positive, bool rounded)
    {
        if (amount.Currency.IsDefault || (!Currency.IsDefault && amount.Currency != Currency))
        {
            errors.Add($"{at}: must be in the contract's currency {Currency}; got {amount.Currency}.");
            return;
        }

        if (positive ? amount.Amount <= 0m : amount.Amount < 0m)
        {
            errors.Add($"{at}: must be {(positive ? "positive" : "zero or more")}; got {amount}.");
        }

        if (amount.Amount > MaxAmount)
        {
            errors.Add($"{at}: must be at most {MaxAmount:N0} (so that every invoice it makes can be computed); got {amount}.");
        }

        if (rounded && !amount.IsRounded)
        {
            errors.Add($"{at}: must be rounded to the minor unit of {amount.Currency} ({amount.Currency.MinorUnits} digits); got {amount}.");
        }
    }

    private static void Rate(List<string> errors, string at, decimal rate)
    {
        if (rate is < 0m or > 1m)
        {
            errors.Add($"{at}: must be a fraction from 0 to 1 (0.2 for 20 %); got {rate}.");
        }
    }

    private static void Text(List<string> errors, string at, string? value, bool required)
    {
        if (value is null)
        {
            if (required)
            {
                errors.Add($"{at}: is required.");
            }
        }
        else if (string.IsNullOrWhiteSpace(value) || value.Length > MaxTextLength)
        {
            errors.Add($"{at}: must be 1 to {MaxTextLength} characters and not blank; got {TextPolicy.Echo(value)}.");
        }
    }

    private static void Activities(List<string> errors, string at, IReadOnlyList<string>? activities)
    {
        if (activities is null)
        {
            errors.Add($"{at}: must not be null; use an empty list for every activity.");
            return;
        }

        for (var i = 0; i < activities.Count; i++)
        {
            Text(errors, $"{at}[{i}]", activities[i], required: true);
        }

        Duplicates(errors, at, activities);
    }

    private static void Duplicates(List<string> errors, string at, IEnumerable<string?> values)
    {
        foreach (var dup in values.Where(v => v is not null).GroupBy(v => v, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add($"{at}: {TextPolicy.Echo(dup.Key)} is listed more than once.");
        }
    }
}
