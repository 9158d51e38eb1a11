using Gasometer.Storage;
using Gasometer.Tests.Hosting;

namespace Gasometer.Tests.Ingest;

public sealed class AuthTests
{
    const string Event = """{"session_id":"hq-mayor","role":"mayor","cost_usd":0.15,"ended_at":"2026-02-26T10:00Z"}""";

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-key")]
    [InlineData("Bearer ")]
    [InlineData("Basic c2VjcmV0LWtleQ==")]
    [InlineData("secret-key")]
    [InlineData("Bearer secret-key-and-more")]
    public async Task WithAKeyConfiguredAMissingOrWrongTokenIsUnauthorizedAndNothingIsStored(string? authorization)
    {
        await using var db = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var server = await GasometerServer.StartAsync(db, "--GASOMETER_API_KEY=secret-key");
        foreach (var path in new[] { "/api/ingest", "/api/ingest/batch" })
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(Event) };
            if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
            var response = await server.Client.SendAsync(request);
            Assert.Equal(401, (int)response.StatusCode);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
            Assert.Equal("""{"error":"Unauthorized"}""", await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(0, (await StoredState.ReadAsync(server.Service<Database>())).SnapshotCount);
    }

    [Fact]
    public async Task WithAKeyConfiguredTheRightBearerTokenIsAccepted()
    {
        await using var db = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var server = await GasometerServer.StartAsync(db, "--GASOMETER_API_KEY=secret-key");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest") { Content = new StringContent(Event) };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer secret-key");
        Assert.Equal(201, (int)(await server.Client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task WithoutAKeyIngestIsOpenAsInTheSeed()
    {
        await using var db = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var server = await GasometerServer.StartAsync(db);
        Assert.Equal(201, (int)(await server.PostJsonAsync("/api/ingest", Event)).StatusCode);
    }

    [Fact]
    public async Task HealthStaysOpenWhenAKeyIsConfigured()
    {
        await using var db = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var server = await GasometerServer.StartAsync(db, "--GASOMETER_API_KEY=secret-key");
        var response = await server.Client.GetAsync("/health");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("""{"status":"ok","service":"gasometer-api","database":"sqlite"}""", await response.Content.ReadAsStringAsync());
    }
}
