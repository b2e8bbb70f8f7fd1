using System.Globalization;
using Microsoft.Extensions.Configuration;
using NodaTime;
using NodaTime.Text;
using ServiceDesk.Billing;

namespace ServiceDesk.Extensions.DependencyInjection.Internal;

/// <summary>Reads billing contracts from configuration into <see cref="ContractOptions"/> and builds them.</summary>
internal static class ContractSettings
{
    public static IReadOnlyList<Contract> Read(IConfigurationSection section)
    {
        var contracts = new List<Contract>();
        var faults = new List<string>();
        foreach (var child in section.GetChildren())
        {
            var where = $"{child.Path}";
            var local = new List<string>();
            var options = new ContractOptions
            {
                Id = Id(child, "Id", local, v => new ContractId(v)),
                Tenant = Id(child, "Tenant", local, v => new TenantId(v)),
                Client = Id(child, "Client", local, v => new CustomerId(v)),
                ClientLegalName = child["ClientLegalName"],
                Start = Date(child, "Start", local),
                End = Date(child, "End", local),
                SlaPolicyId = child["SlaPolicyId"],
                TaxRate = Decimal(child, "TaxRate", local) ?? 0m,
                RequireApproval = Bool(child, "RequireApproval", local) ?? true,
            };
            if (child["Zone"] is { } zone)
            {
                options.Zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(zone) ?? Fault<DateTimeZone>(local, $"Zone: {TextPolicy.Echo(zone)} is not an IANA time zone");
            }

            var currencyKnown = Currency.TryFromCode(child["Currency"], out var currency);
            if (currencyKnown)
            {
                options.Currency = currency;
            }
            else
            {
                local.Add(child["Currency"] is null
                    ? "Currency: a value is required (an ISO 4217 code such as EUR)"
                    : $"Currency: {TextPolicy.Echo(child["Currency"])} is not a known ISO 4217 code (three letters such as EUR, USD or RUB)");
            }

            if (child["Status"] is { } status)
            {
                options.Status = Enum.TryParse<ContractStatus>(status, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                    ? parsed
                    : Fault<ContractStatus>(local, $"Status: {TextPolicy.Echo(status)} is not Draft, Active, Suspended or Expired");
            }

            var subscription = child.GetSection("Subscription");
            if (subscription.Exists())
            {
                var fee = Decimal(subscription, "MonthlyFee", local) ?? 0m;
                var hours = Decimal(subscription, "IncludedHours", local) ?? 0m;
                var overage = Decimal(subscription, "OverageHourlyRate", local);
                if (hours is < 0m or > MaxIncludedHours)
                {
                    local.Add($"Subscription:IncludedHours: {hours.ToString(CultureInfo.InvariantCulture)} is outside 0 to {MaxIncludedHours:N0} hours");
                }
                else if (currencyKnown)
                {
                    Money(subscription, "MonthlyFee", local, () => options.Subscription = new SubscriptionPlan(
                        new Money(fee, currency), Duration.FromTicks((long)decimal.Round(hours * NodaConstants.TicksPerHour)))
                    {
                        OverageHourlyRate = overage is { } rate ? new Money(rate, currency) : null,
                    });
                }
            }

            if (Decimal(child, "HourlyRate", local) is { } hourly && currencyKnown)
            {
                Money(child, "HourlyRate", local, () => options.TimeAndMaterials = new TimeAndMaterialsPlan { DefaultHourlyRate = new Money(hourly, currency) });
            }

            if (local.Count > 0)
            {
                faults.AddRange(local.Select(f => $"{where}: {f}"));
                continue;
            }

            try
            {
                contracts.Add(options.Build());
            }
            catch (InvalidDefinitionException ex)
            {
                faults.AddRange(ex.Errors.Select(e => $"{where}: {e}"));
            }
            catch (Exception ex) when (ex is ArgumentException or OverflowException)
            {
                faults.Add($"{where}: {ex.Message}");
            }
        }

        return faults.Count > 0 ? throw new InvalidDefinitionException("billing configuration", faults) : contracts;
    }

    private static T Id<T>(IConfiguration section, string key, List<string> faults, Func<string, T> create)
        where T : struct
    {
        var value = section[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            faults.Add($"{key}: a value is required");
            return default;
        }

        try
        {
            return create(value);
        }
        catch (ArgumentException ex)
        {
            faults.Add($"{key}: {ex.Message}");
            return default;
        }
    }

    /// <summary>Builds money from configured amounts; an amount out of the money's range is a fault of that key.</summary>
    private static void Money(IConfigurationSection section, string key, List<string> faults, Action build)
    {
        try
        {
            build();
        }
        catch (Exception ex) when (ex is ArgumentException or OverflowException)
        {
            faults.Add($"{section.Path}:{key}: {ex.Message}");
        }
    }

    private static bool? Bool(IConfiguration section, string key, List<string> faults)
        => section[key] is not { } text ? null
            : bool.TryParse(text.Trim(), out var value) ? value
            : Fault<bool?>(faults, $"{key}: {TextPolicy.Echo(text)} is not true or false");

    private static LocalDate? Date(IConfiguration section, string key, List<string> faults)
    {
        if (section[key] is not { Length: > 0 } text)
        {
            return null;
        }

        var result = LocalDatePattern.Iso.Parse(text);
        return result.Success ? result.Value : Fault<LocalDate?>(faults, $"{key}: {TextPolicy.Echo(text)} is not an ISO date (yyyy-MM-dd)");
    }

    /// <summary>
    /// Reads a number written the invariant way (<c>1234.56</c>): an optional sign, digits and at most one decimal point.
    /// Thousands separators, decimal commas (<c>1,5</c>, as written in Russian or German), exponents and currency symbols
    /// are refused with the path and value rather than read with the current culture's habits, where a decimal comma reads
    /// as a thousands separator and makes the amount ten or a hundred times too large.
    /// </summary>
    internal static decimal? Decimal(IConfiguration section, string key, List<string> faults)
    {
        if (section[key] is not { } raw)
        {
            return null;
        }

        var text = raw.Trim();
        if (text.Length == 0)
        {
            return Fault<decimal?>(faults, $"{key}: a number is required, or leave the key out");
        }

        if (text.Contains(',', StringComparison.Ordinal))
        {
            return Fault<decimal?>(faults,
                $"{key}: {TextPolicy.Echo(raw)} has a comma; write numbers with a decimal point and no thousands separators (e.g. 1234.5), whatever the culture");
        }

        return decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            ? value
            : Fault<decimal?>(faults, $"{key}: {TextPolicy.Echo(raw)} is not a number (digits with an optional sign and decimal point, within ±79,228,162,514,264,337,593,543,950,335)");
    }

    /// <summary>The most hours a subscription can include per month: 1,000,000.</summary>
    internal const decimal MaxIncludedHours = 1_000_000m;

    private static T Fault<T>(List<string> faults, string fault)
    {
        faults.Add(fault);
        return default!;
    }
}
