using System.Runtime.InteropServices;

namespace Gasometer.Storage;

/// <summary>
/// Flushes the SQLite database file to disk from outside SQLite. A passive checkpoint copies pages
/// into the database file but only syncs it when it reaches the end of the WAL, which under
/// continuous writes it never does; the pages then wait in the page cache until the WAL restart,
/// whose single fsync wrote a second's worth of scattered pages (15-20 ms) while every request
/// queued behind the writer waited. Flushing after each passive pass, off the writer, leaves the
/// restart only the pages it copies itself.
///
/// The file is opened once per process and never closed: closing any descriptor of a file drops
/// every POSIX lock this process holds on it, SQLite's included (the SQLite documentation's "How To
/// Corrupt" warns of exactly this), so the descriptor lives as long as the process. It is opened with
/// open(2) itself rather than through .NET, which would also take a whole-file flock that on BSD
/// systems (macOS) interacts with SQLite's own locks. Elsewhere (Windows) nothing is flushed here.
/// </summary>
static class DatabaseFileSync
{
    static readonly Lock gate = new();
    static readonly Dictionary<string, int> kept = [];

    public static void Flush(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD()) return;
        int fd;
        lock (gate)
        {
            if (!kept.TryGetValue(path, out fd))
            {
                fd = Open(path, CloseOnExec); // read-only: fsync needs no write access
                if (fd < 0) throw new IOException($"Cannot open {path} to flush it (errno {Marshal.GetLastPInvokeError()})");
                kept[path] = fd;
            }
        }
        if (Fsync(fd) != 0) throw new IOException($"Cannot flush {path} (errno {Marshal.GetLastPInvokeError()})");
    }

    /// <summary>O_RDONLY | O_CLOEXEC: a child process never inherits the descriptor.</summary>
    static int CloseOnExec => OperatingSystem.IsMacOS() ? 0x1000000 : OperatingSystem.IsFreeBSD() ? 0x100000 : 0x80000;

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    static extern int Fsync(int fd);
}
