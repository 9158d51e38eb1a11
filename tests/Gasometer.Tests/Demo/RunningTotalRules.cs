using Gasometer.Ingest;

namespace Gasometer.Tests.Demo;

/// <summary>
/// DESIGN.md section 3 written again, independently of RunCursor, to compute what the server must
/// report for a set of generated events: per session in ended_at order, 0 is "no data", a drop
/// starts a new run whose first value counts in full, else the increment is the rise.
/// </summary>
static class RunningTotalRules
{
    public sealed record Run(string SessionId, string Role, long StartNs, long EndNs, long CostNanos, long Input, long Output,
        long CacheRead, long CacheCreate, long Beads);

    public static IEnumerable<(CostSnapshot Snapshot, long IncrementNanos)> Increments(IEnumerable<CostSnapshot> events)
    {
        foreach (var session in events.GroupBy(s => s.SessionId))
        {
            long? previous = null;
            foreach (var s in session.OrderBy(s => s.EndedAt.UnixNanos))
            {
                if (s.CostNanos == 0) continue;
                yield return (s, previous is { } p && s.CostNanos >= p ? s.CostNanos - p : s.CostNanos);
                previous = s.CostNanos;
            }
        }
    }

    public static List<Run> Runs(IEnumerable<CostSnapshot> events)
    {
        var runs = new List<Run>();
        foreach (var session in events.GroupBy(s => s.SessionId))
        {
            Run? current = null;
            foreach (var s in session.OrderBy(s => s.EndedAt.UnixNanos).Where(s => s.CostNanos != 0))
            {
                if (current is not null && s.CostNanos >= current.CostNanos)
                {
                    current = current with
                    {
                        EndNs = s.EndedAt.UnixNanos, CostNanos = s.CostNanos, Input = s.InputTokens ?? current.Input,
                        Output = s.OutputTokens ?? current.Output, CacheRead = s.CacheReadTokens ?? current.CacheRead,
                        CacheCreate = s.CacheCreateTokens ?? current.CacheCreate, Beads = s.BeadsClosed ?? current.Beads,
                    };
                    continue;
                }
                if (current is not null) runs.Add(current);
                current = new Run(s.SessionId, s.Role, s.EndedAt.UnixNanos, s.EndedAt.UnixNanos, s.CostNanos, s.InputTokens ?? 0,
                    s.OutputTokens ?? 0, s.CacheReadTokens ?? 0, s.CacheCreateTokens ?? 0, s.BeadsClosed ?? 0);
            }
            if (current is not null) runs.Add(current);
        }
        return runs;
    }
}
