// Appends N snapshots (S sessions, rising running totals) straight through SnapshotStore in
// transactions of T snapshots and prints snapshots per second: the storage half of ingest.
// Usage: dotnet run -c Release --project bench/ledger -- [N] [sessions] [perTransaction] [postgres connection string]
// A first pass of the same shape on other sessions warms the JIT up and is not counted. Like the
// ingest writer, SQLite keeps one connection for every transaction; PostgreSQL takes one from the
// pool per transaction.
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
List<CostSnapshot> Snapshots(string prefix) => Enumerable.Range(0, n).Select(i => new CostSnapshot($"{prefix}-{i % sessions}", "polecat", $"w{i % 50}", $"rig{i % 5}",
    (i / sessions + 1) * 1_000_000L, new Instant(start + i * 1_000_000_000L, -300), i, i * 2L, i * 10L, i, "claude-sonnet-4-5", 60, 0, "hook")).ToList();

var held = database.Engine == Engine.Sqlite ? await database.OpenAsync() : null;
async Task AppendAll(List<CostSnapshot> snapshots)
{
    foreach (var chunk in snapshots.Chunk(perTx))
    {
        var c = held ?? await database.OpenAsync();
        await using (var tx = await c.BeginTransactionAsync())
        {
            await store.ApplyAsync(c, tx, chunk, 0);
            await tx.CommitAsync();
        }
        if (held is null) await c.DisposeAsync();
    }
}

await AppendAll(Snapshots("warm-up"));
var all = Snapshots("s");
var clock = Stopwatch.StartNew();
await AppendAll(all);
clock.Stop();
if (held is not null) await held.DisposeAsync();
Console.WriteLine($"{database.Engine}: {n:N0} snapshots, {sessions:N0} sessions, {perTx:N0} per transaction: " +
    $"{clock.Elapsed.TotalSeconds:F2} s = {n / clock.Elapsed.TotalSeconds:N0} snapshots/s ({clock.Elapsed.TotalMicroseconds / n:F1} µs each)");
folder.Delete(recursive: true);
