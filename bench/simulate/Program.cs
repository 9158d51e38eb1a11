using System.Diagnostics;
using Gasometer.Demo;
using Gasometer.Storage;

// Two figures from issue 7, measured on this machine:
//  1. generating and ingesting 90 days of a 5-rig town into a fresh SQLite file, through
//     SnapshotStore exactly as `gasometer demo` fills its database (target: under 30 s);
//  2. streaming 10,000,000 events to a costs.jsonl file, with the process's memory sampled every
//     million events (must stay flat).
// Usage: dotnet run -c Release --project bench/simulate [-- --events N] [--keep]

long eventTarget = 10_000_000;
for (int i = 0; i < args.Length - 1; i++)
    if (args[i] == "--events") eventTarget = long.Parse(args[i + 1]);
bool keep = args.Contains("--keep");

var folder = Directory.CreateTempSubdirectory("gasometer-bench-simulate-");
var zone = TimeZoneInfo.FindSystemTimeZoneById(FleetSimulator.DefaultZone);
long end = (new DateTime(2026, 3, 20, 0, 0, 0, DateTimeKind.Utc).Ticks - DateTime.UnixEpoch.Ticks) * 100;
const long Day = 24L * 3600 * 1_000_000_000;
try
{
    // 1. Generate and ingest 90 days, 5 rigs.
    await using (var database = Database.Sqlite(Path.Combine(folder.FullName, "bench.db")))
    {
        await Migrations.ApplyAsync(database);
        var simulator = new FleetSimulator(new Fleet(5, 1), 1, zone, DemoServer.DemoSource);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        long ingested = await DemoServer.BackfillAsync(database, new Gasometer.Ingest.SnapshotStore(database, Gasometer.Ingest.RollupZones.UtcOnly),
            simulator.Events(end - 90 * Day, end), TextWriter.Null, CancellationToken.None);
        var seconds = clock.Elapsed.TotalSeconds;
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        clock.Restart();
        long generated = simulator.Events(end - 90 * Day, end).LongCount();
        Console.WriteLine($"generate+ingest 90 days x 5 rigs: {ingested:N0} events in {seconds:F1} s ({ingested / seconds:N0} events/s); target < 30 s");
        Console.WriteLine($"  CPU time of that step: {cpuSeconds:F1} s (on a busy machine the wall time above includes waiting for a core)");
        Console.WriteLine($"  of which generation alone: {generated:N0} events in {clock.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine($"  database size: {new FileInfo(Path.Combine(folder.FullName, "bench.db")).Length / 1e6:F0} MB");
    }

    // 2. Stream events to a file: a big town over ten years, cut at the target count.
    {
        var file = Path.Combine(folder.FullName, "events.jsonl");
        var simulator = new FleetSimulator(new Fleet(20, 1), 1, zone);
        var process = Process.GetCurrentProcess();
        var samples = new List<string>();
        var clock = Stopwatch.StartNew();
        long written;
        using (var stream = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            written = StopHookLines.WriteAll(stream, simulator.Events(end - 3650 * Day, end).Take((int)eventTarget), count =>
            {
                if (count % 1_000_000 != 0) return;
                process.Refresh();
                samples.Add($"{count / 1_000_000}M: {process.WorkingSet64 / 1e6:F0} MB");
            });
        var seconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        Console.WriteLine($"generate {written:N0} events to a file: {seconds:F1} s ({written / seconds:N0} events/s), {new FileInfo(file).Length / 1e9:F2} GB");
        Console.WriteLine($"  working set by events written: {string.Join(", ", samples)}");
        Console.WriteLine($"  peak working set: {process.PeakWorkingSet64 / 1e6:F0} MB");
    }
}
finally
{
    if (keep) Console.WriteLine($"kept {folder.FullName}");
    else folder.Delete(recursive: true);
}
