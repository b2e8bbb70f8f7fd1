namespace ServiceDesk.Billing;

/// <summary>The lifecycle status of a contract as recorded; see <see cref="Contract.GetStatus"/> for the status on a date.</summary>
public enum ContractStatus
{
    /// <summary>Being prepared; nothing is billed.</summary>
    Draft = 0,

    /// <summary>In force between its start and end dates; billed.</summary>
    Active = 1,

    /// <summary>Temporarily not in force (for example for non-payment); nothing is billed while suspended.</summary>
    Suspended = 2,

    /// <summary>Ended; nothing is billed for dates after its end.</summary>
    Expired = 3,
}

/// <summary>The service tier of a client, used for example to choose an SLA policy or a routing rule.</summary>
public enum ClientTier
{
    /// <summary>The standard tier.</summary>
    Standard = 0,

    /// <summary>A premium tier.</summary>
    Premium = 1,

    /// <summary>Very important client.</summary>
    Vip = 2,
}

/// <summary>How a time entry's duration is rounded to the contract's increment.</summary>
public enum TimeRoundingMode
{
    /// <summary>Up to the next multiple of the increment (the usual billing rule).</summary>
    Up = 0,

    /// <summary>To the nearest multiple; an exact half goes up.</summary>
    Nearest = 1,

    /// <summary>Down to the previous multiple.</summary>
    Down = 2,
}

/// <summary>The state of a payment stage on a given date.</summary>
public enum PaymentStageState
{
    /// <summary>Not paid and not yet due (the due date is today or later).</summary>
    Open = 0,

    /// <summary>Paid.</summary>
    Paid = 1,

    /// <summary>Not paid and the due date has passed.</summary>
    Overdue = 2,
}
