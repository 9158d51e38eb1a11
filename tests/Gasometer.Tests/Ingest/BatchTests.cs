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
            {"status":"ingested","accepted":31,"rejected_count":2,"rejected":[{"index":3,"line":4,"details":[{"field":"body","message":"line is not valid JSON"}]},{"index":6,"line":7,"details":[{"field":"cost_usd","message":"must be between 0 and 1000000"}]}]}
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
