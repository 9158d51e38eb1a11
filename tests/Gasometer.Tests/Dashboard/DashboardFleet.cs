using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gasometer.Tests.Dashboard;

/// <summary>One stop-hook event of the fleet: a session's running totals at EndedAt.</summary>
public sealed record FleetEvent(
    string SessionId, string Role, string? Worker, string? Rig, decimal CostUsd, DateTimeOffset EndedAt,
    long InputTokens, long OutputTokens, long CacheReadTokens, long CacheCreateTokens, int DurationSec, int BeadsClosed);

/// <summary>One run as the fleet made it: the values its last event carries.</summary>
public sealed record FleetRun(string SessionId, string Role, string? Rig, decimal TotalUsd, DateTimeOffset Start, DateTimeOffset End);

/// <summary>
/// A deterministic Gas Town fleet over the last three weeks, ending a few minutes before `now`:
/// 36 sessions in six roles and three rigs (one group without rig), some restarted, several today,
/// with durations, tokens and beads, so every chart has something to draw. Money has 7 decimals.
/// </summary>
public sealed class DashboardFleet
{
    public static readonly string[] Roles = ["mayor", "polecat", "witness", "refinery", "deacon", "crew"];
    public static readonly string?[] Rigs = ["quarry", "orchard", null];
    static readonly string[] Workers = ["obsidian", "maple", "jasper", "nux", "furiosa", "slit"];

    public List<FleetEvent> Events { get; } = [];
    public List<FleetRun> Runs { get; } = [];

    public static DashboardFleet Build(DateTimeOffset now, TimeZoneInfo zone)
    {
        var fleet = new DashboardFleet();
        var random = new Random(20261203);
        var todayStart = TodayStart(now, zone);
        for (int i = 0; i < 36; i++)
        {
            var role = Roles[i % Roles.Length];
            var rig = Rigs[i / Roles.Length % Rigs.Length];
            var worker = role is "polecat" or "crew" ? Workers[i % Workers.Length] : role;
            var session = $"{rig ?? "hq"}-{role}-{i}";
            int runs = i % 5 == 0 ? 2 : 1;
            // The first six sessions end today (in the zone), the rest over the previous three weeks.
            var lastEnd = i < 6
                ? now - TimeSpan.FromMinutes(2 + random.Next(0, Math.Max(1, (int)Math.Min(150, (now - todayStart).TotalMinutes - 100))))
                : now - TimeSpan.FromHours(24 + random.Next(0, 20 * 24));
            var end = lastEnd;
            var runSpecs = new List<(DateTimeOffset Start, DateTimeOffset End, int Snapshots)>();
            for (int r = 0; r < runs; r++)
            {
                int snapshots = 2 + random.Next(0, 4);
                var gaps = Enumerable.Range(0, snapshots - 1).Select(_ => TimeSpan.FromMinutes(3 + random.Next(0, 30))).ToList();
                var start = end - gaps.Aggregate(TimeSpan.Zero, (a, b) => a + b);
                runSpecs.Insert(0, (start, end, snapshots));
                end = start - TimeSpan.FromMinutes(5 + random.Next(0, 60));
            }
            foreach (var (start, runEnd, snapshots) in runSpecs)
            {
                decimal total = 0;
                long input = 0, output = 0, read = 0, create = 0;
                int beads = 0;
                var span = runEnd - start;
                for (int s = 0; s < snapshots; s++)
                {
                    var at = s == snapshots - 1 ? runEnd : start + span * s / (snapshots - 1);
                    // A run opens below a cent and every later step adds at least one, so the next
                    // run of the session always starts below this one's total: a restart.
                    total += s == 0
                        ? decimal.Round((decimal)(0.001 + random.NextDouble() * 0.008), 7)
                        : decimal.Round((decimal)(0.01 + random.NextDouble() * 0.9), 7);
                    input += 100 + random.Next(0, 5_000);
                    output += 50 + random.Next(0, 3_000);
                    read += random.Next(0, 60_000);
                    create += random.Next(0, 8_000);
                    if (random.Next(0, 3) == 0) beads++;
                    int duration = (int)(at - start).TotalSeconds + 60;
                    fleet.Events.Add(new FleetEvent(session, role, worker, rig, total, at, input, output, read, create, duration, beads));
                }
                fleet.Runs.Add(new FleetRun(session, role, rig, total, start, runEnd));
            }
        }
        return fleet;
    }

    public static DateTimeOffset TodayStart(DateTimeOffset now, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var midnight = local.Date;
        return new DateTimeOffset(midnight, zone.GetUtcOffset(midnight));
    }

    /// <summary>The batch body for POST /api/ingest/batch: the seed's field names, timestamps in UTC.</summary>
    public string BatchJson()
    {
        var array = new JsonArray();
        foreach (var e in Events)
        {
            var item = new JsonObject
            {
                ["session_id"] = e.SessionId,
                ["role"] = e.Role,
                ["worker"] = e.Worker,
                ["cost_usd"] = JsonValue.Create(e.CostUsd),
                ["ended_at"] = e.EndedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                ["input_tokens"] = e.InputTokens,
                ["output_tokens"] = e.OutputTokens,
                ["cache_read_tokens"] = e.CacheReadTokens,
                ["cache_create_tokens"] = e.CacheCreateTokens,
                ["model"] = "claude-opus-4-6",
                ["duration_sec"] = e.DurationSec,
                ["beads_closed"] = e.BeadsClosed,
            };
            if (e.Rig is not null) item["rig"] = e.Rig;
            array.Add(item);
        }
        return array.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    /// <summary>Spend of runs matching the filter: every run here starts and ends on the same side of any range edge used.</summary>
    public decimal Spend(Func<FleetRun, bool> which) => Runs.Where(which).Sum(r => r.TotalUsd);
}
