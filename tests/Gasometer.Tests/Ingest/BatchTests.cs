using Dapper;
using Gasometer.Storage;
using Gasometer.Tests.Hosting;

namespace Gasometer.Tests.Ingest;

public sealed class BatchTests
{
    [Theory, BothEngines]
    public async Task SampleAsOneJsonArrayGivesTheSameTotalsAsSingleEvents(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await GasometerServer.StartAsync(db);
        var body = "[" + string.Join(",", SampleFiles.CostsJsonlLines()) + "]";
        var response = await server.PostJsonAsync("/api/ingest/batch", body);
        Assert.Equal(201, (int)response.StatusCode);
        Assert.Equal("""{"status":"ingested","accepted":31,"rejected_count":0,"rejected":[]}""", await response.Content.ReadAsStringAsync());
        var state = await StoredState.ReadAsync(server.Service<Database>());
        Assert.Equal(14_954_425_300, state.RollupSpendNanos);
        Assert.Equal(10, state.Runs.Count);
    }

    [Theory, BothEngines]
    public async Task AmountsThatTogetherPassWhatCanBeAddedUpAreRefusedWholeAndEveryFigureStillAnswers(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await GasometerServer.StartAsync(db);
        // Each event is valid ($1,000,000 is a snapshot's most); a batch holds sessions from..from+count.
        static string Million(int from, int count) => string.Join("\n", Enumerable.Range(from, count).Select(i =>
            $$"""{"session_id":"big-{{i}}","role":"polecat","rig":"mint","cost_usd":1000000,"input_tokens":1000000000000,"ended_at":"2026-05-01T12:00:00Z"}"""));
        const string refused = """{"error":"Invalid payload","details":[{"field":"body","message":"would take the stored totals past what Gasometer adds up exactly ($9,000,000,000, or 9e18 tokens of one type)"}]}""";
        const string rigs = """{"data":[{"rig":"mint","total_usd":5000000000,"session_count":5000,"input_tokens":5000000000000000,"output_tokens":0,"cache_read_tokens":0,"cache_create_tokens":0}]}""";

        Assert.Equal(201, (int)(await server.PostJsonAsync("/api/ingest/batch", Million(0, 5_000))).StatusCode);
        // $5 billion stored: another $5 billion would pass the ceiling ($9 billion, just under what a 64-bit sum holds).
        var second = await server.PostJsonAsync("/api/ingest/batch", Million(5_000, 5_000));
        Assert.Equal((400, refused), ((int)second.StatusCode, await second.Content.ReadAsStringAsync()));
        // $10 billion in one request passes even a 64-bit sum of the request alone.
        var third = await server.PostJsonAsync("/api/ingest/batch", Million(10_000, 10_000));
        Assert.Equal((400, refused), ((int)third.StatusCode, await third.Content.ReadAsStringAsync()));

        Assert.Equal(rigs, await server.GetStringAsync("/api/stats/rigs?from=2026-05-01&to=2026-05-01"));
        Assert.Equal(5_000_000_000_000_000_000, (await StoredState.ReadAsync(server.Service<Database>())).RollupSpendNanos);
        foreach (var path in new[] { "roles", "models", "workers", "sources", "daily", "beads" })
            await server.GetStringAsync($"/api/stats/{path}?from=2026-05-01&to=2026-05-01"); // asserts a 200
    }

    [Theory, BothEngines]
    public async Task LedgerTotalsAddUpThePositivePartsOfIncrementsSoEvenFallingTokenCountsStayBounded(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await GasometerServer.StartAsync(db);
        static string Snapshot(string session, decimal cost, long input, string at) =>
            $$"""{"session_id":"{{session}}","role":"crew","rig":"r","cost_usd":{{cost}},"input_tokens":{{input}},"beads_closed":1,"ended_at":"{{at}}"}""";
        // The cost rises while the token count falls: day 1 holds +1,000 tokens per session, day 2 -1,000.
        await server.PostAllAsync(Enumerable.Range(0, 3).SelectMany(i => new[]
        {
            Snapshot($"s{i}", 1, 1_000, "2026-05-01T12:00:00Z"), Snapshot($"s{i}", 2, 0, "2026-05-02T12:00:00Z"),
        }));
        // A late snapshot makes s0 recompute: what it took back must leave the totals as well.
        await server.PostAllAsync([Snapshot("s0", 1.5m, 400, "2026-05-01T18:00:00Z")]);

        await using var c = await server.Service<Database>().OpenAsync();
        var totals = await c.QuerySingleAsync<(long Spend, long Input, long Beads)>(
            "SELECT spend_nanos, input_tokens, beads_closed FROM ledger_totals");
        var increments = (await c.QueryAsync<(long Spend, long Input, long Beads)>(
            "SELECT increment_nanos, input_increment, beads_increment FROM snapshots")).ToList();
        Assert.Equal((increments.Sum(i => Math.Max(i.Spend, 0)), increments.Sum(i => Math.Max(i.Input, 0)), increments.Sum(i => Math.Max(i.Beads, 0))), totals);
        Assert.Equal((6_000_000_000L, 3_000L, 3L), totals); // the net input change is 0, but day 1 alone sums to 3,000
    }

    [Fact]
    public async Task NdjsonBatchReportsEachBadLineByNumberAndStoresTheRest()
    {
        await using var db = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var server = await GasometerServer.StartAsync(db);
        var lines = SampleFiles.CostsJsonlLines().ToList();
        lines.Insert(3, "{not json");
        lines.Insert(6, """{"session_id":"x","role":"polecat","cost_usd":-1,"ended_at":"2026-03-07T10:00Z"}""");
        lines.Insert(8, "");
        var response = await server.PostJsonAsync("/api/ingest/batch", string.Join("\n", lines) + "\n");
        Assert.Equal(201, (int)response.StatusCode);
        Assert.Equal("""
            {"status":"ingested","accepted":31,"rejected_count":2,"rejected":[{"index":3,"line":4,"details":[{"field":"body","message":"line is not valid JSON ('n' is an invalid start of a property name. Expected a '\"'; byte 2)"}]},{"index":6,"line":7,"details":[{"field":"cost_usd","message":"must be between 0 and 1000000"}]}]}
            """, await response.Content.ReadAsStringAsync());
        Assert.Equal(14_954_425_300, (await StoredState.ReadAsync(server.Service<Database>())).RollupSpendNanos);
    }

    [Theory]
    [InlineData("[]", "contains no events")]
    [InlineData("", "is empty; send a JSON array or NDJSON")]
    [InlineData("[{\"session_id\":\"x\"}]", "no event in the batch is valid")]
    public async Task BatchWithNothingValidIsA400AndStoresNothing(string body, string message)
    {
        await using var db = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var server = await GasometerServer.StartAsync(db);
        var response = await server.PostJsonAsync("/api/ingest/batch", body);
        Assert.Equal(400, (int)response.StatusCode);
        var json = await GasometerServer.BodyAsync(response);
        Assert.Equal("Invalid payload", json.GetProperty("error").GetString());
        Assert.Equal(message, json.GetProperty("details")[0].GetProperty("message").GetString());
        Assert.Equal(0, (await StoredState.ReadAsync(server.Service<Database>())).SnapshotCount);
    }

    [Fact]
    public async Task TruncatedJsonArrayIsA400AndStoresNothing()
    {
        await using var db = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var server = await GasometerServer.StartAsync(db);
        var body = "[" + string.Join(",", SampleFiles.CostsJsonlLines()) + ",{\"session_id\":";
        var response = await server.PostJsonAsync("/api/ingest/batch", body);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal(0, (await StoredState.ReadAsync(server.Service<Database>())).SnapshotCount);
    }

    [Fact]
    public async Task EveryBadElementOfABatchGetsItsOwnDetailsFieldByFieldAndRepeatedNamesKeepTheLastValue()
    {
        await using var db = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var server = await GasometerServer.StartAsync(db);
        string[] items =
        [
            // 0: a repeated name keeps its last value; a later null does not undo an earlier value
            """{"session_id":"a","session_id":"b","session_id":null,"role":"crew","cost_usd":1,"cost_usd":2,"ended_at":"2026-03-07T10:00:00Z","worker":null}""",
            """{"session_id":7,"role":" ","cost_usd":"1","ended_at":"yesterday","input_tokens":-1,"output_tokens":1.5,"beads_closed":3000000000}""",
            """{"ro\u006ce":"crew","session_id":"c","ended_at":"2026-03-07T10:00:00Z","cost_usd":1e400,"unknown":[1,2]}""",
            """["not","an","object"]""",
            """{"session_id":"d","role":"crew","cost_usd":null,"ended_at":null,"rig":"\u0007","model":42}""",
        ];
        var response = await server.PostJsonAsync("/api/ingest/batch", "[" + string.Join(",", items) + "]");

        Assert.Equal(201, (int)response.StatusCode);
        Assert.Equal("""
            {"status":"ingested","accepted":1,"rejected_count":4,"rejected":[{"index":1,"line":null,"details":[{"field":"session_id","message":"must be a string"},{"field":"role","message":"must not be empty"},{"field":"cost_usd","message":"must be a number"},{"field":"ended_at","message":"must be an RFC 3339 date-time such as 2026-03-07T09:12:44.5-05:00"},{"field":"input_tokens","message":"must be a non-negative integer no larger than 1000000000000"},{"field":"output_tokens","message":"must be a non-negative integer no larger than 1000000000000"},{"field":"beads_closed","message":"must be a non-negative integer no larger than 2147483647"}]},{"index":2,"line":null,"details":[{"field":"cost_usd","message":"must be a number"}]},{"index":3,"line":null,"details":[{"field":"body","message":"must be a JSON object"}]},{"index":4,"line":null,"details":[{"field":"rig","message":"must not contain control characters"},{"field":"model","message":"must be a string"},{"field":"cost_usd","message":"is required"},{"field":"ended_at","message":"is required"}]}]}
            """, await response.Content.ReadAsStringAsync());
        var state = await StoredState.ReadAsync(server.Service<Database>());
        Assert.Equal([("b", 1L, 2_000_000_000L)], state.Runs);
    }
}
