using System.Runtime.InteropServices;

namespace Gasometer.Import;

/// <summary>One API response while its copies are merged (see <see cref="TranscriptScan.MergeCopies"/>).</summary>
public sealed class ApiCall(string key)
{
    public string Key { get; } = key;

    /// <summary>The earliest timestamp any copy carries: when the response happened.</summary>
    public long FirstAt { get; set; } = long.MaxValue;

    /// <summary>The session of the earliest copy (see <see cref="TranscriptScan.Resolve"/> for ties).</summary>
    public int Session { get; set; } = -1;

    /// <summary>Other sessions holding a copy with the same earliest timestamp: a resumed session's replay.</summary>
    public List<int>? TiedSessions { get; set; }

    public long BestTotal { get; set; } = -1;
    public string Model { get; set; } = "";
    public long Input, Output, CacheWrite5m, CacheWrite1h, CacheRead, WebSearches;
    public bool Fast { get; set; }
    public decimal? CostUsd { get; set; }
}

/// <summary>A Claude Code session as found on disk: its main file and any sub-agent files.</summary>
public sealed class TranscriptSession(string id, string projectFolder)
{
    public string Id { get; } = id;
    public string ProjectFolder { get; } = projectFolder;
    public string? Cwd { get; set; }
    public bool CwdFromMainFile { get; set; }
    public long FirstAt { get; set; } = long.MaxValue;
    public long LastAt { get; set; } = long.MinValue;
}

/// <summary>
/// The reading half of a transcript import. First pass: reads every file once, line by line, and
/// spills each usage line's copy of an API response to one of a few temporary files chosen by the
/// response's key (message.id + requestId, or message.id alone). Second pass, one file at a time:
/// merges each response's copies into one record, the copy with the largest token total (streaming
/// writes early lines with a partial output count) placed at the earliest timestamp any copy has
/// (replays and sidechain copies repeat a response with its original time), and spills it again by
/// session. Third pass: hands back each session's responses. Memory holds one file's worth of
/// responses at a time, and the files grow in number with the corpus, not in size.
/// </summary>
public sealed class TranscriptScan : IDisposable
{
    public const string Synthetic = "<synthetic>";
    const int MaxSkippedListed = 1_000;

    /// <summary>Corpus bytes per spill file: a few thousand responses, a few megabytes in memory when merged.</summary>
    public const long BytesPerPart = 128L << 20;

    /// <summary>At most this many spill files (open at once while reading): memory is flat up to 32 GB of transcripts.</summary>
    const int MaxParts = 256;

    readonly Dictionary<string, int> sessionIndex = new(StringComparer.Ordinal);
    readonly Dictionary<string, string> models = new(StringComparer.Ordinal);
    readonly SpillFolder spillFolder = SpillFolder.Create();
    readonly CallSpill copies, bySession;

    /// <param name="parts">how many spill files; <see cref="PartsFor"/> picks it from the corpus size.</param>
    public TranscriptScan(int parts = 1)
    {
        copies = new CallSpill(spillFolder.Folder.FullName, "copies", parts);
        bySession = new CallSpill(spillFolder.Folder.FullName, "sessions", parts);
    }

    public static int PartsFor(long corpusBytes) => (int)Math.Clamp(corpusBytes / BytesPerPart + 1, 1, MaxParts);

    public List<TranscriptSession> Sessions { get; } = [];
    public List<SkippedLine> Skipped { get; } = [];

    /// <summary>Distinct API responses, known after <see cref="MergeCopies"/>.</summary>
    public long ApiCalls { get; private set; }

    /// <summary>Sessions with at least one response, known after <see cref="MergeCopies"/>.</summary>
    public int SessionsWithCalls { get; private set; }

    public int Files { get; private set; }
    public long Bytes { get; private set; }
    public long Lines { get; private set; }
    public long SkippedCount { get; private set; }
    public long UsageLines { get; private set; }
    public long SyntheticLines { get; private set; }

    /// <summary>Every *.jsonl under the roots, in a fixed order so an import never depends on directory listing order.</summary>
    public static List<(string Root, string Path)> FindFiles(IEnumerable<string> roots)
    {
        var files = new List<(string, string)>();
        foreach (var root in roots)
        {
            var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 };
            foreach (var path in Directory.EnumerateFiles(root, "*.jsonl", options)) files.Add((root, path));
        }
        files.Sort((a, b) => string.CompareOrdinal(a.Item2, b.Item2));
        return files;
    }

    /// <summary>What one file holds, read without touching shared state so files can be read in parallel.</summary>
    public sealed class FileRead
    {
        public required string Path { get; init; }
        public string? OwnSessionId, ProjectFolder = "", Cwd, LineSessionId;
        public bool IsSubAgent;
        public long FirstAt = long.MaxValue, LastAt = long.MinValue;
        public long Bytes, Lines, SkippedCount, UsageLines, SyntheticLines;
        public List<SkippedLine> Skipped { get; } = [];
        public List<(string Key, long At, TranscriptLine Line)> Copies { get; } = [];
    }

    /// <summary>How many files the readers may finish ahead of the merge: bounds memory whatever the corpus size.</summary>
    const int ReadAhead = 32;

    /// <summary>
    /// Reads every file on all cores and merges them in file order, so the result never depends on
    /// timing (equal token totals and equal timestamps are settled by whichever copy is merged first).
    /// Each reader takes the next unread file as soon as it is free, so one large file does not hold
    /// up the others; the merge runs on the calling thread while the readers go on.
    /// </summary>
    public void ReadFiles(IReadOnlyList<(string Root, string Path)> files, Action? afterEachFile = null, CancellationToken ct = default)
    {
        var done = new FileRead?[files.Count];
        var gate = new object();
        int claimed = 0, merged = 0;
        Exception? failure = null;
        bool stop = false;

        void Reader()
        {
            try
            {
                while (true)
                {
                    int i;
                    lock (gate)
                    {
                        while (claimed - merged >= ReadAhead && !stop && !ct.IsCancellationRequested) Monitor.Wait(gate, 100);
                        if (claimed >= files.Count || stop || ct.IsCancellationRequested) return;
                        i = claimed++;
                    }
                    var read = ReadOne(files[i].Root, files[i].Path);
                    lock (gate)
                    {
                        done[i] = read;
                        Monitor.PulseAll(gate);
                    }
                }
            }
            catch (Exception e)
            {
                lock (gate)
                {
                    failure ??= e;
                    stop = true;
                    Monitor.PulseAll(gate);
                }
            }
        }

        int width = Math.Clamp(Environment.ProcessorCount, 1, Math.Max(1, files.Count));
        var readers = Enumerable.Range(0, width)
            .Select(_ => new Thread(Reader) { IsBackground = true, Name = "transcript reader" }).ToList();
        readers.ForEach(t => t.Start());
        try
        {
            for (int i = 0; i < files.Count; i++)
            {
                FileRead read;
                lock (gate)
                {
                    while (done[i] is null && failure is null && !ct.IsCancellationRequested) Monitor.Wait(gate, 100);
                    if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
                    ct.ThrowIfCancellationRequested();
                    read = done[i]!;
                    done[i] = null;
                    merged = i + 1;
                    Monitor.PulseAll(gate);
                }
                Apply(read);
                afterEachFile?.Invoke();
            }
        }
        finally
        {
            lock (gate)
            {
                stop = true; // readers still at work when the merge gives up (an error, a cancellation) end at their next file
                Monitor.PulseAll(gate);
            }
            readers.ForEach(t => t.Join());
        }
    }

    /// <summary>Reads one transcript file and merges it.</summary>
    public void ReadFile(string root, string path) => Apply(ReadOne(root, path));

    /// <summary>
    /// Without a colon, so that a writer putting a space before it is still read in full. Inside a
    /// JSON string a quote is always escaped (\"usage\"), so text that merely mentions usage never
    /// matches; a structural string value "usage" does, and only costs that line a full parse.
    /// </summary>
    static readonly byte[] UsageKey = "\"usage\""u8.ToArray();
    static readonly byte[] TimestampKey = "\"timestamp\":\""u8.ToArray();

    public static FileRead ReadOne(string root, string path)
    {
        var (ownSessionId, projectFolder, isSubAgent) = Place(root, path);
        var f = new FileRead { Path = path, OwnSessionId = ownSessionId, ProjectFolder = projectFolder, IsSubAgent = isSubAgent };

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
            1 << 16, FileOptions.SequentialScan);
        using var reader = new JsonLinesReader(stream);
        while (reader.TryReadLine(out var text))
        {
            text = text.Trim(" \t"u8);
            if (text.IsEmpty) continue;
            f.Lines++;
            if (f.Cwd is not null && f.LineSessionId is not null && text.IndexOf(UsageKey) < 0)
            {
                // Most bytes are user lines with tool results and carry no usage: only their time is
                // needed, and whether the line is whole. A line with a message.usage object always
                // holds an unescaped "usage", so none takes this path.
                if (text[0] != (byte)'{' || text[^1] != (byte)'}') Skip(f, reader.LineNumber, "not a whole JSON object");
                else if (LastTimestamp(text) is { } seen) See(f, seen);
                continue;
            }
            if (!TranscriptLine.TryRead(text, f.Cwd is null, out var line))
            {
                Skip(f, reader.LineNumber, "not a whole JSON object");
                continue;
            }
            f.Cwd ??= line.Cwd;
            f.LineSessionId ??= line.SessionId;
            if (line.TimestampNs is { } at) See(f, at);
            if (!line.IsAssistant || !line.HasUsage) continue;
            if (line.Model == Synthetic)
            {
                f.SyntheticLines++;
                continue;
            }
            if (line.TimestampNs is not { } when)
            {
                Skip(f, reader.LineNumber, "usage without a timestamp");
                continue;
            }
            f.UsageLines++;
            // Without a message id nothing can tell two copies apart, so each such line counts once.
            string key = line.MessageId is null ? $"{path}#{reader.LineNumber}"
                : line.RequestId is null ? line.MessageId : line.MessageId + "\n" + line.RequestId;
            f.Copies.Add((key, when, line));
        }
        f.Bytes = reader.BytesRead;
        return f;
    }

    static void Skip(FileRead f, long line, string reason)
    {
        f.SkippedCount++;
        if (f.Skipped.Count < MaxSkippedListed) f.Skipped.Add(new SkippedLine(f.Path, line, reason));
    }

    static void See(FileRead f, long at)
    {
        if (at < f.FirstAt) f.FirstAt = at;
        if (at > f.LastAt) f.LastAt = at;
    }

    /// <summary>The line's own timestamp: Claude Code writes it last, after any nested object that might have one.</summary>
    static long? LastTimestamp(ReadOnlySpan<byte> line)
    {
        int at = line.LastIndexOf(TimestampKey);
        if (at < 0) return null;
        var quoted = line[(at + TimestampKey.Length - 1)..]; // from the value's opening quote
        int close = quoted[1..].IndexOf((byte)'"');
        if (close < 0) return null;
        var reader = new System.Text.Json.Utf8JsonReader(quoted[..(close + 2)]);
        try
        {
            return reader.Read() && reader.TryGetDateTimeOffset(out var value) ? (value.UtcTicks - DateTime.UnixEpoch.Ticks) * 100 : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    void Apply(FileRead f)
    {
        Files++;
        Bytes += f.Bytes;
        Lines += f.Lines;
        SkippedCount += f.SkippedCount;
        UsageLines += f.UsageLines;
        SyntheticLines += f.SyntheticLines;
        foreach (var k in f.Skipped)
            if (Skipped.Count < MaxSkippedListed) Skipped.Add(k);

        // An older sub-agent file (agent-*.jsonl beside the sessions) names its parent in its lines.
        var sessionId = f.OwnSessionId ?? f.LineSessionId ?? Path.GetFileNameWithoutExtension(f.Path);
        int session = SessionFor(sessionId, f.ProjectFolder!);
        var s = Sessions[session];
        if (f.Cwd is not null && (s.Cwd is null || (!s.CwdFromMainFile && !f.IsSubAgent)))
        {
            s.Cwd = f.Cwd;
            s.CwdFromMainFile = !f.IsSubAgent;
        }
        if (f.FirstAt < s.FirstAt) s.FirstAt = f.FirstAt;
        if (f.LastAt > s.LastAt) s.LastAt = f.LastAt;

        foreach (var (key, at, line) in f.Copies)
        {
            var (fiveMinute, oneHour) = line.CacheWrites;
            var copy = new UsageCopy(key, at, session, line.Input, line.Output, fiveMinute, oneHour, line.CacheRead,
                line.WebSearches, line.Fast, line.Model ?? "", line.CostUsd);
            // Every copy of a response lands in the same file, in the order the files were merged.
            copies.Add((int)((uint)StringComparer.Ordinal.GetHashCode(key) % (uint)copies.Parts), copy);
        }
    }

    /// <summary>Which session a file belongs to (null: read it from the lines), its project folder, and whether it is a sub-agent's.</summary>
    static (string? SessionId, string ProjectFolder, bool IsSubAgent) Place(string root, string path)
    {
        var relative = Path.GetRelativePath(root, path).Replace('\\', '/').Split('/');
        var name = Path.GetFileNameWithoutExtension(path);
        string project = relative.Length >= 2 ? relative[0] : Path.GetFileName(Path.GetFullPath(root).TrimEnd('/', '\\'));
        // <project>/<session>/subagents/agent-*.jsonl (Claude Code 2.1 and later)
        if (relative.Length >= 3 && relative[^2] == "subagents") return (relative[^3], project, true);
        // <project>/agent-*.jsonl (earlier versions): the parent session is in the lines
        if (name.StartsWith("agent-", StringComparison.Ordinal)) return (null, project, true);
        return (name, project, false);
    }

    int SessionFor(string id, string projectFolder)
    {
        ref int index = ref CollectionsMarshal.GetValueRefOrAddDefault(sessionIndex, id, out bool exists);
        if (!exists)
        {
            index = Sessions.Count;
            Sessions.Add(new TranscriptSession(id, projectFolder));
        }
        return index;
    }

    /// <summary>
    /// Second pass, after every file is read: merges each spill file's copies into responses, settles
    /// ties (which needs every session's last activity, known only now) and spills the responses by session.
    /// </summary>
    public void MergeCopies(CancellationToken ct = default)
    {
        var hasCalls = new bool[Sessions.Count];
        for (int part = 0; part < copies.Parts; part++)
        {
            ct.ThrowIfCancellationRequested();
            var calls = new Dictionary<string, ApiCall>(StringComparer.Ordinal);
            foreach (var copy in copies.Read(part)) Merge(calls, copy);
            foreach (var call in calls.Values)
            {
                Resolve(call);
                bySession.Add(call.Session % bySession.Parts, UsageCopy.Of(call));
                hasCalls[call.Session] = true;
                ApiCalls++;
            }
        }
        SessionsWithCalls = hasCalls.Count(h => h);
    }

    /// <summary>Third pass: every session that has responses, with them (At is when each happened), a spill file at a time.</summary>
    public IEnumerable<(TranscriptSession Session, List<UsageCopy> Calls)> CallsBySession()
    {
        for (int part = 0; part < bySession.Parts; part++)
        {
            var groups = new SortedDictionary<int, List<UsageCopy>>();
            foreach (var call in bySession.Read(part))
            {
                if (!groups.TryGetValue(call.Session, out var list)) groups[call.Session] = list = [];
                list.Add(call);
            }
            foreach (var (session, calls) in groups) yield return (Sessions[session], calls);
        }
    }

    void Merge(Dictionary<string, ApiCall> calls, in UsageCopy copy)
    {
        ref var call = ref CollectionsMarshal.GetValueRefOrAddDefault(calls, copy.Key, out _);
        call ??= new ApiCall(copy.Key);
        if (copy.Total > call.BestTotal)
        {
            call.BestTotal = copy.Total;
            call.Model = Intern(copy.Model);
            call.Input = copy.Input;
            call.Output = copy.Output;
            call.CacheWrite5m = copy.CacheWrite5m;
            call.CacheWrite1h = copy.CacheWrite1h;
            call.CacheRead = copy.CacheRead;
            call.WebSearches = copy.WebSearches;
            call.Fast = copy.Fast;
            call.CostUsd = copy.CostUsd ?? call.CostUsd;
        }
        else call.CostUsd ??= copy.CostUsd;

        if (copy.At < call.FirstAt)
        {
            call.FirstAt = copy.At;
            call.Session = copy.Session;
            call.TiedSessions = null;
        }
        else if (copy.At == call.FirstAt && copy.Session != call.Session && !(call.TiedSessions?.Contains(copy.Session) ?? false))
            (call.TiedSessions ??= []).Add(copy.Session);
    }

    string Intern(string model)
    {
        ref var known = ref CollectionsMarshal.GetValueRefOrAddDefault(models, model, out _);
        return known ??= model;
    }

    /// <summary>
    /// Settles copies that tie on the earliest timestamp (a resumed session replays history with the
    /// original times): the response belongs to the session whose own activity ended first, which is
    /// the conversation the others were resumed or forked from; then the smaller session id.
    /// </summary>
    void Resolve(ApiCall call)
    {
        if (call.TiedSessions is null) return;
        foreach (var other in call.TiedSessions)
        {
            var (a, b) = (Sessions[other], Sessions[call.Session]);
            if (a.LastAt < b.LastAt || (a.LastAt == b.LastAt && string.CompareOrdinal(a.Id, b.Id) < 0))
                call.Session = other;
        }
        call.TiedSessions = null;
    }

    public void Dispose()
    {
        try
        {
            copies.Dispose();
            bySession.Dispose();
        }
        finally
        {
            spillFolder.Dispose();
        }
    }
}
