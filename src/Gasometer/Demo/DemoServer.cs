using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Gasometer.Ingest;
using Gasometer.Money;
using Gasometer.Storage;

namespace Gasometer.Demo;

public sealed record DemoOptions(int Days, int Rigs, ulong Seed, string Zone, double Speed, string DatabasePath, bool Fresh);

/// <summary>
/// `gasometer demo`: the real server on its own SQLite file, filled with the last N days of a
/// simulated town through the ingest path, then fed live until Ctrl+C.
/// </summary>
/// <remarks>
/// Re-running resumes rather than regenerates: the simulator's events are a function of (seed,
/// rigs, zone) and the calendar, never of when it runs, and the demo writes them in time order.
/// So everything up to the latest stored snapshot is already there, and only later events are
/// added. A database made with other settings, an older simulator, or a longer history asked for
/// is deleted and generated again; a file that is not a demo database is never touched.
/// </remarks>
public static class DemoServer
{
    public const string DefaultDatabasePath = "data/demo.db";

    /// <summary>Snapshots the demo writes in-process carry this source, so they can never pass for real hook data.</summary>
    public const string DemoSource = "demo";

    const int BackfillBatch = 20_000;
    const int LiveBatch = 1_000;

    sealed record DemoState(int Generation, ulong Seed, int Rigs, string Zone, long FromNanos);

    public static async Task<int> RunAsync(DemoOptions options, string[] serverArgs, TextWriter output, CancellationToken stop,
        Action<WebApplication>? onFilled = null)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.Zone);
        var simulator = new FleetSimulator(new Fleet(options.Rigs, options.Seed), options.Seed, zone, DemoSource);
        long now = FleetCommandLine.NowNanos();
        long from = now - options.Days * 24L * 3600 * 1_000_000_000;
        var path = Path.GetFullPath(options.DatabasePath);
        if (!PrepareDatabase(path, new DemoState(FleetSimulator.Generation, options.Seed, options.Rigs, options.Zone, from), options.Fresh, output))
            return 1;

        // Last on the line so they win over anything passed through: the demo's own file, and no
        // PostgreSQL connection string from the environment or appsettings.json.
        string[] args = [.. serverArgs, $"--Gasometer:SqlitePath={path}", "--ConnectionStrings:Gasometer=", "--GASOMETER_DATABASE_URL="];
        await using var app = await Program.BuildServerAsync(args);
        try
        {
            await app.StartAsync(stop);
        }
        catch (IOException e)
        {
            // Most often a real Gasometer already listens on 3001.
            output.WriteLine($"The demo server cannot start: {e.Message} Choose another address, e.g. --urls http://localhost:3002");
            return 1;
        }
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stop, app.Lifetime.ApplicationStopping);
        var token = stopping.Token;
        try
        {
            var database = app.Services.GetRequiredService<Database>();
            long? latest = await LatestStoredAsync(database, token);
            // The latest stored event is sent again on purpose: an identical re-send changes nothing,
            // and it covers two events that share that exact nanosecond.
            long resumeAt = Math.Max(from, latest ?? from);

            var clock = Stopwatch.StartNew();
            long filled = await BackfillAsync(database, app.Services.GetRequiredService<SnapshotStore>(), simulator.Events(resumeAt, now), output, token);
            output.WriteLine(latest is null
                ? $"Filled {path} with {filled:N0} events: {options.Days} days of {options.Rigs} rigs (seed {options.Seed}, {options.Zone}) in {clock.Elapsed.TotalSeconds:F1} s."
                : $"Resumed {path}: {filled:N0} new events since the last run.");
            output.WriteLine($"Gasometer demo is running. Open {BrowserUrl(app)}  (Ctrl+C to stop)");
            onFilled?.Invoke(app);

            await RunLiveAsync(app.Services.GetRequiredService<IngestWriter>(), simulator, Math.Max(now, latest ?? now), options.Speed, output, token);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        await app.StopAsync(CancellationToken.None);
        return 0;
    }

    /// <summary>Keeps a matching demo database, else starts a new one. False when the file is not ours to replace.</summary>
    static bool PrepareDatabase(string path, DemoState wanted, bool fresh, TextWriter output)
    {
        var statePath = path + ".json";
        DemoState? existing = null;
        if (File.Exists(statePath))
        {
            try { existing = JsonSerializer.Deserialize<DemoState>(File.ReadAllText(statePath)); }
            catch (JsonException) { existing = null; }
        }
        if (File.Exists(path) && existing is null)
        {
            output.WriteLine($"{path} exists and is not a demo database; choose another --db or remove that file yourself.");
            return false;
        }
        if (!fresh && existing is not null && File.Exists(path)
            && existing with { FromNanos = wanted.FromNanos } == wanted && existing.FromNanos <= wanted.FromNanos)
            return true;

        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            if (File.Exists(file)) File.Delete(file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(statePath, JsonSerializer.Serialize(wanted));
        return true;
    }

    static async Task<long?> LatestStoredAsync(Database database, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long?>("SELECT MAX(ended_at_ns) FROM snapshots");
    }

    /// <summary>History goes straight to the store in large transactions: no live-feed flood, one commit per batch.</summary>
    public static async Task<long> BackfillAsync(Database database, SnapshotStore store, IEnumerable<CostSnapshot> events, TextWriter output, CancellationToken ct)
    {
        long count = 0, reported = 0;
        await using var connection = await database.OpenAsync(ct);
        foreach (var batch in events.Chunk(BackfillBatch))
        {
            ct.ThrowIfCancellationRequested();
            await using (var tx = await connection.BeginTransactionAsync(ct))
            {
                await store.ApplyAsync(connection, tx, batch, FleetCommandLine.NowNanos());
                await tx.CommitAsync(ct);
            }
            count += batch.Length;
            if (count - reported >= 100_000)
            {
                reported = count;
                output.WriteLine($"  ... {count:N0} events, up to {StopHookLines.LocalTime(batch[^1].EndedAt)}");
            }
        }
        return count;
    }

    /// <summary>
    /// Plays the town forward through the same writer as POST /api/ingest, so the live feed sees
    /// every event. <paramref name="speed"/> is simulated minutes per real second.
    /// </summary>
    static async Task RunLiveAsync(IngestWriter writer, FleetSimulator simulator, long start, double speed, TextWriter output, CancellationToken ct)
    {
        double simulatedNanosPerTick = speed * 60 * 100; // a tick is 100 ns of real time
        var clock = Stopwatch.StartNew();
        TimeSpan Due(CostSnapshot s) => TimeSpan.FromTicks((long)((s.EndedAt.UnixNanos - start) / simulatedNanosPerTick));

        using var stream = simulator.Events(start, long.MaxValue).GetEnumerator();
        bool more = stream.MoveNext();
        var batch = new List<CostSnapshot>();
        while (more)
        {
            var wait = Due(stream.Current) - clock.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
            batch.Clear();
            while (more && batch.Count < LiveBatch && Due(stream.Current) <= clock.Elapsed)
            {
                batch.Add(stream.Current);
                more = stream.MoveNext();
            }
            if (batch.Count == 0) continue;
            var committed = await writer.WriteAsync(batch.ToList(), ct);
            foreach (var accepted in committed.OrderBy(a => a.Snapshot.EndedAt.UnixNanos))
            {
                var s = accepted.Snapshot;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {StopHookLines.LocalTime(s.EndedAt)[..19].Replace('T', ' ')}  {s.SessionId,-20} {s.Role,-8} +${Usd.FromNanos(accepted.Placement.IncrementNanos),-12} run #{accepted.Placement.RunNo} now ${Usd.FromNanos(s.CostNanos)}"));
            }
        }
    }

    static string BrowserUrl(WebApplication app)
    {
        var url = app.Urls.FirstOrDefault() ?? "http://localhost:3001";
        foreach (var any in new[] { "://0.0.0.0:", "://[::]:", "://+:", "://*:" })
            url = url.Replace(any, "://localhost:", StringComparison.Ordinal);
        return url;
    }
}
