using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ServiceDesk.Email;
using ServiceDesk.Email.Tests;

namespace ServiceDesk.Samples.WebApi.Tests;

/// <summary>The sample with e-mail switched on in configuration sends the acknowledgement of a ticket opened through the API
/// to a real SMTP server on loopback, through the outbox dispatcher; a bad e-mail setting stops the start naming it.</summary>
public sealed class EmailSampleTests
{
    private static WebApplicationFactory<Program> App(int smtpPort, string fromAddress = "support@desk.example.com")
        => new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("ServiceDesk:Store:Provider", "InMemory")
            .UseSetting("ServiceDesk:Email:Enabled", "true")
            .UseSetting("ServiceDesk:Email:IntakeTenant", "acme")
            .UseSetting("ServiceDesk:Email:Smtp:Host", "127.0.0.1")
            .UseSetting("ServiceDesk:Email:Smtp:Port", smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .UseSetting("ServiceDesk:Email:Smtp:Security", "None")
            .UseSetting("ServiceDesk:Email:Smtp:UserName", string.Empty)
            .UseSetting("ServiceDesk:Email:Sender:FromAddress", fromAddress)
            .UseSetting("ServiceDesk:Email:Sender:MessageIdDomain", "desk.example.com"));

    [Fact]
    public async Task Email_EnabledInConfiguration_SendsTheAcknowledgementOverSmtp()
    {
        await using var smtp = await LoopbackSmtpServer.StartAsync();
        await using var app = App(smtp.Port);
        using var client = app.CreateClient();
        var opened = await client.PostAsJsonAsync("/tenants/acme/tickets", new
        {
            kind = "Incident", subject = "Printer on fire", requester = "Jane Doe", email = "jane@acme.example", customer = "acme", impact = 1, urgency = 1,
        });
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);

        var ack = await smtp.NextAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.EndsWith("] Received: Printer on fire", ack.Subject, StringComparison.Ordinal);
        Assert.Equal("jane@acme.example", Assert.Single(ack.To.Mailboxes).Address);
        Assert.Equal("support@desk.example.com", Assert.Single(ack.From.Mailboxes).Address);
        Assert.EndsWith("@desk.example.com", ack.MessageId, StringComparison.Ordinal);
    }

    [Fact]
    public void Email_BadSetting_StartFailsNamingIt()
    {
        using var app = App(25, fromAddress: "not an address");
        var ex = Assert.Throws<OptionsValidationException>(() => app.CreateClient());
        Assert.Contains("not an address", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.Failures);
    }
}
