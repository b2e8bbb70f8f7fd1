namespace ServiceDesk.Workflow;

/// <summary>What the ticket's SLA clocks do while the ticket is in a state (or held for a reason).</summary>
/// <remarks>The workflow only says what a transition means for the clocks (<see cref="SlaEffect"/>); the SLA package
/// decides which metrics that affects and how pause time is measured.</remarks>
public enum SlaMode
{
    /// <summary>The clocks run (the default for a state).</summary>
    Running = 1,

    /// <summary>The clocks are paused, e.g. while waiting for the caller.</summary>
    Paused = 2,

    /// <summary>The clocks are stopped, e.g. once the ticket is resolved.</summary>
    Stopped = 3,
}

/// <summary>What a transition does to the ticket's SLA clocks, derived from the <see cref="SlaMode"/> before and after.</summary>
/// <remarks>
/// Running to paused is <see cref="Pause"/>; paused or stopped to running is <see cref="Resume"/> (a reopen resumes the
/// clocks; whether that starts a new SLA cycle is the SLA policy's choice); anything to stopped is <see cref="Stop"/>;
/// stopped to paused is <see cref="Pause"/>; an unchanged mode is <see cref="None"/>.
/// </remarks>
public enum SlaEffect
{
    /// <summary>The clocks keep doing what they did.</summary>
    None = 0,

    /// <summary>The clocks pause.</summary>
    Pause = 1,

    /// <summary>The clocks resume.</summary>
    Resume = 2,

    /// <summary>The clocks stop.</summary>
    Stop = 3,
}
