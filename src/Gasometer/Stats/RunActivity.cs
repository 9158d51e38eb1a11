using System.Data.Common;
using Dapper;
using Gasometer.Ingest;
using Gasometer.Storage;

namespace Gasometer.Stats;

/// <summary>
/// Session counts. A run has activity in a period when its span, from its first to its last
/// snapshot, overlaps the period: the agent was working then. Counting runs (not tmux session
/// names) means a restarted session counts both conversations.
/// </summary>
public static class RunActivity
{
    /// <summary>A class, not a positional record: with no rows SQLite reports no column types for Dapper to match a constructor.</summary>
    public sealed class RunSpan
    {
        public string Key { get; set; } = "";
        public long StartedAt { get; set; }
        public long EndedAt { get; set; }
    }

    /// <summary>Runs whose span overlaps [from, to), with the value of <paramref name="dimension"/> (or '').</summary>
    public static async Task<List<RunSpan>> SpansAsync(Database database, DbConnection c, StatsQuery q, long from, long to, string? dimension)
    {
        var p = new DynamicParameters(new { from, to });
        var key = dimension is null ? "''" : $"COALESCE({dimension}, '')";
        return (await c.QueryAsync<RunSpan>($"""
            SELECT {key} AS key, started_at_ns AS started_at, ended_at_ns AS ended_at
            FROM runs WHERE ended_at_ns >= @from AND started_at_ns < @to{q.FilterSql(database, p)}
            """, p)).ToList();
    }

    public static async Task<long> CountAsync(Database database, DbConnection c, StatsQuery q, long from, long to)
    {
        if (q.TryWholeDays(from, to, out var firstDay, out var endDay))
            return (await CountWholeDaysAsync(database, c, q, firstDay, endDay, null)).Values.Sum();
        var p = new DynamicParameters(new { from, to });
        return await c.ExecuteScalarAsync<long>(
            $"SELECT COUNT(*) FROM runs WHERE ended_at_ns >= @from AND started_at_ns < @to{q.FilterSql(database, p)}", p);
    }

    /// <summary>
    /// Distinct runs over whole days from day_rollup: those already running when the first day
    /// began (active on it but not started on it) plus every run started within the days.
    /// </summary>
    static async Task<Dictionary<string, long>> CountWholeDaysAsync(Database database, DbConnection c, StatsQuery q,
        long? firstDay, long? endDay, string? dimension)
    {
        var p = new DynamicParameters();
        var where = q.DayRangeSql(p, firstDay, endDay) + q.FilterSql(database, p);
        var key = dimension ?? "''";
        var group = dimension is null ? "" : $"GROUP BY {dimension}";
        var sql = $"SELECT {key} AS key, SUM(runs_started) AS count FROM day_rollup WHERE {where} {group}";
        if (firstDay is not null)
            sql += $" UNION ALL SELECT {key} AS key, SUM(runs_active - runs_started) AS count FROM day_rollup WHERE {where} AND day = @first_day {group}";
        var counts = new Dictionary<string, long>();
        foreach (var (k, n) in await c.QueryAsync<(string Key, long? Count)>(sql, p))
            if (n is not null) counts[k] = counts.GetValueOrDefault(k) + n.Value;
        return counts.Where(kv => kv.Value != 0).ToDictionary();
    }

    /// <summary>Runs with activity on each day of <paramref name="days"/>, per value of the dimension: (day index, value) to count.</summary>
    public static async Task<Dictionary<(int Day, string Key), long>> PerDayAsync(Database database, DbConnection c, StatsQuery q,
        long from, long to, string dimension, List<(DateOnly Date, long StartNanos, long EndNanos)> days)
    {
        var counts = new Dictionary<(int, string), long>();
        if (q.TryWholeDays(from, to, out var firstDay, out var endDay))
        {
            var p = new DynamicParameters();
            var where = q.DayRangeSql(p, firstDay, endDay) + q.FilterSql(database, p);
            var index = days.Select((d, i) => (Day: DayRollup.DayNumber(d.Date), i)).ToDictionary(x => x.Day, x => x.i);
            foreach (var (day, key, n) in await c.QueryAsync<(long Day, string Key, long Count)>(
                         $"SELECT day, {dimension} AS key, SUM(runs_active) AS count FROM day_rollup WHERE {where} GROUP BY day, {dimension}", p))
                if (n != 0 && index.TryGetValue(day, out var i)) counts[(i, key)] = n;
            return counts;
        }
        foreach (var run in await SpansAsync(database, c, q, from, to, dimension))
        {
            int first = Math.Max(0, DayIndex(days, Math.Max(run.StartedAt, from)));
            int last = DayIndex(days, Math.Min(run.EndedAt, to - 1));
            for (int day = first; day <= last && day >= 0; day++)
                counts[(day, run.Key)] = counts.GetValueOrDefault((day, run.Key)) + 1;
        }
        return counts;
    }

    /// <summary>The index of the day containing an instant, or -1 outside the days.</summary>
    public static int DayIndex(List<(DateOnly Date, long StartNanos, long EndNanos)> days, long at)
    {
        int lo = 0, hi = days.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) / 2;
            if (at < days[mid].StartNanos) hi = mid - 1;
            else if (at >= days[mid].EndNanos) lo = mid + 1;
            else return mid;
        }
        return -1;
    }

    /// <summary>Counts per dimension value of runs overlapping [from, to).</summary>
    public static async Task<Dictionary<string, long>> CountByAsync(Database database, DbConnection c, StatsQuery q, long from, long to, string dimension)
    {
        if (q.TryWholeDays(from, to, out var firstDay, out var endDay))
            return await CountWholeDaysAsync(database, c, q, firstDay, endDay, dimension);
        var p = new DynamicParameters(new { from, to });
        var rows = await c.QueryAsync<(string Key, long Count)>($"""
            SELECT COALESCE({dimension}, '') AS key, COUNT(*) AS count
            FROM runs WHERE ended_at_ns >= @from AND started_at_ns < @to{q.FilterSql(database, p)}
            GROUP BY COALESCE({dimension}, '')
            """, p);
        return rows.ToDictionary(r => r.Key, r => r.Count);
    }
}
