namespace ServiceDesk.Billing;

/// <summary>The argument checks of <see cref="IBillingStore.AddTimeEntriesAsync"/>, shared by the adapters.</summary>
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
}
