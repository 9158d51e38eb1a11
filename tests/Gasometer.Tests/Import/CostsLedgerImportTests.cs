using Xunit;
namespace Gasometer.Tests.Import;

public sealed class CostsLedgerImportTests
{
    static readonly (string Session, long Run, long CostNanos)[] ReadmeRuns =
    [
        ("hq-boot", 1, 140_337_700),
        ("hq-deacon", 1, 332_451_800),
        ("hq-mayor", 1, 2_741_500_900),
        ("hq-mayor", 2, 1_553_048_700),
        ("oc-crew-maple", 1, 3_007_166_900),
        ("qy-obsidian", 1, 4_006_615_200),
        ("qy-obsidian", 2, 2_119_800_400),
        ("qy-refinery", 1, 603_552_100),
        ("qy-witness", 1, 398_731_200),
        ("zz-sandbox", 1, 51_220_400),
    ];

    [Fact]
    public async Task SampleLedgerGivesTheReadmeRunsAndTotal()
    {
        await using var db = await ImportFixture.CreateAsync();
        var summary = await db.ImportCostsAsync(Samples.CostsLedger);

        Assert.Equal(31, summary.Lines);
        Assert.Equal(31, summary.Snapshots);
        Assert.Equal(0, summary.SkippedCount);
        Assert.Equal(ReadmeRuns, await db.QueryAsync<(string, long, long)>(
            "SELECT session_id, run_no, cost_nanos FROM runs ORDER BY session_id, run_no"));
        Assert.Equal(14_954_425_300, await db.ScalarAsync<long>("SELECT SUM(cost_nanos) FROM runs"));
        Assert.Equal(14_954_425_300, await db.ScalarAsync<long>("SELECT SUM(spend_nanos) FROM spend_rollup"));
        Assert.Equal([("", 4_818_559_500L), ("orchard", 3_007_166_900L), ("quarry", 7_128_698_900L)],
            await db.QueryAsync<(string, long)>("SELECT rig, SUM(spend_nanos) FROM spend_rollup GROUP BY rig ORDER BY rig"));
        Assert.Equal(["costs.jsonl"], await db.QueryAsync<string>("SELECT DISTINCT source FROM runs"));
        Assert.Equal(["reported"], await db.QueryAsync<string>("SELECT DISTINCT cost_origin FROM runs"));
        // oc-jasper only ever wrote 0 ("no data"): seen, but no run and no spend.
        Assert.Equal(1, await db.ScalarAsync<long>("SELECT COUNT(*) FROM snapshots WHERE session_id = 'oc-jasper'"));
    }

    [Fact]
    public async Task ImportingTheLedgerTwiceChangesNothing()
    {
        await using var db = await ImportFixture.CreateAsync();
        var first = await db.ImportCostsAsync(Samples.CostsLedger);
        var before = await db.DumpAsync();
        var second = await db.ImportCostsAsync(Samples.CostsLedger);

        Assert.Equal(31, first.ChangedSnapshots);
        Assert.Equal(0, second.ChangedSnapshots);
        Assert.Equal(before, await db.DumpAsync());
    }

    [Fact]
    public async Task MalformedLinesAreSkippedCountedAndReportedByLineNumber()
    {
        await using var db = await ImportFixture.CreateAsync();
        var lines = File.ReadAllLines(Samples.CostsLedger).ToList();
        lines.Insert(3, """{"session_id":"hq-mayor","role":"mayor","cost_usd":0.5,"ended_at":""");     // line 4: torn
        lines.Insert(10, """{"session_id":"hq-mayor","role":"mayor","ended_at":"2026-03-07T12:00:00Z"}"""); // line 11: no cost
        lines.Insert(20, "");                                                                              // blank: not a line
        lines.Insert(21, """{"session_id":"hq-mayor","role":"mayor","cost_usd":"1.0","ended_at":"2026-03-07T12:00:00Z"}"""); // line 22
        var path = Path.Combine(db.Folder, "costs.jsonl");
        File.WriteAllLines(path, lines);

        var summary = await db.ImportCostsAsync(path);

        Assert.Equal(3, summary.SkippedCount);
        Assert.Equal(
            [
                (4L, "not valid JSON"),
                (11L, "cost_usd is required"),
                (22L, "cost_usd must be a number"),
            ],
            summary.Skipped.Select(s => (s.Line, s.Reason)));
        Assert.Equal(14_954_425_300, await db.ScalarAsync<long>("SELECT SUM(cost_nanos) FROM runs"));
    }

    [Fact]
    public async Task ARewrittenShorterLedgerAddsOnlyItsNewLines()
    {
        await using var db = await ImportFixture.CreateAsync();
        var path = Path.Combine(db.Folder, "costs.jsonl");
        File.Copy(Samples.CostsLedger, path);
        await db.ImportCostsAsync(path);

        // Gas Town's digest rewrites the file in place: older lines gone, the recent ones kept, then more appended.
        var kept = File.ReadAllLines(Samples.CostsLedger).TakeLast(5);
        File.WriteAllLines(path, kept.Append(
            """{"session_id":"oc-crew-maple","role":"crew","rig":"orchard","worker":"maple","cost_usd":3.2071669,"ended_at":"2026-03-09T04:00:00Z"}"""));
        var summary = await db.ImportCostsAsync(path);

        Assert.Equal(1, summary.ChangedSnapshots);
        Assert.Equal(14_954_425_300 + 200_000_000, await db.ScalarAsync<long>("SELECT SUM(spend_nanos) FROM spend_rollup"));
        Assert.Equal(3_207_166_900, await db.ScalarAsync<long>("SELECT cost_nanos FROM runs WHERE session_id = 'oc-crew-maple'"));
    }
}
