using Dapper;
using Gasometer.Ingest;
using Gasometer.Money;
using Gasometer.Storage;
using Gasometer.Time;
using Gasometer.Web;

namespace Gasometer.Stats;

/// <summary>
/// GET /api/costs: the runs (the seed's cost_events rows), and GET /api/costs/{session_id}: one
/// session's runs and its snapshot time series, for the session explorer.
/// </summary>
public static class CostsApi
{
    public static RouteGroupBuilder MapCostsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/costs").WithTags("Costs");
        group.MapGet("", List).WithSummary("Runs overlapping the range, newest first; limit, offset, sort, order, q.");
        // A catch-all: tmux session names may hold '/', sent as is or as %2F (which routing leaves encoded).
        group.MapGet("/{**sessionId}", (string sessionId, Database database) => Session(Uri.UnescapeDataString(sessionId), database))
            .WithSummary("One session: its runs and its snapshots (cumulative cost over time).");
        return group;
    }

    /// <summary>One run, with the seed's cost_events fields and where it sits in its session.</summary>
    public sealed record RunView(
        string Id, string SessionId, int Run, string Role, string? Worker, string? Rig, string? Model, decimal CostUsd,
        long InputTokens, long OutputTokens, long CacheReadTokens, long CacheCreateTokens, long? DurationSec,
        long BeadsClosed, string StartedAt, string EndedAt, long SnapshotCount, string Source);

    sealed class RunRecord
    {
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
        public long SnapshotCount { get; set; }
        public string Source { get; set; } = "";

        public RunView ToView() => new($"{SessionId}#{RunNo}", SessionId, (int)RunNo, Role, Worker, Rig, Model, Usd.FromNanos(CostNanos),
            InputTokens, OutputTokens, CacheReadTokens, CacheCreateTokens, DurationSec, BeadsClosed,
            new Instant(StartedAtNs, 0).ToUtcString(), new Instant(EndedAtNs, 0).ToUtcString(), SnapshotCount, Source);
    }

    const string RunColumns = """
        session_id, run_no, role, worker, rig, model, cost_nanos, input_tokens, output_tokens, cache_read_tokens,
        cache_create_tokens, beads_closed, duration_sec, started_at_ns, ended_at_ns, snapshot_count, source
        """;

    static readonly Dictionary<string, string> SortColumns = new()
    {
        ["ended_at"] = "ended_at_ns", ["started_at"] = "started_at_ns", ["cost"] = "cost_nanos",
        ["session_id"] = "session_id", ["role"] = "role", ["worker"] = "worker", ["rig"] = "rig", ["model"] = "model",
        ["duration"] = "duration_sec", ["beads"] = "beads_closed",
        ["tokens"] = "(input_tokens + output_tokens + cache_read_tokens + cache_create_tokens)",
    };

    static async Task<IResult> List(HttpRequest request, Database database, IConfiguration configuration)
    {
        var problems = new List<ValidationDetail>();
        var q = StatsQuery.Parse(request.Query, configuration, problems);
        var limit = StatsQuery.Integer(request.Query, "limit", 100, 1, 1000, problems);
        var offset = StatsQuery.Integer(request.Query, "offset", 0, 0, 10_000_000, problems);
        var sort = StatsQuery.OneOf(request.Query, "sort", "ended_at", [.. SortColumns.Keys], problems);
        var order = StatsQuery.OneOf(request.Query, "order", "desc", ["desc", "asc"], problems);
        var text = request.Query.ContainsKey("q") ? StatsQuery.Single(request.Query, "q", problems) : null;
        if (text is { Length: > 200 }) problems.Add(new("q", "must be at most 200 characters"));
        if (q is null || limit is null || offset is null || sort is null || order is null || problems.Count > 0)
            return ErrorBodies.InvalidParameters(problems);

        return await ErrorBodies.OnStorageFailure(async () =>
        {
            var p = new DynamicParameters(new { from = q.FromNanos ?? 0, to = q.ToNanos ?? long.MaxValue, limit, offset });
            var where = $"ended_at_ns >= @from AND started_at_ns < @to{q.FilterSql(database, p)}";
            if (text is not null)
            {
                p.Add("q", "%" + text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%");
                var like = database.LikeOperator;
                where += $" AND (session_id {like} @q ESCAPE '\\' OR worker {like} @q ESCAPE '\\' OR rig {like} @q ESCAPE '\\')";
            }
            var direction = order == "asc" ? "ASC" : "DESC";
            await using var c = await database.OpenAsync();
            var rows = await c.QueryAsync<RunRecord>($"""
                SELECT {RunColumns} FROM runs WHERE {where}
                ORDER BY {SortColumns[sort]} {direction}, session_id {direction}, run_no {direction}
                LIMIT @limit OFFSET @offset
                """, p);
            var total = await c.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM runs WHERE {where}", p);
            var data = rows.Select(r => r.ToView()).ToList();
            return TypedResults.Ok(new { data, count = data.Count, total });
        });
    }

    /// <summary>One point of a session's time series: the running total and what it added.</summary>
    public sealed record SnapshotView(string EndedAt, int Run, decimal CostUsd, decimal IncrementUsd,
        long? InputTokens, long? OutputTokens, long? CacheReadTokens, long? CacheCreateTokens, string? Model, string Source);

    static async Task<IResult> Session(string sessionId, Database database)
    {
        return await ErrorBodies.OnStorageFailure(async () =>
        {
            await using var c = await database.OpenAsync();
            var runs = (await c.QueryAsync<RunRecord>(
                $"SELECT {RunColumns} FROM runs WHERE session_id = @sessionId ORDER BY run_no", new { sessionId })).ToList();
            var snapshots = (await c.QueryAsync<(long EndedAtNs, long RunNo, long CostNanos, long IncrementNanos, long? Input, long? Output, long? CacheRead, long? CacheCreate, string? Model, string Source)>("""
                SELECT ended_at_ns, run_no, cost_nanos, increment_nanos, input_tokens, output_tokens, cache_read_tokens,
                       cache_create_tokens, model, source
                FROM snapshots WHERE session_id = @sessionId ORDER BY ended_at_ns
                """, new { sessionId })).ToList();
            if (snapshots.Count == 0) return TypedResults.Json(new { error = "Not found" }, statusCode: StatusCodes.Status404NotFound);

            return TypedResults.Ok(new
            {
                session_id = sessionId,
                total_usd = Usd.FromNanos(runs.Sum(r => r.CostNanos)),
                runs = runs.Select(r => r.ToView()),
                snapshots = snapshots.Select(s => new SnapshotView(new Instant(s.EndedAtNs, 0).ToUtcString(), (int)s.RunNo,
                    Usd.FromNanos(s.CostNanos), Usd.FromNanos(s.IncrementNanos), s.Input, s.Output, s.CacheRead, s.CacheCreate, s.Model, s.Source)),
            });
        });
    }
}
