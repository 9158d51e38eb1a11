using System.Data.Common;
using System.Runtime.CompilerServices;
using Gasometer.Storage;
using Gasometer.Time;

namespace Gasometer.Ingest;

/// <summary>
/// The hot path's statements, each built once and reused for every snapshot, so SQLite and
/// PostgreSQL parse and plan them once instead of once per row. (Dapper builds a new command per
/// call, which dominated the cost of appending a snapshot.) Those of <see cref="Of"/> live as long as
/// their connection: the ingest writer holds its SQLite connection, so it prepares each statement
/// once per process instead of once per write, which for a small group commit cost more than the rows.
/// </summary>
sealed class LedgerCommands : IDisposable
{
    static readonly ConditionalWeakTable<DbConnection, LedgerCommands> keptByConnection = [];

    readonly DbConnection connection;
    readonly bool keptWithConnection;
    DbTransaction tx;
    // Keyed by reference: every statement is a constant (or cached) string, and hashing a long SQL
    // text on every row would cost a good part of what running the prepared statement costs.
    readonly Dictionary<string, PreparedStatement> statements = new(ReferenceEqualityComparer.Instance);
    readonly Dictionary<string, DbCommand> queries = new(ReferenceEqualityComparer.Instance);

    /// <summary>Commands for one transaction, disposed with it.</summary>
    public LedgerCommands(DbConnection connection, DbTransaction tx) : this(connection, tx, keptWithConnection: false)
    {
    }

    LedgerCommands(DbConnection connection, DbTransaction tx, bool keptWithConnection)
    {
        this.connection = connection;
        this.tx = tx;
        this.keptWithConnection = keptWithConnection;
    }

    /// <summary>
    /// The connection's own commands, enlisted in <paramref name="transaction"/>. They stay prepared for
    /// the connection's next transactions (disposing them does nothing; they go with the connection).
    /// </summary>
    public static LedgerCommands Of(DbConnection connection, DbTransaction transaction)
    {
        var commands = keptByConnection.GetValue(connection, c =>
        {
            var kept = new LedgerCommands(c, transaction, keptWithConnection: true);
            // Native statements must not outlive the connection (a pooled SQLite handle lives on).
            c.StateChange += (_, e) => { if (e.CurrentState == System.Data.ConnectionState.Closed) kept.Release(); };
            return kept;
        });
        commands.tx = transaction;
        return commands;
    }

    /// <summary>
    /// Where each of many sessions stands, in a few statements instead of two per session: its latest
    /// run, or for a session with no run yet the time of its latest snapshot (null when it has none).
    /// </summary>
    public async Task<Dictionary<string, (RunState? Run, long? LatestAt)>> SessionStatesAsync(IReadOnlyList<string> sessionIds)
    {
        var states = new Dictionary<string, (RunState?, long?)>(StringComparer.Ordinal);
        foreach (var chunk in sessionIds.Chunk(ListSizes[^1]))
        {
            var runs = SessionList(LatestRunsSql, chunk);
            await using (var reader = await runs.ExecuteReaderAsync())
                while (await reader.ReadAsync())
                {
                    var run = ReadRun(reader);
                    states[run.SessionId] = (run, run.LastSeenNs);
                }
            var withoutRun = chunk.Where(id => !states.ContainsKey(id)).ToArray();
            if (withoutRun.Length == 0) continue;
            var latest = SessionList(LatestSnapshotsSql, withoutRun);
            await using var rows = await latest.ExecuteReaderAsync();
            while (await rows.ReadAsync()) states[rows.GetString(0)] = (null, rows.GetInt64(1));
        }
        return states;
    }

    /// <summary>
    /// Session lists come in a few fixed lengths, padded by repeating the last id (which changes
    /// nothing in an IN list), so each length is prepared once instead of once per distinct count.
    /// </summary>
    static readonly int[] ListSizes = [1, 4, 16, 64, 256, 500];

    static readonly string[] LatestRunsSql = [.. ListSizes.Select(n => $"""
        SELECT {SnapshotStore.RunColumns} FROM runs r
        WHERE session_id IN ({List(n)})
          AND run_no = (SELECT MAX(run_no) FROM runs x WHERE x.session_id = r.session_id)
        """)];

    static readonly string[] LatestSnapshotsSql = [.. ListSizes.Select(n =>
        $"SELECT session_id, MAX(ended_at_ns) FROM snapshots WHERE session_id IN ({List(n)}) GROUP BY session_id")];

    static readonly string[][] ListParameterNames = [.. ListSizes.Select(n => Enumerable.Range(0, n).Select(i => "s" + i).ToArray())];

    static string List(int count) => string.Join(", ", Enumerable.Range(0, count).Select(i => "@s" + i));

    /// <summary>The statement of <paramref name="sqlBySize"/> that fits <paramref name="sessionIds"/>, bound to them.</summary>
    DbCommand SessionList(string[] sqlBySize, string[] sessionIds)
    {
        int size = 0;
        while (ListSizes[size] < sessionIds.Length) size++;
        var cmd = Query(sqlBySize[size], ListParameterNames[size]);
        for (int i = 0; i < ListSizes[size]; i++) cmd.Parameters[i].Value = sessionIds[Math.Min(i, sessionIds.Length - 1)];
        return cmd;
    }

    const string RunsOfSessionSql = $"SELECT {SnapshotStore.RunColumns} FROM runs WHERE session_id = @session_id ORDER BY run_no";

    public async Task<List<RunState>> RunsOfSessionAsync(string sessionId)
    {
        var cmd = Query(RunsOfSessionSql, "session_id");
        cmd.Parameters[0].Value = sessionId;
        await using var reader = await cmd.ExecuteReaderAsync();
        var runs = new List<RunState>();
        while (await reader.ReadAsync()) runs.Add(ReadRun(reader));
        return runs;
    }

    const string StoredSnapshotSql = """
        SELECT session_id, role, worker, rig, cost_nanos, ended_at_ns, utc_offset_min, input_tokens, output_tokens,
            cache_read_tokens, cache_create_tokens, model, duration_sec, beads_closed, source, cost_origin, computed_cost_nanos
        FROM snapshots WHERE session_id = @session_id AND ended_at_ns = @ended_at_ns
        """;

    /// <summary>The snapshot stored for the session at that time, as it was sent (null when there is none).</summary>
    public async Task<CostSnapshot?> StoredSnapshotAsync(string sessionId, long endedAtNs)
    {
        var cmd = Query(StoredSnapshotSql, "session_id", "ended_at_ns");
        cmd.Parameters[0].Value = sessionId;
        cmd.Parameters[1].Value = endedAtNs;
        await using var reader = await cmd.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) return null;
        long? L(int i) => reader.IsDBNull(i) ? null : reader.GetInt64(i);
        string? S(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        return new CostSnapshot(reader.GetString(0), reader.GetString(1), S(2), S(3), reader.GetInt64(4),
            new Instant(reader.GetInt64(5), (short)reader.GetInt64(6)), L(7), L(8), L(9), L(10), S(11), L(12), L(13), reader.GetString(14))
        {
            CostOrigin = reader.GetString(15),
            ComputedCostNanos = L(16),
        };
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

    /// <summary>Adds a write's change to ledger_totals; throws <see cref="LedgerCeilingException"/> when a bound would pass the ceiling.</summary>
    public async Task AddToTotalsAsync(long spend, Counters c)
    {
        var cmd = Command(LedgerTotals.AddSql, "spend", "input", "output", "cache_read", "cache_create", "beads", "ceiling");
        Bind(cmd, spend, c.Input, c.Output, c.CacheRead, c.CacheCreate, c.Beads, LedgerTotals.Ceiling);
        object? withinCeiling;
        try
        {
            withinCeiling = await cmd.ExecuteScalarAsync();
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == "22003") // bigint out of range: past the ceiling too
        {
            throw new LedgerCeilingException(e);
        }
        // SQLite answers 1 or 0 (a sum past a 64-bit integer turns into a real number there, still compared
        // correctly); PostgreSQL answers a boolean.
        if (withinCeiling is null) throw new InvalidOperationException("ledger_totals has lost its row; the database needs migration 0006 again");
        if (withinCeiling is not (true or 1L)) throw new LedgerCeilingException();
    }

    public async Task AddToRollupAsync(long bucket, string role, string rig, string worker, string model, string source,
        long spend, Counters c)
    {
        var cmd = Command(SpendRollup.UpsertSql,
            "bucket", "role", "rig", "worker", "model", "source", "spend", "input", "output", "cache_read", "cache_create", "beads");
        Bind(cmd, bucket, role, rig, worker, model, source, spend, c.Input, c.Output, c.CacheRead, c.CacheCreate, c.Beads);
        await cmd.ExecuteNonQueryAsync();
    }

    const string TranscriptSpendSql = """
        SELECT transcript_nanos FROM transcript_hours
        WHERE agent_role = @role AND agent_rig = @rig AND agent_worker = @worker AND hour = @hour
        """;

    const string AnyTranscriptSpendSql = "SELECT 1 FROM transcript_hours WHERE transcript_nanos > 0 LIMIT 1";

    /// <summary>Transcript spend stored for each of the agent-hours (absent ones have none).</summary>
    public async Task<Dictionary<AgentHour, long>> TranscriptSpendAsync(IReadOnlyList<AgentHour> hours)
    {
        var spend = new Dictionary<AgentHour, long>();
        // Most fleets import no transcripts: one look at the table then saves a lookup per agent-hour
        // (a group commit of stop-hook events touches about one per event). The writer already holds
        // the write lock (SQLite) or the agent-hour locks (PostgreSQL), so the answer cannot go stale.
        if (hours.Count > 1 && await Query(AnyTranscriptSpendSql).ExecuteScalarAsync() is null) return spend;
        var cmd = Command(TranscriptSpendSql, "role", "rig", "worker", "hour");
        foreach (var hour in hours)
        {
            Bind(cmd, hour.Role, hour.Rig, hour.Worker, hour.Hour);
            if (await cmd.ExecuteScalarAsync() is { } value) spend[hour] = Convert.ToInt64(value);
        }
        return spend;
    }

    const string AddToTranscriptHoursSql = """
        INSERT INTO transcript_hours (agent_role, agent_rig, agent_worker, hour, transcript_nanos)
        VALUES (@role, @rig, @worker, @hour, @spend)
        ON CONFLICT (agent_role, agent_rig, agent_worker, hour) DO UPDATE SET
            transcript_nanos = transcript_hours.transcript_nanos + excluded.transcript_nanos
        """;

    public async Task AddToTranscriptHoursAsync(AgentHour hour, long spend)
    {
        var cmd = Command(AddToTranscriptHoursSql, "role", "rig", "worker", "hour", "spend");
        Bind(cmd, hour.Role, hour.Rig, hour.Worker, hour.Hour, spend);
        await cmd.ExecuteNonQueryAsync();
    }

    const string OverlappableSpendSql = $"""
        SELECT bucket, model, source, spend_nanos, input_tokens, output_tokens, cache_read_tokens, cache_create_tokens, beads_closed
        FROM spend_rollup
        WHERE bucket >= @first AND bucket < @end AND role = @role AND rig = @rig AND worker = @worker
          AND source <> '{SourceOverlap.TranscriptSource}'
        """;

    /// <summary>The spend_rollup rows of an agent-hour from every source but transcripts.</summary>
    public async Task<List<(long Bucket, string Model, string Source, long Spend, Counters Counters)>> OverlappableSpendAsync(
        AgentHour hour, long bucketsPerHour)
    {
        var cmd = Query(OverlappableSpendSql, "first", "end", "role", "rig", "worker");
        object[] values = [hour.Hour * bucketsPerHour, (hour.Hour + 1) * bucketsPerHour, hour.Role, hour.Rig, hour.Worker];
        for (int i = 0; i < values.Length; i++) cmd.Parameters[i].Value = values[i];
        var rows = new List<(long, string, string, long, Counters)>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3),
                new Counters(reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8))));
        return rows;
    }

    /// <summary>
    /// A write statement of this transaction, prepared once per connection (see <see cref="PreparedStatement"/>);
    /// its parameters are named as listed (without the @) and set by position. <paramref name="sql"/> must be a
    /// constant or a string kept for reuse: statements are found by reference, not by hashing their text.
    /// </summary>
    public PreparedStatement Prepared(string sql, params string[] parameterNames) => Command(sql, parameterNames);

    PreparedStatement Command(string sql, params string[] parameterNames)
    {
        if (!statements.TryGetValue(sql, out var statement))
            statements[sql] = statement = PreparedStatement.Create(connection, sql, parameterNames);
        statement.Transaction = tx;
        return statement;
    }

    /// <summary>A read, as an ordinary command (its reader maps rows), prepared once like the writes.</summary>
    DbCommand Query(string sql, params string[] parameterNames)
    {
        if (queries.TryGetValue(sql, out var cmd))
        {
            cmd.Transaction = tx;
            return cmd;
        }
        cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var name in parameterNames)
        {
            var parameter = cmd.CreateParameter();
            parameter.ParameterName = "@" + name;
            cmd.Parameters.Add(parameter);
        }
        queries[sql] = cmd;
        return cmd;
    }

    static void Bind(PreparedStatement statement, params object?[] values)
    {
        for (int i = 0; i < values.Length; i++) statement.Set(i, values[i]);
    }

    public void Dispose()
    {
        if (!keptWithConnection) Release();
    }

    void Release()
    {
        foreach (var statement in statements.Values) statement.Dispose();
        foreach (var cmd in queries.Values) cmd.Dispose();
        statements.Clear();
        queries.Clear();
    }
}
