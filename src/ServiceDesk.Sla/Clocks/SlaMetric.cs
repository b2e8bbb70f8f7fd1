using System.Collections.ObjectModel;
using System.Globalization;
using NodaTime;

namespace ServiceDesk.Sla;

/// <summary>What an SLA metric measures; informational (the conditions define the behaviour).</summary>
public enum SlaMetricKind
{
    /// <summary>A user-defined metric.</summary>
    Custom = 0,

    /// <summary>Time to the first public agent reply.</summary>
    FirstResponse = 1,

    /// <summary>Time from each unanswered public customer reply to the next public agent reply.</summary>
    NextResponse = 2,

    /// <summary>Time to resolution.</summary>
    Resolution = 3,
}

/// <summary>What a clock does when its start condition matches again after it stopped (a reopen).</summary>
public enum SlaReopenBehavior
{
    /// <summary>Start a new cycle: elapsed time, breach and thresholds start from zero.</summary>
    NewCycle = 0,

    /// <summary>Continue the stopped cycle: elapsed time and a breach carry on (time while stopped does not count).</summary>
    Continue = 1,
}

/// <summary>What a running clock does when the ticket's priority changes and with it the metric's target.</summary>
public enum SlaPriorityChange
{
    /// <summary>
    /// Keep the elapsed time and measure it against the new target from the change on: a breach already recorded
    /// stays (breach is sticky), and a new target that is already exceeded breaches at the change instant.
    /// </summary>
    KeepElapsed = 0,

    /// <summary>Start a new cycle at the change instant with the new target.</summary>
    Restart = 1,

    /// <summary>
    /// Re-evaluate the current cycle as if the new target had applied from its start: the breach instant is
    /// recomputed, and a breach under the old, stricter target disappears when the new target is not exceeded.
    /// </summary>
    Retroactive = 2,
}

/// <summary>
/// An immutable, validated SLA metric: a clock with a target of business time on its own calendar, its start, pause,
/// resume, stop, reset and cancel conditions, cycle and priority-change behaviour, and thresholds.
/// </summary>
/// <remarks>
/// Build one with <see cref="SlaMetricOptions"/> (or its presets <see cref="SlaMetricOptions.FirstResponse"/>,
/// <see cref="SlaMetricOptions.NextResponse"/> and <see cref="SlaMetricOptions.Resolution"/>), and evaluate it with
/// <see cref="SlaClock.Evaluate"/>. Instances are immutable and thread-safe.
/// </remarks>
public sealed class SlaMetric
{
    internal SlaMetric(SlaMetricOptions options, Dictionary<Priority, Duration> targets)
    {
        Name = options.Name!;
        Kind = options.Kind;
        Calendar = options.Calendar!;
        Target = options.Target;
        TargetsByPriority = new ReadOnlyDictionary<Priority, Duration>(targets);
        Start = options.Start!;
        Stop = options.Stop!;
        Pause = options.Pause ?? SlaCondition.Never;
        Resume = options.Resume;
        Reset = options.Reset ?? SlaCondition.Never;
        Cancel = options.Cancel ?? SlaCondition.Never;
        Reopen = options.Reopen;
        RetroactiveStart = options.RetroactiveStart;
        PriorityChange = options.PriorityChange;
        Thresholds = [.. options.Thresholds];
    }

    /// <summary>Gets the metric's name, unique within a policy (e.g. <c>"resolution"</c>).</summary>
    public string Name { get; }

    /// <summary>Gets what the metric measures.</summary>
    public SlaMetricKind Kind { get; }

    /// <summary>Gets the calendar the target, the elapsed time and the paused time are measured in.</summary>
    public BusinessCalendar Calendar { get; }

    /// <summary>Gets the target for priorities without their own.</summary>
    public Duration Target { get; }

    /// <summary>Gets the targets of specific priorities.</summary>
    public IReadOnlyDictionary<Priority, Duration> TargetsByPriority { get; }

    /// <summary>Gets the condition that starts the clock (when it is not running).</summary>
    public SlaCondition Start { get; }

    /// <summary>Gets the condition that stops the clock as met or breached.</summary>
    public SlaCondition Stop { get; }

    /// <summary>Gets the condition that pauses the running clock (<see cref="SlaCondition.Never"/> by default).</summary>
    public SlaCondition Pause { get; }

    /// <summary>
    /// Gets the condition that resumes the paused clock, or <see langword="null"/> (the default) to resume as soon as
    /// <see cref="Pause"/> no longer matches.
    /// </summary>
    public SlaCondition? Resume { get; }

    /// <summary>Gets the condition that restarts the running clock in a new cycle (<see cref="SlaCondition.Never"/> by default).</summary>
    public SlaCondition Reset { get; }

    /// <summary>Gets the condition that cancels the running clock (<see cref="SlaCondition.Never"/> by default).</summary>
    public SlaCondition Cancel { get; }

    /// <summary>Gets what happens when the start condition matches again after a stop.</summary>
    public SlaReopenBehavior Reopen { get; }

    /// <summary>Gets a value indicating whether the first cycle counts from the ticket's creation rather than from the start match.</summary>
    public bool RetroactiveStart { get; }

    /// <summary>Gets how a priority change that changes the target is handled.</summary>
    public SlaPriorityChange PriorityChange { get; }

    /// <summary>Gets the thresholds, in definition order.</summary>
    public IReadOnlyList<SlaThreshold> Thresholds { get; }

    /// <summary>Gets the target for a priority: its own from <see cref="TargetsByPriority"/>, else <see cref="Target"/>.</summary>
    /// <param name="priority">The priority.</param>
    /// <returns>The target business time.</returns>
    public Duration TargetFor(Priority priority) => TargetsByPriority.TryGetValue(priority, out var target) ? target : Target;

    /// <summary>Describes the metric, e.g. <c>resolution: 8h</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}: {SlaDurationText.Format(Target)}");
}

/// <summary>
/// The mutable first stage of an <see cref="SlaMetric"/>: set the properties (or start from a preset), then call
/// <see cref="Build"/> once to validate them into an immutable metric.
/// </summary>
/// <remarks>
/// <para>Defaults (of the constructor; the presets set more):</para>
/// <list type="table">
/// <listheader><term>property</term><description>default</description></listheader>
/// <item><term><see cref="Name"/>, <see cref="Calendar"/>, <see cref="Start"/>, <see cref="Stop"/></term><description>none: required</description></item>
/// <item><term><see cref="Target"/></term><description>zero: a positive target is required</description></item>
/// <item><term><see cref="Kind"/></term><description><see cref="SlaMetricKind.Custom"/></description></item>
/// <item><term><see cref="Pause"/>, <see cref="Reset"/>, <see cref="Cancel"/></term><description><see langword="null"/>: never</description></item>
/// <item><term><see cref="Resume"/></term><description><see langword="null"/>: when the pause condition stops matching</description></item>
/// <item><term><see cref="Reopen"/></term><description><see cref="SlaReopenBehavior.NewCycle"/></description></item>
/// <item><term><see cref="RetroactiveStart"/></term><description><see langword="false"/></description></item>
/// <item><term><see cref="PriorityChange"/></term><description><see cref="SlaPriorityChange.KeepElapsed"/></description></item>
/// <item><term><see cref="TargetsByPriority"/>, <see cref="Thresholds"/></term><description>empty</description></item>
/// </list>
/// </remarks>
public sealed class SlaMetricOptions
{
    /// <summary>The status names the presets treat as resolved.</summary>
    private static readonly string[] Done = ["Resolved", "Closed"];

    /// <summary>Gets or sets the metric's name, unique within a policy.</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets what the metric measures.</summary>
    public SlaMetricKind Kind { get; set; }

    /// <summary>Gets or sets the calendar the metric is measured in.</summary>
    public BusinessCalendar? Calendar { get; set; }

    /// <summary>Gets or sets the target for priorities without their own; must be more than zero.</summary>
    public Duration Target { get; set; }

    /// <summary>Gets the targets of specific priorities; each must be more than zero.</summary>
    public IDictionary<Priority, Duration> TargetsByPriority { get; } = new Dictionary<Priority, Duration>();

    /// <summary>Gets or sets the start condition (required).</summary>
    public SlaCondition? Start { get; set; }

    /// <summary>Gets or sets the stop condition (required).</summary>
    public SlaCondition? Stop { get; set; }

    /// <summary>Gets or sets the pause condition; <see langword="null"/> never pauses.</summary>
    public SlaCondition? Pause { get; set; }

    /// <summary>Gets or sets the resume condition; <see langword="null"/> resumes when the pause condition stops matching.</summary>
    public SlaCondition? Resume { get; set; }

    /// <summary>Gets or sets the reset condition; <see langword="null"/> never resets.</summary>
    public SlaCondition? Reset { get; set; }

    /// <summary>Gets or sets the cancel condition; <see langword="null"/> never cancels.</summary>
    public SlaCondition? Cancel { get; set; }

    /// <summary>Gets or sets what happens when the start condition matches again after a stop.</summary>
    public SlaReopenBehavior Reopen { get; set; }

    /// <summary>Gets or sets a value indicating whether the first cycle counts from the ticket's creation.</summary>
    public bool RetroactiveStart { get; set; }

    /// <summary>Gets or sets how a priority change is handled.</summary>
    public SlaPriorityChange PriorityChange { get; set; }

    /// <summary>Gets the thresholds.</summary>
    public IList<SlaThreshold> Thresholds { get; } = [];

    /// <summary>
    /// A first-response metric named <c>"first_response"</c>: starts at creation, stops at the first public agent reply or
    /// when the ticket is resolved or closed, paused while on hold, cancelled when the status is <c>Canceled</c>.
    /// </summary>
    /// <param name="calendar">The calendar.</param>
    /// <param name="target">The target.</param>
    /// <returns>Options to adjust or build.</returns>
    public static SlaMetricOptions FirstResponse(BusinessCalendar calendar, Duration target) => new()
    {
        Name = "first_response",
        Kind = SlaMetricKind.FirstResponse,
        Calendar = calendar,
        Target = target,
        Start = SlaCondition.Created,
        Stop = SlaCondition.Any(SlaCondition.Commented(SlaActor.Agent, isPublic: true), SlaCondition.StatusIn(Done)),
        Pause = SlaCondition.OnHold(),
        Cancel = SlaCondition.StatusIn("Canceled"),
    };

    /// <summary>
    /// A next-response metric named <c>"next_response"</c>: starts at a public customer reply, stops at the next public
    /// agent reply, a new cycle for every customer reply after an answer; cancelled when the ticket is resolved, closed or
    /// canceled.
    /// </summary>
    /// <param name="calendar">The calendar.</param>
    /// <param name="target">The target.</param>
    /// <returns>Options to adjust or build.</returns>
    public static SlaMetricOptions NextResponse(BusinessCalendar calendar, Duration target) => new()
    {
        Name = "next_response",
        Kind = SlaMetricKind.NextResponse,
        Calendar = calendar,
        Target = target,
        Start = SlaCondition.Commented(SlaActor.Customer, isPublic: true),
        Stop = SlaCondition.Commented(SlaActor.Agent, isPublic: true),
        Cancel = SlaCondition.StatusIn("Resolved", "Closed", "Canceled"),
        Reopen = SlaReopenBehavior.NewCycle,
    };

    /// <summary>
    /// A resolution metric named <c>"resolution"</c>: runs while the status is not Resolved, Closed or Canceled, stops at
    /// Resolved or Closed, paused while on hold, cancelled at Canceled, and continues its cycle on reopen.
    /// </summary>
    /// <param name="calendar">The calendar.</param>
    /// <param name="target">The target.</param>
    /// <returns>Options to adjust or build.</returns>
    public static SlaMetricOptions Resolution(BusinessCalendar calendar, Duration target) => new()
    {
        Name = "resolution",
        Kind = SlaMetricKind.Resolution,
        Calendar = calendar,
        Target = target,
        Start = SlaCondition.Not(SlaCondition.StatusIn("Resolved", "Closed", "Canceled")),
        Stop = SlaCondition.StatusIn(Done),
        Pause = SlaCondition.OnHold(),
        Cancel = SlaCondition.StatusIn("Canceled"),
        Reopen = SlaReopenBehavior.Continue,
    };

    /// <summary>Validates the options and builds the immutable metric.</summary>
    /// <returns>The metric.</returns>
    /// <exception cref="InvalidDefinitionException">
    /// A fault: no name, no calendar, no start or stop condition, a target (default or per priority) that is zero or
    /// negative, a priority outside P1..P5, or the same threshold twice. Every fault is listed.
    /// </exception>
    public SlaMetric Build()
    {
        var errors = new List<string>();
        var metric = BuildCore("$", errors);
        return metric ?? throw new InvalidDefinitionException("SLA metric", errors);
    }

    /// <summary>Validates into <paramref name="errors"/> (paths under <paramref name="path"/>); null when faulty.</summary>
    internal SlaMetric? BuildCore(string path, List<string> errors)
    {
        var before = errors.Count;
        if (string.IsNullOrWhiteSpace(Name))
        {
            errors.Add($"{path}.name: missing; give the metric a name such as \"resolution\".");
        }
        else if (Name.Length > MaxNameLength || !TextPolicy.IsStorable(Name))
        {
            errors.Add($"{path}.name: {TextPolicy.Echo(Name)} is not a metric name; it must be 1 to {MaxNameLength} characters without NUL or lone surrogates (events and stores keep it).");
        }

        if (Calendar is null)
        {
            errors.Add($"{path}.calendar: missing; a metric is measured in a business calendar.");
        }

        if (Target <= Duration.Zero)
        {
            errors.Add($"{path}.target: {SlaDurationText.Format(Target)} is not a valid target; it must be more than zero.");
        }
        else
        {
            CheckPlaceable(path + ".target", Target, errors);
        }

        var targets = new Dictionary<Priority, Duration>();
        foreach (var (priority, target) in TargetsByPriority)
        {
            var key = string.Create(CultureInfo.InvariantCulture, $"P{(int)priority}");
            if (priority is < Priority.P1Critical or > Priority.P5Planning)
            {
                errors.Add($"{path}.targets.{key}: not a priority; expected P1 to P5.");
            }
            else if (target <= Duration.Zero)
            {
                errors.Add($"{path}.targets.{key}: {SlaDurationText.Format(target)} is not a valid target; it must be more than zero.");
            }
            else if (CheckPlaceable($"{path}.targets.{key}", target, errors))
            {
                targets[priority] = target;
            }
        }

        if (Start is null)
        {
            errors.Add($"{path}.start: missing; a metric needs a start condition.");
        }

        if (Stop is null)
        {
            errors.Add($"{path}.stop: missing; a metric needs a stop condition.");
        }

        for (var i = 0; i < Thresholds.Count; i++)
        {
            if (Thresholds[i] is null)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{path}.thresholds[{i}]: null."));
            }
            else if (Thresholds.Take(i).Contains(Thresholds[i]))
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{path}.thresholds[{i}]: {Thresholds[i]} is listed twice."));
            }
        }

        if (!Enum.IsDefined(Reopen))
        {
            errors.Add($"{path}.reopen: {Reopen} is not a reopen behaviour; expected newCycle or continue.");
        }

        if (!Enum.IsDefined(PriorityChange))
        {
            errors.Add($"{path}.priorityChange: {PriorityChange} is not a priority-change mode; expected keepElapsed, restart or retroactive.");
        }

        return errors.Count > before ? null : new SlaMetric(this, targets);
    }

    /// <summary>The longest name of a metric: 64 characters (the length events that name a metric keep).</summary>
    public const int MaxNameLength = 64;

    /// <summary>The longest target: 3,650 days (ten years of round-the-clock time; on a calendar open eight hours a working
    /// day, about forty-five years).</summary>
    public static readonly Duration MaxTarget = Duration.FromDays(3_650);

    /// <summary>The latest instant from which every accepted target must still have a due time inside the supported range:
    /// 2200-01-01T00:00Z, so that a target accepted today can be evaluated for any ticket opened in the next two centuries.</summary>
    public static readonly Instant PlaceableFrom = Instant.FromUtc(2200, 1, 1, 0, 0);

    /// <summary>Checks that a target is at most <see cref="MaxTarget"/> and that the calendar can place its due time for a
    /// ticket opened as late as <see cref="PlaceableFrom"/>: an accepted definition never makes a ticket's opening throw.</summary>
    private bool CheckPlaceable(string at, Duration target, List<string> errors)
    {
        if (target > MaxTarget)
        {
            errors.Add($"{at}: {SlaDurationText.Format(target)} is longer than the longest target, {SlaDurationText.Format(MaxTarget)}.");
            return false;
        }

        if (Calendar is null)
        {
            return true;
        }

        try
        {
            Calendar.AddBusinessTime(PlaceableFrom, target);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            errors.Add($"{at}: {SlaDurationText.Format(target)} of business time on its calendar (zone {Calendar.Zone.Id}) ends after the supported range (year 9999) for a ticket opened in 2200; the calendar is open too little for so long a target.");
            return false;
        }
    }
}
