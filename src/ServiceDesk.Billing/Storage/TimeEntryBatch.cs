namespace ServiceDesk.Billing;

/// <summary>The argument checks of <see cref="IBillingStore.AddTimeEntriesAsync"/> and
/// <see cref="IBillingStore.AddTimeEntryUnlessOverlappingAsync"/>, shared by the adapters.</summary>
public static class TimeEntryBatch
{
    /// <summary>Checks a batch of time entries: not null, 1 to <see cref="IBillingStore.MaxEntriesPerAdd"/> entries, none null.</summary>
    /// <param name="entries">The entries.</param>
    /// <exception cref="ArgumentNullException"><paramref name="entries"/> or an entry is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="entries"/> is empty or too long.</exception>
    public static void Validate(IReadOnlyList<TimeEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count is < 1 or > IBillingStore.MaxEntriesPerAdd)
        {
            throw new ArgumentOutOfRangeException(
                nameof(entries), entries.Count, $"A batch holds 1 to {IBillingStore.MaxEntriesPerAdd:N0} time entries; got {entries.Count:N0}.");
        }

        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i] is null)
            {
                throw new ArgumentNullException(nameof(entries), $"entries[{i}] is null.");
            }
        }
    }

    /// <summary>Checks the entry of <see cref="IBillingStore.AddTimeEntryUnlessOverlappingAsync"/>: not null, a positive duration.</summary>
    /// <param name="entry">The entry.</param>
    /// <exception cref="ArgumentNullException"><paramref name="entry"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The duration is zero or negative.</exception>
    public static void CheckOverlapCandidate(TimeEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Duration <= NodaTime.Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(
                nameof(entry), entry.Duration, $"Time entry {TextPolicy.Echo(entry.Id)}: the duration {entry.Duration} is outside the valid range: more than 0.");
        }
    }
}
