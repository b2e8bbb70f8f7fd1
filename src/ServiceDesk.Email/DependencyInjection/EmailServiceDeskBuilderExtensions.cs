using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServiceDesk.Email;
using ServiceDesk.Engine;
using ServiceDesk.Notifications;
using ServiceDesk.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the e-mail channel on the <c>AddServiceDesk</c> builder.</summary>
public static class EmailServiceDeskBuilderExtensions
{
    /// <summary>
    /// Registers e-mail intake (<see cref="EmailIntake"/>) and notifications (<see cref="EmailNotifier"/>) with
    /// <see cref="EmailOptions"/> validated at start: one <see cref="OptionsValidationException"/> lists every fault.
    /// </summary>
    /// <param name="builder">The builder of <c>AddServiceDesk</c>.</param>
    /// <param name="configure">Sets the options; may be called again by a later <c>AddEmail</c>, which adds to them.</param>
    /// <returns>The builder.</returns>
    /// <remarks>
    /// Registers, with <c>TryAdd*</c> (an application's own registration wins): <see cref="IEmailThreadStore"/> as
    /// <see cref="InMemoryEmailThreadStore"/>, <see cref="IEmailRecipientResolver"/> as <see cref="RequesterRecipientResolver"/>
    /// (requester mail only; register your own for staff addresses), <see cref="IEmailTransport"/> as
    /// <see cref="SmtpEmailTransport"/> when <see cref="EmailOptions.Smtp"/> is set, and <see cref="EmailIntake"/> and
    /// <see cref="EmailNotifier"/> as singletons. No worker polls a mailbox or reads the outbox: the host calls
    /// <see cref="EmailIntake.DrainAsync"/> with its <see cref="IMessageSource"/>, and hands outbox events to
    /// <see cref="EmailNotifier.NotifyAsync"/> from its dispatcher.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static IServiceDeskBuilder AddEmail(this IServiceDeskBuilder builder, Action<EmailOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<EmailOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmailOptions>, EmailOptionsValidator>());
        services.TryAddSingleton<IEmailThreadStore, InMemoryEmailThreadStore>();
        services.TryAddSingleton<IEmailRecipientResolver>(_ => new RequesterRecipientResolver());
        services.TryAddSingleton<IEmailTransport>(sp => sp.GetRequiredService<IOptions<EmailOptions>>().Value.Smtp is { } smtp
            ? new SmtpEmailTransport(smtp)
            : throw new InvalidOperationException("No IEmailTransport: set EmailOptions.Smtp in AddEmail, or register an IEmailTransport."));
        services.TryAddSingleton(sp => new EmailIntake(
            sp.GetRequiredService<ServiceDeskEngine>(), sp.GetRequiredService<ITicketStore>(), sp.GetRequiredService<IEmailThreadStore>(),
            sp.GetRequiredService<NodaTime.IClock>(), sp.GetRequiredService<IOptions<EmailOptions>>().Value.Intake, sp.GetService<ILogger<EmailIntake>>()));
        services.TryAddSingleton(sp => new EmailNotifier(
            sp.GetRequiredService<ServiceDeskEngine>(), sp.GetRequiredService<IEmailThreadStore>(), sp.GetRequiredService<IEmailRecipientResolver>(),
            sp.GetRequiredService<IEmailTransport>(), sp.GetRequiredService<NodaTime.IClock>(), sp.GetRequiredService<IOptions<EmailOptions>>().Value.Notifications,
            sp.GetService<ILogger<EmailNotifier>>()));
        return builder;
    }

    private sealed class EmailOptionsValidator : IValidateOptions<EmailOptions>
    {
        public ValidateOptionsResult Validate(string? name, EmailOptions options)
        {
            var faults = options.Validate();
            return faults.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(faults);
        }
    }

    /// <summary>Sends the e-mail notifications of the outbox through the outbox dispatcher: registers an
    /// <see cref="EmailOutboxHandler"/> as the dispatcher's consumer <c>email</c> (its own checkpoint, so webhooks and other
    /// consumers see every message too). Call <see cref="AddEmail"/> as well.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts the dispatcher (batch size, attempts, backoff), or <see langword="null"/> for its defaults.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IServiceDeskBuilder AddEmailNotifications(this IServiceDeskBuilder builder, Action<OutboxDispatcherOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddOutboxDispatcher(EmailConsumer, sp => new EmailOutboxHandler(sp.GetRequiredService<EmailNotifier>()), configure);
    }

    /// <summary>The outbox consumer name of <see cref="AddEmailNotifications"/>: <c>email</c>.</summary>
    public const string EmailConsumer = "email";
}
