namespace Gasometer.Import;

/// <summary>One copy of an API response as a line carried it, or (merged) the response itself.</summary>
public readonly record struct UsageCopy(string Key, long At, int Session, long Input, long Output, long CacheWrite5m,
    long CacheWrite1h, long CacheRead, long WebSearches, bool Fast, string Model, decimal? CostUsd)
{
    public long Total => Input + Output + CacheWrite5m + CacheWrite1h + CacheRead;

    public static UsageCopy Of(ApiCall call) => new(call.Key, call.FirstAt, call.Session, call.Input, call.Output,
        call.CacheWrite5m, call.CacheWrite1h, call.CacheRead, call.WebSearches, call.Fast, call.Model, call.CostUsd);
}

/// <summary>
/// Records spread over a few temporary files by a number the caller picks (a hash of the response's
/// key, or the session), each file written and read back in order. The transcript import keeps its
/// per-response state here between passes, so memory holds one file's records at a time instead of
/// every response of the corpus: a 4 GB corpus kept 120,000 responses (about 50 MB) in memory before.
/// </summary>
public sealed class CallSpill : IDisposable
{
    readonly string folder;
    readonly BinaryWriter?[] writers;
    readonly string name;

    public CallSpill(string folder, string name, int parts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        this.folder = folder;
        this.name = name;
        writers = new BinaryWriter?[parts];
    }

    public int Parts => writers.Length;

    string PathOf(int part) => Path.Combine(folder, $"{name}-{part}.bin");

    public void Add(int part, in UsageCopy copy)
    {
        try
        {
            Write(part, copy);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TempFilesException(folder, e);
        }
    }

    void Write(int part, in UsageCopy copy)
    {
        var w = writers[part] ??= new BinaryWriter(new FileStream(PathOf(part), FileMode.CreateNew, FileAccess.Write,
            FileShare.None, 1 << 14));
        w.Write(copy.Key);
        w.Write(copy.At);
        w.Write(copy.Session);
        w.Write(copy.Input);
        w.Write(copy.Output);
        w.Write(copy.CacheWrite5m);
        w.Write(copy.CacheWrite1h);
        w.Write(copy.CacheRead);
        w.Write(copy.WebSearches);
        w.Write(copy.Fast);
        w.Write(copy.Model);
        w.Write(copy.CostUsd.HasValue);
        if (copy.CostUsd is { } usd) w.Write(usd);
    }

    /// <summary>The part's records in the order they were added; the part's file is deleted once read.</summary>
    public IEnumerable<UsageCopy> Read(int part)
    {
        if (writers[part] is not { } w) yield break;
        writers[part] = null;
        BinaryReader r;
        try
        {
            w.Dispose(); // writes what is still buffered
            r = new BinaryReader(new FileStream(PathOf(part), FileMode.Open, FileAccess.Read, FileShare.None, 1 << 16,
                FileOptions.SequentialScan | FileOptions.DeleteOnClose));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TempFilesException(folder, e);
        }
        using (r)
        {
            while (r.BaseStream.Position < r.BaseStream.Length)
            {
                var key = r.ReadString();
                long at = r.ReadInt64();
                int session = r.ReadInt32();
                long input = r.ReadInt64(), output = r.ReadInt64(), write5m = r.ReadInt64(), write1h = r.ReadInt64(),
                    cacheRead = r.ReadInt64(), webSearches = r.ReadInt64();
                bool fast = r.ReadBoolean();
                var model = r.ReadString();
                decimal? cost = r.ReadBoolean() ? r.ReadDecimal() : null;
                yield return new UsageCopy(key, at, session, input, output, write5m, write1h, cacheRead, webSearches, fast, model, cost);
            }
        }
    }

    /// <summary>Closes and deletes every file, each on its own: one that cannot be flushed (a full disk) still goes.</summary>
    public void Dispose()
    {
        for (int i = 0; i < writers.Length; i++)
        {
            try { writers[i]?.Dispose(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            writers[i] = null;
            try { File.Delete(PathOf(i)); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }
}

/// <summary>The import's temporary files could not be written or read back (no space, no permission, removed): a clear message, not a crash.</summary>
public sealed class TempFilesException(string folder, Exception inner)
    : IOException($"Cannot use the import's temporary files in {folder}: {inner.Message.TrimEnd('.')}. Make sure the folder exists, is writable and has room (about 1% of the transcripts), or point TMPDIR at one that does.", inner);
