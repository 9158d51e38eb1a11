namespace Gasometer.Ingest;

/// <summary>One agent (role, rig, worker; missing ones are '') in one UTC hour.</summary>
public readonly record struct AgentHour(string Role, string Rig, string Worker, long Hour)
{
    public const long HourNanos = 3_600_000_000_000;

    /// <summary>For taking PostgreSQL advisory locks: the four parts, unambiguously joined.</summary>
    public string LockKey => $"{Role}\u001f{Rig}\u001f{Worker}\u001f{Hour}";

    public static int Compare(AgentHour a, AgentHour b)
    {
        int c = string.CompareOrdinal(a.Role, b.Role);
        if (c == 0) c = string.CompareOrdinal(a.Rig, b.Rig);
        if (c == 0) c = string.CompareOrdinal(a.Worker, b.Worker);
        return c != 0 ? c : a.Hour.CompareTo(b.Hour);
    }
}

/// <summary>
/// The rule that keeps the same work from counting twice when two sources report it (issue 6):
/// where an agent has transcript spend in an hour, its spend from every other source (the stop
/// hook, costs.jsonl) in that hour is "overlapped" and left out of totals. The transcript figure
/// is exact; the hook's is an estimate computed from the same transcripts.
///
/// transcript_hours keeps transcript spend per agent and hour. day_rollup keeps the overlapped
/// flag in its key, so whole days stay a few rows; when a write makes an hour start (or stop)
/// having transcript spend, the other sources' spend already stored for that hour moves between
/// the flags. 15-minute buckets and snapshots are joined to transcript_hours when read instead.
/// </summary>
public sealed class SourceOverlap
{
    public const string TranscriptSource = "transcript";

    /// <summary>Transcript spend this write adds to each agent-hour (negative when a recompute takes it back).</summary>
    readonly Dictionary<AgentHour, long> transcriptChanges = [];
    readonly HashSet<AgentHour> touched = [];
    Dictionary<AgentHour, long> before = [];

    public static bool IsOverlappable(string source) => source != TranscriptSource;

    public void Touch(AgentHour hour, string source, long spend)
    {
        touched.Add(hour);
        if (source == TranscriptSource)
            transcriptChanges[hour] = checked(transcriptChanges.GetValueOrDefault(hour) + spend);
    }

    /// <summary>Every agent-hour this write touches, in lock order.</summary>
    public List<AgentHour> Touched()
    {
        var list = touched.ToList();
        list.Sort(AgentHour.Compare);
        return list;
    }

    /// <summary>Reads what transcript spend the touched hours had before this write.</summary>
    internal async Task LoadAsync(LedgerCommands commands, IReadOnlyList<AgentHour> hours) =>
        before = await commands.TranscriptSpendAsync(hours);

    public bool WasOverlapped(AgentHour hour) => before.GetValueOrDefault(hour) > 0;

    public bool IsOverlapped(AgentHour hour) => checked(before.GetValueOrDefault(hour) + transcriptChanges.GetValueOrDefault(hour)) > 0;

    /// <summary>Hours whose other-source spend changes sides with this write.</summary>
    public IEnumerable<AgentHour> Flipped() => Touched().Where(h => WasOverlapped(h) != IsOverlapped(h));

    internal async Task FlushAsync(LedgerCommands commands)
    {
        foreach (var hour in Touched())
            if (transcriptChanges.GetValueOrDefault(hour) is var spend && spend != 0)
                await commands.AddToTranscriptHoursAsync(hour, spend);
        transcriptChanges.Clear();
        touched.Clear();
        before = [];
    }
}
