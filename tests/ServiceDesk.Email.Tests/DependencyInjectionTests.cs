using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ServiceDesk.Email.Tests;

public sealed class DependencyInjectionTests
{
    [Fact]
    public async Task AddEmail_InvalidOptions_StartFailsListingEveryFault()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddServiceDesk().UseInMemory().AddEmail(o => o.Intake.MaxMessagesPerSenderPerHour = 0);
        using var host = builder.Build();
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(ex.Failures, f => f.StartsWith("Intake.Tenant:", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Intake.MessageIdDomain:", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Intake.MaxMessagesPerSenderPerHour:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddEmail_Valid_ResolvesIntakeAndNotifier_AndOpensATicket()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddServiceDesk().UseInMemory().AddEmail(o =>
        {
            o.Intake.Tenant = Desk.Tenant;
            o.Intake.MessageIdDomain = "desk.example.com";
            o.Intake.Domains["acme.example"] = new CustomerMapping(new CustomerId("acme"));
            o.Notifications.DefaultSender = new EmailSenderSettings { FromAddress = "support@desk.example.com", MessageIdDomain = "desk.example.com" };
            o.Smtp = new SmtpOptions { Host = "127.0.0.1", Port = 2525 };
        });
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var intake = host.Services.GetRequiredService<EmailIntake>();
            Assert.NotNull(host.Services.GetRequiredService<EmailNotifier>());
            Assert.IsType<InMemoryEmailThreadStore>(host.Services.GetRequiredService<IEmailThreadStore>());
            var result = await intake.ProcessAsync(RawMessage.FromBytes("test:di", "From: jane@acme.example\r\nSubject: Hi\r\nMessage-ID: <di@acme.example>\r\n\r\nHello\r\n"u8.ToArray()));
            Assert.Equal(IntakeOutcome.TicketOpened, result.Outcome);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public void UseSqliteEmailThreads_ReplacesTheInMemoryThreadStore()
    {
        var services = new ServiceCollection();
        services.AddServiceDesk().UseInMemory().AddEmail(_ => { }).UseSqliteEmailThreads(Path.Combine(Path.GetTempPath(), "unused.db"));
        using var provider = services.BuildServiceProvider();
        Assert.IsType<Sqlite.SqliteEmailThreadStore>(provider.GetRequiredService<IEmailThreadStore>());
        Assert.Single(services, d => d.ServiceType == typeof(IEmailThreadStore));
    }
}
