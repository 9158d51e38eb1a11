using System.Net.Http.Headers;
using System.Text;
using Gasometer.Storage;
using Gasometer.Tests.Hosting;

namespace Gasometer.Tests.Ingest;

/// <summary>Inputs found by trying to break the server: each gets a clear answer, never a 500 or a wrong number.</summary>
public sealed class HostileInputTests : IAsyncLifetime
{
    TestDatabase db = null!;
    GasometerServer server = null!;

    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync(Engine.Sqlite);
        server = await GasometerServer.StartAsync(db, "--Gasometer:AllowedOrigins=https://dash.example.com");
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await db.DisposeAsync();
    }

    Task<HttpResponseMessage> PostBytes(string path, byte[] body) =>
        server.Client.PostAsync(path, new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } });

    [Fact]
    public async Task ALoneSurrogateOrInvalidUtf8IsA400NamingTheField()
    {
        var surrogate = await server.PostJsonAsync("/api/ingest", """{"session_id":"\ud800","role":"crew","cost_usd":1,"ended_at":"2026-03-01T00:00:00Z"}""");
        Assert.Equal(400, (int)surrogate.StatusCode);
        Assert.Equal("""{"error":"Invalid payload","details":[{"field":"session_id","message":"must be valid Unicode text (no lone surrogates or invalid UTF-8)"}]}""",
            await surrogate.Content.ReadAsStringAsync());

        var bytes = Encoding.UTF8.GetBytes("""{"session_id":"badX","role":"crew","cost_usd":1,"ended_at":"2026-03-01T00:00:00Z"}""");
        bytes[Array.IndexOf(bytes, (byte)'X')] = 0xFF;
        var invalid = await PostBytes("/api/ingest", bytes);
        Assert.Equal(400, (int)invalid.StatusCode);
        Assert.Equal(0, (await StoredState.ReadAsync(server.Service<Database>())).SnapshotCount);
    }

    [Fact]
    public async Task OneBadLineInABatchIsRejectedAloneAndTheRestIsStored()
    {
        var good = """{"session_id":"ok","role":"crew","cost_usd":1.5,"ended_at":"2026-03-01T00:00:00Z"}""";
        var array = await server.PostJsonAsync("/api/ingest/batch",
            "[" + good + """,{"session_id":"\udc00x","role":"crew","cost_usd":1,"ended_at":"2026-03-01T00:00:00Z"}]""");
        Assert.Equal(201, (int)array.StatusCode);
        Assert.Contains("\"accepted\":1,\"rejected_count\":1", await array.Content.ReadAsStringAsync());

        var lines = Encoding.UTF8.GetBytes("\uFEFF" + good.Replace("ok", "ok2") + "\n{\"session_id\":\"badX\",\"role\":\"crew\",\"cost_usd\":1,\"ended_at\":\"2026-03-01T00:00:00Z\"}\n");
        lines[Array.LastIndexOf(lines, (byte)'X')] = 0xFF;
        var ndjson = await PostBytes("/api/ingest/batch", lines);
        Assert.Equal(201, (int)ndjson.StatusCode);
        Assert.Equal("""{"status":"ingested","accepted":1,"rejected_count":1,"rejected":[{"index":1,"line":2,"details":[{"field":"session_id","message":"must be valid Unicode text (no lone surrogates or invalid UTF-8)"}]}]}""",
            await ndjson.Content.ReadAsStringAsync());
        var state = await StoredState.ReadAsync(server.Service<Database>());
        Assert.Equal([("ok", 1L, 1_500_000_000L), ("ok2", 1L, 1_500_000_000L)], state.Runs);
    }

    [Fact]
    public async Task AByteOrderMarkBeforeTheJsonIsAccepted()
    {
        var body = Encoding.UTF8.GetBytes("\uFEFF" + """{"session_id":"bom","role":"crew","cost_usd":1,"ended_at":"2026-03-01T00:00:00Z"}""");
        Assert.Equal(201, (int)(await PostBytes("/api/ingest", body)).StatusCode);
    }

    [Fact]
    public async Task ASessionIdWithASlashCanBeFetchedAsIsOrEncoded()
    {
        await server.PostJsonAsync("/api/ingest", """{"session_id":"town/mayor","role":"mayor","cost_usd":2.5,"ended_at":"2026-03-01T00:00:00Z"}""");
        foreach (var path in new[] { "/api/costs/town/mayor", "/api/costs/town%2Fmayor", "/api/costs/town%2fmayor" })
        {
            var body = await server.GetStringAsync(path);
            Assert.StartsWith("""{"session_id":"town/mayor","total_usd":2.5,""", body);
        }
    }

    [Fact]
    public async Task TotalsBeyondWhatALongHoldsAreRefusedAndStoreNothing()
    {
        // 9,300 snapshots of $1,000,000 in one quarter-hour: $9.3 billion, past long.MaxValue nano-dollars.
        var events = Enumerable.Range(0, 9_300).Select(i => $$"""{"session_id":"big-{{i}}","role":"crew","rig":"bigrig","cost_usd":1000000,"ended_at":"2025-01-15T12:00:00Z"}""");
        var response = await server.PostJsonAsync("/api/ingest/batch", string.Join("\n", events));
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("would take the stored totals past what Gasometer adds up exactly", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, (await StoredState.ReadAsync(server.Service<Database>())).SnapshotCount);
        Assert.Equal("""{"data":[]}""", await server.GetStringAsync("/api/stats/rigs"));
    }

    [Fact]
    public async Task HealthAnswersHeadAndReadsAllowConfiguredOrigins()
    {
        var head = await server.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/health"));
        Assert.Equal(200, (int)head.StatusCode);

        var request = new HttpRequestMessage(HttpMethod.Get, "/api/stats/summary");
        request.Headers.Add("Origin", "https://dash.example.com");
        var allowed = await server.Client.SendAsync(request);
        Assert.Equal("https://dash.example.com", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());

        var other = new HttpRequestMessage(HttpMethod.Get, "/api/stats/summary");
        other.Headers.Add("Origin", "https://evil.example.com");
        Assert.False((await server.Client.SendAsync(other)).Headers.Contains("Access-Control-Allow-Origin"));
    }
}
