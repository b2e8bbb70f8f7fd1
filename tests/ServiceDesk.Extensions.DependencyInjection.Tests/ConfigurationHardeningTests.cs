using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;
using ServiceDesk.Billing;

namespace ServiceDesk.Extensions.DependencyInjection.Tests;

/// <summary>Issue 19, classes 2 and 7: numbers in configuration are read the invariant way whatever the culture, and every
/// unreadable, overflowing or unknown setting is listed among the start-up faults instead of escaping raw.</summary>
public sealed class ConfigurationHardeningTests
{
    private static Dictionary<string, string?> Contract(params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Contracts:0:Id"] = "C-1",
            ["Contracts:0:Tenant"] = "acme",
            ["Contracts:0:Client"] = "cust-1",
            ["Contracts:0:ClientLegalName"] = "Cust One GmbH",
            ["Contracts:0:Zone"] = "Europe/Berlin",
            ["Contracts:0:Start"] = "2026-01-01",
            ["Contracts:0:Currency"] = "EUR",
        };
        foreach (var (key, value) in extra)
        {
            settings["Contracts:0:" + key] = value;
        }

        return settings;
    }

    private static async Task<ServiceDeskDefinitions> StartAsync(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var host = Hosts.Build(s => s.AddServiceDesk().UseInMemory().AddBilling(configuration.GetSection("Contracts")));
        await host.StartAsync();
        var definitions = host.Services.GetRequiredService<ServiceDeskDefinitions>();
        await host.StopAsync();
        return definitions;
    }

    private static async Task<string> FaultsAsync(Dictionary<string, string?> settings, Action<IServiceDeskBuilder, IConfiguration>? more = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var host = Hosts.Build(s =>
        {
            var builder = s.AddServiceDesk();
            if (more is null)
            {
                builder.UseInMemory();
            }

            if (configuration.GetSection("Contracts").Exists())
            {
                builder.AddBilling(configuration.GetSection("Contracts"));
            }

            more?.Invoke(builder, configuration);
        });
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        return ex.Message;
    }

    private static async Task<T> UnderCultureAsync<T>(string culture, Func<Task<T>> run)
    {
        var (before, beforeUi) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
        try
        {
            return await run();
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (before, beforeUi);
        }
    }

    [Theory]
    [InlineData("ru-RU")]
    [InlineData("de-DE")]
    [InlineData("en-US")]
    public async Task AddBilling_DecimalPointUnderAnyCulture_ReadsTheExactAmount(string culture)
    {
        var definitions = await UnderCultureAsync(culture, () => StartAsync(Contract(
            ("HourlyRate", "1234.5"), ("TaxRate", "0.2"),
            ("Subscription:MonthlyFee", "990.00"), ("Subscription:IncludedHours", "2.5"), ("Subscription:OverageHourlyRate", "120.75"))));

        var contract = definitions.FindContract(new ContractId("C-1"))!;
        Assert.Equal(1234.5m, contract.TimeAndMaterials!.DefaultHourlyRate!.Value.Amount);
        Assert.Equal(0.2m, contract.TaxRate);
        Assert.Equal(990m, contract.Subscription!.Fee.Amount);
        Assert.Equal(Duration.FromMinutes(150), contract.Subscription.IncludedTime);
        Assert.Equal(120.75m, contract.Subscription.OverageHourlyRate!.Value.Amount);
    }

    [Theory]
    [InlineData("ru-RU", "1,5")]
    [InlineData("de-DE", "1,5")]
    [InlineData("de-DE", "1.234,50")]
    [InlineData("en-US", "1,234.50")]
    [InlineData("ru-RU", "95,00")]
    public async Task AddBilling_DecimalCommaOrThousandsSeparator_IsAFaultNamingPathAndValue(string culture, string rate)
    {
        var message = await UnderCultureAsync(culture, () => FaultsAsync(Contract(("HourlyRate", rate))));

        Assert.Contains($"Contracts:0: HourlyRate: '{rate}' has a comma; write numbers with a decimal point", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1e3")]
    [InlineData("€90")]
    [InlineData("ninety")]
    [InlineData("99999999999999999999999999999999999")]
    [InlineData(" ")]
    public async Task AddBilling_UnreadableNumber_IsAFault(string rate)
    {
        var message = await FaultsAsync(Contract(("HourlyRate", rate)));

        Assert.Contains("Contracts:0: HourlyRate: ", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddBilling_IncludedHoursBeyondAnyMonth_IsAFaultNotAnOverflow()
    {
        var message = await FaultsAsync(Contract(("Subscription:MonthlyFee", "10"), ("Subscription:IncludedHours", "79228162514264337593543950335")));

        Assert.Contains("Subscription:IncludedHours: 79228162514264337593543950335 is outside 0 to 1,000,000 hours", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddBilling_AmountBeyondMoneyRange_IsAFaultOfThatKey()
    {
        var message = await FaultsAsync(Contract(("HourlyRate", "79228162514264337593543950335")));

        Assert.Contains("Contracts:0: TimeAndMaterials.DefaultHourlyRate: must be at most 1,000,000,000,000", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddBilling_BadCurrency_IsReportedAsTheCurrencyOnly()
    {
        var message = await FaultsAsync(Contract(("Currency", "E-U-R"), ("HourlyRate", "90"), ("Subscription:MonthlyFee", "10")));

        Assert.Contains("Contracts:0: Currency: 'E-U-R' is not a known ISO 4217 code", message, StringComparison.Ordinal);
        Assert.StartsWith("The ServiceDesk configuration is invalid (1 fault)", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddBilling_MissingCurrency_SaysAValueIsRequired()
    {
        var settings = Contract();
        settings.Remove("Contracts:0:Currency");

        var message = await FaultsAsync(settings);

        Assert.Contains("Contracts:0: Currency: a value is required", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddBilling_UnreadableBoolean_IsAFaultNotSilentlyTrue()
    {
        var message = await FaultsAsync(Contract(("RequireApproval", "nope")));

        Assert.Contains("Contracts:0: RequireApproval: 'nope' is not true or false", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Sqlite", "Durability", "Sometimes")]
    [InlineData("Sqlite", "Durability", "99999999999999999999")]
    public async Task UseStore_UnconvertibleAdapterSetting_IsAStartupFault(string provider, string key, string value)
    {
        Assert.NotNull(typeof(ServiceDesk.Storage.Sqlite.SqliteTicketStoreOptions).GetProperty(key));
        var settings = new Dictionary<string, string?>
        {
            ["Store:Provider"] = provider,
            [$"Store:{provider}:{key}"] = value,
        };

        var message = await FaultsAsync(settings, (b, c) => b.UseStore(c.GetSection("Store")));

        Assert.Contains($"Store:{provider}: ", message, StringComparison.Ordinal);
        Assert.Contains(key, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Faults_HugeValue_IsEchoedTruncatedWithItsLength()
    {
        var huge = new string('9', 1_000_000) + "x";

        var message = await FaultsAsync(Contract(("HourlyRate", huge), ("Status", huge), ("Zone", huge)));

        Assert.Contains("(1,000,001 characters)", message, StringComparison.Ordinal);
        Assert.True(message.Length < 4_000, $"The message is {message.Length:N0} characters long.");
    }

    [Fact]
    public async Task AddEscalationWorker_OverflowingBatchSize_IsAFault()
    {
        var message = await FaultsAsync(
            new Dictionary<string, string?> { ["Worker:BatchSize"] = "99999999999" },
            (b, c) => b.UseInMemory().AddEscalationWorker(c.GetSection("Worker")));

        Assert.Contains("EscalationWorker.BatchSize: '99999999999' is not a whole number from 1 to 1,000", message, StringComparison.Ordinal);
    }
}
