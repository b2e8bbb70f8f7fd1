namespace ServiceDesk;

/// <summary>How a ticket reached the service desk.</summary>
public enum Channel
{
    /// <summary>An e-mail to a service-desk mailbox.</summary>
    Email = 1,

    /// <summary>A phone call.</summary>
    Phone = 2,

    /// <summary>The self-service portal.</summary>
    Portal = 3,

    /// <summary>A live chat.</summary>
    Chat = 4,

    /// <summary>A messenger (Telegram, WhatsApp, Teams, Slack…).</summary>
    Messenger = 5,

    /// <summary>An alert from a monitoring system.</summary>
    Monitoring = 6,

    /// <summary>An API call from another system.</summary>
    Api = 7,
}
