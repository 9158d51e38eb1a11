// Fills a database with runs spread over the last 365 days (10 snapshots each, sessions reused
// with restarts, 6 roles, 5 rigs, 60 workers, 3 models), then times the dashboard's queries over
// real HTTP at each checkpoint: how they grow from 10,000 to 1,000,000 runs.
// Usage: dotnet run -c Release --project bench/stats -p:SkipFrontend=true -- [maxRuns] [postgres connection string]
// With PostgreSQL the ledger writes to a SQLite staging file and each checkpoint copies its tables
// into PostgreSQL (see PostgresCopy): same rows, minutes instead of hours to fill.
using System.Diagnostics;

using Gasometer.Ingest;
using Gasometer.Storage;
using Gasometer.Time;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting.Server.Features;

int maxRuns = args.Length > 0 ? int.Parse(args[0]) : 1_000_000;
string? postgres = args.Length > 1 ? args[1] : null;
const int SnapshotsPerRun = 10;
var folder = Directory.CreateTempSubdirectory("gasometer-stats-bench-");
string[] serverArgs = postgres is null
    ? ["--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", "--Gasometer:TimeZone=America/New_York", $"--Gasometer:SqlitePath={Path.Combine(folder.FullName, "stats.db")}"]
    : ["--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", "--Gasometer:TimeZone=America/New_York", $"--ConnectionStrings:Gasometer={postgres}"];

var app = await Gasometer.Program.BuildServerAsync(serverArgs);
await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
var database = app.Services.GetRequiredService<Database>();
var store = app.Services.GetRequiredService<SnapshotStore>();
var zones = app.Services.GetRequiredService<RollupZones>();
Database? staging = null;
if (postgres is not null)
{
    staging = Database.Sqlite(Path.Combine(folder.FullName, "staging.db"));
    await Migrations.ApplyAsync(staging);
    await DayRollupBackfill.EnsureAsync(staging, zones);
    store = new SnapshotStore(staging, zones);
}
var writeTo = staging ?? database;
using var http = new HttpClient { BaseAddress = new Uri(address) };

string[] roles = ["polecat", "polecat", "polecat", "crew", "witness", "refinery", "mayor", "deacon"];
string[] models = ["claude-sonnet-4-5", "claude-opus-4-5", "claude-haiku-4-5"];
var now = DateTimeOffset.UtcNow;
long yearAgo = Instant.FromDateTimeOffset(now.AddDays(-365)).UnixNanos;
long yearNanos = 365L * 24 * 3600 * Instant.NanosPerSecond;
var random = new Random(42);
const int Sessions = 20_000;
// Each session's runs follow one another in time; a new run starts from a lower running total.
var sessionClock = Enumerable.Range(0, Sessions).Select(i => yearAgo + (long)(random.NextDouble() * yearNanos / 50)).ToArray();

var today = DateOnly.FromDateTime(now.UtcDateTime);
string tz = "America/New_York";
var queries = new (string Name, string Path)[]
{
    ("summary", $"/api/stats/summary?tz={tz}"),
    ("daily 30 days", $"/api/stats/daily?tz={tz}&from={today.AddDays(-29):yyyy-MM-dd}&to={today:yyyy-MM-dd}"),
    ("daily 365 days", $"/api/stats/daily?tz={tz}&from={today.AddDays(-364):yyyy-MM-dd}&to={today:yyyy-MM-dd}"),
    ("roles 30 days", $"/api/stats/roles?tz={tz}&from={today.AddDays(-29):yyyy-MM-dd}&to={today:yyyy-MM-dd}"),
    ("rigs 30 days", $"/api/stats/rigs?tz={tz}&from={today.AddDays(-29):yyyy-MM-dd}&to={today:yyyy-MM-dd}"),
    ("roles all time", "/api/stats/roles"),
    ("costs first page", $"/api/costs?tz={tz}&from={today.AddDays(-29):yyyy-MM-dd}&to={today:yyyy-MM-dd}"),
};

int written = 0;
var results = new List<(int Runs, string Name, double MedianMs)>();
var fill = Stopwatch.StartNew();
foreach (var checkpoint in new[] { 10_000, 100_000, 1_000_000, 10_000_000 }.Where(c => c <= maxRuns).Append(maxRuns).Distinct())
{
    while (written < checkpoint)
    {
        var batch = new List<CostSnapshot>();
        for (int r = 0; r < 5_000 && written < checkpoint; r++, written++)
        {
            int s = random.Next(Sessions);
            long t = sessionClock[s] + (long)(random.NextDouble() * 6 * 3600 * Instant.NanosPerSecond);
            string role = roles[s % roles.Length];
            long cost = 0;
            for (int k = 0; k < SnapshotsPerRun; k++)
            {
                t += (long)(random.Next(20, 900) * Instant.NanosPerSecond);
                cost += random.Next(1_000_000, 80_000_000);
                batch.Add(new CostSnapshot($"sess-{s}", role, $"w{s % 60}", $"rig{s % 5}", cost, new Instant(t, -300),
                    cost / 100, cost / 1000, cost / 10, cost / 400, models[s % 3], k * 60, role == "polecat" && k == 9 ? 1 : 0, "hook"));
            }
            sessionClock[s] = t;
        }
        await using var c = await writeTo.OpenAsync();
        await using var tx = await c.BeginTransactionAsync();
        await store.ApplyAsync(c, tx, batch, 0);
        await tx.CommitAsync();
    }
    Console.WriteLine($"-- {written:N0} runs ({written * SnapshotsPerRun:N0} snapshots) written, {fill.Elapsed.TotalSeconds:F0} s so far");
    if (staging is not null)
    {
        var copy = Stopwatch.StartNew();
        long copied = await PostgresCopy.CopyAsync(staging, database);
        Console.WriteLine($"   copied {copied:N0} rows into PostgreSQL in {copy.Elapsed.TotalSeconds:F0} s");
    }
    foreach (var (name, path) in queries)
    {
        var times = new List<double>();
        for (int i = 0; i < 12; i++)
        {
            var clock = Stopwatch.StartNew();
            var response = await http.GetAsync(path);
            await response.Content.ReadAsByteArrayAsync();
            clock.Stop();
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {(int)response.StatusCode}");
            if (i >= 2) times.Add(clock.Elapsed.TotalMilliseconds); // the first two warm caches and JIT
        }
        times.Sort();
        results.Add((written, name, times[times.Count / 2]));
        Console.WriteLine($"   {name,-18} median {times[times.Count / 2],8:F1} ms   p90 {times[(int)(times.Count * 0.9)],8:F1} ms");
    }
}

Console.WriteLine();
Console.WriteLine($"{database.Engine}, median ms by number of runs (target: under 50 ms at 1,000,000):");
var checkpoints = results.Select(r => r.Runs).Distinct().ToList();
Console.WriteLine($"{"query",-18}" + string.Concat(checkpoints.Select(c => $"{c,12:N0}")) + "   growth");
foreach (var name in queries.Select(q => q.Name))
{
    var row = results.Where(r => r.Name == name).Select(r => r.MedianMs).ToList();
    Console.WriteLine($"{name,-18}" + string.Concat(row.Select(ms => $"{ms,12:F1}")) + $"   x{row[^1] / row[0]:F1}");
}
await app.StopAsync();
folder.Delete(recursive: true);
