using Dapper;
using Gasometer.Storage;

namespace Gasometer.Ingest;

/// <summary>
/// Brings day_rollup in line with the configured zones at start-up: a zone that is new (a fresh
/// database, or a zone just added to the configuration) is computed from the stored snapshots and
/// runs; a zone no longer configured is dropped, since nothing would keep it current.
/// </summary>
public static class DayRollupBackfill
{
    public static async Task EnsureAsync(Database database, RollupZones zones, ILogger? logger = null, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var present = (await c.QueryAsync<string>("SELECT zone FROM rollup_zones")).ToHashSet();
        foreach (var zone in zones.Zones.Where(z => !present.Contains(z.Id)))
        {
            await using var tx = await c.BeginTransactionAsync(ct);
            if (database.Engine == Engine.Postgres) // one instance fills a zone; the others wait, then see it listed
                await c.ExecuteAsync("LOCK TABLE rollup_zones IN EXCLUSIVE MODE", transaction: tx);
            if (await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM rollup_zones WHERE zone = @zone", new { zone = zone.Id }, tx) > 0)
            {
                await tx.CommitAsync(ct);
                continue;
            }
            await c.ExecuteAsync("DELETE FROM day_rollup WHERE zone = @zone", new { zone = zone.Id }, tx);
            var days = new DayRollup(new RollupZones([zone]));
            long snapshots = 0, runs = 0;
            // The agent-hours with transcript spend: other sources' spend in them is overlapped (SourceOverlap).
            var transcriptHours = (await c.QueryAsync<(string Role, string Rig, string Worker, long Hour)>(
                    "SELECT agent_role, agent_rig, agent_worker, hour FROM transcript_hours WHERE transcript_nanos > 0", transaction: tx))
                .Select(h => new AgentHour(h.Role, h.Rig, h.Worker, h.Hour)).ToHashSet();
            // Unbuffered: a large database streams through instead of landing in memory at once.
            await foreach (var s in c.QueryUnbufferedAsync<(long EndedAt, string Role, string? Rig, string? Worker, string? Model, string Source,
                         long Spend, long Input, long Output, long CacheRead, long CacheCreate, long Beads)>("""
                         SELECT ended_at_ns, role, rig, worker, model, source, increment_nanos, input_increment, output_increment,
                                cache_read_increment, cache_create_increment, beads_increment
                         FROM snapshots
                         """, transaction: tx))
            {
                bool overlapped = SourceOverlap.IsOverlappable(s.Source)
                    && transcriptHours.Contains(new AgentHour(s.Role, s.Rig ?? "", s.Worker ?? "", s.EndedAt / AgentHour.HourNanos));
                days.AddSpend(s.EndedAt, s.Role, s.Rig, s.Worker, s.Model, s.Source, overlapped, s.Spend,
                    new Counters(s.Input, s.Output, s.CacheRead, s.CacheCreate, s.Beads));
                snapshots++;
            }
            await using (var cmd = c.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = $"SELECT {SnapshotStore.RunColumns} FROM runs";
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    days.AddRun(LedgerCommands.ReadRun(reader), +1);
                    runs++;
                }
            }
            using (var commands = new LedgerCommands(c, tx)) await days.FlushAsync(commands);
            await c.ExecuteAsync("INSERT INTO rollup_zones (zone) VALUES (@zone)", new { zone = zone.Id }, tx);
            await tx.CommitAsync(ct);
            logger?.LogInformation("Rolled up days in {Zone} from {Snapshots} snapshots and {Runs} runs", zone.Id, snapshots, runs);
        }
        foreach (var stale in present.Where(id => !zones.Zones.Any(z => z.Id == id)))
        {
            await using var tx = await c.BeginTransactionAsync(ct);
            await c.ExecuteAsync("DELETE FROM day_rollup WHERE zone = @stale", new { stale }, tx);
            await c.ExecuteAsync("DELETE FROM rollup_zones WHERE zone = @stale", new { stale }, tx);
            await tx.CommitAsync(ct);
        }
    }
}
