// Appends N snapshots (S sessions, rising running totals) straight through SnapshotStore in
// transactions of T snapshots and prints snapshots per second: the storage half of ingest.
// Usage: dotnet run -c Release --project bench/ledger -- [N] [sessions] [perTransaction] [postgres connection string]
// With LEDGER_CHECKPOINTS=background (SQLite), the held connection commits without checkpointing and a
// WalCheckpointer on its own connection copies pages back, as in the server; otherwise SQLite checkpoints
// inside commits (its default). Each transaction's time is kept, for the percentiles printed at the end.
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
bool background = held is not null && Environment.GetEnvironmentVariable("LEDGER_CHECKPOINTS") == "background";
var checkpointer = new WalCheckpointer(database, new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(),
    Microsoft.Extensions.Logging.Abstractions.NullLogger<WalCheckpointer>.Instance);
if (background)
{
    await WalCheckpointer.DisableAutomaticCheckpoints(held!);
    await checkpointer.StartAsync(CancellationToken.None);
}
var transactionMs = new List<double>();
async Task AppendAll(List<CostSnapshot> snapshots)
{
    foreach (var chunk in snapshots.Chunk(perTx))
    {
        long t0 = Stopwatch.GetTimestamp();
        var c = held ?? await database.OpenAsync();
        if (background) await checkpointer.RestartIfDueAsync(c);
        await using (var tx = await c.BeginTransactionAsync())
        {
            await store.ApplyAsync(c, tx, chunk, 0);
            await tx.CommitAsync();
        }
        if (held is null) await c.DisposeAsync();
        if (background) checkpointer.Committed();
        transactionMs.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
    }
}

await AppendAll(Snapshots("warm-up"));
transactionMs.Clear();
var all = Snapshots("s");
var clock = Stopwatch.StartNew();
await AppendAll(all);
clock.Stop();
if (background) await checkpointer.StopAsync(CancellationToken.None);
if (held is not null) await held.DisposeAsync();
Console.WriteLine($"{database.Engine}: {n:N0} snapshots, {sessions:N0} sessions, {perTx:N0} per transaction: " +
    $"{clock.Elapsed.TotalSeconds:F2} s = {n / clock.Elapsed.TotalSeconds:N0} snapshots/s ({clock.Elapsed.TotalMicroseconds / n:F1} µs each)" +
    (held is null ? "" : background ? ", checkpoints in the background" : ", checkpoints inside commits"));
transactionMs.Sort();
double At(double q) => transactionMs[Math.Min(transactionMs.Count - 1, (int)(q * transactionMs.Count))];
Console.WriteLine($"per transaction: p50 {At(0.5):F2} ms, p90 {At(0.9):F2} ms, p99 {At(0.99):F2} ms, p99.9 {At(0.999):F2} ms, max {transactionMs[^1]:F2} ms");
folder.Delete(recursive: true);
