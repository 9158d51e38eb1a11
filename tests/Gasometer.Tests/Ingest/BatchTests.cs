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
}
