using Dapper;
using Gasometer.Time;
using Gasometer.Ingest;
using Gasometer.Money;
using Gasometer.Storage;
using Gasometer.Web;

namespace Gasometer.Stats;

/// <summary>
/// GET /api/stats/*: spend placed in time in the reporting zone. Spend is always the sum of
/// increments at their own ended_at (DESIGN.md section 3); sessions count runs with activity.
/// </summary>
public static class StatsApi
{
    public static RouteGroupBuilder MapStatsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/stats").WithTags("Stats");
        group.MapGet("/summary", Summary).WithSummary("Today, the last 7 days and this month: spend and sessions.");
        group.MapGet("/daily", Daily).WithSummary("Spend and sessions per day (in tz) and role, rig, worker or model (group_by).");
        group.MapGet("/roles", (HttpRequest r, Database d, IConfiguration c) => Breakdown(r, d, c, "role")).WithSummary("Spend, sessions and tokens per role.");
        group.MapGet("/rigs", (HttpRequest r, Database d, IConfiguration c) => Breakdown(r, d, c, "rig")).WithSummary("Spend, sessions and tokens per rig.");
        group.MapGet("/workers", (HttpRequest r, Database d, IConfiguration c) => Breakdown(r, d, c, "worker")).WithSummary("Spend, sessions and tokens per worker.");
        group.MapGet("/models", (HttpRequest r, Database d, IConfiguration c) => Breakdown(r, d, c, "model")).WithSummary("Spend, sessions and tokens per model.");
        group.MapGet("/hourly", Hourly).WithSummary("Spend per hour for the last N hours, burn rate and today's projection.");
        group.MapGet("/beads", Beads).WithSummary("Cost per bead closed, by role and by rig.");
        group.MapGet("/filters", Filters).WithSummary("The roles, rigs, workers, models and sources present in the range.");
        group.MapGet("/sources", SourcesStats.Read).WithSummary("Spend per source (hook, costs.jsonl, transcript) and the overlap left out of totals.");
        return group;
    }

    public sealed record Period(decimal TotalUsd, long Sessions);

    /// <summary>
    /// What every stats endpoint does around its own query: the shared parameters parsed (beside any
    /// problems its own parameters already found), one 400 naming every bad one, a connection,
    /// and storage failures answered as 500 or 503.
    /// </summary>
    internal static async Task<IResult> ReadAsync(HttpRequest request, Database database, IConfiguration configuration,
        List<ValidationDetail> problems, Func<StatsQuery, System.Data.Common.DbConnection, Task<IResult>> answer)
    {
        var q = StatsQuery.Parse(request.Query, configuration, problems);
        if (q is null || problems.Count > 0) return ErrorBodies.InvalidParameters(problems);
        return await ErrorBodies.OnStorageFailure(async () =>
        {
            await using var c = await database.OpenAsync();
            return await answer(q, c);
        });
    }

    static Task<IResult> Summary(HttpRequest request, Database database, IConfiguration configuration, TimeProvider clock) =>
        ReadAsync(request, database, configuration, [], async (q, c) =>
        {
            long now = ReportingZone.ToNanos(clock.GetUtcNow());
            var today = q.Zone.DateOf(now);
            var end = q.Zone.StartOf(today.AddDays(1));
            var results = new List<Period>();
            foreach (var start in new[] { q.Zone.StartOf(today), q.Zone.StartOf(today.AddDays(-6)), q.Zone.StartOf(new DateOnly(today.Year, today.Month, 1)) })
            {
                var spend = await SpendReader.ReadAsync(database, c, q, start, end, null, byBucket: false);
                results.Add(new Period(Usd.FromNanos(spend.Sum(r => r.Spend)), await RunActivity.CountAsync(database, c, q, start, end)));
            }
            return TypedResults.Ok(new { today = results[0], week = results[1], month = results[2], tz = q.Zone.Id });
        });

    static async Task<IResult> Daily(HttpRequest request, Database database, IConfiguration configuration, TimeProvider clock)
    {
        var problems = new List<ValidationDetail>();
        var groupBy = StatsQuery.OneOf(request.Query, "group_by", "role", SpendReader.Dimensions, problems) ?? "role";
        return await ReadAsync(request, database, configuration, problems, async (q, c) =>
        {
            var (from, to) = await DataRange.ResolveAsync(c, q, clock);
            var days = q.Zone.Days(from, to);
            var totals = new Dictionary<(int Day, string Key), (long Spend, long Sessions)>();

            // Whole days come from day_rollup, which carries the runs active each day in the same rows:
            // one scan instead of two (a year of a million runs: 0.39 s before).
            bool runsRead = q.TryWholeDays(from, to, out _, out _);
            foreach (var row in await SpendReader.ReadAsync(database, c, q, from, to, groupBy, byBucket: true, withTokens: false))
            {
                int day = RunActivity.DayIndex(days, row.Bucket * SpendRollup.BucketNanos);
                if (day < 0) continue;
                var old = totals.GetValueOrDefault((day, row.Key));
                totals[(day, row.Key)] = (checked(old.Spend + row.Spend), old.Sessions + row.Runs);
            }
            if (!runsRead)
                foreach (var ((day, key), sessions) in await RunActivity.PerDayAsync(database, c, q, from, to, groupBy, days))
                {
                    var old = totals.GetValueOrDefault((day, key));
                    totals[(day, key)] = (old.Spend, old.Sessions + sessions);
                }

            var data = totals.OrderBy(t => t.Key.Day).ThenBy(t => t.Key.Key, StringComparer.Ordinal)
                .Select(t => new Dictionary<string, object?>
                {
                    ["date"] = days[t.Key.Day].Date.ToString("yyyy-MM-dd"),
                    [groupBy] = t.Key.Key.Length == 0 ? null : t.Key.Key,
                    ["total_usd"] = Usd.FromNanos(t.Value.Spend),
                    ["session_count"] = t.Value.Sessions,
                });
            return TypedResults.Ok(new { data, tz = q.Zone.Id });
        });
    }

    static async Task<IResult> Breakdown(HttpRequest request, Database database, IConfiguration configuration, string dimension)
    {
        return await ReadAsync(request, database, configuration, [], async (q, c) =>
        {
            long from = q.FromNanos ?? 0, to = q.ToNanos ?? long.MaxValue;
            var spend = await SpendReader.ReadAsync(database, c, q, from, to, dimension, byBucket: false);
            var sessions = await RunActivity.CountByAsync(database, c, q, from, to, dimension);
            var keys = spend.Select(s => s.Key).Union(sessions.Keys);
            var data = keys
                .Select(k => (Key: k, Spend: spend.FirstOrDefault(s => s.Key == k) ?? new SpendRow(0, k, 0, 0, 0, 0, 0, 0)))
                .OrderByDescending(x => x.Spend.Spend).ThenBy(x => x.Key, StringComparer.Ordinal)
                .Select(x => new Dictionary<string, object?>
                {
                    [dimension] = x.Key.Length == 0 ? null : x.Key,
                    ["total_usd"] = Usd.FromNanos(x.Spend.Spend),
                    ["session_count"] = sessions.GetValueOrDefault(x.Key),
                    ["input_tokens"] = x.Spend.Input,
                    ["output_tokens"] = x.Spend.Output,
                    ["cache_read_tokens"] = x.Spend.CacheRead,
                    ["cache_create_tokens"] = x.Spend.CacheCreate,
                });
            return TypedResults.Ok(new { data });
        });
    }

    static async Task<IResult> Hourly(HttpRequest request, Database database, IConfiguration configuration, TimeProvider clock)
    {
        var problems = new List<ValidationDetail>();
        var hours = StatsQuery.Integer(request.Query, "hours", 24, 1, 24 * 31, problems) ?? 24;
        return await ReadAsync(request, database, configuration, problems, async (q, c) =>
        {
            long now = ReportingZone.ToNanos(clock.GetUtcNow());
            long hour = 3600 * ReportingZone.NanosPerSecond;
            long currentHour = q.Zone.StartOfHour(now);
            long firstHour = currentHour - (hours - 1) * hour;
            var rows = await SpendReader.ReadAsync(database, c, q, firstHour, currentHour + hour, null, byBucket: true, withTokens: false);
            var perHour = Enumerable.Range(0, hours).Select(i =>
            {
                long start = firstHour + i * hour;
                long spend = rows.Where(r => r.Bucket * SpendRollup.BucketNanos >= start && r.Bucket * SpendRollup.BucketNanos < start + hour).Sum(r => r.Spend);
                return new { hour = new Time.Instant(start, 0).ToUtcString(), total_usd = Usd.FromNanos(spend) };
            }).ToList();

            long lastHour = (await SpendReader.ReadAsync(database, c, q, now - hour + 1, now + 1, null, false, withTokens: false)).Sum(r => r.Spend);
            var today = q.Zone.DateOf(now);
            long dayStart = q.Zone.StartOf(today), dayEnd = q.Zone.StartOf(today.AddDays(1));
            long todaySpend = (await SpendReader.ReadAsync(database, c, q, dayStart, now + 1, null, false, withTokens: false)).Sum(r => r.Spend);
            // The average of the 30 days before today; a fleet whose spend began less than 30 days ago
            // averages over the days since then (five days old: over five days, not thirty).
            long monthBack = q.Zone.StartOf(today.AddDays(-30));
            long previous30 = (await SpendReader.ReadAsync(database, c, q, monthBack, dayStart, null, false, withTokens: false)).Sum(r => r.Spend);
            var firstParameters = new DynamicParameters();
            long? firstBucket = await c.ExecuteScalarAsync<long?>(
                "SELECT MIN(bucket) FROM spend_rollup WHERE spend_nanos <> 0" + q.FilterSql(database, firstParameters), firstParameters);
            int daysWithHistory = firstBucket is { } first
                ? Math.Clamp(today.DayNumber - q.Zone.DateOf(first * SpendRollup.BucketNanos).DayNumber, 1, 30)
                : 30;
            decimal burn = Usd.FromNanos(lastHour);
            decimal remainingHours = (decimal)(dayEnd - now) / hour;
            var thresholds = configuration.GetSection("Gasometer:BurnGauge");
            return TypedResults.Ok(new
            {
                hours = perHour,
                burn_rate_usd_per_hour = burn,
                today_usd = Usd.FromNanos(todaySpend),
                projected_today_usd = Math.Round(Usd.FromNanos(todaySpend) + burn * remainingHours, 6),
                daily_average_usd = Math.Round(Usd.FromNanos(previous30) / daysWithHistory, 6),
                thresholds = new
                {
                    yellow_usd = thresholds.GetValue("YellowUsd", 10m),
                    red_usd = thresholds.GetValue("RedUsd", 25m),
                },
                tz = q.Zone.Id,
            });
        });
    }

    static async Task<IResult> Beads(HttpRequest request, Database database, IConfiguration configuration)
    {
        return await ReadAsync(request, database, configuration, [], async (q, c) =>
        {
            long from = q.FromNanos ?? 0, to = q.ToNanos ?? long.MaxValue;
            async Task<List<Dictionary<string, object?>>> By(string dimension) =>
                (await SpendReader.ReadAsync(database, c, q, from, to, dimension, byBucket: false, withTokens: false))
                .OrderByDescending(r => r.Spend).ThenBy(r => r.Key, StringComparer.Ordinal)
                .Select(r => new Dictionary<string, object?>
                {
                    [dimension] = r.Key.Length == 0 ? null : r.Key,
                    ["total_usd"] = Usd.FromNanos(r.Spend),
                    ["beads_closed"] = r.Beads,
                    ["usd_per_bead"] = r.Beads > 0 ? Math.Round(Usd.FromNanos(r.Spend) / r.Beads, 9) : null,
                }).ToList();
            return TypedResults.Ok(new { by_role = await By("role"), by_rig = await By("rig") });
        });
    }

    static async Task<IResult> Filters(HttpRequest request, Database database, IConfiguration configuration)
    {
        return await ReadAsync(request, database, configuration, [], async (q, c) =>
        {
            long from = q.FromNanos ?? 0, to = q.ToNanos ?? long.MaxValue;
            // The choices ignore the active filters: chips for the other values must stay visible.
            var unfiltered = q with { Roles = [], Rigs = [], Workers = [], Models = [], Sources = [], OverlapOverride = OverlapCounting.All };
            static List<string> Present(IEnumerable<string> keys) => keys.Where(k => k.Length > 0).Distinct().Order(StringComparer.Ordinal).ToList();
            if (unfiltered.TryWholeDays(from, to, out var firstDay, out var endDay))
            {
                // Whole days: every combination present in one scan of day_rollup, not one grouped sum per dimension.
                var p = new DynamicParameters();
                var combos = (await c.QueryAsync<(string Role, string Rig, string Worker, string Model, string Source)>(
                    $"SELECT DISTINCT role, rig, worker, model, source FROM day_rollup WHERE {unfiltered.DayRangeSql(p, firstDay, endDay)}", p)).ToList();
                return TypedResults.Ok(new
                {
                    roles = Present(combos.Select(x => x.Role)), rigs = Present(combos.Select(x => x.Rig)), workers = Present(combos.Select(x => x.Worker)),
                    models = Present(combos.Select(x => x.Model)), sources = Present(combos.Select(x => x.Source)),
                });
            }
            async Task<List<string>> Values(string dimension) =>
                Present((await SpendReader.ReadAsync(database, c, unfiltered, from, to, dimension, byBucket: false)).Select(r => r.Key));
            return TypedResults.Ok(new
            {
                roles = await Values("role"), rigs = await Values("rig"), workers = await Values("worker"), models = await Values("model"),
                sources = await Values("source"),
            });
        });
    }
}
