using System.Collections.Concurrent;
using Microsoft.Win32.SafeHandles;

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
/// Corrupt" warns of exactly this), so the handle lives as long as the process.
/// </summary>
static class DatabaseFileSync
{
    static readonly ConcurrentDictionary<string, SafeFileHandle> kept = new();

    public static void Flush(string path)
    {
        var handle = kept.GetOrAdd(path, p => File.OpenHandle(p, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        RandomAccess.FlushToDisk(handle);
    }
}
