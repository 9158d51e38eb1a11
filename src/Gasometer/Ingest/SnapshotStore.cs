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
public sealed class SnapshotStore(Database database, RollupZones zones)
{
    public async Task<List<AcceptedSnapshot>> ApplyAsync(
        DbConnection connection, DbTransaction tx, IEnumerable<CostSnapshot> snapshots, long nowNanos)
    {
        var rollup = new SpendRollup(zones);
        var accepted = new List<AcceptedSnapshot>();
        var commands = LedgerCommands.Of(connection, tx);
        // Within one write, a later snapshot with the same session and ended_at replaces an earlier one,
        // exactly as if they had been sent one after the other.
        var bySession = new SortedDictionary<string, SortedDictionary<long, CostSnapshot>>(StringComparer.Ordinal);
        foreach (var s in snapshots)
        {
            if (!bySession.TryGetValue(s.SessionId, out var series)) bySession[s.SessionId] = series = [];
            series[s.EndedAt.UnixNanos] = s;
        }

        // Sessions are locked (PostgreSQL) in sorted order before anything of theirs is read.
        if (database.SessionLockSql is { } lockSql)
            await connection.ExecuteAsync(lockSql, new { Keys = bySession.Keys.ToArray() }, tx);
        var states = await commands.SessionStatesAsync([.. bySession.Keys]);

        foreach (var (sessionId, series) in bySession)
        {
            var incoming = series.Values.ToList();
            // The latest run's last sighting is the session's latest snapshot (snapshots outside every
            // run only precede the first run), so where the session stands decides append or recompute.
            var (latestRun, latest) = states.GetValueOrDefault(sessionId);
            if (latest is null || incoming[0].EndedAt.UnixNanos > latest)
                await AppendAsync(commands, latestRun, incoming, nowNanos, rollup, accepted);
            else if (await ResentUnchangedAsync(commands, incoming, latest.Value) is { } firstNew)
            {
                // What is already stored stays as it is; anything newer appends as usual.
                if (firstNew < incoming.Count) await AppendAsync(commands, latestRun, incoming[firstNew..], nowNanos, rollup, accepted);
            }
            else
                await RecomputeAsync(connection, tx, commands, sessionId, incoming, nowNanos, rollup, accepted);
        }
        // Agent-hours are locked (PostgreSQL) after sessions, in sorted order, by every writer: a hook
        // write and a transcript import of the same hour cannot both miss each other's spend.
        await rollup.FlushAsync(commands, database.AgentHourLockSql is { } hourLockSql
            ? hours => connection.ExecuteAsync(hourLockSql, new { Keys = hours.Select(h => h.LockKey).ToArray() }, tx)
            : null);
        return accepted;
    }

    static async Task AppendAsync(LedgerCommands commands, RunState? latestRun, List<CostSnapshot> incoming,
        long now, SpendRollup rollup, List<AcceptedSnapshot> accepted)
    {
        var cursor = new RunCursor(latestRun);
        if (latestRun is not null) rollup.Days.AddRun(latestRun, -1);
        var placed = new List<(CostSnapshot, Placement)>(incoming.Count);
        foreach (var s in incoming)
        {
            var p = cursor.Advance(s);
            rollup.Add(s, p);
            placed.Add((s, p));
        }
        foreach (var run in cursor.Runs)
        {
            rollup.Days.AddRun(run, +1);
            await commands.UpsertRunAsync(run, now);
        }
        foreach (var (s, p) in placed)
        {
            long id = await commands.UpsertSnapshotAsync(s, p, now);
            accepted.Add(new AcceptedSnapshot(id, s, p, RunCost(cursor, p.RunNo)));
        }
    }

    /// <summary>Beyond this many, reading the whole session once is cheaper than looking each snapshot up.</summary>
    const int MaxResentLookups = 64;

    /// <summary>
    /// A retry (the hook re-sending what was already accepted) is the common way to reach a stored time.
    /// When every incoming snapshot up to the session's latest is stored exactly as it arrives, nothing
    /// about the session changes: returns where the newer snapshots start, found by point lookups instead
    /// of reading and replaying the whole session. Null when any of them is new or different.
    /// </summary>
    static async Task<int?> ResentUnchangedAsync(LedgerCommands commands, List<CostSnapshot> incoming, long latest)
    {
        int firstNew = 0;
        while (firstNew < incoming.Count && incoming[firstNew].EndedAt.UnixNanos <= latest) firstNew++;
        if (firstNew > MaxResentLookups) return null;
        for (int i = 0; i < firstNew; i++)
            if (await commands.StoredSnapshotAsync(incoming[i].SessionId, incoming[i].EndedAt.UnixNanos) != incoming[i])
                return null;
        return firstNew;
    }

    static async Task RecomputeAsync(DbConnection c, DbTransaction tx, LedgerCommands commands, string sessionId, List<CostSnapshot> incoming,
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
                && (row.RunNo != p.RunNo || row.IncrementNanos != p.IncrementNanos || row.CounterIncrements != p.CounterIncrements);
            if (isChanged || moved) placed.Add((s, p, isChanged));
        }

        foreach (var run in await commands.RunsOfSessionAsync(sessionId)) rollup.Days.AddRun(run, -1);
        await c.ExecuteAsync("DELETE FROM runs WHERE session_id = @sessionId", new { sessionId }, tx);
        foreach (var run in newCursor.Runs)
        {
            rollup.Days.AddRun(run, +1);
            await commands.UpsertRunAsync(run, now);
        }
        foreach (var (s, p, announce) in placed)
        {
            long id = await commands.UpsertSnapshotAsync(s, p, now);
            if (announce) accepted.Add(new AcceptedSnapshot(id, s, p, RunCost(newCursor, p.RunNo)));
        }
    }

    static long RunCost(RunCursor cursor, int runNo) =>
        cursor.Runs.FirstOrDefault(r => r.RunNo == runNo)?.CostNanos ?? 0;

    internal const string UpsertSnapshotSql = """
        INSERT INTO snapshots (session_id, ended_at_ns, utc_offset_min, run_no, cost_nanos, increment_nanos,
            role, worker, rig, model, input_tokens, output_tokens, cache_read_tokens, cache_create_tokens,
            duration_sec, beads_closed, input_increment, output_increment, cache_read_increment,
            cache_create_increment, beads_increment, source, ingested_at_ns, cost_origin, computed_cost_nanos)
        VALUES (@session_id, @ended_at_ns, @offset_minutes, @run_no, @cost_nanos, @increment_nanos,
            @role, @worker, @rig, @model, @input_tokens, @output_tokens, @cache_read_tokens, @cache_create_tokens,
            @duration_sec, @beads_closed, @input_increment, @output_increment, @cache_read_increment,
            @cache_create_increment, @beads_increment, @source, @now, @cost_origin, @computed_cost_nanos)
        ON CONFLICT (session_id, ended_at_ns) DO UPDATE SET
            utc_offset_min = excluded.utc_offset_min, run_no = excluded.run_no, cost_nanos = excluded.cost_nanos,
            increment_nanos = excluded.increment_nanos, role = excluded.role, worker = excluded.worker,
            rig = excluded.rig, model = excluded.model, input_tokens = excluded.input_tokens,
            output_tokens = excluded.output_tokens, cache_read_tokens = excluded.cache_read_tokens,
            cache_create_tokens = excluded.cache_create_tokens, duration_sec = excluded.duration_sec,
            beads_closed = excluded.beads_closed, input_increment = excluded.input_increment,
            output_increment = excluded.output_increment, cache_read_increment = excluded.cache_read_increment,
            cache_create_increment = excluded.cache_create_increment, beads_increment = excluded.beads_increment,
            source = excluded.source, ingested_at_ns = excluded.ingested_at_ns,
            cost_origin = excluded.cost_origin, computed_cost_nanos = excluded.computed_cost_nanos
        RETURNING id
        """;

    internal const string UpsertRunSql = """
        INSERT INTO runs (session_id, run_no, role, worker, rig, model, cost_nanos, input_tokens, output_tokens,
            cache_read_tokens, cache_create_tokens, beads_closed, duration_sec, started_at_ns, ended_at_ns,
            utc_offset_min, snapshot_count, source, updated_at_ns, cost_origin)
        VALUES (@session_id, @run_no, @role, @worker, @rig, @model, @cost_nanos, @input, @output,
            @cache_read, @cache_create, @beads, @duration_sec, @started_at_ns, @last_seen_ns,
            @offset, @snapshot_count, @source, @now, @cost_origin)
        ON CONFLICT (session_id, run_no) DO UPDATE SET
            role = excluded.role, worker = excluded.worker, rig = excluded.rig, model = excluded.model,
            cost_nanos = excluded.cost_nanos, input_tokens = excluded.input_tokens,
            output_tokens = excluded.output_tokens, cache_read_tokens = excluded.cache_read_tokens,
            cache_create_tokens = excluded.cache_create_tokens, beads_closed = excluded.beads_closed,
            duration_sec = excluded.duration_sec, started_at_ns = excluded.started_at_ns,
            ended_at_ns = excluded.ended_at_ns, utc_offset_min = excluded.utc_offset_min,
            snapshot_count = excluded.snapshot_count, source = excluded.source, updated_at_ns = excluded.updated_at_ns,
            cost_origin = excluded.cost_origin
        """;

    /// <summary>Columns of a runs row in the order <see cref="LedgerCommands.ReadRun"/> reads them.</summary>
    internal const string RunColumns = """
        session_id, run_no, role, worker, rig, model, cost_nanos, input_tokens, output_tokens, cache_read_tokens,
        cache_create_tokens, beads_closed, duration_sec, started_at_ns, ended_at_ns, utc_offset_min, snapshot_count, source,
        cost_origin
        """;
}

/// <summary>A stored snapshot as Dapper reads it (both engines hand back 64-bit integers).</summary>
sealed class SnapshotRow
{
    public const string Columns = """
        id, session_id, ended_at_ns, utc_offset_min, run_no, cost_nanos, increment_nanos, role, worker, rig, model,
        input_tokens, output_tokens, cache_read_tokens, cache_create_tokens, duration_sec, beads_closed,
        input_increment, output_increment, cache_read_increment, cache_create_increment, beads_increment, source,
        cost_origin, computed_cost_nanos
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
    public long InputIncrement { get; set; }
    public long OutputIncrement { get; set; }
    public long CacheReadIncrement { get; set; }
    public long CacheCreateIncrement { get; set; }
    public long BeadsIncrement { get; set; }
    public string Source { get; set; } = "";
    public string CostOrigin { get; set; } = Pricing.CostOrigin.Reported;
    public long? ComputedCostNanos { get; set; }

    public Counters CounterIncrements => new(InputIncrement, OutputIncrement, CacheReadIncrement, CacheCreateIncrement, BeadsIncrement);

    public CostSnapshot ToSnapshot() => new(SessionId, Role, Worker, Rig, CostNanos,
        new Instant(EndedAtNs, (short)UtcOffsetMin), InputTokens, OutputTokens, CacheReadTokens, CacheCreateTokens,
        Model, DurationSec, BeadsClosed, Source) { CostOrigin = CostOrigin, ComputedCostNanos = ComputedCostNanos };
}
