using NodaTime;

namespace ServiceDesk.Billing;

/// <summary>What is wrong with a time entry.</summary>
public enum TimeEntryFaultKind
{
    /// <summary>The duration is zero or negative (error).</summary>
    NonPositiveDuration = 1,

    /// <summary>The duration exceeds <see cref="TimeEntryValidationOptions.MaxDuration"/> (error).</summary>
    DurationTooLong = 2,

    /// <summary>The entry ends more than <see cref="TimeEntryValidationOptions.FutureTolerance"/> after <c>now</c> (error).</summary>
    InFuture = 3,

    /// <summary>Two or more entries share an id but differ in content (error): none of them is billed, whatever their order,
    /// until the ids are unique.</summary>
    DuplicateId = 4,

    /// <summary>The entry overlaps an earlier entry of the same agent (warning: both are still billed).</summary>
    Overlap = 5,

    /// <summary>The entry supersedes an entry that is not among the entries given (error).</summary>
    UnknownSupersededEntry = 6,

    /// <summary>Another correction of the same entry came first (error).</summary>
    AlreadySuperseded = 7,

    /// <summary>The entry is part of a cycle of corrections, or supersedes itself (error).</summary>
    CorrectionCycle = 8,

    /// <summary>The entry has been billed and its content has changed since (other than a late approval); record a correction instead (error).</summary>
    BilledEntryModified = 9,

    /// <summary>The entry starts outside <see cref="Events.TimeLogged.MinStarted"/> to <see cref="Events.TimeLogged.MaxStarted"/>,
    /// where periods and time zones can no longer be computed (error).</summary>
    StartOutOfRange = 10,
}

/// <summary>How serious a fault is.</summary>
public enum FaultSeverity
{
    /// <summary>Reported only; the entry is still billed.</summary>
    Warning = 0,

    /// <summary>The entry is excluded from billing.</summary>
    Error = 1,
}

/// <summary>A fault found in a time entry.</summary>
/// <param name="Entry">The faulty entry.</param>
/// <param name="Kind">What is wrong.</param>
/// <param name="Severity">Whether the entry is excluded.</param>
/// <param name="Message">A description naming the values involved.</param>
/// <param name="Other">The other entry involved (the earlier duplicate, the overlapped or the superseded entry), if any.</param>
public sealed record TimeEntryFault(TimeEntryId Entry, TimeEntryFaultKind Kind, FaultSeverity Severity, string Message, TimeEntryId? Other = null);

/// <summary>Settings of <see cref="TimeEntryValidator"/>; the defaults suit most desks.</summary>
public sealed class TimeEntryValidationOptions
{
    /// <summary>Gets or sets how far in the future (after <c>now</c>) an entry may end: zero to 24 hours. Default: 5 minutes.</summary>
    public Duration FutureTolerance { get; set; } = Duration.FromMinutes(5);

    /// <summary>Gets or sets the longest duration of one entry: positive, at most 7 days. Default: 24 hours.</summary>
    public Duration MaxDuration { get; set; } = Duration.FromHours(24);

    internal void Check()
    {
        if (FutureTolerance < Duration.Zero || FutureTolerance > Duration.FromHours(24))
        {
            throw new ArgumentOutOfRangeException(nameof(FutureTolerance), FutureTolerance, "The future tolerance must be from zero to 24 hours.");
        }

        if (MaxDuration <= Duration.Zero || MaxDuration > Duration.FromDays(7))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDuration), MaxDuration, "The maximum duration must be positive and at most 7 days.");
        }
    }
}

/// <summary>The result of <see cref="TimeEntryValidator.Validate"/>: every fault, and the entries that count.</summary>
public sealed class TimeEntryValidationReport
{
    internal TimeEntryValidationReport(TimeEntryFault[] faults, TimeEntry[] accepted, TimeEntry[] chronological)
    {
        Faults = faults;
        Accepted = accepted;
        Chronological = chronological;
    }

    /// <summary>Gets the accepted entries in order of start, then id (sorted once here, so that pricing need not sort again).</summary>
    internal TimeEntry[] Chronological { get; }

    /// <summary>Gets every fault, ordered by entry id then kind.</summary>
    public IReadOnlyList<TimeEntryFault> Faults { get; }

    /// <summary>Gets the entries that count, in input order: without errors and not superseded by an entry without errors.</summary>
    public IReadOnlyList<TimeEntry> Accepted { get; }

    /// <summary>Gets a value indicating whether any fault is an error.</summary>
    public bool HasErrors => Faults.Any(f => f.Severity == FaultSeverity.Error);

    /// <summary>Throws when any fault is an error.</summary>
    /// <exception cref="InvalidDefinitionException">Listing every error.</exception>
    public void ThrowIfErrors()
    {
        if (HasErrors)
        {
            throw new InvalidDefinitionException("set of time entries", Faults.Where(f => f.Severity == FaultSeverity.Error).Select(f => $"{f.Entry}: {f.Kind}: {f.Message}"));
        }
    }
}

/// <summary>Validates time entries: durations, future entries, duplicates, corrections and same-agent overlaps.</summary>
/// <remarks>
/// Pure and thread-safe: it reads no clock (pass <c>now</c>) and keeps no state. Corrections are resolved here: an
/// entry is superseded only by a correction that has no error itself, so a faulty correction leaves the original in
/// force. Identical copies of an entry (same id and content) are counted once without a fault.
/// </remarks>
public static class TimeEntryValidator
{
    /// <summary>Validates a set of entries.</summary>
    /// <param name="entries">The entries (typically all entries of a contract, or of an agent).</param>
    /// <param name="now">The current instant, for the future check.</param>
    /// <param name="options">The settings, or <see langword="null"/> for the defaults.</param>
    /// <param name="billed">Entries as they were when billed, by id, to detect edits of billed entries; or <see langword="null"/>.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entries"/> or an entry is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is outside its range.</exception>
    public static TimeEntryValidationReport Validate(
        IEnumerable<TimeEntry> entries, Instant now, TimeEntryValidationOptions? options = null, IReadOnlyDictionary<TimeEntryId, TimeEntry>? billed = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        options ??= new TimeEntryValidationOptions();
        options.Check();
        var faults = new List<TimeEntryFault>();
        var capacity = entries.TryGetNonEnumeratedCount(out var known) ? known : 0;
        var list = new List<TimeEntry>(capacity);
        var byId = new Dictionary<TimeEntryId, TimeEntry>(capacity);
        var anyCorrection = false;
        var failed = new HashSet<TimeEntryId>();
        foreach (var entry in entries)
        {
            ArgumentNullException.ThrowIfNull(entry, nameof(entries));
            if (byId.TryGetValue(entry.Id, out var first))
            {
                if (first != entry)
                {
                    // Neither copy is billed: which one is right cannot be told from the order the caller happened to pass.
                    faults.Add(new(entry.Id, TimeEntryFaultKind.DuplicateId, FaultSeverity.Error,
                        $"Entry {TextPolicy.Echo(entry.Id)} appears more than once with different content; none of them is billed until ids are unique.", entry.Id));
                    failed.Add(entry.Id);
                }

                continue;
            }

            byId.Add(entry.Id, entry);
            list.Add(entry);
            anyCorrection |= entry.Supersedes is not null;
        }

        var latest = now + options.FutureTolerance;
        foreach (var e in list)
        {
            if (e.Start < Events.TimeLogged.MinStarted || e.Start >= Events.TimeLogged.MaxStarted)
            {
                Error(e, TimeEntryFaultKind.StartOutOfRange, $"The start {e.Start} is outside {Events.TimeLogged.MinStarted} to before {Events.TimeLogged.MaxStarted}.");
                continue;
            }

            if (e.Duration <= Duration.Zero)
            {
                Error(e, TimeEntryFaultKind.NonPositiveDuration, $"The duration {e.Duration} is not positive.");
            }
            else if (e.Duration > options.MaxDuration)
            {
                Error(e, TimeEntryFaultKind.DurationTooLong, $"The duration {e.Duration} exceeds the maximum {options.MaxDuration}.");
            }

            if (e.Start + e.Duration > latest)
            {
                Error(e, TimeEntryFaultKind.InFuture, $"The entry ends at {e.Start + e.Duration}, after now ({now}) plus the tolerance {options.FutureTolerance}.");
            }

            if (billed is not null && billed.TryGetValue(e.Id, out var snapshot) && snapshot != e
                && !(e.Approval == ApprovalState.Approved && snapshot with { Approval = ApprovalState.Approved } == e))
            {
                Error(e, TimeEntryFaultKind.BilledEntryModified, $"Entry {TextPolicy.Echo(e.Id)} was billed and has changed since; record a correction (a new entry that supersedes it) instead.");
            }
        }

        var superseded = anyCorrection ? Corrections() : null;
        var accepted = list;
        if (failed.Count > 0 || superseded is { Count: > 0 })
        {
            accepted = new List<TimeEntry>(list.Count);
            foreach (var e in list)
            {
                if (!failed.Contains(e.Id) && superseded?.Contains(e.Id) != true)
                {
                    accepted.Add(e);
                }
            }
        }

        // Overlaps: every agent's entries in order of start, then id (one sort for all agents).
        var chronological = accepted.ToArray();
        Array.Sort(chronological, static (x, y) => x.Start != y.Start ? x.Start.CompareTo(y.Start) : x.Id.CompareTo(y.Id));
        var running = new Dictionary<AgentId, (Instant End, TimeEntryId Owner)>();
        foreach (var e in chronological)
        {
            if (running.TryGetValue(e.Agent, out var last))
            {
                if (e.Start < last.End)
                {
                    faults.Add(new(e.Id, TimeEntryFaultKind.Overlap, FaultSeverity.Warning, $"Agent {TextPolicy.Echo(e.Agent)} has entry {TextPolicy.Echo(last.Owner)} running until {last.End}, after this entry starts at {e.Start}.", last.Owner));
                }

                if (e.End > last.End)
                {
                    running[e.Agent] = (e.End, e.Id);
                }
            }
            else
            {
                running.Add(e.Agent, (e.End, e.Id));
            }
        }

        var ordered = faults.ToArray();
        if (ordered.Length > 1)
        {
            // Stable, like the OrderBy it replaces: faults of the same entry and kind keep their order.
            var sorted = ordered.Select((f, i) => (f, i)).ToArray();
            Array.Sort(sorted, static (x, y) =>
            {
                var c = x.f.Entry.CompareTo(y.f.Entry);
                c = c != 0 ? c : x.f.Kind.CompareTo(y.f.Kind);
                return c != 0 ? c : x.i.CompareTo(y.i);
            });
            for (var i = 0; i < sorted.Length; i++)
            {
                ordered[i] = sorted[i].f;
            }
        }

        return new TimeEntryValidationReport(ordered, [.. accepted], chronological);

        // Resolves corrections (only when some entry supersedes another): errors for bad ones, the set of superseded ids.
        HashSet<TimeEntryId> Corrections()
        {
            var correctionOf = new Dictionary<TimeEntryId, TimeEntryId>();
            foreach (var e in list)
            {
                if (e.Supersedes is not { } target || failed.Contains(e.Id))
                {
                    continue;
                }

                if (target == e.Id)
                {
                    Error(e, TimeEntryFaultKind.CorrectionCycle, $"Entry {TextPolicy.Echo(e.Id)} supersedes itself.", target);
                }
                else if (!byId.ContainsKey(target))
                {
                    Error(e, TimeEntryFaultKind.UnknownSupersededEntry, $"Entry {TextPolicy.Echo(e.Id)} supersedes {TextPolicy.Echo(target)}, which is not among the entries given.", target);
                }
                else if (!correctionOf.TryAdd(target, e.Id))
                {
                    Error(e, TimeEntryFaultKind.AlreadySuperseded, $"Entry {TextPolicy.Echo(target)} is already corrected by {TextPolicy.Echo(correctionOf[target])}; correct that correction instead.", target);
                }
            }

            var cycles = new List<TimeEntry>();
            foreach (var e in list)
            {
                if (e.Supersedes is not { } cursor || failed.Contains(e.Id))
                {
                    continue;
                }

                for (var steps = 0; steps <= list.Count && byId.TryGetValue(cursor, out var next) && next.Supersedes is { } up; steps++)
                {
                    if (up == e.Id)
                    {
                        cycles.Add(e);
                        break;
                    }

                    cursor = up;
                }
            }

            foreach (var e in cycles)
            {
                Error(e, TimeEntryFaultKind.CorrectionCycle, $"Entry {TextPolicy.Echo(e.Id)} is part of a cycle of corrections.", e.Supersedes);
            }

            var result = new HashSet<TimeEntryId>();
            foreach (var e in list)
            {
                if (e.Supersedes is { } target && !failed.Contains(e.Id))
                {
                    result.Add(target);
                }
            }

            return result;
        }

        void Error(TimeEntry e, TimeEntryFaultKind kind, string message, TimeEntryId? other = null)
        {
            failed.Add(e.Id);
            faults.Add(new(e.Id, kind, FaultSeverity.Error, message, other));
        }
    }
}
