using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using ServiceDesk.Events;
using ServiceDesk.Serialization;

namespace ServiceDesk.Storage.Sqlite;

/// <content>The faults of the file and its rows: a database file moved, deleted or replaced while the store is open, a
/// path that is not a SQLite database or cannot hold one, and stored JSON that no longer reads.</content>
public sealed partial class SqliteTicketStore
{
    /// <summary>The first 16 bytes of every SQLite database file.</summary>
    private static readonly byte[] SqliteHeader = "SQLite format 3\0"u8.ToArray();

    /// <summary>Set once the file was found moved, deleted or replaced: every later operation fails with it.</summary>
    private volatile string? _moved;

    /// <summary>Checks a path before SQLite opens it, so that a bad path fails with a clear message instead of SQLite
    /// creating a database over an unrelated file or the runtime throwing <see cref="DirectoryNotFoundException"/>.</summary>
    /// <param name="path">The full path of the database file.</param>
    /// <exception cref="StorageException">The path is an existing file that is not a SQLite database, or lies under a
    /// regular file; or its folder cannot be created. (A folder at the path is left to SQLite, which cannot open it.)</exception>
    private static void CheckPath(string path)
    {
        if (File.Exists(path))
        {
            CheckHeader(path);
            return;
        }

        var folder = Path.GetDirectoryName(path);
        for (var ancestor = folder; !string.IsNullOrEmpty(ancestor); ancestor = Path.GetDirectoryName(ancestor))
        {
            if (File.Exists(ancestor))
            {
                throw BadPath(path, $"'{ancestor}' is a file, not a folder, so no database can be created under it", null);
            }

            if (Directory.Exists(ancestor))
            {
                break;
            }
        }

        if (!string.IsNullOrEmpty(folder))
        {
            try
            {
                Directory.CreateDirectory(folder);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw BadPath(path, $"its folder cannot be created ({ex.Message})", ex);
            }
        }
    }

    /// <summary>Refuses an existing non-empty file that does not start with SQLite's header: SQLite would otherwise take a
    /// short file for an empty database and overwrite it.</summary>
    private static void CheckHeader(string path)
    {
        var header = new byte[SqliteHeader.Length];
        int read;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            read = file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw BadPath(path, $"it cannot be read ({ex.Message})", ex);
        }

        // An empty file is an empty database to SQLite (as `touch` leaves it); anything else must be a database already.
        if (read > 0 && (read < header.Length || !header.AsSpan().SequenceEqual(SqliteHeader)))
        {
            throw BadPath(path, "it exists and is not a SQLite database (its first bytes are not the SQLite header); it is left untouched", null);
        }
    }

    private static StorageException BadPath(string path, string why, Exception? inner)
        => new($"The SQLite ticket store cannot use '{path}': {why}.", inner) { IsTransient = false };

    /// <summary>Fails when the database file this connection has open is no longer the file at <see cref="DataSource"/>
    /// (deleted, renamed or replaced): what it would write could not be read after a restart. Called when a connection is
    /// taken and again just before a write transaction commits.</summary>
    /// <exception cref="StorageException">The file moved; the store stays failed until it is opened again.</exception>
    private void CheckNotMoved(SqliteConnection connection)
    {
        if (_moved is { } moved)
        {
            throw new StorageException(moved, null) { IsTransient = false };
        }

        if (!FileIdentity.HasMoved(connection))
        {
            return;
        }

        var message = $"The SQLite ticket store '{DataSource}' lost its database file: the file it opened was deleted, renamed or replaced " +
            "while the store was open, so nothing written now would survive a restart. Nothing more is written; restore the file " +
            "and open the store again.";
        _moved = message;

        // Pooled connections hold the old file; drop them so that a store opened again reads the file at the path.
        SqliteConnection.ClearPool(connection);
        throw new StorageException(message, null) { IsTransient = false };
    }

    /// <summary>Commits a write transaction, unless the database file moved since the connection was taken.</summary>
    private void Commit(SqliteConnection connection, SqliteTransaction transaction)
    {
        CheckNotMoved(connection);
        transaction.Commit();
    }

    /// <summary>Reads a ticket snapshot stored in a row, naming the row when it does not read.</summary>
    /// <exception cref="StorageException">The snapshot is not a valid ticket.</exception>
    private Ticket ReadTicket(string json, string table, string tenant, string key)
    {
        try
        {
            return ServiceDeskJson.DeserializeTicket(json);
        }
        catch (JsonException ex)
        {
            throw CorruptRow(table, tenant, key, ex);
        }
    }

    /// <summary>Reads an event stored in a row of <c>ticket_events</c>, naming the row when it does not read.</summary>
    /// <exception cref="StorageException">The payload is not a valid event.</exception>
    private TicketEvent ReadEvent(string json, string tenant, string ticket, long version)
    {
        try
        {
            return ServiceDeskJson.DeserializeEvent(json);
        }
        catch (JsonException ex)
        {
            throw CorruptRow("ticket_events", tenant, $"ticket {ticket}, version {version}", ex);
        }
    }

    /// <summary>The error of a stored row that does not read back.</summary>
    private StorageException CorruptRow(string table, string tenant, string key, Exception inner)
        => new(
            $"The SQLite ticket store '{DataSource}' holds a corrupt row in table '{table}' (tenant '{tenant}', {key}): {inner.Message}",
            inner)
        {
            IsTransient = false,
        };

    /// <summary>SQLite's <c>SQLITE_FCNTL_HAS_MOVED</c> file control, called through the native library that
    /// Microsoft.Data.Sqlite uses (SQLitePCLRaw does not wrap <c>sqlite3_file_control</c>).</summary>
    /// <remarks>The check is a <c>stat</c> of the path compared with the open file's inode: about a microsecond. When the
    /// native library does not export the function (a provider other than SQLite's own), the check is off.</remarks>
    private static class FileIdentity
    {
        private const int HasMovedOp = 20; // SQLITE_FCNTL_HAS_MOVED

        private static readonly FileControl? Control = Load();

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate int FileControl(IntPtr db, IntPtr databaseName, int op, ref int result);

        /// <summary>Gets a value indicating whether the check is available.</summary>
        public static bool IsAvailable => Control is not null;

        public static bool HasMoved(SqliteConnection connection)
        {
            if (Control is null || connection.Handle is not { } handle)
            {
                return false;
            }

            var moved = 0;
            var added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                // A NULL database name means "main". SQLITE_OK with a non-zero result: the file moved.
                var rc = Control(handle.DangerousGetHandle(), IntPtr.Zero, HasMovedOp, ref moved);
                return rc == 0 && moved != 0;
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
            }
        }

        private static FileControl? Load()
        {
            try
            {
                var name = SQLitePCL.raw.GetNativeLibraryName();
                if (NativeLibrary.TryLoad(name, typeof(SQLitePCL.raw).Assembly, null, out var library)
                    && NativeLibrary.TryGetExport(library, "sqlite3_file_control", out var address))
                {
                    return Marshal.GetDelegateForFunctionPointer<FileControl>(address);
                }
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or InvalidOperationException)
            {
                // No native library this code can reach: the check is off (documented).
            }

            return null;
        }
    }

    /// <summary>Gets a value indicating whether this process can detect a database file moved, deleted or replaced while a
    /// store is open (see <see cref="SqliteTicketStore"/>'s remarks): <see langword="true"/> with the SQLite library that
    /// Microsoft.Data.Sqlite ships.</summary>
    public static bool DetectsMovedFile => FileIdentity.IsAvailable;
}
