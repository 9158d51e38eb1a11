using Gasometer.Storage;
using Gasometer.Tests.Hosting;

namespace Gasometer.Tests.Ingest;

/// <summary>The costs.jsonl sample posted through the real API: the figures of ../shared/samples/README.md.</summary>
public sealed class SampleLedgerTests
{
    static readonly Dictionary<string, (long Spend, int Runs)> Expected = new()
    {
        ["hq-mayor"] = (4_294_549_600, 2),
        ["qy-obsidian"] = (6_126_415_600, 2),
        ["oc-crew-maple"] = (3_007_166_900, 1),
        ["qy-refinery"] = (603_552_100, 1),
        ["qy-witness"] = (398_731_200, 1),
        ["hq-deacon"] = (332_451_800, 1),
        ["hq-boot"] = (140_337_700, 1),
        ["zz-sandbox"] = (51_220_400, 1),
        ["oc-jasper"] = (0, 0),
    };

    [Theory, BothEngines]
    public async Task SampleInFileOrderShuffledAndTwiceGivesTheReadmeTotals(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await GasometerServer.StartAsync(db);
        var lines = SampleFiles.CostsJsonlLines();
        Assert.Equal(31, lines.Length);

        var shuffled = lines.OrderBy(_ => Random.Shared.Next()).ToArray();
        foreach (var round in new[] { lines, shuffled, lines, lines })
        {
            foreach (var line in round)
            {
                var response = await server.PostJsonAsync("/api/ingest", line);
                Assert.Equal(201, (int)response.StatusCode);
                Assert.Equal("""{"status":"ingested"}""", await response.Content.ReadAsStringAsync());
            }

            var state = await StoredState.ReadAsync(server.Service<Database>());
            Assert.Equal(14_954_425_300, state.RollupSpendNanos);
            Assert.Equal(14_954_425_300, state.SnapshotIncrementNanos);
            Assert.Equal(31, state.SnapshotCount);
            foreach (var (session, (spend, runs)) in Expected)
            {
                Assert.Equal(spend, state.SessionSpendNanos(session));
                Assert.Equal(runs, state.RunCount(session));
            }
        }
    }

    [Theory, BothEngines]
    public async Task SampleRunsKeepTheirFinalValuesAndRestartsStartNewRuns(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await GasometerServer.StartAsync(db);
        foreach (var line in SampleFiles.CostsJsonlLines().Reverse())
            Assert.Equal(201, (int)(await server.PostJsonAsync("/api/ingest", line)).StatusCode);

        var state = await StoredState.ReadAsync(server.Service<Database>());
        Assert.Equal(
            [("hq-boot", 1L, 140_337_700L), ("hq-deacon", 1, 332_451_800), ("hq-mayor", 1, 2_741_500_900), ("hq-mayor", 2, 1_553_048_700),
             ("oc-crew-maple", 1, 3_007_166_900), ("qy-obsidian", 1, 4_006_615_200), ("qy-obsidian", 2, 2_119_800_400),
             ("qy-refinery", 1, 603_552_100), ("qy-witness", 1, 398_731_200), ("zz-sandbox", 1, 51_220_400)],
            state.Runs);
    }
}
