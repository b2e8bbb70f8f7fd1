using NodaTime;
using ServiceDesk.Workflow;

namespace ServiceDesk.Engine;

/// <summary>A freeze (blackout) window: a span in which normal and standard changes may not be scheduled, for one tenant or
/// all, for one service or all.</summary>
/// <param name="Name">The freeze's name, 1 to 100 characters (named in every conflict it causes).</param>
/// <param name="Window">The span <c>[start, end)</c>; bounded, start before end.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record FreezeWindow(string Name, Interval Window)
{
    /// <summary>Gets the tenant the freeze applies to, or <see langword="null"/> (the default) for every tenant.</summary>
    public TenantId? Tenant { get; init; }

    /// <summary>Gets the service the freeze applies to, or <see langword="null"/> (the default) for every change of the
    /// tenant, whatever its service.</summary>
    public ServiceId? Service { get; init; }

    /// <summary>Whether the freeze applies to a change of <paramref name="tenant"/> and <paramref name="service"/> planned
    /// over <paramref name="window"/>.</summary>
    internal bool Blocks(TenantId tenant, ServiceId? service, Interval window)
        => (Tenant is null || Tenant == tenant) && (Service is null || Service == service) && ChangeWindows.Overlap(Window, window);
}

/// <summary>A standard (pre-approved) change in the catalogue: what it is, what it touches, how long it takes.</summary>
/// <param name="Id">The template's id, 1 to 100 characters, unique in the catalogue (ordinal).</param>
/// <param name="Name">The change's subject, 1 to 200 characters.</param>
/// <param name="Duration">The planned window's length: more than zero, at most 30 days.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record StandardChangeTemplate(string Id, string Name, Duration Duration)
{
    /// <summary>Gets the service the change touches, or <see langword="null"/>.</summary>
    public ServiceId? Service { get; init; }

    /// <summary>Gets the configuration item the change touches, or <see langword="null"/>.</summary>
    public ConfigurationItemId? ConfigurationItem { get; init; }

    /// <summary>Gets the impact the change is opened with; <see cref="ServiceDesk.Impact.Low"/> by default.</summary>
    public Impact Impact { get; init; } = Impact.Low;

    /// <summary>Gets the urgency the change is opened with; <see cref="ServiceDesk.Urgency.Low"/> by default.</summary>
    public Urgency Urgency { get; init; } = Urgency.Low;
}

/// <summary>The bindable options of change management; <see cref="Build"/> validates them into a <see cref="ChangeManagement"/>.</summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>option</term><description>default</description></listheader>
/// <item><term><see cref="Cab"/></term><description><see langword="null"/>: no CAB configured; <see cref="ServiceDeskEngine.RequestChangeAuthorizationAsync"/> throws for a normal change</description></item>
/// <item><term><see cref="EmergencyCab"/></term><description><see langword="null"/>: no ECAB configured; the same for an emergency change</description></item>
/// <item><term><see cref="FreezeWindows"/></term><description>empty</description></item>
/// <item><term><see cref="StandardChanges"/></term><description>empty: every template id is unknown</description></item>
/// </list>
/// </remarks>
public sealed class ChangeManagementOptions
{
    /// <summary>Gets or sets whom the change advisory board asks for a normal change (approvers or a group, rule, due time).</summary>
    public ApprovalRequest? Cab { get; set; }

    /// <summary>Gets or sets whom the emergency CAB asks for an emergency change: usually a smaller set and a rule such as
    /// <see cref="ApprovalRule.Any"/>. Its <see cref="ApprovalRequest.DueIn"/> is required and, when <see cref="Cab"/> has
    /// one, shorter than the CAB's. It is counted in wall-clock time (an emergency does not wait for business hours), the
    /// CAB's in business time on <see cref="ServiceDeskEngineOptions.BusinessCalendar"/> like any approval's.</summary>
    public ApprovalRequest? EmergencyCab { get; set; }

    /// <summary>Gets the freeze (blackout) windows.</summary>
    public IList<FreezeWindow> FreezeWindows { get; } = [];

    /// <summary>Gets the catalogue of standard change templates.</summary>
    public IList<StandardChangeTemplate> StandardChanges { get; } = [];

    /// <summary>Validates the options into an immutable definition.</summary>
    /// <returns>The definition.</returns>
    /// <exception cref="InvalidDefinitionException">An option is invalid; every fault is listed.</exception>
    public ChangeManagement Build()
    {
        var errors = new List<string>();
        CheckBoard(nameof(Cab), Cab, errors);
        CheckBoard(nameof(EmergencyCab), EmergencyCab, errors);
        if (EmergencyCab is { DueIn: null })
        {
            errors.Add($"{nameof(EmergencyCab)}.{nameof(ApprovalRequest.DueIn)}: required; the emergency CAB decides against a due time.");
        }
        else if (EmergencyCab?.DueIn is { } fast && Cab?.DueIn is { } normal && fast >= normal)
        {
            errors.Add($"{nameof(EmergencyCab)}.{nameof(ApprovalRequest.DueIn)}: {fast} must be shorter than the CAB's {normal}.");
        }

        for (var i = 0; i < FreezeWindows.Count; i++)
        {
            var f = FreezeWindows[i];
            if (f is null)
            {
                errors.Add($"{nameof(FreezeWindows)}[{i}]: null.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(f.Name) || f.Name.Length > 100)
            {
                errors.Add($"{nameof(FreezeWindows)}[{i}].Name: {TextPolicy.Echo(f.Name)} must be 1 to 100 characters and not blank.");
            }

            if (!f.Window.HasStart || !f.Window.HasEnd || f.Window.Start >= f.Window.End)
            {
                errors.Add($"{nameof(FreezeWindows)}[{i}].Window: {f.Window} must have a start before its end.");
            }

            if (f.Tenant is { } t && t == default || f.Service is { } s && s == default)
            {
                errors.Add($"{nameof(FreezeWindows)}[{i}]: a tenant or service, when given, is not the default value.");
            }
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < StandardChanges.Count; i++)
        {
            var s = StandardChanges[i];
            if (s is null)
            {
                errors.Add($"{nameof(StandardChanges)}[{i}]: null.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(s.Id) || s.Id.Length > 100)
            {
                errors.Add($"{nameof(StandardChanges)}[{i}].Id: {TextPolicy.Echo(s.Id)} must be 1 to 100 characters and not blank.");
            }
            else if (!ids.Add(s.Id))
            {
                errors.Add($"{nameof(StandardChanges)}[{i}].Id: {TextPolicy.Echo(s.Id)} is used twice.");
            }

            if (string.IsNullOrWhiteSpace(s.Name) || s.Name.Length > Ticket.MaxSubjectLength)
            {
                errors.Add($"{nameof(StandardChanges)}[{i}].Name: {TextPolicy.Echo(s.Name)} must be 1 to {Ticket.MaxSubjectLength} characters and not blank.");
            }

            if (s.Duration <= Duration.Zero || s.Duration > ChangeWindows.MaxLength)
            {
                errors.Add($"{nameof(StandardChanges)}[{i}].Duration: {s.Duration} must be more than zero and at most {ChangeWindows.MaxLength.Days} days.");
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidDefinitionException("change management options", errors);
        }

        return new ChangeManagement(Cab, EmergencyCab, [.. FreezeWindows], [.. StandardChanges]);
    }

    private static void CheckBoard(string name, ApprovalRequest? board, List<string> errors)
    {
        if (board is null)
        {
            return;
        }

        try
        {
            board.Validate();
        }
        catch (ArgumentException ex)
        {
            errors.Add($"{name}: {ex.Message}");
        }
    }
}

/// <summary>The validated change management of an engine (<see cref="ServiceDeskEngineOptions.ChangeManagement"/>): the CAB and
/// emergency CAB, the freeze windows and the standard change catalogue. See docs/processes.md, "Change management".</summary>
/// <remarks>Immutable and thread-safe; build it with <see cref="ChangeManagementOptions.Build"/>.</remarks>
public sealed class ChangeManagement
{
    internal ChangeManagement(
        ApprovalRequest? cab, ApprovalRequest? emergencyCab, IReadOnlyList<FreezeWindow> freezeWindows, IReadOnlyList<StandardChangeTemplate> standardChanges)
    {
        Cab = cab;
        EmergencyCab = emergencyCab;
        FreezeWindows = freezeWindows;
        StandardChanges = standardChanges;
    }

    /// <summary>Gets whom the CAB asks for a normal change, or <see langword="null"/>.</summary>
    public ApprovalRequest? Cab { get; }

    /// <summary>Gets whom the emergency CAB asks for an emergency change, or <see langword="null"/>.</summary>
    public ApprovalRequest? EmergencyCab { get; }

    /// <summary>Gets the freeze windows.</summary>
    public IReadOnlyList<FreezeWindow> FreezeWindows { get; }

    /// <summary>Gets the standard change catalogue.</summary>
    public IReadOnlyList<StandardChangeTemplate> StandardChanges { get; }

    /// <summary>Gets a standard change template by id.</summary>
    /// <param name="id">The template's id (ordinal).</param>
    /// <returns>The template.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The catalogue has no such template; the message lists the ids it has.</exception>
    public StandardChangeTemplate GetTemplate(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return StandardChanges.FirstOrDefault(t => string.Equals(t.Id, id, StringComparison.Ordinal))
            ?? throw new ArgumentException(
                $"The standard change catalogue has no template {TextPolicy.Echo(id)}; it has {(StandardChanges.Count == 0 ? "none" : string.Join(", ", StandardChanges.Select(t => TextPolicy.Echo(t.Id))))}.",
                nameof(id));
    }
}

/// <summary>What kind of conflict a change's planned window has.</summary>
public enum ChangeConflictKind
{
    /// <summary>The window overlaps a freeze window (<see cref="ChangeConflict.Name"/> is the freeze's name).</summary>
    Freeze = 1,

    /// <summary>The window overlaps another change's on the same configuration item or service (<see cref="ChangeConflict.Name"/>
    /// is the other change's number).</summary>
    Collision = 2,
}

/// <summary>A conflict of a change's planned window, reported by <see cref="ServiceDeskEngine.ScheduleChangeAsync"/> and by the
/// approval that authorizes a change (<see cref="CommandResult.ChangeConflicts"/>).</summary>
/// <param name="Kind">Freeze or collision.</param>
/// <param name="Name">The freeze's name, or the colliding change's number.</param>
/// <param name="Window">The freeze's window, or the colliding change's planned window.</param>
/// <param name="Change">The colliding change, or <see langword="null"/> for a freeze.</param>
/// <param name="Description">What conflicts, in words (e.g. <c>CHG-2 plans [..) on configuration item core-switch</c>).</param>
public sealed record ChangeConflict(ChangeConflictKind Kind, string Name, Interval Window, TicketId? Change, string Description);

/// <summary>A change in the change calendar (<see cref="ServiceDeskEngine.GetChangeCalendarAsync"/>).</summary>
/// <param name="Id">The change's id.</param>
/// <param name="Number">The change's number.</param>
/// <param name="Subject">The subject.</param>
/// <param name="Type">The change type, or <see langword="null"/> when not set.</param>
/// <param name="Status">The status.</param>
/// <param name="Window">The planned window <c>[start, end)</c>.</param>
/// <param name="Service">The service, or <see langword="null"/>.</param>
/// <param name="ConfigurationItem">The configuration item, or <see langword="null"/>.</param>
public sealed record ScheduledChange(
    TicketId Id, TicketNumber Number, string Subject, ChangeType? Type, TicketStatus Status, Interval Window, ServiceId? Service, ConfigurationItemId? ConfigurationItem);

/// <summary>Window arithmetic shared by the calendar, the freeze and the collision checks.</summary>
internal static class ChangeWindows
{
    /// <summary>The longest planned window: 30 days.</summary>
    public static readonly Duration MaxLength = Duration.FromDays(30);

    /// <summary>Whether two half-open intervals <c>[start, end)</c> share an instant.</summary>
    public static bool Overlap(Interval a, Interval b) => a.Start < b.End && b.Start < a.End;
}
