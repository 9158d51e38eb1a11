using Dapper;
using Gasometer.Storage;

namespace Gasometer.Tests.Hosting;

/// <summary>What the database holds, read straight from the tables, for tests that check what ingest stored.</summary>
public sealed record StoredState(
    long RollupSpendNanos,
    long SnapshotIncrementNanos,
    int SnapshotCount,
    IReadOnlyList<(string SessionId, long RunNo, long CostNanos)> Runs,
    IReadOnlyList<(long Bucket, string Role, string Rig, string Worker, string Model, long Spend, long Input, long Output, long CacheRead, long CacheCreate, long Beads)> Rollup,
    IReadOnlyList<(string SessionId, long EndedAtNs, long RunNo, long IncrementNanos)> Placements)
{
    public static async Task<StoredState> ReadAsync(Database database)
    {
        await using var c = await database.OpenAsync();
        var runs = (await c.QueryAsync<(string, long, long)>(
            "SELECT session_id, run_no, cost_nanos FROM runs ORDER BY session_id, run_no")).ToList();
        var rollup = (await c.QueryAsync<(long, string, string, string, string, long, long, long, long, long, long)>("""
            SELECT bucket, role, rig, worker, model, spend_nanos, input_tokens, output_tokens, cache_read_tokens, cache_create_tokens, beads_closed
            FROM spend_rollup
            WHERE spend_nanos <> 0 OR input_tokens <> 0 OR output_tokens <> 0 OR cache_read_tokens <> 0 OR cache_create_tokens <> 0 OR beads_closed <> 0
            ORDER BY bucket, role, rig, worker, model
            """)).ToList();
        var placements = (await c.QueryAsync<(string, long, long, long)>(
            "SELECT session_id, ended_at_ns, run_no, increment_nanos FROM snapshots ORDER BY session_id, ended_at_ns")).ToList();
        return new StoredState(
            rollup.Sum(r => r.Item6),
            placements.Sum(p => p.Item4),
            placements.Count,
            runs, rollup, placements);
    }

    public long SessionSpendNanos(string sessionId) => Runs.Where(r => r.SessionId == sessionId).Sum(r => r.CostNanos);

    public int RunCount(string sessionId) => Runs.Count(r => r.SessionId == sessionId);
}
