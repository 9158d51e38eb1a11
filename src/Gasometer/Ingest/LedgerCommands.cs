using System.Data.Common;

namespace Gasometer.Ingest;

/// <summary>
/// The hot path's statements, each built once per write transaction and reused for every snapshot,
/// so SQLite and PostgreSQL parse and plan them once instead of once per row. (Dapper builds a new
/// command per call, which dominated the cost of appending a snapshot.)
/// </summary>
sealed class LedgerCommands(DbConnection connection, DbTransaction tx) : IDisposable
{
    readonly Dictionary<string, DbCommand> prepared = [];

    /// <summary>
    /// Where each of many sessions stands, in a few statements instead of two per session: its latest
    /// run, or for a session with no run yet the time of its latest snapshot (null when it has none).
    /// </summary>
    public async Task<Dictionary<string, (RunState? Run, long? LatestAt)>> SessionStatesAsync(IReadOnlyList<string> sessionIds)
    {
        var states = new Dictionary<string, (RunState?, long?)>(StringComparer.Ordinal);
        foreach (var chunk in sessionIds.Chunk(500))
        {
            await using (var runs = OneOff($"""
                SELECT {SnapshotStore.RunColumns} FROM runs r
                WHERE session_id IN ({List(chunk.Length)})
                  AND run_no = (SELECT MAX(run_no) FROM runs x WHERE x.session_id = r.session_id)
                """, chunk))
            await using (var reader = await runs.ExecuteReaderAsync())
                while (await reader.ReadAsync())
                {
                    var run = ReadRun(reader);
                    states[run.SessionId] = (run, run.LastSeenNs);
                }
            var withoutRun = chunk.Where(id => !states.ContainsKey(id)).ToArray();
            if (withoutRun.Length == 0) continue;
            await using var latest = OneOff(
                $"SELECT session_id, MAX(ended_at_ns) FROM snapshots WHERE session_id IN ({List(withoutRun.Length)}) GROUP BY session_id", withoutRun);
            await using var rows = await latest.ExecuteReaderAsync();
            while (await rows.ReadAsync()) states[rows.GetString(0)] = (null, rows.GetInt64(1));
        }
        return states;
    }

    static string List(int count) => string.Join(", ", Enumerable.Range(0, count).Select(i => "@s" + i));

    /// <summary>A command used once (its text depends on how many sessions it names).</summary>
    DbCommand OneOff(string sql, string[] sessionIds)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        for (int i = 0; i < sessionIds.Length; i++)
        {
            var parameter = cmd.CreateParameter();
            parameter.ParameterName = "@s" + i;
            parameter.Value = sessionIds[i];
            cmd.Parameters.Add(parameter);
        }
        return cmd;
    }

    public async Task<List<RunState>> RunsOfSessionAsync(string sessionId)
    {
        var cmd = Command($"SELECT {SnapshotStore.RunColumns} FROM runs WHERE session_id = @session_id ORDER BY run_no", "session_id");
        cmd.Parameters[0].Value = sessionId;
        await using var reader = await cmd.ExecuteReaderAsync();
        var runs = new List<RunState>();
        while (await reader.ReadAsync()) runs.Add(ReadRun(reader));
        return runs;
    }

    /// <summary>A runs row in <see cref="SnapshotStore.RunColumns"/> order.</summary>
    public static RunState ReadRun(DbDataReader reader)
    {
        long L(int i) => reader.GetInt64(i);
        string? S(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        return new RunState(reader.GetString(0), (int)L(1), L(6),
            new Counters(L(7), L(8), L(9), L(10), L(11)),
            L(13), L(14), (short)L(15), reader.GetString(2), S(3), S(4), S(5),
            reader.IsDBNull(12) ? null : L(12), (int)L(16), reader.GetString(17)) { CostOrigin = reader.GetString(18) };
    }

    public async Task<long> UpsertSnapshotAsync(CostSnapshot s, Placement p, long now)
    {
        var cmd = Command(SnapshotStore.UpsertSnapshotSql,
            "session_id", "ended_at_ns", "offset_minutes", "run_no", "cost_nanos", "increment_nanos", "role", "worker", "rig",
            "model", "input_tokens", "output_tokens", "cache_read_tokens", "cache_create_tokens", "duration_sec",
            "beads_closed", "input_increment", "output_increment", "cache_read_increment", "cache_create_increment",
            "beads_increment", "source", "now", "cost_origin", "computed_cost_nanos");
        var d = p.CounterIncrements;
        Bind(cmd, s.SessionId, s.EndedAt.UnixNanos, (long)s.EndedAt.OffsetMinutes, (long)p.RunNo, s.CostNanos, p.IncrementNanos,
            s.Role, s.Worker, s.Rig, s.Model, s.InputTokens, s.OutputTokens, s.CacheReadTokens, s.CacheCreateTokens,
            s.DurationSec, s.BeadsClosed, d.Input, d.Output, d.CacheRead, d.CacheCreate, d.Beads, s.Source, now,
            s.CostOrigin, s.ComputedCostNanos);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    public async Task UpsertRunAsync(RunState r, long now)
    {
        var cmd = Command(SnapshotStore.UpsertRunSql,
            "session_id", "run_no", "role", "worker", "rig", "model", "cost_nanos", "input", "output", "cache_read",
            "cache_create", "beads", "duration_sec", "started_at_ns", "last_seen_ns", "offset", "snapshot_count", "source", "now",
            "cost_origin");
        Bind(cmd, r.SessionId, (long)r.RunNo, r.Role, r.Worker, r.Rig, r.Model, r.CostNanos, r.Totals.Input, r.Totals.Output,
            r.Totals.CacheRead, r.Totals.CacheCreate, r.Totals.Beads, r.DurationSec, r.StartedAtNs, r.LastSeenNs,
            (long)r.LastOffsetMinutes, (long)r.SnapshotCount, r.Source, now, r.CostOrigin);
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task AddToDayRollupAsync(string zone, long day, string role, string rig, string worker, string model,
        string source, bool overlapped, long spend, Counters c, long active, long started)
    {
        var cmd = Command(DayRollup.UpsertSql, "zone", "day", "role", "rig", "worker", "model", "source", "overlapped", "spend",
            "input", "output", "cache_read", "cache_create", "beads", "active", "started");
        Bind(cmd, zone, day, role, rig, worker, model, source, overlapped ? 1L : 0L, spend, c.Input, c.Output, c.CacheRead,
            c.CacheCreate, c.Beads, active, started);
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task AddToRollupAsync(long bucket, string role, string rig, string worker, string model, string source,
        long spend, Counters c)
    {
        var cmd = Command(SpendRollup.UpsertSql,
            "bucket", "role", "rig", "worker", "model", "source", "spend", "input", "output", "cache_read", "cache_create", "beads");
        Bind(cmd, bucket, role, rig, worker, model, source, spend, c.Input, c.Output, c.CacheRead, c.CacheCreate, c.Beads);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Transcript spend stored for each of the agent-hours (absent ones have none).</summary>
    public async Task<Dictionary<AgentHour, long>> TranscriptSpendAsync(IReadOnlyList<AgentHour> hours)
    {
        var spend = new Dictionary<AgentHour, long>();
        var cmd = Command("""
            SELECT transcript_nanos FROM transcript_hours
            WHERE agent_role = @role AND agent_rig = @rig AND agent_worker = @worker AND hour = @hour
            """, "role", "rig", "worker", "hour");
        foreach (var hour in hours)
        {
            Bind(cmd, hour.Role, hour.Rig, hour.Worker, hour.Hour);
            if (await cmd.ExecuteScalarAsync() is { } value and not DBNull) spend[hour] = Convert.ToInt64(value);
        }
        return spend;
    }

    public async Task AddToTranscriptHoursAsync(AgentHour hour, long spend)
    {
        var cmd = Command("""
            INSERT INTO transcript_hours (agent_role, agent_rig, agent_worker, hour, transcript_nanos)
            VALUES (@role, @rig, @worker, @hour, @spend)
            ON CONFLICT (agent_role, agent_rig, agent_worker, hour) DO UPDATE SET
                transcript_nanos = transcript_hours.transcript_nanos + excluded.transcript_nanos
            """, "role", "rig", "worker", "hour", "spend");
        Bind(cmd, hour.Role, hour.Rig, hour.Worker, hour.Hour, spend);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>The spend_rollup rows of an agent-hour from every source but transcripts.</summary>
    public async Task<List<(long Bucket, string Model, string Source, long Spend, Counters Counters)>> OverlappableSpendAsync(
        AgentHour hour, long bucketsPerHour)
    {
        var cmd = Command($"""
            SELECT bucket, model, source, spend_nanos, input_tokens, output_tokens, cache_read_tokens, cache_create_tokens, beads_closed
            FROM spend_rollup
            WHERE bucket >= @first AND bucket < @end AND role = @role AND rig = @rig AND worker = @worker
              AND source <> '{SourceOverlap.TranscriptSource}'
            """, "first", "end", "role", "rig", "worker");
        Bind(cmd, hour.Hour * bucketsPerHour, (hour.Hour + 1) * bucketsPerHour, hour.Role, hour.Rig, hour.Worker);
        var rows = new List<(long, string, string, long, Counters)>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3),
                new Counters(reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8))));
        return rows;
    }

    DbCommand Command(string sql, params string[] parameterNames)
    {
        if (prepared.TryGetValue(sql, out var cmd)) return cmd;
        cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var name in parameterNames)
        {
            var parameter = cmd.CreateParameter();
            parameter.ParameterName = "@" + name;
            cmd.Parameters.Add(parameter);
        }
        prepared[sql] = cmd;
        return cmd;
    }

    static void Bind(DbCommand cmd, params object?[] values)
    {
        for (int i = 0; i < values.Length; i++) cmd.Parameters[i].Value = values[i] ?? DBNull.Value;
    }

    public void Dispose()
    {
        foreach (var cmd in prepared.Values) cmd.Dispose();
    }
}
