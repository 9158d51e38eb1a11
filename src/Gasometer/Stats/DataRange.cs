using System.Data.Common;
using Dapper;
using Gasometer.Time;
using Gasometer.Ingest;

namespace Gasometer.Stats;

/// <summary>An open-ended range made concrete: from the first stored snapshot to now (or the last snapshot, if later).</summary>
public static class DataRange
{
    public static async Task<(long From, long To)> ResolveAsync(DbConnection c, StatsQuery q, TimeProvider clock)
    {
        long from = q.FromNanos ?? 0, to = q.ToNanos ?? 0;
        if (q.FromNanos is null || q.ToNanos is null)
        {
            var (first, last) = await c.QuerySingleAsync<(long?, long?)>("SELECT MIN(bucket), MAX(bucket) FROM spend_rollup");
            long now = ReportingZone.ToNanos(clock.GetUtcNow());
            // Whole days in the zone, so the day rollup can serve them.
            if (q.FromNanos is null) from = q.Zone.StartOf(q.Zone.DateOf((first ?? now / SpendRollup.BucketNanos) * SpendRollup.BucketNanos));
            if (q.ToNanos is null) to = q.Zone.StartOf(q.Zone.DateOf(Math.Max(now, ((last ?? 0) + 1) * SpendRollup.BucketNanos - 1)).AddDays(1));
        }
        return (from, Math.Max(from, to));
    }
}
