using NodaTime;
using ServiceDesk.Engine;
using ServiceDesk.Storage;
using ServiceDesk.Storage.InMemory;
using ServiceDesk.Testing;

namespace ServiceDesk.Email.Tests;

/// <summary>An in-memory desk with e-mail intake configured as in the corpus tests.</summary>
internal sealed class Desk : IDisposable
{
    public static readonly TenantId Tenant = new("acme-desk");

    public Desk(Action<EmailIntakeOptions>? configure = null, ITicketStore? store = null)
    {
        Store = store ?? new InMemoryTicketStore();
        Engine = new ServiceDeskEngine(Store, Clock, ServiceDeskEngineOptions.CreateDefault());
        Options = CreateOptions();
        configure?.Invoke(Options);
        Intake = new EmailIntake(Engine, Store, Threads, Clock, Options);
    }

    public TestClock Clock { get; } = new(Instant.FromUtc(2026, 12, 8, 6, 0));

    public ITicketStore Store { get; }

    public ServiceDeskEngine Engine { get; }

    public InMemoryEmailThreadStore Threads { get; } = new();

    public EmailIntakeOptions Options { get; }

    public EmailIntake Intake { get; }

    public static EmailIntakeOptions CreateOptions()
    {
        var options = new EmailIntakeOptions { Tenant = Tenant, MessageIdDomain = "desk.example.com", MaxAttachmentBytes = 64 * 1024 };
        options.OwnAddresses.Add("support@desk.example.com");
        options.Domains["acme.example"] = new CustomerMapping(new CustomerId("acme"));
        options.Domains["contoso.ru"] = new CustomerMapping(new CustomerId("contoso"), new ContractId("contoso-2026"));
        options.Addresses["boss@gmail.example"] = new CustomerMapping(new CustomerId("acme-vip"));
        return options;
    }

    public Task<IntakeResult> ProcessAsync(string raw, string reference = "test:1")
        => Intake.ProcessAsync(RawMessage.FromBytes(reference, System.Text.Encoding.UTF8.GetBytes(raw.ReplaceLineEndings("\r\n"))));

    public void Dispose() => Engine.Dispose();
}
