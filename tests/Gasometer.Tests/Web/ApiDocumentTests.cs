using System.Text.Json;
using Gasometer.Storage;
using Gasometer.Tests.Hosting;

namespace Gasometer.Tests.Web;

public sealed class ApiDocumentTests
{
    [Fact]
    public async Task OpenApiDocumentDescribesEveryEndpointAndTheSharedParameters()
    {
        await using var db = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var server = await GasometerServer.StartAsync(db);
        var document = JsonDocument.Parse(await server.GetStringAsync("/openapi/v1.json")).RootElement;
        var paths = document.GetProperty("paths");
        Assert.Equal(
            ["/api/costs", "/api/costs/{sessionId}", "/api/ingest", "/api/ingest/batch", "/api/stats/beads", "/api/stats/daily",
             "/api/stats/filters", "/api/stats/hourly", "/api/stats/models", "/api/stats/rigs", "/api/stats/roles",
             "/api/stats/sources", "/api/stats/summary", "/api/stats/workers", "/health"],
            paths.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var daily = paths.GetProperty("/api/stats/daily").GetProperty("get").GetProperty("parameters")
            .EnumerateArray().Select(p => p.GetProperty("name").GetString());
        Assert.Equal(["from", "to", "tz", "role", "rig", "worker", "model", "source", "group_by"], daily);
        var ingestBody = paths.GetProperty("/api/ingest").GetProperty("post").GetProperty("requestBody").GetProperty("content")
            .GetProperty("application/json").GetProperty("schema");
        Assert.Equal(["session_id", "role", "cost_usd", "ended_at"], ingestBody.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        Assert.Contains("cache_create_tokens", ingestBody.GetProperty("properties").EnumerateObject().Select(p => p.Name));
    }
}
