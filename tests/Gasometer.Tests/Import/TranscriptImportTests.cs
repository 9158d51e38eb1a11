using Xunit;
using System.Text;
using Gasometer.Import;
using Gasometer.Pricing;

namespace Gasometer.Tests.Import;

public sealed class TranscriptImportTests
{
    sealed record RunRow(string SessionId, long RunNo, string Role, string? Worker, string? Rig, string? Model, long CostNanos,
        long InputTokens, long OutputTokens, long CacheReadTokens, long CacheCreateTokens, long SnapshotCount, string Source, string CostOrigin);

    const string RunColumns = """
        session_id AS SessionId, run_no AS RunNo, role AS Role, worker AS Worker, rig AS Rig, model AS Model, cost_nanos AS CostNanos,
        input_tokens AS InputTokens, output_tokens AS OutputTokens, cache_read_tokens AS CacheReadTokens,
        cache_create_tokens AS CacheCreateTokens, snapshot_count AS SnapshotCount, source AS Source, cost_origin AS CostOrigin
        """;

    [Fact]
    public async Task SampleTranscriptsGiveTheReadmeTokensAndDollarsPerSession()
    {
        await using var db = await ImportFixture.CreateAsync();
        var summary = await db.ImportTranscriptsAsync(Samples.Transcripts);

        var runs = await db.QueryAsync<RunRow>($"SELECT {RunColumns} FROM runs ORDER BY session_id");
        Assert.Equal(
            [
                new("0b2f89b5-78c4-4b0e-9e18-0bf2ed7b7a4c", 1, "mayor", "mayor", null, "claude-opus-4-5-20251101", 163_215_000, 30, 1_765, 29_380, 16_680, 3, "transcript", "computed"),
                new("4aa88d24-c1f2-4ae5-acda-674b90f58de9", 1, "mayor", "mayor", null, "claude-opus-4-5-20251101", 74_462_500, 9, 1_630, 35_460, 2_550, 2, "transcript", "computed"),
                new("65e2b714-b372-4be0-9a80-76d7ad8c5192", 1, "crew", "maple", "orchard", "claude-sonnet-4-20250514", 87_222_000, 29, 1_670, 23_200, 14_700, 5, "transcript", "reported"),
                new("894af375-a52f-4d5a-a92d-9d9c279b1489", 1, "polecat", "obsidian", "quarry", "claude-opus-4-6", 117_195_000, 4, 1_001, 31_300, 7_650, 2, "transcript", "computed"),
                new("d1a21fe5-d523-4353-8de2-5bceb22f81ca", 1, "polecat", "obsidian", "quarry", "claude-sonnet-4-5-20250929", 124_121_000, 36, 2_281, 88_450, 12_640, 7, "transcript", "computed"),
            ],
            runs);

        Assert.Equal(566_215_500, await db.ScalarAsync<long>("SELECT SUM(cost_nanos) FROM runs"));
        Assert.Equal(566_215_500, await db.ScalarAsync<long>("SELECT SUM(spend_nanos) FROM spend_rollup"));
        Assert.Equal(566_215_500, summary.CostNanos);
        Assert.Equal(5, summary.Sessions);
        Assert.Equal(19, summary.ApiCalls);
        Assert.Equal(1, summary.SyntheticLines);
        Assert.Equal(0, summary.SkippedCount);
        Assert.Empty(summary.Unpriced);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(64)]
    public async Task HowManySpillFilesHoldTheResponsesChangesNothingStored(int parts)
    {
        await using var one = await ImportFixture.CreateAsync();
        await using var several = await ImportFixture.CreateAsync();
        var a = await one.ImportTranscriptsAsync(Samples.Transcripts, spillParts: 1);
        var b = await several.ImportTranscriptsAsync(Samples.Transcripts, spillParts: parts);

        const string Stored = """
            SELECT session_id || '|' || ended_at_ns || '|' || run_no || '|' || cost_nanos || '|' || increment_nanos || '|' ||
                   model || '|' || input_tokens || '|' || output_tokens || '|' || cache_read_tokens || '|' || cache_create_tokens || '|' ||
                   cost_origin || '|' || COALESCE(computed_cost_nanos, '')
            FROM snapshots ORDER BY session_id, ended_at_ns
            """;
        var expected = await one.QueryAsync<string>(Stored);
        Assert.Equal(19, expected.Count); // one per API response
        Assert.Equal(expected, await several.QueryAsync<string>(Stored));
        Assert.Equal((a.Sessions, a.ApiCalls, a.DuplicateLines, a.CostNanos), (b.Sessions, b.ApiCalls, b.DuplicateLines, b.CostNanos));
        Assert.Equal(a.ByModel, b.ByModel);
    }

    [Fact]
    public async Task AnImportDeletesSpillFoldersWhoseLockNobodyHoldsAndLeavesThoseInUse()
    {
        string Folder(string name)
        {
            var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"{SpillFolder.Prefix}test-{name}-{Guid.NewGuid():N}"));
            File.WriteAllText(Path.Combine(folder.FullName, "copies-0.bin"), "spilled");
            return folder.FullName;
        }
        var killed = Folder("killed"); // its import is gone: the lock file is there, nobody holds it
        File.WriteAllText(Path.Combine(killed, SpillFolder.LockName), "");
        var running = Folder("running"); // an import (here, this test) holds its lock
        using var held = new FileStream(Path.Combine(running, SpillFolder.LockName), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        var starting = Folder("starting"); // no lock file yet: an import between making the folder and its lock
        try
        {
            await using var db = await ImportFixture.CreateAsync();
            await db.ImportTranscriptsAsync(Samples.Transcripts);

            Assert.False(Directory.Exists(killed));
            Assert.True(File.Exists(Path.Combine(running, "copies-0.bin")));
            Assert.True(File.Exists(Path.Combine(starting, "copies-0.bin")));
            Assert.DoesNotContain(Directory.EnumerateDirectories(Path.GetTempPath(), SpillFolder.Prefix + "*"),
                d => !Path.GetFileName(d).StartsWith(SpillFolder.Prefix + "test-", StringComparison.Ordinal) && IsFree(d));
        }
        finally
        {
            held.Dispose();
            foreach (var folder in new[] { killed, running, starting })
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Whether nobody holds the spill folder's lock (its import has finished or is gone).</summary>
    static bool IsFree(string folder)
    {
        try
        {
            using var _ = new FileStream(Path.Combine(folder, SpillFolder.LockName), FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    [Fact]
    public async Task SubAgentUsageRollsUpToTheParentSessionWithItsOwnModelPricedSeparately()
    {
        await using var db = await ImportFixture.CreateAsync();
        await db.ImportTranscriptsAsync(Samples.Transcripts);

        // One session, one run; the rollup's model dimension splits it exactly: main 0.116725 + sub-agent 0.007396.
        var byModel = await db.QueryAsync<(string Model, long Spend, long Input, long Output, long Read, long Write)>("""
            SELECT model, SUM(spend_nanos), SUM(input_tokens), SUM(output_tokens), SUM(cache_read_tokens), SUM(cache_create_tokens)
            FROM spend_rollup WHERE role = 'polecat' AND model IN ('claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001')
            GROUP BY model ORDER BY model
            """);
        Assert.Equal(
            [
                ("claude-haiku-4-5-20251001", 7_396_000L, 16L, 550L, 3_050L, 3_460L),
                ("claude-sonnet-4-5-20250929", 116_725_000L, 20L, 1_731L, 85_400L, 9_180L),
            ],
            byModel);
        Assert.Equal(1, await db.ScalarAsync<long>("SELECT COUNT(*) FROM runs WHERE session_id = 'd1a21fe5-d523-4353-8de2-5bceb22f81ca'"));
    }

    [Fact]
    public async Task SummaryCountsTokensByTypeAndCostByModel()
    {
        await using var db = await ImportFixture.CreateAsync();
        var s = await db.ImportTranscriptsAsync(Samples.Transcripts);

        Assert.Equal(
            [
                new ModelUsage("claude-opus-4-5-20251101", 5, 39, 3_395, 19_230, 0, 64_840, 0, 237_677_500, 0),
                new ModelUsage("claude-opus-4-6", 2, 4, 1_001, 0, 7_650, 31_300, 0, 117_195_000, 0),
                new ModelUsage("claude-sonnet-4-5-20250929", 5, 20, 1_731, 0, 9_180, 85_400, 1, 116_725_000, 0),
                new ModelUsage("claude-sonnet-4-20250514", 5, 29, 1_670, 14_700, 0, 23_200, 0, 87_222_000, 87_222_000),
                new ModelUsage("claude-haiku-4-5-20251001", 2, 16, 550, 3_460, 0, 3_050, 0, 7_396_000, 0),
            ],
            s.ByModel);
    }

    [Fact]
    public async Task LegacyCostUsdIsUsedAndTheComputedFigureKeptBesideIt()
    {
        await using var db = await ImportFixture.CreateAsync();
        await db.ImportTranscriptsAsync(Samples.Transcripts);

        var last = await db.QueryAsync<(long Cost, long? Computed, string Origin)>("""
            SELECT cost_nanos, computed_cost_nanos, cost_origin FROM snapshots
            WHERE session_id = '65e2b714-b372-4be0-9a80-76d7ad8c5192' ORDER BY ended_at_ns DESC LIMIT 1
            """);
        // Here Claude Code's own figures and the price table agree to the nano-dollar.
        Assert.Equal([(87_222_000L, (long?)87_222_000L, "reported")], last);
    }

    [Fact]
    public async Task ImportingTheSampleTranscriptsTwiceChangesNothing()
    {
        await using var db = await ImportFixture.CreateAsync();
        var first = await db.ImportTranscriptsAsync(Samples.Transcripts);
        var before = await db.DumpAsync();
        var second = await db.ImportTranscriptsAsync(Samples.Transcripts);

        Assert.Equal(19, first.ChangedSnapshots);
        Assert.Equal(0, second.ChangedSnapshots);
        Assert.Equal(before, await db.DumpAsync());
    }

    [Fact]
    public async Task AFolderThatGainedLinesAddsOnlyTheNewUsage()
    {
        await using var db = await ImportFixture.CreateAsync();
        var root = Samples.CopyTranscripts(Path.Combine(db.Folder, "projects"));
        await db.ImportTranscriptsAsync(root);

        // The polecat's Opus 4.6 session goes on: one more response, and a streaming copy of it.
        var file = Path.Combine(root, "-home-dev-gt-quarry-polecats-obsidian-quarry", "894af375-a52f-4d5a-a92d-9d9c279b1489.jsonl");
        File.AppendAllText(file,
            Assistant("msg_new1", "req_new1", "claude-opus-4-6", "2026-03-06T14:05:00.000Z", input: 2, output: 10, write5m: 0, write1h: 1_000, read: 19_650,
                cwd: "/home/dev/gt/quarry/polecats/obsidian/quarry", sessionId: "894af375-a52f-4d5a-a92d-9d9c279b1489") + "\n" +
            Assistant("msg_new1", "req_new1", "claude-opus-4-6", "2026-03-06T14:05:03.000Z", input: 2, output: 300, write5m: 0, write1h: 1_000, read: 19_650,
                cwd: "/home/dev/gt/quarry/polecats/obsidian/quarry", sessionId: "894af375-a52f-4d5a-a92d-9d9c279b1489") + "\n");
        var again = await db.ImportTranscriptsAsync(root);

        // 2 x 5 + 300 x 25 + 1,000 x 10 + 19,650 x 0.50 per million = 0.027335
        Assert.Equal(1, again.ChangedSnapshots);
        Assert.Equal(117_195_000 + 27_335_000, await db.ScalarAsync<long>(
            "SELECT cost_nanos FROM runs WHERE session_id = '894af375-a52f-4d5a-a92d-9d9c279b1489'"));
        Assert.Equal(566_215_500 + 27_335_000, await db.ScalarAsync<long>("SELECT SUM(spend_nanos) FROM spend_rollup"));
        Assert.Equal(1_301, await db.ScalarAsync<long>(
            "SELECT output_tokens FROM runs WHERE session_id = '894af375-a52f-4d5a-a92d-9d9c279b1489'"));
    }

    [Fact]
    public async Task AMalformedLineAndAMultiMegabyteLineDoNotStopTheRest()
    {
        await using var db = await ImportFixture.CreateAsync();
        var project = Directory.CreateDirectory(Path.Combine(db.Folder, "projects", "-home-dev-scratch")).FullName;
        var path = Path.Combine(project, "5e55a0aa-0000-4000-8000-000000000001.jsonl");
        const string cwd = "/home/dev/scratch";
        const string session = "5e55a0aa-0000-4000-8000-000000000001";
        var huge = new string('x', 6 * 1024 * 1024);
        using (var w = new StreamWriter(path, false, new UTF8Encoding(false)))
        {
            w.Write($$$"""{"type":"user","cwd":"{{{cwd}}}","sessionId":"{{{session}}}","timestamp":"2026-03-10T10:00:00.000Z","message":{"role":"user","content":"go"}}""" + "\n");
            // A: 100 x 3 + 200 x 15 + 1,000 x 3.75 (no TTL split: 5-minute rate) + 5,000 x 0.30 = 0.00855
            w.Write(Assistant("msg_a", "req_a", "claude-sonnet-4-5-20250929", "2026-03-10T10:00:05.000Z", 100, 200, 1_000, 0, 5_000, cwd, session, split: false) + "\n");
            w.Write("""{"type":"assistant","message":{"id":"msg_torn","usage":{"input_tokens":99""" + "\n");
            // D, inside a 6 MB line: 10 x 3 + 1,000 x 15 + 8,000 x 0.30 = 0.01743
            w.Write(Assistant("msg_d", "req_d", "claude-sonnet-4-5-20250929", "2026-03-10T10:01:00.000Z", 10, 1_000, 0, 0, 8_000, cwd, session, text: huge) + "\n");
            w.Write($$$"""{"type":"user","cwd":"{{{cwd}}}","sessionId":"{{{session}}}","timestamp":"2026-03-10T10:01:30.000Z","message":{"role":"user","content":[{"type":"tool_result","content":"{{{huge}}}"}]}}""" + "\n");
            // B: a streaming copy with a partial output count first, then the whole response:
            // 50 x 3 + 400 x 15 + 2,000 x 6 (1-hour writes) + 6,000 x 0.30 = 0.01995
            w.Write(Assistant("msg_b", "req_b", "claude-sonnet-4-5-20250929", "2026-03-10T10:02:00.000Z", 50, 10, 0, 2_000, 6_000, cwd, session) + "\n");
            w.Write(Assistant("msg_b", "req_b", "claude-sonnet-4-5-20250929", "2026-03-10T10:02:04.000Z", 50, 400, 0, 2_000, 6_000, cwd, session) + "\n");
            w.Write("""{"type":"user","message":{"role":"us""");
        }

        var s = await db.ImportTranscriptsAsync(Path.Combine(db.Folder, "projects"));

        Assert.Equal(2, s.SkippedCount);
        Assert.Equal([3L, 8L], s.Skipped.Select(k => k.Line));
        Assert.Equal(3, s.ApiCalls);
        Assert.Equal(45_930_000, s.CostNanos);
        var runs = await db.QueryAsync<RunRow>($"SELECT {RunColumns} FROM runs");
        Assert.Equal([new RunRow(session, 1, "unknown", null, "scratch", "claude-sonnet-4-5-20250929", 45_930_000,
            160, 1_600, 19_000, 3_000, 3, "transcript", "computed")], runs);
        // B's spend lands at its first occurrence, 10:02:00.
        var times = await db.QueryAsync<long>("SELECT ended_at_ns FROM snapshots ORDER BY ended_at_ns");
        Assert.Equal(DateTimeOffset.Parse("2026-03-10T10:02:00Z").ToUnixTimeMilliseconds() * 1_000_000, times[^1]);
    }

    [Fact]
    public async Task ATokenCountThatIsNotAWholeNumberInRangeMakesItsLineSkippedAndReportedNotZero()
    {
        await using var db = await ImportFixture.CreateAsync();
        var project = Directory.CreateDirectory(Path.Combine(db.Folder, "projects", "-home-dev-scratch")).FullName;
        const string cwd = "/home/dev/scratch";
        const string session = "bad0c0de-0000-4000-8000-000000000003";
        string Line(string id, string output) =>
            Assistant(id, "req_" + id, "claude-sonnet-4-5-20250929", "2026-03-10T10:00:0" + id[^1] + ".000Z", 100, 777, 0, 0, 0, cwd, session)
                .Replace("\"output_tokens\":777", "\"output_tokens\":" + output);
        File.WriteAllLines(Path.Combine(project, session + ".jsonl"),
        [
            Line("msg_1", "200"),                  // 100 x 3 + 200 x 15 per million = 0.0033
            Line("msg_2", "-5"),
            Line("msg_3", "1.5"),
            Line("msg_4", "\"12\""),
            Line("msg_5", "1e30"),
            Line("msg_6", "10000000001"),         // more than any response can hold
            Line("msg_7", "null"),                 // a null count is no count: 100 x 3 = 0.0003
        ]);

        var s = await db.ImportTranscriptsAsync(Path.Combine(db.Folder, "projects"));

        Assert.Equal([2L, 3L, 4L, 5L, 6L], s.Skipped.Select(k => k.Line));
        Assert.Equal(5, s.SkippedCount);
        Assert.Equal(2, s.ApiCalls);
        Assert.Equal(3_600_000, s.CostNanos);
    }

    [Fact]
    public async Task AnUnknownModelIsKeptUnpricedReportedAndNeverCountedAsZero()
    {
        await using var db = await ImportFixture.CreateAsync();
        var root = Path.Combine(db.Folder, "projects");
        var project = Directory.CreateDirectory(Path.Combine(root, "-home-dev-gt-quarry-witness")).FullName;
        const string cwd = "/home/dev/gt/quarry/witness";
        const string session = "0ddba11a-0000-4000-8000-000000000002";
        File.WriteAllText(Path.Combine(project, session + ".jsonl"),
            Assistant("msg_m1", "req_m1", "claude-mystery-9", "2026-03-11T08:00:00.000Z", 1_000, 2_000, 0, 0, 0, cwd, session) + "\n" +
            // 10 x 1 + 100 x 5 per million (Haiku 4.5) = 0.00051
            Assistant("msg_h1", "req_h1", "claude-haiku-4-5-20251001", "2026-03-11T08:00:10.000Z", 10, 100, 0, 0, 0, cwd, session) + "\n" +
            Assistant("msg_m2", "req_m2", "claude-mystery-9", "2026-03-11T08:00:20.000Z", 500, 700, 0, 0, 300, cwd, session) + "\n");

        var s = await db.ImportTranscriptsAsync(root);

        Assert.Equal([new UnpricedModel("claude-mystery-9", "no price for model claude-mystery-9", 2, 4_500)], s.Unpriced);
        Assert.Equal(510_000, s.CostNanos);
        var usage = await db.QueryAsync<(string Model, string Role, string Rig, long Calls, long Input, long Output, long Read)>(
            "SELECT model, role, rig, calls, input_tokens, output_tokens, cache_read_tokens FROM unpriced_usage");
        Assert.Equal([("claude-mystery-9", "witness", "quarry", 2L, 1_500L, 2_700L, 300L)], usage);
        Assert.Equal([(510_000L, "unpriced")], await db.QueryAsync<(long, string)>("SELECT cost_nanos, cost_origin FROM runs"));

        // Rates supplied later in a user's price file: a re-import prices the usage and nothing stays unpriced.
        var overridePath = Path.Combine(db.Folder, "prices.json");
        File.WriteAllText(overridePath, """
            {"version": "mine-1", "models": [{"id": "claude-mystery-9", "prices": [{"effective_from": "2026-01-01",
              "input": 2, "output": 10, "cache_write_5m": 2.5, "cache_write_1h": 4, "cache_read": 0.2}]}]}
            """);
        var prices = PriceTable.Default.WithOverrides(PriceTable.Load(File.OpenRead(overridePath), overridePath));
        var again = await db.ImportTranscriptsAsync(root, prices);

        // 1,500 x 2 + 2,700 x 10 + 300 x 0.2 per million = 0.03006, plus Haiku's 0.00051
        Assert.Empty(again.Unpriced);
        Assert.Equal(0, await db.ScalarAsync<long>("SELECT COUNT(*) FROM unpriced_usage"));
        Assert.Equal([(30_570_000L, "computed")], await db.QueryAsync<(long, string)>("SELECT cost_nanos, cost_origin FROM runs"));
        Assert.Equal(30_570_000, await db.ScalarAsync<long>("SELECT SUM(spend_nanos) FROM spend_rollup"));
    }

    [Fact]
    public async Task ResponsesOfOneSessionInTheSameMillisecondStayTwoSnapshots()
    {
        await using var db = await ImportFixture.CreateAsync();
        var root = Path.Combine(db.Folder, "projects");
        const string cwd = "/home/dev/gt/orchard/crew/maple";
        const string session = "ab1e0000-0000-4000-8000-000000000003";
        var project = Directory.CreateDirectory(Path.Combine(root, "-home-dev-gt-orchard-crew-maple")).FullName;
        Directory.CreateDirectory(Path.Combine(project, session, "subagents"));
        // Main (Sonnet 4.5): 1,000 x 15 = 0.015; sub-agent (Haiku 4.5) at the same instant: 1,000 x 5 = 0.005
        File.WriteAllText(Path.Combine(project, session + ".jsonl"),
            Assistant("msg_s", "req_s", "claude-sonnet-4-5-20250929", "2026-03-12T12:00:00.000Z", 0, 1_000, 0, 0, 0, cwd, session) + "\n");
        File.WriteAllText(Path.Combine(project, session, "subagents", "agent-a1.jsonl"),
            Assistant("msg_h", "req_h", "claude-haiku-4-5-20251001", "2026-03-12T12:00:00.000Z", 0, 1_000, 0, 0, 0, cwd, session, sidechain: true) + "\n");

        await db.ImportTranscriptsAsync(root);

        Assert.Equal(2, await db.ScalarAsync<long>("SELECT COUNT(*) FROM snapshots"));
        Assert.Equal([("crew", "maple", "orchard", "claude-sonnet-4-5-20250929", 20_000_000L)],
            await db.QueryAsync<(string, string, string, string, long)>("SELECT role, worker, rig, model, cost_nanos FROM runs"));
        Assert.Equal([("claude-haiku-4-5-20251001", 5_000_000L), ("claude-sonnet-4-5-20250929", 15_000_000L)],
            await db.QueryAsync<(string, long)>("SELECT model, SUM(spend_nanos) FROM spend_rollup GROUP BY model ORDER BY model"));
    }

    [Fact]
    public async Task TheCommandImportsIntoTheConfiguredDatabaseAndPrintsASummary()
    {
        await using var db = await ImportFixture.CreateAsync();
        var output = new StringWriter();
        int exit = await ImportCommand.RunAsync(["transcripts", Samples.Transcripts, $"--Gasometer:SqlitePath={db.DatabasePath}"], output);

        Assert.Equal(0, exit);
        Assert.Contains("  total               $0.5662155", output.ToString());
        Assert.Contains("    claude-haiku-4-5-20251001                  2 calls  $0.007396", output.ToString());
        Assert.Equal(566_215_500, await db.ScalarAsync<long>("SELECT SUM(cost_nanos) FROM runs"));
    }

    [Theory]
    [InlineData("/home/dev/gt/quarry/polecats/obsidian/quarry", "polecat", "quarry", "obsidian")]
    [InlineData("/home/dev/gt/orchard/crew/maple/orchard_web.v2", "crew", "orchard", "maple")]
    [InlineData("/home/dev/gt/orchard/crew/maple", "crew", "orchard", "maple")]
    [InlineData("/home/dev/gt/quarry/witness", "witness", "quarry", null)]
    [InlineData("/home/dev/gt/quarry/refinery/rig", "refinery", "quarry", null)]
    [InlineData("/home/dev/gt/mayor", "mayor", null, "mayor")]
    [InlineData("/home/dev/gt/deacon", "deacon", null, "deacon")]
    [InlineData("/home/dev/src/gasometer", "unknown", "gasometer", null)]
    [InlineData("/home/mayor/work/site", "unknown", "site", null)]
    public void GasTownWorkdirsGiveRoleRigAndWorker(string cwd, string role, string? rig, string? worker) =>
        Assert.Equal(new AgentIdentity(role, rig, worker), AgentIdentity.FromCwd(cwd, "-folder"));

    [Fact]
    public void ASessionWithoutAnyCwdIsUnknownWithItsProjectFolderAsRig() =>
        Assert.Equal(new AgentIdentity("unknown", "-home-dev-x", null), AgentIdentity.FromCwd(null, "-home-dev-x"));

    internal static string Assistant(string id, string requestId, string model, string timestamp, long input, long output, long write5m,
        long write1h, long read, string cwd, string sessionId, bool split = true, string text = "ok", bool sidechain = false)
    {
        var cacheCreation = split ? $$""","cache_creation":{"ephemeral_5m_input_tokens":{{write5m}},"ephemeral_1h_input_tokens":{{write1h}}}""" : "";
        return $$$"""{"parentUuid":null,"isSidechain":{{{(sidechain ? "true" : "false")}}},"cwd":"{{{cwd}}}","sessionId":"{{{sessionId}}}","version":"2.1.3","message":{"id":"{{{id}}}","type":"message","role":"assistant","model":"{{{model}}}","content":[{"type":"text","text":"{{{text}}}"}],"usage":{"input_tokens":{{{input}}},"cache_creation_input_tokens":{{{write5m + write1h}}},"cache_read_input_tokens":{{{read}}}{{{cacheCreation}}},"output_tokens":{{{output}}},"service_tier":"standard"}},"requestId":"{{{requestId}}}","type":"assistant","uuid":"u-{{{id}}}-{{{timestamp}}}","timestamp":"{{{timestamp}}}"}""";
    }
}
