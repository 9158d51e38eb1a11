using Gasometer.Pricing;

namespace Gasometer.Ingest;

/// <summary>Counters that travel beside the cost as running totals within a run.</summary>
public readonly record struct Counters(long Input, long Output, long CacheRead, long CacheCreate, long Beads)
{
    public static Counters operator -(Counters a, Counters b) =>
        new(a.Input - b.Input, a.Output - b.Output, a.CacheRead - b.CacheRead, a.CacheCreate - b.CacheCreate, a.Beads - b.Beads);

    public static Counters operator +(Counters a, Counters b) =>
        new(a.Input + b.Input, a.Output + b.Output, a.CacheRead + b.CacheRead, a.CacheCreate + b.CacheCreate, a.Beads + b.Beads);

    /// <summary>a + b, throwing <see cref="OverflowException"/> rather than wrapping.</summary>
    public static Counters Checked(Counters a, Counters b) => checked(new(a.Input + b.Input, a.Output + b.Output,
        a.CacheRead + b.CacheRead, a.CacheCreate + b.CacheCreate, a.Beads + b.Beads));

    public bool IsZero => this == default;

    /// <summary>A counter the snapshot leaves out keeps the run's previous value, so increments still add up to the last known total.</summary>
    public static Counters Carry(CostSnapshot s, Counters previous) => new(
        s.InputTokens ?? previous.Input,
        s.OutputTokens ?? previous.Output,
        s.CacheReadTokens ?? previous.CacheRead,
        s.CacheCreateTokens ?? previous.CacheCreate,
        s.BeadsClosed ?? previous.Beads);
}

/// <summary>The latest running totals of one run: the seed's cost_events row.</summary>
public sealed record RunState(
    string SessionId,
    int RunNo,
    long CostNanos,
    Counters Totals,
    long StartedAtNs,
    long LastSeenNs,
    short LastOffsetMinutes,
    string Role,
    string? Worker,
    string? Rig,
    string? Model,
    long? DurationSec,
    int SnapshotCount,
    string Source)
{
    /// <summary>The weakest origin among the run's snapshots that carry a cost (see <see cref="Pricing.CostOrigin"/>).</summary>
    public string CostOrigin { get; init; } = Pricing.CostOrigin.Reported;
}

/// <summary>Where one snapshot lands: its run (0 when it precedes every run) and what it adds.</summary>
public readonly record struct Placement(int RunNo, long IncrementNanos, Counters CounterIncrements);

/// <summary>
/// Walks one session's snapshots in ended_at order and places each in a run (DESIGN.md section 3):
/// a drop in cost starts a new run, 0 is "no data", each increment is the value minus the previous
/// snapshot of the same run. Appending to a stored session and recomputing a whole session both go
/// through <see cref="Advance"/>, so the two paths cannot disagree.
/// </summary>
public sealed class RunCursor
{
    readonly List<RunState> runs = [];

    public RunCursor(RunState? latestStoredRun = null)
    {
        if (latestStoredRun is not null) runs.Add(latestStoredRun);
    }

    /// <summary>Every run this cursor has seen, the stored one it resumed from included.</summary>
    public IReadOnlyList<RunState> Runs => runs;

    RunState? Current => runs.Count == 0 ? null : runs[^1];

    public Placement Advance(CostSnapshot s)
    {
        var current = Current;
        long at = s.EndedAt.UnixNanos;
        if (s.CarriesNoData)
        {
            if (current is null) return new Placement(0, 0, default);
            runs[^1] = current with { LastSeenNs = at, LastOffsetMinutes = s.EndedAt.OffsetMinutes, SnapshotCount = current.SnapshotCount + 1 };
            return new Placement(current.RunNo, 0, default);
        }

        if (current is null || s.CostNanos < current.CostNanos)
        {
            // A new conversation: its first snapshot counts in full.
            var totals = Counters.Carry(s, default);
            runs.Add(new RunState(s.SessionId, (current?.RunNo ?? 0) + 1, s.CostNanos, totals, at, at,
                s.EndedAt.OffsetMinutes, s.Role, s.Worker, s.Rig, s.Model, s.DurationSec, 1, s.Source) { CostOrigin = s.CostOrigin });
            return new Placement(runs[^1].RunNo, s.CostNanos, totals);
        }

        var carried = Counters.Carry(s, current.Totals);
        runs[^1] = current with
        {
            CostNanos = s.CostNanos,
            Totals = carried,
            LastSeenNs = at,
            LastOffsetMinutes = s.EndedAt.OffsetMinutes,
            Role = s.Role,
            Worker = s.Worker ?? current.Worker,
            Rig = s.Rig ?? current.Rig,
            Model = s.Model ?? current.Model,
            DurationSec = s.DurationSec ?? current.DurationSec,
            SnapshotCount = current.SnapshotCount + 1,
            Source = s.Source,
            CostOrigin = CostOrigin.Weaker(current.CostOrigin, s.CostOrigin),
        };
        return new Placement(current.RunNo, s.CostNanos - current.CostNanos, carried - current.Totals);
    }
}
