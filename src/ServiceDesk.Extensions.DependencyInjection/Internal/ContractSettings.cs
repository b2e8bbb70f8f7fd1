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
                RequireApproval = !bool.TryParse(child["RequireApproval"], out var approval) || approval,
            };
            if (child["Zone"] is { } zone)
            {
                options.Zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(zone) ?? Fault<DateTimeZone>(local, $"Zone: '{zone}' is not an IANA time zone");
            }

            if (Currency.TryFromCode(child["Currency"], out var currency))
            {
                options.Currency = currency;
            }
            else
            {
                local.Add($"Currency: '{child["Currency"]}' is not a known ISO 4217 code");
            }

            if (child["Status"] is { } status)
            {
                options.Status = Enum.TryParse<ContractStatus>(status, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                    ? parsed
                    : Fault<ContractStatus>(local, $"Status: '{status}' is not Draft, Active, Suspended or Expired");
            }

            var subscription = child.GetSection("Subscription");
            if (subscription.Exists())
            {
                var fee = Decimal(subscription, "MonthlyFee", local) ?? 0m;
                var hours = Decimal(subscription, "IncludedHours", local) ?? 0m;
                var overage = Decimal(subscription, "OverageHourlyRate", local);
                options.Subscription = new SubscriptionPlan(new Money(fee, currency), Duration.FromMinutes((double)(hours * 60m)))
                {
                    OverageHourlyRate = overage is { } rate ? new Money(rate, currency) : null,
                };
            }

            if (Decimal(child, "HourlyRate", local) is { } hourly)
            {
                options.TimeAndMaterials = new TimeAndMaterialsPlan { DefaultHourlyRate = new Money(hourly, currency) };
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

    private static LocalDate? Date(IConfiguration section, string key, List<string> faults)
    {
        if (section[key] is not { Length: > 0 } text)
        {
            return null;
        }

        var result = LocalDatePattern.Iso.Parse(text);
        return result.Success ? result.Value : Fault<LocalDate?>(faults, $"{key}: '{text}' is not an ISO date (yyyy-MM-dd)");
    }

    private static decimal? Decimal(IConfiguration section, string key, List<string> faults)
    {
        if (section[key] is not { Length: > 0 } text)
        {
            return null;
        }

        return decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value)
            ? value
            : Fault<decimal?>(faults, $"{key}: '{text}' is not a number");
    }

    private static T Fault<T>(List<string> faults, string fault)
    {
        faults.Add(fault);
        return default!;
    }
}
