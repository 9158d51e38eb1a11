using System.Globalization;
using Dapper;
using Gasometer.Import;
using Gasometer.Ingest;
using Gasometer.Pricing;
using Gasometer.Storage;
using Gasometer.Tests.Hosting;
using Gasometer.Time;

namespace Gasometer.Tests.Stats;

/// <summary>
/// The same work reported by the stop hook and by the transcripts counts once: where an agent has
/// transcript spend in an hour, its hook and costs.jsonl spend in that hour is left out of totals.
/// </summary>
public sealed class SourceOverlapTests
{
    static readonly DateTimeOffset Now = new(2026, 7, 15, 18, 0, 0, TimeSpan.Zero);

    /// <summary>The hook's running totals of polecat obsidian: $1.00 at 10:05, $2.50 at 10:40, $3.00 at 11:20.</summary>
    static readonly string[] HookEvents =
    [
        """{"session_id":"gt-quarry-obsidian","role":"polecat","rig":"quarry","worker":"obsidian","cost_usd":1.0,"ended_at":"2026-07-15T10:05:00Z"}""",
        """{"session_id":"gt-quarry-obsidian","role":"polecat","rig":"quarry","worker":"obsidian","cost_usd":2.5,"ended_at":"2026-07-15T10:40:00Z","beads_closed":1}""",
        """{"session_id":"gt-quarry-obsidian","role":"polecat","rig":"quarry","worker":"obsidian","cost_usd":3.0,"ended_at":"2026-07-15T11:20:00Z","beads_closed":2}""",
    ];

    /// <summary>
    /// The same polecat's transcript: two Sonnet 4.5 responses in the 10:00 hour, 20,000 and 40,000
    /// output tokens at $15 per million = $0.30 and $0.60.
    /// </summary>
    static string WriteTranscript() =>
        WriteTranscript(DateTimeOffset.Parse("2026-07-15T10:10:00Z", CultureInfo.InvariantCulture), DateTimeOffset.Parse("2026-07-15T10:50:00Z", CultureInfo.InvariantCulture));

    /// <summary>The same transcript with its two responses at the given times; returns the projects folder to import.</summary>
    internal static string WriteTranscript(DateTimeOffset first, DateTimeOffset second)
    {
        var root = Directory.CreateTempSubdirectory("gasometer-overlap-").FullName;
        var folder = Directory.CreateDirectory(Path.Combine(root, "-home-dev-gt-quarry-polecats-obsidian")).FullName;
        const string cwd = "/home/dev/gt/quarry/polecats/obsidian";
        const string session = "5b0c6f0e-8a51-4c3e-9a53-3f1f0c2d9e11";
        static string Line(string id, string at, long output) =>
            $$$"""{"type":"assistant","cwd":"{{{cwd}}}","sessionId":"{{{session}}}","requestId":"req_{{{id}}}","timestamp":"{{{at}}}","message":{"id":"msg_{{{id}}}","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"ok"}],"usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":{{{output}}} """
            + "}}}";
        File.WriteAllText(Path.Combine(folder, session + ".jsonl"),
            Line("a", first.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture), 20_000) + "\n"
            + Line("b", second.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture), 40_000) + "\n");
        return root;
    }

    internal static Task ImportTranscriptsAsync(GasometerServer server, string root) =>
        TranscriptImport.RunAsync(new ImportBatch(server.Service<Database>(), server.Service<SnapshotStore>()), PriceTable.Default,
            [root], ImportProgress.Silent);

    /// <summary>What each endpoint answers, and what it must answer: hour 10 counts the transcript's $0.90, hour 11 the hook's $0.50.</summary>
    static readonly (string Path, string Body)[] Expected =
    [
        ("/api/stats/summary", """{"today":{"total_usd":1.4,"sessions":2},"week":{"total_usd":1.4,"sessions":2},"month":{"total_usd":1.4,"sessions":2},"tz":"UTC"}"""),
        // 10:30 to 11:29:59: the hook's 10:40 is replaced, the transcript's 10:50 and the hook's 11:20 count
        ("/api/stats/roles?from=2026-07-15T10:30:00Z&to=2026-07-15T11:29:59Z",
            """{"data":[{"role":"polecat","total_usd":1.1,"session_count":2,"input_tokens":0,"output_tokens":40000,"cache_read_tokens":0,"cache_create_tokens":0}]}"""),
        // 10:38 to 10:55 cuts 15-minute buckets: read from the snapshots, the hook's 10:40 still replaced
        ("/api/stats/roles?from=2026-07-15T10:38:00Z&to=2026-07-15T10:55:00Z",
            """{"data":[{"role":"polecat","total_usd":0.6,"session_count":2,"input_tokens":0,"output_tokens":40000,"cache_read_tokens":0,"cache_create_tokens":0}]}"""),
        ("/api/stats/hourly?hours=9",
            """{"hours":[{"hour":"2026-07-15T10:00:00Z","total_usd":0.9},{"hour":"2026-07-15T11:00:00Z","total_usd":0.5},{"hour":"2026-07-15T12:00:00Z","total_usd":0},{"hour":"2026-07-15T13:00:00Z","total_usd":0},{"hour":"2026-07-15T14:00:00Z","total_usd":0},{"hour":"2026-07-15T15:00:00Z","total_usd":0},{"hour":"2026-07-15T16:00:00Z","total_usd":0},{"hour":"2026-07-15T17:00:00Z","total_usd":0},{"hour":"2026-07-15T18:00:00Z","total_usd":0}],"burn_rate_usd_per_hour":0,"today_usd":1.4,"projected_today_usd":1.4,"daily_average_usd":0,"thresholds":{"yellow_usd":10,"red_usd":25},"tz":"UTC"}"""),
        // beads are not money: a transcript never reports them, so the hook's always count
        ("/api/stats/beads", """{"by_role":[{"role":"polecat","total_usd":1.4,"beads_closed":2,"usd_per_bead":0.7}],"by_rig":[{"rig":"quarry","total_usd":1.4,"beads_closed":2,"usd_per_bead":0.7}]}"""),
        ("/api/stats/daily?group_by=source&from=2026-07-15&to=2026-07-15",
            """{"data":[{"date":"2026-07-15","source":"hook","total_usd":0.5,"session_count":1},{"date":"2026-07-15","source":"transcript","total_usd":0.9,"session_count":1}],"tz":"UTC"}"""),
        ("/api/stats/sources",
            """{"data":[{"source":"hook","total_usd":3,"overlap_usd":2.5,"counted_usd":0.5,"session_count":1,"input_tokens":0,"output_tokens":0,"cache_read_tokens":0,"cache_create_tokens":0,"overlap_tokens":0},{"source":"transcript","total_usd":0.9,"overlap_usd":0,"counted_usd":0.9,"session_count":1,"input_tokens":0,"output_tokens":60000,"cache_read_tokens":0,"cache_create_tokens":0,"overlap_tokens":0}],"total_usd":3.9,"overlap_usd":2.5,"counted_usd":1.4}"""),
        // one source alone shows all of it
        ("/api/stats/roles?source=hook",
            """{"data":[{"role":"polecat","total_usd":3,"session_count":1,"input_tokens":0,"output_tokens":0,"cache_read_tokens":0,"cache_create_tokens":0}]}"""),
        ("/api/stats/roles?source=transcript&from=2026-07-15T10:00:00Z&to=2026-07-15T10:45:00Z",
            """{"data":[{"role":"polecat","total_usd":0.3,"session_count":1,"input_tokens":0,"output_tokens":20000,"cache_read_tokens":0,"cache_create_tokens":0}]}"""),
        ("/api/stats/roles?source=hook,transcript",
            """{"data":[{"role":"polecat","total_usd":1.4,"session_count":2,"input_tokens":0,"output_tokens":60000,"cache_read_tokens":0,"cache_create_tokens":0}]}"""),
        ("/api/stats/filters", """{"roles":["polecat"],"rigs":["quarry"],"workers":["obsidian"],"models":["claude-sonnet-4-5-20250929"],"sources":["hook","transcript"]}"""),
    ];

    [Theory, BothEngines]
    public async Task TheSameWorkThroughTheHookAndTranscriptsCountsOnceWhicheverArrivesFirst(Engine engine)
    {
        var transcripts = WriteTranscript();
        try
        {
            foreach (var hookFirst in new[] { true, false })
            {
                await using var db = await TestDatabase.CreateAsync(engine);
                await using var server = await GasometerServer.StartAtAsync(db, Now);
                if (hookFirst) await server.PostAllAsync(HookEvents);
                await ImportTranscriptsAsync(server, transcripts);
                if (!hookFirst) foreach (var e in HookEvents) Assert.Equal(201, (int)(await server.PostJsonAsync("/api/ingest", e)).StatusCode);
                foreach (var (path, body) in Expected)
                    Assert.True(body == await server.GetStringAsync(path), $"hook first: {hookFirst}, {path}\n{await server.GetStringAsync(path)}");
            }
        }
        finally
        {
            Directory.Delete(transcripts, recursive: true);
        }
    }

    [Theory, BothEngines]
    public async Task AZoneFilledAtStartUpKnowsWhatOverlaps(Engine engine)
    {
        var transcripts = WriteTranscript();
        try
        {
            await using var db = await TestDatabase.CreateAsync(engine);
            await using (var server = await GasometerServer.StartAtAsync(db, Now))
            {
                await server.PostAllAsync(HookEvents);
                await ImportTranscriptsAsync(server, transcripts);
            }
            await using var restarted = await GasometerServer.StartAtAsync(db, Now, "--Gasometer:TimeZone=Asia/Kolkata");
            Assert.Equal("""{"data":[{"date":"2026-07-15","source":"hook","total_usd":0.5,"session_count":1},{"date":"2026-07-15","source":"transcript","total_usd":0.9,"session_count":1}],"tz":"Asia/Kolkata"}""",
                await restarted.GetStringAsync("/api/stats/daily?group_by=source&from=2026-07-15&to=2026-07-15"));
            Assert.Equal("""{"today":{"total_usd":1.4,"sessions":2},"week":{"total_usd":1.4,"sessions":2},"month":{"total_usd":1.4,"sessions":2},"tz":"Asia/Kolkata"}""",
                await restarted.GetStringAsync("/api/stats/summary"));
        }
        finally
        {
            Directory.Delete(transcripts, recursive: true);
        }
    }

    /// <summary>
    /// Hook and transcript snapshots of the same agents, interleaved over days, written in shuffled
    /// batches (so hours gain transcript spend before and after their hook spend, and recomputes
    /// take transcript spend back): whole days from day_rollup must equal the 15-minute buckets
    /// joined to transcript_hours, in zones whose days start mid-hour in UTC too.
    /// </summary>
    [Theory, BothEngines]
    public async Task DayRollupAndBucketsAgreeOnWhatOverlaps(Engine engine)
    {
        var random = new Random(5);
        var start = new DateTimeOffset(2026, 3, 3, 0, 0, 0, TimeSpan.Zero);
        var hook = new List<string>();
        var transcript = new List<CostSnapshot>();
        string[] workers = ["obsidian", "nux", "maple"];
        for (int w = 0; w < workers.Length; w++)
        {
            var (role, rig) = w == 2 ? ("crew", "orchard") : ("polecat", "quarry");
            for (int s = 0; s < 3; s++)
            {
                var at = start.AddMinutes(random.Next(0, 3000));
                decimal hookCost = 0;
                long transcriptCost = 0;
                for (int i = 0; i < 30; i++)
                {
                    at = at.AddMinutes(random.Next(3, 200));
                    hookCost += random.Next(1, 50_000) / 100_000m;
                    hook.Add(string.Create(CultureInfo.InvariantCulture,
                        $$"""{"session_id":"{{workers[w]}}-{{s}}","role":"{{role}}","rig":"{{rig}}","worker":"{{workers[w]}}","cost_usd":{{hookCost}},"beads_closed":{{i / 7}},"ended_at":"{{at:yyyy-MM-ddTHH:mm:ssZ}}"}"""));
                    if (random.Next(3) == 0) continue; // hours where only the hook reported
                    transcriptCost += random.Next(1, 40_000) * 10_000L;
                    var tAt = at.AddMinutes(random.Next(-50, 50));
                    transcript.Add(new CostSnapshot($"t-{workers[w]}-{s}", role, workers[w], rig, transcriptCost,
                        new Instant(tAt.ToUnixTimeMilliseconds() * 1_000_000 + i, 0), 0, i * 100, 0, 0, "m", null, null,
                        SourceOverlap.TranscriptSource) { CostOrigin = CostOrigin.Computed });
                }
            }
        }

        string[] queries =
        [
            "/api/stats/daily?tz={0}&from=2026-03-01&to=2026-03-20",
            "/api/stats/daily?tz={0}&group_by=source",
            "/api/stats/workers?tz={0}&from=2026-03-04&to=2026-03-07",
            "/api/stats/sources?tz={0}&from=2026-03-04&to=2026-03-08",
            "/api/stats/roles?tz={0}&source=hook",
            "/api/stats/summary?tz={0}",
        ];
        var answers = new Dictionary<string, string>();
        foreach (var rolledUp in new[] { false, true })
        {
            await using var db = await TestDatabase.CreateAsync(engine);
            string[] config = rolledUp ? ["--Gasometer:RollupZones=America/New_York,Asia/Kolkata,Asia/Kathmandu"] : ["--Gasometer:TimeZone=Etc/GMT+12"];
            await using var server = await GasometerServer.StartAtAsync(db, new DateTimeOffset(2026, 3, 9, 12, 0, 0, TimeSpan.Zero), config);
            var batch = new ImportBatch(server.Service<Database>(), server.Service<SnapshotStore>());
            var order = new Random(9);
            var hookChunks = hook.OrderBy(_ => order.Next()).Chunk(20).ToList();
            var transcriptChunks = transcript.OrderBy(_ => order.Next()).Chunk(15).ToList();
            for (int i = 0; i < Math.Max(hookChunks.Count, transcriptChunks.Count); i++)
            {
                if (i < transcriptChunks.Count) await batch.WriteAsync(transcriptChunks[i]);
                if (i < hookChunks.Count) await server.PostAllAsync(hookChunks[i]);
            }
            foreach (var zone in new[] { "UTC", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu" })
                foreach (var query in queries)
                {
                    var path = string.Format(CultureInfo.InvariantCulture, query, zone);
                    var body = await server.GetStringAsync(path);
                    if (!rolledUp) answers[path] = body;
                    else Assert.True(answers[path] == body, $"{path}\nbuckets: {answers[path]}\ndays:    {body}");
                }
            // the overlap is real: some hook spend was left out
            Assert.DoesNotContain("\"overlap_usd\":0,", await server.GetStringAsync("/api/stats/sources?source=hook"));
        }
    }

    [Theory, BothEngines]
    public async Task ADatabaseFromBeforeSourcesUpgradesWithItsOverlapLeftOut(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using (var database = db.Open())
        {
            await Migrations.ApplyAsync(database, upToVersion: 4);
            await using var c = await database.OpenAsync();
            static long At(string time) => DateTimeOffset.Parse("2026-07-15T" + time + "Z", CultureInfo.InvariantCulture).ToUnixTimeMilliseconds() * 1_000_000;
            foreach (var (session, at, cost, increment, source) in new[]
                     {
                         ("gt-quarry-obsidian", At("10:05:00"), 1_000_000_000L, 1_000_000_000L, "hook"),
                         ("gt-quarry-obsidian", At("11:20:00"), 3_000_000_000L, 2_000_000_000L, "hook"),
                         ("5b0c6f0e", At("10:10:00"), 300_000_000L, 300_000_000L, "transcript"),
                     })
                await c.ExecuteAsync("""
                    INSERT INTO snapshots (session_id, ended_at_ns, utc_offset_min, run_no, cost_nanos, increment_nanos, role, worker, rig,
                        input_increment, output_increment, cache_read_increment, cache_create_increment, beads_increment, source, ingested_at_ns)
                    VALUES (@session, @at, 0, 1, @cost, @increment, 'polecat', 'obsidian', 'quarry', 0, 0, 0, 0, 0, @source, 0)
                    """, new { session, at, cost, increment, source });
            foreach (var (session, first, last, cost, source) in new[]
                     {
                         ("gt-quarry-obsidian", At("10:05:00"), At("11:20:00"), 3_000_000_000L, "hook"),
                         ("5b0c6f0e", At("10:10:00"), At("10:10:00"), 300_000_000L, "transcript"),
                     })
                await c.ExecuteAsync("""
                    INSERT INTO runs (session_id, run_no, role, worker, rig, cost_nanos, input_tokens, output_tokens, cache_read_tokens,
                        cache_create_tokens, beads_closed, started_at_ns, ended_at_ns, utc_offset_min, snapshot_count, source, updated_at_ns)
                    VALUES (@session, 1, 'polecat', 'obsidian', 'quarry', @cost, 0, 0, 0, 0, 0, @first, @last, 0, 1, @source, 0)
                    """, new { session, first, last, cost, source });
        }

        await using var server = await GasometerServer.StartAtAsync(db, Now);
        Assert.Equal("""{"today":{"total_usd":2.3,"sessions":2},"week":{"total_usd":2.3,"sessions":2},"month":{"total_usd":2.3,"sessions":2},"tz":"UTC"}""",
            await server.GetStringAsync("/api/stats/summary"));
        Assert.Equal("""{"data":[{"source":"hook","total_usd":3,"overlap_usd":1,"counted_usd":2,"session_count":1,"input_tokens":0,"output_tokens":0,"cache_read_tokens":0,"cache_create_tokens":0,"overlap_tokens":0},{"source":"transcript","total_usd":0.3,"overlap_usd":0,"counted_usd":0.3,"session_count":1,"input_tokens":0,"output_tokens":0,"cache_read_tokens":0,"cache_create_tokens":0,"overlap_tokens":0}],"total_usd":3.3,"overlap_usd":1,"counted_usd":2.3}""",
            await server.GetStringAsync("/api/stats/sources?from=2026-07-15T09:00:00Z&to=2026-07-15T12:00:00Z"));
        // and the upgraded store keeps counting: a late hook snapshot at 10:30 ($2) takes $1 of the 11:20 increment
        // into the transcript's hour, where it is left out: $0.30 + $1.00 remain
        Assert.Equal(201, (int)(await server.PostJsonAsync("/api/ingest",
            """{"session_id":"gt-quarry-obsidian","role":"polecat","rig":"quarry","worker":"obsidian","cost_usd":2.0,"ended_at":"2026-07-15T10:30:00Z"}""")).StatusCode);
        Assert.StartsWith("""{"today":{"total_usd":1.3,""", await server.GetStringAsync("/api/stats/summary"));
    }
}
