using System.Data;
using System.Data.Common;
using Dapper;
using Gasometer.Storage;
using Gasometer.Time;

namespace Gasometer.Ingest;

/// <summary>A snapshot that changed what is stored, with where it landed: what the live feed announces.</summary>
public sealed record AcceptedSnapshot(long Id, CostSnapshot Snapshot, Placement Placement, long RunCostNanos);

/// <summary>
/// Writes snapshots and keeps runs and the spend rollup consistent with them, inside the caller's
/// transaction. A snapshot newer than everything stored for its session is appended in O(1) from
/// the session's latest run; anything else (late, re-sent, replaced) recomputes that session from
/// its stored snapshots, so the result never depends on arrival order or repetition.
/// </summary>
public sealed class SnapshotStore(Database database)
{
    public async Task<List<AcceptedSnapshot>> ApplyAsync(
        DbConnection connection, DbTransaction tx, IEnumerable<CostSnapshot> snapshots, long nowNanos)
    {
        var rollup = new SpendRollup();
        var accepted = new List<AcceptedSnapshot>();
        await using var upsert = new SnapshotUpsert(connection, tx);
        // Within one write, a later snapshot with the same session and ended_at replaces an earlier one,
        // exactly as if they had been sent one after the other.
        var bySession = new SortedDictionary<string, SortedDictionary<long, CostSnapshot>>(StringComparer.Ordinal);
        foreach (var s in snapshots)
        {
            if (!bySession.TryGetValue(s.SessionId, out var series)) bySession[s.SessionId] = series = [];
            series[s.EndedAt.UnixNanos] = s;
        }

        foreach (var (sessionId, series) in bySession)
        {
            if (database.SessionLockSql is { } lockSql)
                await connection.ExecuteAsync(lockSql, new { SessionId = sessionId }, tx);
            var incoming = series.Values.ToList();
            long? latest = await connection.ExecuteScalarAsync<long?>(
                "SELECT MAX(ended_at_ns) FROM snapshots WHERE session_id = @sessionId", new { sessionId }, tx);
            if (latest is null || incoming[0].EndedAt.UnixNanos > latest)
                await AppendAsync(connection, tx, upsert, sessionId, incoming, nowNanos, rollup, accepted);
            else
                await RecomputeAsync(connection, tx, upsert, sessionId, incoming, nowNanos, rollup, accepted);
        }
        await rollup.FlushAsync(connection, tx);
        return accepted;
    }

    async Task AppendAsync(DbConnection c, DbTransaction tx, SnapshotUpsert upsert, string sessionId, List<CostSnapshot> incoming,
        long now, SpendRollup rollup, List<AcceptedSnapshot> accepted)
    {
        var latestRun = await c.QuerySingleOrDefaultAsync<RunRow>(
            $"SELECT {RunRow.Columns} FROM runs WHERE session_id = @sessionId ORDER BY run_no DESC LIMIT 1",
            new { sessionId }, tx);
        var cursor = new RunCursor(latestRun?.ToState());
        var placed = new List<(CostSnapshot, Placement)>(incoming.Count);
        foreach (var s in incoming)
        {
            var p = cursor.Advance(s);
            rollup.Add(s, p);
            placed.Add((s, p));
        }
        foreach (var run in cursor.Runs) await upsert.RunAsync(run, now);
        foreach (var (s, p) in placed)
        {
            long id = await upsert.SnapshotAsync(s, p, now);
            accepted.Add(new AcceptedSnapshot(id, s, p, RunCost(cursor, p.RunNo)));
        }
    }

    async Task RecomputeAsync(DbConnection c, DbTransaction tx, SnapshotUpsert upsert, string sessionId, List<CostSnapshot> incoming,
        long now, SpendRollup rollup, List<AcceptedSnapshot> accepted)
    {
        var stored = (await c.QueryAsync<SnapshotRow>(
            $"SELECT {SnapshotRow.Columns} FROM snapshots WHERE session_id = @sessionId ORDER BY ended_at_ns",
            new { sessionId }, tx)).ToList();
        var storedByTime = stored.ToDictionary(r => r.EndedAtNs);
        var changed = incoming.Where(s => !storedByTime.TryGetValue(s.EndedAt.UnixNanos, out var row) || row.ToSnapshot() != s).ToList();
        if (changed.Count == 0) return; // an identical re-send changes nothing

        var before = stored.Select(r => r.ToSnapshot()).ToList();
        var merged = new SortedDictionary<long, CostSnapshot>(before.ToDictionary(s => s.EndedAt.UnixNanos));
        foreach (var s in changed) merged[s.EndedAt.UnixNanos] = s;

        var oldCursor = new RunCursor();
        foreach (var s in before) rollup.Subtract(s, oldCursor.Advance(s));

        var newCursor = new RunCursor();
        var changedTimes = changed.Select(s => s.EndedAt.UnixNanos).ToHashSet();
        var placed = new List<(CostSnapshot Snapshot, Placement Placement, bool Announce)>();
        foreach (var s in merged.Values)
        {
            var p = newCursor.Advance(s);
            rollup.Add(s, p);
            bool isChanged = changedTimes.Contains(s.EndedAt.UnixNanos);
            bool moved = storedByTime.TryGetValue(s.EndedAt.UnixNanos, out var row)
                && (row.RunNo != p.RunNo || row.IncrementNanos != p.IncrementNanos);
            if (isChanged || moved) placed.Add((s, p, isChanged));
        }

        await c.ExecuteAsync("DELETE FROM runs WHERE session_id = @sessionId", new { sessionId }, tx);
        foreach (var run in newCursor.Runs) await upsert.RunAsync(run, now);
        foreach (var (s, p, announce) in placed)
        {
            long id = await upsert.SnapshotAsync(s, p, now);
            if (announce) accepted.Add(new AcceptedSnapshot(id, s, p, RunCost(newCursor, p.RunNo)));
        }
    }

    static long RunCost(RunCursor cursor, int runNo) =>
        cursor.Runs.FirstOrDefault(r => r.RunNo == runNo)?.CostNanos ?? 0;
}

/// <summary>
/// The snapshot and run upserts as two commands reused for a whole write: SQLite then prepares each
/// statement once instead of once per row, which was most of the cost of a large batch.
/// </summary>
sealed class SnapshotUpsert : IAsyncDisposable
{
    const string SnapshotSql = """
        INSERT INTO snapshots (session_id, ended_at_ns, utc_offset_min, run_no, cost_nanos, increment_nanos,
            role, worker, rig, model, input_tokens, output_tokens, cache_read_tokens, cache_create_tokens,
            duration_sec, beads_closed, source, ingested_at_ns)
        VALUES (@session_id, @ended_at_ns, @utc_offset_min, @run_no, @cost_nanos, @increment_nanos,
            @role, @worker, @rig, @model, @input_tokens, @output_tokens, @cache_read_tokens, @cache_create_tokens,
            @duration_sec, @beads_closed, @source, @ingested_at_ns)
        ON CONFLICT (session_id, ended_at_ns) DO UPDATE SET
            utc_offset_min = excluded.utc_offset_min, run_no = excluded.run_no, cost_nanos = excluded.cost_nanos,
            increment_nanos = excluded.increment_nanos, role = excluded.role, worker = excluded.worker,
            rig = excluded.rig, model = excluded.model, input_tokens = excluded.input_tokens,
            output_tokens = excluded.output_tokens, cache_read_tokens = excluded.cache_read_tokens,
            cache_create_tokens = excluded.cache_create_tokens, duration_sec = excluded.duration_sec,
            beads_closed = excluded.beads_closed, source = excluded.source, ingested_at_ns = excluded.ingested_at_ns
        RETURNING id
        """;

    const string RunSql = """
        INSERT INTO runs (session_id, run_no, role, worker, rig, model, cost_nanos, input_tokens, output_tokens,
            cache_read_tokens, cache_create_tokens, beads_closed, duration_sec, started_at_ns, ended_at_ns,
            utc_offset_min, snapshot_count, source, updated_at_ns)
        VALUES (@session_id, @run_no, @role, @worker, @rig, @model, @cost_nanos, @input_tokens, @output_tokens,
            @cache_read_tokens, @cache_create_tokens, @beads_closed, @duration_sec, @started_at_ns, @ended_at_ns,
            @utc_offset_min, @snapshot_count, @source, @updated_at_ns)
        ON CONFLICT (session_id, run_no) DO UPDATE SET
            role = excluded.role, worker = excluded.worker, rig = excluded.rig, model = excluded.model,
            cost_nanos = excluded.cost_nanos, input_tokens = excluded.input_tokens,
            output_tokens = excluded.output_tokens, cache_read_tokens = excluded.cache_read_tokens,
            cache_create_tokens = excluded.cache_create_tokens, beads_closed = excluded.beads_closed,
            duration_sec = excluded.duration_sec, started_at_ns = excluded.started_at_ns,
            ended_at_ns = excluded.ended_at_ns, utc_offset_min = excluded.utc_offset_min,
            snapshot_count = excluded.snapshot_count, source = excluded.source, updated_at_ns = excluded.updated_at_ns
        """;

    readonly DbCommand snapshot, run;

    public SnapshotUpsert(DbConnection connection, DbTransaction tx)
    {
        snapshot = Prepare(connection, tx, SnapshotSql,
            ["session_id", "ended_at_ns", "utc_offset_min", "run_no", "cost_nanos", "increment_nanos", "role", "worker", "rig",
             "model", "input_tokens", "output_tokens", "cache_read_tokens", "cache_create_tokens", "duration_sec",
             "beads_closed", "source", "ingested_at_ns"]);
        run = Prepare(connection, tx, RunSql,
            ["session_id", "run_no", "role", "worker", "rig", "model", "cost_nanos", "input_tokens", "output_tokens",
             "cache_read_tokens", "cache_create_tokens", "beads_closed", "duration_sec", "started_at_ns", "ended_at_ns",
             "utc_offset_min", "snapshot_count", "source", "updated_at_ns"]);
    }

    static readonly HashSet<string> TextColumns = ["session_id", "role", "worker", "rig", "model", "source"];

    static DbCommand Prepare(DbConnection connection, DbTransaction tx, string sql, string[] columns)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var name in columns)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.DbType = TextColumns.Contains(name) ? DbType.String : DbType.Int64;
            command.Parameters.Add(parameter);
        }
        command.Prepare();
        return command;
    }

    static void Bind(DbCommand command, object?[] values)
    {
        for (int i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i] ?? DBNull.Value;
    }

    public async Task<long> SnapshotAsync(CostSnapshot s, Placement p, long now)
    {
        Bind(snapshot,
        [
            s.SessionId, s.EndedAt.UnixNanos, (long)s.EndedAt.OffsetMinutes, (long)p.RunNo, s.CostNanos, p.IncrementNanos,
            s.Role, s.Worker, s.Rig, s.Model, s.InputTokens, s.OutputTokens, s.CacheReadTokens, s.CacheCreateTokens,
            s.DurationSec, s.BeadsClosed, s.Source, now,
        ]);
        return Convert.ToInt64(await snapshot.ExecuteScalarAsync());
    }

    public Task RunAsync(RunState r, long now)
    {
        Bind(run,
        [
            r.SessionId, (long)r.RunNo, r.Role, r.Worker, r.Rig, r.Model, r.CostNanos,
            r.Totals.Input, r.Totals.Output, r.Totals.CacheRead, r.Totals.CacheCreate, r.Totals.Beads,
            r.DurationSec, r.StartedAtNs, r.LastSeenNs, (long)r.LastOffsetMinutes, (long)r.SnapshotCount, r.Source, now,
        ]);
        return run.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await snapshot.DisposeAsync();
        await run.DisposeAsync();
    }
}

/// <summary>A stored snapshot as Dapper reads it (both engines hand back 64-bit integers).</summary>
sealed class SnapshotRow
{
    public const string Columns = """
        id, session_id, ended_at_ns, utc_offset_min, run_no, cost_nanos, increment_nanos, role, worker, rig, model,
        input_tokens, output_tokens, cache_read_tokens, cache_create_tokens, duration_sec, beads_closed, source
        """;

    public long Id { get; set; }
    public string SessionId { get; set; } = "";
    public long EndedAtNs { get; set; }
    public long UtcOffsetMin { get; set; }
    public long RunNo { get; set; }
    public long CostNanos { get; set; }
    public long IncrementNanos { get; set; }
    public string Role { get; set; } = "";
    public string? Worker { get; set; }
    public string? Rig { get; set; }
    public string? Model { get; set; }
    public long? InputTokens { get; set; }
    public long? OutputTokens { get; set; }
    public long? CacheReadTokens { get; set; }
    public long? CacheCreateTokens { get; set; }
    public long? DurationSec { get; set; }
    public long? BeadsClosed { get; set; }
    public string Source { get; set; } = "";

    public CostSnapshot ToSnapshot() => new(SessionId, Role, Worker, Rig, CostNanos,
        new Instant(EndedAtNs, (short)UtcOffsetMin), InputTokens, OutputTokens, CacheReadTokens, CacheCreateTokens,
        Model, DurationSec, BeadsClosed, Source);
}

/// <summary>A stored run as Dapper reads it.</summary>
sealed class RunRow
{
    public const string Columns = """
        session_id, run_no, role, worker, rig, model, cost_nanos, input_tokens, output_tokens, cache_read_tokens,
        cache_create_tokens, beads_closed, duration_sec, started_at_ns, ended_at_ns, utc_offset_min, snapshot_count, source
        """;

    public string SessionId { get; set; } = "";
    public long RunNo { get; set; }
    public string Role { get; set; } = "";
    public string? Worker { get; set; }
    public string? Rig { get; set; }
    public string? Model { get; set; }
    public long CostNanos { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    public long CacheReadTokens { get; set; }
    public long CacheCreateTokens { get; set; }
    public long BeadsClosed { get; set; }
    public long? DurationSec { get; set; }
    public long StartedAtNs { get; set; }
    public long EndedAtNs { get; set; }
    public long UtcOffsetMin { get; set; }
    public long SnapshotCount { get; set; }
    public string Source { get; set; } = "";

    public RunState ToState() => new(SessionId, (int)RunNo, CostNanos,
        new Counters(InputTokens, OutputTokens, CacheReadTokens, CacheCreateTokens, BeadsClosed),
        StartedAtNs, EndedAtNs, (short)UtcOffsetMin, Role, Worker, Rig, Model, DurationSec, (int)SnapshotCount, Source);
}
