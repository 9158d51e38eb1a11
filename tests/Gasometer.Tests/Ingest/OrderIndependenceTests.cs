using System.Globalization;
using Gasometer.Storage;
using Gasometer.Tests.Hosting;

namespace Gasometer.Tests.Ingest;

/// <summary>
/// DESIGN.md section 3: the same set of snapshots, sent in any order, any number of times,
/// concurrently, gives the same totals. Checked against an oracle written here independently of
/// the product's RunCursor, and against an in-order sequential delivery.
/// </summary>
public sealed class OrderIndependenceTests
{
    sealed record Sent(string SessionId, DateTimeOffset EndedAt, decimal Cost, long? Input, long? Output, string Model)
    {
        public string Json => string.Create(CultureInfo.InvariantCulture,
            $$"""{"session_id":"{{SessionId}}","role":"polecat","rig":"quarry","worker":"{{SessionId}}","model":"{{Model}}","cost_usd":{{Cost}},"ended_at":"{{EndedAt:yyyy-MM-ddTHH:mm:ss.fffffffzzz}}"{{(Input is null ? "" : $",\"input_tokens\":{Input}")}}{{(Output is null ? "" : $",\"output_tokens\":{Output}")}}}""");
    }

    static List<Sent> RandomFleet(int seed, int sessions, int perSession)
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(2026, 3, 7, 20, 0, 0, TimeSpan.FromHours(-5));
        var all = new List<Sent>();
        for (int s = 0; s < sessions; s++)
        {
            var times = Enumerable.Range(0, perSession).Select(_ => random.Next(0, 2 * 24 * 3600)).Distinct().Order().ToList();
            decimal cost = 0;
            long input = 0, output = 0;
            foreach (var t in times)
            {
                int roll = random.Next(100);
                if (roll < 10)
                {
                    all.Add(new Sent($"sess-{s}", start.AddSeconds(t), 0m, null, null, "claude-sonnet-4-5"));
                    continue;
                }
                if (roll < 20) { cost = 0; input = 0; output = 0; } // a restart: the running total drops
                cost += random.Next(0, 500_000) / 1_000_000m + 0.0000001m;
                input += random.Next(0, 5000);
                output += random.Next(0, 2000);
                all.Add(new Sent($"sess-{s}", start.AddSeconds(t), cost, roll % 3 == 0 ? null : input, output, roll % 2 == 0 ? "claude-sonnet-4-5" : "claude-haiku-4-5"));
            }
        }
        return all;
    }

    /// <summary>The rules of DESIGN.md section 3 in their plainest form: spend per session and each run's final value.</summary>
    static (long Total, List<(string, long, long)> Runs) Oracle(IEnumerable<Sent> sent)
    {
        var runs = new List<(string, long, long)>();
        foreach (var session in sent.GroupBy(s => s.SessionId).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            long run = 0;
            decimal? previous = null;
            foreach (var s in session.OrderBy(s => s.EndedAt).Where(s => s.Cost != 0))
            {
                if (previous is null || s.Cost < previous) runs.Add((session.Key, ++run, 0));
                runs[^1] = (session.Key, run, (long)(s.Cost * 1_000_000_000m));
                previous = s.Cost;
            }
        }
        return (runs.Sum(r => r.Item3), runs);
    }

    [Theory, BothEngines]
    public async Task ShuffledDuplicatedParallelAndBatchedDeliveriesStoreExactlyWhatInOrderDeliveryStores(Engine engine)
    {
        foreach (int seed in new[] { 1, 2, 3 })
        {
            var fleet = RandomFleet(seed, sessions: 4, perSession: 25);
            var (expectedTotal, expectedRuns) = Oracle(fleet);

            StoredState inOrder;
            await using (var db = await TestDatabase.CreateAsync(engine))
            await using (var server = await GasometerServer.StartAsync(db))
            {
                foreach (var s in fleet.OrderBy(s => s.EndedAt))
                    Assert.Equal(201, (int)(await server.PostJsonAsync("/api/ingest", s.Json)).StatusCode);
                inOrder = await StoredState.ReadAsync(server.Service<Database>());
            }
            Assert.Equal(expectedTotal, inOrder.RollupSpendNanos);
            Assert.Equal(expectedTotal, inOrder.SnapshotIncrementNanos);
            Assert.Equal(expectedRuns, inOrder.Runs);

            var random = new Random(seed * 7919);
            await using (var db = await TestDatabase.CreateAsync(engine))
            await using (var server = await GasometerServer.StartAsync(db))
            {
                var sends = fleet.SelectMany(s => Enumerable.Repeat(s, random.Next(1, 4))).OrderBy(_ => random.Next()).ToList();
                await Parallel.ForEachAsync(sends, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (s, _) =>
                    Assert.Equal(201, (int)(await server.PostJsonAsync("/api/ingest", s.Json)).StatusCode));

                var batches = fleet.OrderBy(_ => random.Next()).Chunk(17).ToList();
                await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (batch, _) =>
                    Assert.Equal(201, (int)(await server.PostJsonAsync("/api/ingest/batch", "[" + string.Join(",", batch.Select(b => b.Json)) + "]")).StatusCode));

                var chaotic = await StoredState.ReadAsync(server.Service<Database>());
                Assert.Equal(inOrder.Runs, chaotic.Runs);
                Assert.Equal(inOrder.Rollup, chaotic.Rollup);
                Assert.Equal(inOrder.Placements, chaotic.Placements);
            }
        }
    }

    [Theory, BothEngines]
    public async Task ManyClientsPostingToOneSessionAtOnceLoseNoIncrementAndDuplicateNoRun(Engine engine)
    {
        // 300 snapshots of one session with two restarts, posted by 24 clients at once across two
        // server instances (on SQLite both share one file; on PostgreSQL one database).
        var start = new DateTimeOffset(2026, 3, 8, 12, 0, 0, TimeSpan.Zero);
        var fleet = Enumerable.Range(0, 300).Select(i => new Sent("hq-mayor", start.AddSeconds(i * 10),
            (i % 100 + 1) * 0.01m, i, i * 2, "claude-opus-4-5")).ToList();
        var (expectedTotal, expectedRuns) = Oracle(fleet);
        Assert.Equal([("hq-mayor", 1L, 1_000_000_000L), ("hq-mayor", 2L, 1_000_000_000L), ("hq-mayor", 3L, 1_000_000_000L)], expectedRuns);

        await using var db = await TestDatabase.CreateAsync(engine);
        await using var first = await GasometerServer.StartAsync(db);
        await using var second = await GasometerServer.StartAsync(db);
        var order = fleet.OrderBy(_ => Random.Shared.Next()).Select((s, i) => (s, server: i % 2 == 0 ? first : second)).ToList();
        await Parallel.ForEachAsync(order, new ParallelOptions { MaxDegreeOfParallelism = 24 }, async (item, _) =>
            Assert.Equal(201, (int)(await item.server.PostJsonAsync("/api/ingest", item.s.Json)).StatusCode));

        var state = await StoredState.ReadAsync(first.Service<Database>());
        Assert.Equal(expectedRuns, state.Runs);
        Assert.Equal(expectedTotal, state.RollupSpendNanos);
        Assert.Equal(expectedTotal, state.SnapshotIncrementNanos);
        Assert.Equal(300, state.SnapshotCount);
    }

    [Theory, BothEngines]
    public async Task ReplacingASnapshotWithANewValueMovesTheIncrementsAfterIt(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await GasometerServer.StartAsync(db);
        string At(int minute, decimal cost) => string.Create(CultureInfo.InvariantCulture,
            $$"""{"session_id":"qy-obsidian","role":"polecat","cost_usd":{{cost}},"ended_at":"2026-03-07T10:{{minute:D2}}:00Z"}""");
        foreach (var body in new[] { At(0, 1.0m), At(10, 2.0m), At(20, 3.0m) })
            await server.PostJsonAsync("/api/ingest", body);

        // The 10:10 snapshot is re-sent lower than 10:00: that is a restart, so 10:20 continues run 2.
        await server.PostJsonAsync("/api/ingest", At(10, 0.5m));
        var state = await StoredState.ReadAsync(server.Service<Database>());
        Assert.Equal([("qy-obsidian", 1L, 1_000_000_000L), ("qy-obsidian", 2L, 3_000_000_000L)], state.Runs);
        Assert.Equal(4_000_000_000, state.RollupSpendNanos);
        Assert.Equal(
            [("qy-obsidian", 1772877600000000000L, 1L, 1_000_000_000L), ("qy-obsidian", 1772878200000000000L, 2L, 500_000_000L), ("qy-obsidian", 1772878800000000000L, 2L, 2_500_000_000L)],
            state.Placements);
    }

    [Theory, BothEngines]
    public async Task ZeroMeansNoDataNeitherARestartNorSpend(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await GasometerServer.StartAsync(db);
        foreach (var (minute, cost) in new[] { (0, 0m), (10, 1.5m), (20, 0m), (30, 2.25m) })
            await server.PostJsonAsync("/api/ingest", string.Create(CultureInfo.InvariantCulture,
                $$"""{"session_id":"hq-deacon","role":"deacon","cost_usd":{{cost}},"ended_at":"2026-03-07T10:{{minute:D2}}:00Z"}"""));
        var state = await StoredState.ReadAsync(server.Service<Database>());
        Assert.Equal([("hq-deacon", 1L, 2_250_000_000L)], state.Runs);
        Assert.Equal(2_250_000_000, state.RollupSpendNanos);
        Assert.Equal([0L, 1L, 1L, 1L], state.Placements.Select(p => p.RunNo));
    }
}
