// Appends N snapshots (S sessions, rising running totals) straight through SnapshotStore in
// transactions of T snapshots and prints snapshots per second: the storage half of ingest.
// Usage: dotnet run -c Release --project bench/ledger -- [N] [sessions] [perTransaction] [postgres connection string]
using System.Diagnostics;
using Gasometer.Ingest;
using Gasometer.Storage;
using Gasometer.Time;

int n = args.Length > 0 ? int.Parse(args[0]) : 100_000;
int sessions = args.Length > 1 ? int.Parse(args[1]) : 1_000;
int perTx = args.Length > 2 ? int.Parse(args[2]) : 10_000;
var folder = Directory.CreateTempSubdirectory("gasometer-ledger-");
await using var database = args.Length > 3 ? Database.Postgres(args[3]) : Database.Sqlite(Path.Combine(folder.FullName, "ledger.db"));
await Migrations.ApplyAsync(database);
var store = new SnapshotStore(database, RollupZones.UtcOnly);

long start = 1_772_870_400L * Instant.NanosPerSecond;
var all = Enumerable.Range(0, n).Select(i => new CostSnapshot($"s-{i % sessions}", "polecat", $"w{i % 50}", $"rig{i % 5}",
    (i / sessions + 1) * 1_000_000L, new Instant(start + i * 1_000_000_000L, -300), i, i * 2L, i * 10L, i, "claude-sonnet-4-5", 60, 0, "hook")).ToList();

var clock = Stopwatch.StartNew();
foreach (var chunk in all.Chunk(perTx))
{
    await using var c = await database.OpenAsync();
    await using var tx = await c.BeginTransactionAsync();
    await store.ApplyAsync(c, tx, chunk, 0);
    await tx.CommitAsync();
}
clock.Stop();
Console.WriteLine($"{database.Engine}: {n:N0} snapshots, {sessions:N0} sessions, {perTx:N0} per transaction: " +
    $"{clock.Elapsed.TotalSeconds:F2} s = {n / clock.Elapsed.TotalSeconds:N0} snapshots/s ({clock.Elapsed.TotalMicroseconds / n:F1} µs each)");
folder.Delete(recursive: true);
