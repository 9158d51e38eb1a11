using System.Data.Common;
using Dapper;
using Gasometer.Storage;
using Gasometer.Ingest;

namespace Gasometer.Stats;

/// <summary>Spend and token increments of one group (a bucket and/or a dimension value) in a range.</summary>
public sealed record SpendRow(long Bucket, string Key, long Spend, long Input, long Output, long CacheRead, long CacheCreate, long Beads)
{
    /// <summary>Runs active in the group's day, read in the same scan when the rows come from day_rollup; 0 otherwise.</summary>
    public long Runs { get; init; }

    public static SpendRow Sum(long bucket, string key, IEnumerable<SpendRow> rows)
    {
        long s = 0, i = 0, o = 0, r = 0, w = 0, b = 0;
        // checked: a total past long.MaxValue nano-dollars (about $9.2 billion) must fail, never wrap.
        foreach (var row in rows) checked { s += row.Spend; i += row.Input; o += row.Output; r += row.CacheRead; w += row.CacheCreate; b += row.Beads; }
        return new SpendRow(bucket, key, s, i, o, r, w, b);
    }
}

/// <summary>
/// Sums increments placed at their own ended_at over a half-open range. Whole 15-minute buckets
/// come from the rollup kept at ingest; a range edge that cuts a bucket (an RFC 3339 bound) is
/// completed from the snapshots themselves, so any range is exact, not rounded to buckets.
/// Spend and tokens that transcript spend replaces (<see cref="SourceOverlap"/>) are counted as the
/// query's <see cref="OverlapCounting"/> says; beads closed always count (no transcript reports them).
/// </summary>
public static class SpendReader
{
    public static readonly string[] Dimensions = ["role", "rig", "worker", "model", "source"];

    /// <param name="dimension">role, rig, worker, model or source to group by; null for one total.</param>
    /// <param name="byBucket">also group by 15-minute bucket (for days and hours in a zone).</param>
    /// <param name="withTokens">false leaves the four token counts at 0 for callers that show none: summing
    /// them was half the time of a year of days.</param>
    public static async Task<List<SpendRow>> ReadAsync(Database database, DbConnection c, StatsQuery q, long from, long to, string? dimension,
        bool byBucket, bool withTokens = true)
    {
        if (dimension is not null && !Dimensions.Contains(dimension)) throw new ArgumentException("unknown dimension", nameof(dimension));
        if (q.TryWholeDays(from, to, out var firstDay, out var endDay))
            return await ReadDaysAsync(database, c, q, firstDay, endDay, dimension, byBucket, withTokens);
        // Without any transcript spend nothing overlaps: the buckets need no join to transcript_hours.
        if (q.Overlap != OverlapCounting.All
            && await c.ExecuteScalarAsync<long?>("SELECT 1 FROM transcript_hours WHERE transcript_nanos > 0 LIMIT 1") is null)
        {
            if (q.Overlap == OverlapCounting.LeftOut) return [];
            q = q with { OverlapOverride = OverlapCounting.All };
        }
        long bucketNanos = SpendRollup.BucketNanos;
        long firstWhole = (from + bucketNanos - 1) / bucketNanos; // first bucket wholly inside
        long endWhole = to / bucketNanos;                          // first bucket not wholly inside

        var p = new DynamicParameters();
        var filters = q.FilterSql(database, p);
        // CAST: with no rows SQLite cannot tell a bare '' is text, and Dapper needs the type.
        var rollupKey = dimension ?? "CAST('' AS TEXT)";
        var snapshotKey = dimension is null ? "CAST('' AS TEXT)" : $"CAST(COALESCE({dimension}, '') AS TEXT)";
        var rollupBucket = byBucket ? "bucket" : "CAST(0 AS BIGINT)";
        var snapshotBucket = byBucket ? $"ended_at_ns / {bucketNanos}" : "CAST(0 AS BIGINT)";
        var (rollupJoin, rollupFactor) = Overlap(q.Overlap, "rig", "worker", $"bucket / {AgentHour.HourNanos / bucketNanos}");
        var (snapshotJoin, snapshotFactor) = Overlap(q.Overlap, "COALESCE(rig, '')", "COALESCE(worker, '')", $"ended_at_ns / {AgentHour.HourNanos}");
        string RollupSql() => $"""
            SELECT {rollupBucket} AS bucket, {rollupKey} AS key, {Sums(rollupFactor, q.Overlap, withTokens, "spend_nanos", "input_tokens",
                "output_tokens", "cache_read_tokens", "cache_create_tokens", "beads_closed")}
            FROM spend_rollup{rollupJoin} WHERE bucket >= @firstWhole AND bucket < @endWhole{filters}
            {Group(byBucket ? "bucket" : null, dimension)}
            """;
        string SnapshotSql(string lo, string hi) => $"""
            SELECT {snapshotBucket} AS bucket, {snapshotKey} AS key, {Sums(snapshotFactor, q.Overlap, withTokens, "increment_nanos", "input_increment",
                "output_increment", "cache_read_increment", "cache_create_increment", "beads_increment")}
            FROM snapshots{snapshotJoin} WHERE ended_at_ns >= {lo} AND ended_at_ns < {hi}{filters}
            {Group(byBucket ? snapshotBucket : null, dimension is null ? null : snapshotKey)}
            """;

        p.Add("from", from);
        p.Add("to", to);
        var parts = new List<string>();
        if (firstWhole < endWhole)
        {
            p.Add("firstWhole", firstWhole);
            p.Add("endWhole", endWhole);
            p.Add("wholeFrom", firstWhole * bucketNanos);
            p.Add("wholeTo", endWhole * bucketNanos);
            parts.Add(RollupSql());
            if (from < firstWhole * bucketNanos) parts.Add(SnapshotSql("@from", "@wholeFrom"));
            if (endWhole * bucketNanos < to) parts.Add(SnapshotSql("@wholeTo", "@to"));
        }
        else
        {
            parts.Add(SnapshotSql("@from", "@to"));
        }

        var rows = await c.QueryAsync<(long Bucket, string Key, long? Spend, long? Input, long? Output, long? CacheRead, long? CacheCreate, long? Beads)>(
            string.Join("\nUNION ALL\n", parts), p);
        return rows.Where(r => r.Spend is not null)
            .GroupBy(r => (r.Bucket, r.Key))
            .Select(g => SpendRow.Sum(g.Key.Bucket, g.Key.Key, g.Select(r => new SpendRow(r.Bucket, r.Key, r.Spend ?? 0, r.Input ?? 0,
                r.Output ?? 0, r.CacheRead ?? 0, r.CacheCreate ?? 0, r.Beads ?? 0))))
            .ToList();
    }

    /// <summary>Whole local days from day_rollup; a row's bucket is its day's first bucket.</summary>
    static async Task<List<SpendRow>> ReadDaysAsync(Database database, DbConnection c, StatsQuery q, long? firstDay, long? endDay,
        string? dimension, bool byDay, bool withTokens)
    {
        var p = new DynamicParameters();
        var where = q.DayRangeSql(p, firstDay, endDay) + q.FilterSql(database, p);
        var key = dimension ?? "''";
        var factor = q.Overlap switch { OverlapCounting.Once => "(1 - overlapped)", OverlapCounting.LeftOut => "overlapped", _ => null };
        var sql = $"SELECT {(byDay ? "day" : "CAST(0 AS BIGINT)")} AS day, {key} AS key, "
            + Sums(factor, q.Overlap, withTokens, "spend_nanos", "input_tokens", "output_tokens", "cache_read_tokens", "cache_create_tokens", "beads_closed")
            + ", SUM(runs_active) AS runs"
            + $" FROM day_rollup WHERE {where} " + Group(byDay ? "day" : null, dimension);
        var rows = await c.QueryAsync<(long Day, string Key, long? Spend, long? Input, long? Output, long? CacheRead, long? CacheCreate, long? Beads, long? Runs)>(sql, p);
        return rows.Where(r => r.Spend is not null)
            .Select(r => new SpendRow(byDay ? q.Zone.StartOf(DayRollup.Date(r.Day)) / SpendRollup.BucketNanos : 0, r.Key,
                r.Spend ?? 0, r.Input ?? 0, r.Output ?? 0, r.CacheRead ?? 0, r.CacheCreate ?? 0, r.Beads ?? 0) { Runs = r.Runs ?? 0 })
            .ToList();
    }

    /// <summary>
    /// For a 15-minute bucket or snapshot row: a join to its agent-hour's transcript spend (matching
    /// only rows of other sources in hours with transcript spend) and the factor, 0 or 1, that
    /// counts the row. Null factor: every row counts, no join needed.
    /// </summary>
    static (string Join, string? Factor) Overlap(OverlapCounting counting, string rig, string worker, string hour)
    {
        if (counting == OverlapCounting.All) return ("", null);
        var join = $"""
             LEFT JOIN transcript_hours th ON th.agent_role = role AND th.agent_rig = {rig} AND th.agent_worker = {worker}
                AND th.hour = {hour} AND th.transcript_nanos > 0 AND source <> '{SourceOverlap.TranscriptSource}'
            """;
        return (join, counting == OverlapCounting.Once
            ? "(CASE WHEN th.hour IS NULL THEN 1 ELSE 0 END)"
            : "(CASE WHEN th.hour IS NULL THEN 0 ELSE 1 END)");
    }

    /// <summary>SUM(...) AS spend, input, output, cache_read, cache_create, beads; each counted row times the factor.</summary>
    static string Sums(string? factor, OverlapCounting counting, bool withTokens, string spend, string input, string output, string cacheRead,
        string cacheCreate, string beads)
    {
        string Sum(string column, string alias, bool isMoneyOrTokens) =>
            factor is null || (!isMoneyOrTokens && counting == OverlapCounting.Once) ? $"SUM({column}) AS {alias}" : $"SUM({column} * {factor}) AS {alias}";
        string Tokens(string column, string alias) => withTokens ? Sum(column, alias, true) : $"CAST(0 AS BIGINT) AS {alias}";
        return string.Join(", ", Sum(spend, "spend", true), Tokens(input, "input"), Tokens(output, "output"),
            Tokens(cacheRead, "cache_read"), Tokens(cacheCreate, "cache_create"), Sum(beads, "beads", false));
    }

    static string Group(string? bucket, string? key)
    {
        var columns = new[] { bucket, key }.Where(x => x is not null).ToList();
        return columns.Count == 0 ? "" : "GROUP BY " + string.Join(", ", columns);
    }
}
