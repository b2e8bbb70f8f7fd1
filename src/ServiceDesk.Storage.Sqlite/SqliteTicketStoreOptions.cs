using System.Globalization;
using NodaTime;

namespace ServiceDesk.Storage.Sqlite;

/// <summary>How durably SQLite writes a committed transaction to disk.</summary>
public enum SqliteDurability
{
    /// <summary>
    /// <c>PRAGMA synchronous = NORMAL</c> with the WAL journal (the default): a committed append survives the process
    /// being killed; the last commits may be lost if the machine loses power.
    /// </summary>
    Normal = 1,

    /// <summary><c>PRAGMA synchronous = FULL</c>: a committed append also survives a power loss; each commit is slower.</summary>
    Full = 2,
}

/// <summary>Options of <see cref="SqliteTicketStore"/>.</summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>option</term><description>default</description></listheader>
/// <item><term><see cref="DataSource"/></term><description>required: the database file path</description></item>
/// <item><term><see cref="Durability"/></term><description><see cref="SqliteDurability.Normal"/></description></item>
/// <item><term><see cref="BusyTimeout"/></term><description>30 seconds</description></item>
/// <item><term><see cref="PageCacheSize"/></term><description>64 MiB per connection</description></item>
/// <item><term><see cref="MemoryMapSize"/></term><description>0 (reads through the page cache)</description></item>
/// <item><term><see cref="OnCorruptRow"/></term><description>none</description></item>
/// </list>
/// </remarks>
public sealed class SqliteTicketStoreOptions
{
    /// <summary>A shallow copy, for registrations that fill in defaults without changing the caller's instance.</summary>
    internal SqliteTicketStoreOptions Clone() => (SqliteTicketStoreOptions)MemberwiseClone();

    /// <summary>Gets or sets the path of the database file; created, with its folder, when absent.</summary>
    public string DataSource { get; set; } = string.Empty;

    /// <summary>Gets or sets how durably commits are written. Default: <see cref="SqliteDurability.Normal"/>.</summary>
    public SqliteDurability Durability { get; set; } = SqliteDurability.Normal;

    /// <summary>Gets or sets how long a command waits for another writer's lock before failing. Default: 30 seconds;
    /// 1 second to 10 minutes.</summary>
    public Duration BusyTimeout { get; set; } = Duration.FromSeconds(30);

    /// <summary>The largest <see cref="PageCacheSize"/>: 4 GiB.</summary>
    public const long MaxPageCacheSize = 4L * 1024 * 1024 * 1024;

    /// <summary>The largest <see cref="MemoryMapSize"/>: 2,147,418,112 bytes (just under 2 GiB), the most the bundled SQLite
    /// maps (its compile-time <c>SQLITE_MAX_MMAP_SIZE</c>); a larger value would be cut to it without a word.</summary>
    public const long MaxMemoryMapSize = 0x7fff0000;

    /// <summary>Gets or sets the most memory, in bytes, each pooled connection keeps of the database's pages
    /// (<c>PRAGMA cache_size</c>). Default: 64 MiB; 1 MiB to <see cref="MaxPageCacheSize"/>.</summary>
    /// <remarks>SQLite's own default is 2 MiB, too small for a desk of thousands of tickets: pages are read again and
    /// again from the file, and a batch that changes more pages than the cache holds spills them into the log before it
    /// commits. The memory is taken only as pages are read, and is returned when the store is disposed.</remarks>
    public long PageCacheSize { get; set; } = 64L * 1024 * 1024;

    /// <summary>Gets or sets how many bytes of the database file each connection reads through a memory map
    /// (<c>PRAGMA mmap_size</c>). Default: 0, no memory map; 0 to <see cref="MaxMemoryMapSize"/>.</summary>
    /// <remarks>A memory map saves a copy and a system call per page read, but SQLite then learns of an I/O error
    /// (a disk failing, the file truncated by another program) as a signal that ends the process instead of as an error
    /// it can report, which is why it is off unless asked for.</remarks>
    public long MemoryMapSize { get; set; }

    /// <summary>Gets or sets what is told of each corrupt stored event that <see cref="SqliteTicketStore.ReadOutboxAsync"/>
    /// skips: a <see cref="StorageException"/> naming the table, the tenant, the ticket, the version and the outbox
    /// position, with the JSON error as its inner exception. Default: <see langword="null"/> (skipped without a report).</summary>
    /// <remarks>A corrupt event never fails the outbox read: it is skipped together with the later messages of its ticket
    /// (so that a consumer never sees a ticket's events out of order), and every other ticket and tenant is read as
    /// usual. Each read reports it again until an operator repairs the row (it is then read as usual) or acknowledges its
    /// position with <see cref="SqliteTicketStore.AcknowledgeOutboxAsync"/> (the ticket's later messages then follow).
    /// Log it here; an exception thrown by the callback fails the read instead.</remarks>
    public Action<StorageException>? OnCorruptRow { get; set; }

    internal void Validate()
    {
        var faults = new List<string>();
        if (string.IsNullOrWhiteSpace(DataSource))
        {
            faults.Add("DataSource: a database file path is required");
        }
        else if (DataSource.Contains(';', StringComparison.Ordinal) || DataSource.StartsWith(":memory:", StringComparison.Ordinal))
        {
            faults.Add($"DataSource: '{DataSource}' must be a file path (no ';', not :memory:)");
        }

        CollectSettingFaults(faults, string.Empty);

        if (faults.Count > 0)
        {
            throw new InvalidDefinitionException("SQLite ticket store options", faults);
        }
    }

    /// <summary>Lists the faults of every option but <see cref="DataSource"/>, each prefixed by <paramref name="prefix"/>
    /// (the start-up validation of <c>AddServiceDesk()</c> passes <c>"Sqlite."</c>).</summary>
    internal void CollectSettingFaults(ICollection<string> faults, string prefix)
    {
        if (!Enum.IsDefined(Durability))
        {
            faults.Add($"{prefix}Durability: {(int)Durability} is not Normal or Full");
        }

        if (BusyTimeout < Duration.FromSeconds(1) || BusyTimeout > Duration.FromMinutes(10))
        {
            faults.Add($"{prefix}BusyTimeout: {BusyTimeout} is outside 1 second to 10 minutes");
        }

        if (PageCacheSize < 1024 * 1024 || PageCacheSize > MaxPageCacheSize)
        {
            faults.Add(string.Create(CultureInfo.InvariantCulture, $"{prefix}PageCacheSize: {PageCacheSize} bytes is outside 1 MiB (1048576) to 4 GiB ({MaxPageCacheSize})"));
        }

        if (MemoryMapSize < 0 || MemoryMapSize > MaxMemoryMapSize)
        {
            faults.Add(string.Create(CultureInfo.InvariantCulture, $"{prefix}MemoryMapSize: {MemoryMapSize} bytes is outside 0 to {MaxMemoryMapSize}"));
        }
    }
}
