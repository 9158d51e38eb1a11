namespace Gasometer.Import;

/// <summary>
/// The import's folder of temporary files under TMPDIR. The import keeps a lock file in it open with
/// FileShare.None (on Linux and macOS .NET takes an exclusive flock for that) for as long as it runs,
/// so a later import can tell a folder left behind by one that was killed (nobody holds its lock)
/// from one in use, and delete it. A process id would not do: in containers sharing /tmp, or after
/// the id is reused, it names some other process.
/// </summary>
public sealed class SpillFolder : IDisposable
{
    public const string Prefix = "gasometer-spill-";
    public const string LockName = ".lock";

    /// <summary>
    /// A folder without a lock file belongs to an import that is between creating the folder and its
    /// lock, or that died right there: only after this long is it taken as abandoned.
    /// </summary>
    static readonly TimeSpan WithoutLockGrace = TimeSpan.FromHours(1);

    readonly FileStream lockFile;

    SpillFolder(DirectoryInfo folder, FileStream lockFile)
    {
        Folder = folder;
        this.lockFile = lockFile;
    }

    public DirectoryInfo Folder { get; }

    /// <summary>Deletes abandoned folders, then makes this import's own, locked.</summary>
    public static SpillFolder Create()
    {
        var root = Path.GetTempPath();
        DeleteAbandoned(root);
        DirectoryInfo? folder = null;
        try
        {
            folder = Directory.CreateTempSubdirectory(Prefix);
            return new SpillFolder(folder, OpenLock(folder, FileMode.CreateNew));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (folder is not null) Delete(folder);
            throw new TempFilesException(root, e);
        }
    }

    /// <summary>
    /// Deletes the folders of imports that are gone. Best effort: a folder that cannot be listed,
    /// inspected or deleted is left as it is, and never stops the import that found it.
    /// </summary>
    public static void DeleteAbandoned(string root)
    {
        try
        {
            foreach (var folder in new DirectoryInfo(root).EnumerateDirectories(Prefix + "*"))
                if (folder.LinkTarget is null) DeleteIfAbandoned(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    static void DeleteIfAbandoned(DirectoryInfo folder)
    {
        FileStream held;
        try
        {
            held = OpenLock(folder, FileMode.Open);
        }
        catch (FileNotFoundException)
        {
            if (DateTime.UtcNow - folder.LastWriteTimeUtc > WithoutLockGrace) Delete(folder);
            return;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return; // its import holds the lock: in use
        }
        // Deleted while this import holds the lock, so no other can take the folder for abandoned meanwhile.
        using (held) Delete(folder);
    }

    static FileStream OpenLock(DirectoryInfo folder, FileMode mode) =>
        new(Path.Combine(folder.FullName, LockName), mode, FileAccess.ReadWrite, FileShare.None);

    static void Delete(DirectoryInfo folder)
    {
        try { folder.Delete(recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    public void Dispose()
    {
        lockFile.Dispose();
        Delete(Folder);
    }
}
