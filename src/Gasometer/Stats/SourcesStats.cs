using Gasometer.Ingest;
using Gasometer.Money;
using Gasometer.Storage;

namespace Gasometer.Stats;

/// <summary>
/// GET /api/stats/sources: each source's spend in the range (hook, costs.jsonl, transcript, ...),
/// how much of it was left out because transcripts report the same work (<see cref="SourceOverlap"/>),
/// and what the totals count. The filters apply as everywhere; a source filter narrows the rows.
/// </summary>
public static class SourcesStats
{
    public static Task<IResult> Read(HttpRequest request, Database database, IConfiguration configuration) =>
        StatsApi.ReadAsync(request, database, configuration, [], async (q, c) =>
        {
            long from = q.FromNanos ?? 0, to = q.ToNanos ?? long.MaxValue;
            var all = await SpendReader.ReadAsync(database, c, q with { OverlapOverride = OverlapCounting.All }, from, to, "source", byBucket: false);
            var leftOut = (await SpendReader.ReadAsync(database, c, q with { OverlapOverride = OverlapCounting.LeftOut }, from, to, "source", byBucket: false))
                .ToDictionary(r => r.Key);
            var sessions = await RunActivity.CountByAsync(database, c, q, from, to, "source");
            var none = new SpendRow(0, "", 0, 0, 0, 0, 0, 0);
            var data = all.Select(r => r.Key).Union(sessions.Keys)
                .Select(source => (Source: source, All: all.FirstOrDefault(r => r.Key == source) ?? none, LeftOut: leftOut.GetValueOrDefault(source) ?? none))
                .OrderByDescending(x => x.All.Spend).ThenBy(x => x.Source, StringComparer.Ordinal)
                .Select(x => new Dictionary<string, object?>
                {
                    ["source"] = x.Source,
                    ["total_usd"] = Usd.FromNanos(x.All.Spend),
                    ["overlap_usd"] = Usd.FromNanos(x.LeftOut.Spend),
                    ["counted_usd"] = Usd.FromNanos(x.All.Spend - x.LeftOut.Spend),
                    ["session_count"] = sessions.GetValueOrDefault(x.Source),
                    ["input_tokens"] = x.All.Input,
                    ["output_tokens"] = x.All.Output,
                    ["cache_read_tokens"] = x.All.CacheRead,
                    ["cache_create_tokens"] = x.All.CacheCreate,
                    ["overlap_tokens"] = x.LeftOut.Input + x.LeftOut.Output + x.LeftOut.CacheRead + x.LeftOut.CacheCreate,
                })
                .ToList();
            long total = all.Sum(r => r.Spend), overlap = leftOut.Values.Sum(r => r.Spend);
            return TypedResults.Ok(new
            {
                data,
                total_usd = Usd.FromNanos(total),
                overlap_usd = Usd.FromNanos(overlap),
                counted_usd = Usd.FromNanos(total - overlap),
            });
        });
}
