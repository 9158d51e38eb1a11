using System.Data.Common;
using Dapper;
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
        var p = new DynamicParameters(new { from, to });
        return await c.ExecuteScalarAsync<long>(
            $"SELECT COUNT(*) FROM runs WHERE ended_at_ns >= @from AND started_at_ns < @to{q.FilterSql(database, p)}", p);
    }

    /// <summary>Counts per dimension value of runs overlapping [from, to).</summary>
    public static async Task<Dictionary<string, long>> CountByAsync(Database database, DbConnection c, StatsQuery q, long from, long to, string dimension)
    {
        var p = new DynamicParameters(new { from, to });
        var rows = await c.QueryAsync<(string Key, long Count)>($"""
            SELECT COALESCE({dimension}, '') AS key, COUNT(*) AS count
            FROM runs WHERE ended_at_ns >= @from AND started_at_ns < @to{q.FilterSql(database, p)}
            GROUP BY COALESCE({dimension}, '')
            """, p);
        return rows.ToDictionary(r => r.Key, r => r.Count);
    }
}
