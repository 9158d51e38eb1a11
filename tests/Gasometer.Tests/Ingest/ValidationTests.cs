using System.Text;
using Gasometer.Storage;
using Gasometer.Tests.Hosting;

namespace Gasometer.Tests.Ingest;

/// <summary>Every validation rule of POST /api/ingest: exact status, exact error body, nothing stored.</summary>
public sealed class ValidationTests : IAsyncLifetime
{
    TestDatabase db = null!;
    GasometerServer server = null!;

    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync(Engine.Sqlite);
        server = await GasometerServer.StartAsync(db);
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await db.DisposeAsync();
    }

    const string Valid = """{"session_id":"hq-mayor","role":"mayor","cost_usd":0.15,"ended_at":"2026-02-26T10:00Z"}""";

    public static TheoryData<string, string> Rejected => new()
    {
        { "", """{"error":"Invalid payload","details":[{"field":"body","message":"is empty; send a JSON object"}]}""" },
        { "   \n", """{"error":"Invalid payload","details":[{"field":"body","message":"is empty; send a JSON object"}]}""" },
        { "[1,2]", """{"error":"Invalid payload","details":[{"field":"body","message":"must be a JSON object"}]}""" },
        { "\"text\"", """{"error":"Invalid payload","details":[{"field":"body","message":"must be a JSON object"}]}""" },
        { "{}", """{"error":"Invalid payload","details":[{"field":"session_id","message":"is required"},{"field":"role","message":"is required"},{"field":"cost_usd","message":"is required"},{"field":"ended_at","message":"is required"}]}""" },
        { """{"session_id":"  ","role":"mayor","cost_usd":1,"ended_at":"2026-02-26T10:00Z"}""", """{"error":"Invalid payload","details":[{"field":"session_id","message":"must not be empty"}]}""" },
        { """{"session_id":null,"role":"mayor","cost_usd":1,"ended_at":"2026-02-26T10:00Z"}""", """{"error":"Invalid payload","details":[{"field":"session_id","message":"is required"}]}""" },
        { """{"session_id":42,"role":"mayor","cost_usd":1,"ended_at":"2026-02-26T10:00Z"}""", """{"error":"Invalid payload","details":[{"field":"session_id","message":"must be a string"}]}""" },
        { $$"""{"session_id":"{{new string('s', 257)}}","role":"mayor","cost_usd":1,"ended_at":"2026-02-26T10:00Z"}""", """{"error":"Invalid payload","details":[{"field":"session_id","message":"must be at most 256 characters"}]}""" },
        { """{"session_id":"a\u0000b","role":"mayor","cost_usd":1,"ended_at":"2026-02-26T10:00Z"}""", """{"error":"Invalid payload","details":[{"field":"session_id","message":"must not contain control characters"}]}""" },
        { $$"""{"session_id":"s","role":"mayor","worker":"{{new string('w', 129)}}","cost_usd":1,"ended_at":"2026-02-26T10:00Z"}""", """{"error":"Invalid payload","details":[{"field":"worker","message":"must be at most 128 characters"}]}""" },
        { """{"session_id":"s","role":"mayor","rig":7,"cost_usd":1,"ended_at":"2026-02-26T10:00Z"}""", """{"error":"Invalid payload","details":[{"field":"rig","message":"must be a string"}]}""" },
        { """{"session_id":"s","role":"mayor","cost_usd":"0.15","ended_at":"2026-02-26T10:00Z"}""", """{"error":"Invalid payload","details":[{"field":"cost_usd","message":"must be a number"}]}""" },
        { """{"session_id":"s","role":"mayor","cost_usd":-0.01,"ended_at":"2026-02-26T10:00Z"}""", """{"error":"Invalid payload","details":[{"field":"cost_usd","message":"must be between 0 and 1000000"}]}""" },
        { """{"session_id":"s","role":"mayor","cost_usd":1e300,"ended_at":"2026-02-26T10:00Z"}""", """{"error":"Invalid payload","details":[{"field":"cost_usd","message":"must be a number"}]}""" },
        { """{"session_id":"s","role":"mayor","cost_usd":1000000.01,"ended_at":"2026-02-26T10:00Z"}""", """{"error":"Invalid payload","details":[{"field":"cost_usd","message":"must be between 0 and 1000000"}]}""" },
        { """{"session_id":"s","role":"mayor","cost_usd":1,"ended_at":"yesterday"}""", """{"error":"Invalid payload","details":[{"field":"ended_at","message":"must be an RFC 3339 date-time such as 2026-03-07T09:12:44.5-05:00"}]}""" },
        { """{"session_id":"s","role":"mayor","cost_usd":1,"ended_at":"2026-02-26T10:00:00.1234567891Z"}""", """{"error":"Invalid payload","details":[{"field":"ended_at","message":"must be an RFC 3339 date-time such as 2026-03-07T09:12:44.5-05:00"}]}""" },
        { """{"session_id":"s","role":"mayor","cost_usd":1,"ended_at":"2026-02-30T10:00Z"}""", """{"error":"Invalid payload","details":[{"field":"ended_at","message":"is not a real calendar date and time"}]}""" },
        { """{"session_id":"s","role":"mayor","cost_usd":1,"ended_at":"2026-02-26T10:00+25:00"}""", """{"error":"Invalid payload","details":[{"field":"ended_at","message":"has an impossible UTC offset"}]}""" },
        { """{"session_id":"s","role":"mayor","cost_usd":1,"ended_at":"1900-01-01T00:00Z"}""", """{"error":"Invalid payload","details":[{"field":"ended_at","message":"must be between 1970 and the end of 2199"}]}""" },
        { """{"session_id":"s","role":"mayor","cost_usd":1,"ended_at":1772100000}""", """{"error":"Invalid payload","details":[{"field":"ended_at","message":"must be a string"}]}""" },
        { """{"session_id":"s","role":"mayor","cost_usd":1,"ended_at":"2026-02-26T10:00Z","input_tokens":-1}""", """{"error":"Invalid payload","details":[{"field":"input_tokens","message":"must be a non-negative integer no larger than 1000000000000"}]}""" },
        { """{"session_id":"s","role":"mayor","cost_usd":1,"ended_at":"2026-02-26T10:00Z","output_tokens":1.5}""", """{"error":"Invalid payload","details":[{"field":"output_tokens","message":"must be a non-negative integer no larger than 1000000000000"}]}""" },
        { """{"session_id":"s","role":"mayor","cost_usd":1,"ended_at":"2026-02-26T10:00Z","cache_read_tokens":"5"}""", """{"error":"Invalid payload","details":[{"field":"cache_read_tokens","message":"must be a non-negative integer no larger than 1000000000000"}]}""" },
        { """{"session_id":"s","role":"mayor","cost_usd":1,"ended_at":"2026-02-26T10:00Z","cache_create_tokens":1e20}""", """{"error":"Invalid payload","details":[{"field":"cache_create_tokens","message":"must be a non-negative integer no larger than 1000000000000"}]}""" },
        { """{"session_id":"s","role":"mayor","cost_usd":1,"ended_at":"2026-02-26T10:00Z","duration_sec":-5}""", """{"error":"Invalid payload","details":[{"field":"duration_sec","message":"must be a non-negative integer no larger than 2147483647"}]}""" },
        { """{"session_id":"s","role":"mayor","cost_usd":1,"ended_at":"2026-02-26T10:00Z","beads_closed":true}""", """{"error":"Invalid payload","details":[{"field":"beads_closed","message":"must be a non-negative integer no larger than 2147483647"}]}""" },
    };

    [Theory, MemberData(nameof(Rejected))]
    public async Task InvalidEventIsRejectedWithItsReasonAndNothingIsStored(string body, string expected)
    {
        var response = await server.PostJsonAsync("/api/ingest", body);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
        Assert.Equal(0, (await StoredState.ReadAsync(server.Service<Database>())).SnapshotCount);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"session_id\":\"s\",}")]
    [InlineData("not json at all")]
    [InlineData("\u00ff\u00fe")]
    public async Task MalformedJsonIsA400NeverA500(string body)
    {
        var response = await server.PostJsonAsync("/api/ingest", body);
        Assert.Equal(400, (int)response.StatusCode);
        var json = await GasometerServer.BodyAsync(response);
        Assert.Equal("Invalid payload", json.GetProperty("error").GetString());
        Assert.Equal("body", json.GetProperty("details")[0].GetProperty("field").GetString());
        Assert.Equal(0, (await StoredState.ReadAsync(server.Service<Database>())).SnapshotCount);
    }

    [Fact]
    public async Task MalformedJsonSaysWhatAndWhereInPlainWords()
    {
        var response = await server.PostJsonAsync("/api/ingest", "{\"session_id\":\"s\",\n \"role\": mayor}");
        Assert.Equal("""{"error":"Invalid payload","details":[{"field":"body","message":"is not valid JSON ('m' is an invalid start of a value; line 2, byte 10)"}]}""",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task DeeplyNestedJsonIsA400()
    {
        var body = new string('[', 10_000) + new string(']', 10_000);
        var response = await server.PostJsonAsync("/api/ingest", body);
        Assert.Equal(400, (int)response.StatusCode);
    }

    [Fact]
    public async Task BodyOverSixtyFourKibibytesIsA413()
    {
        var padding = new string(' ', 70_000);
        var response = await server.PostJsonAsync("/api/ingest", Valid[..^1] + "," + "\"note\":\"" + padding + "\"}");
        Assert.Equal(413, (int)response.StatusCode);
        Assert.Equal("""{"error":"Payload too large","limit_bytes":65536}""", await response.Content.ReadAsStringAsync());

        // The same without a Content-Length (chunked) is refused the same way.
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(padding + Valid)));
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        Assert.Equal(413, (int)(await server.Client.SendAsync(request)).StatusCode);
        Assert.Equal(0, (await StoredState.ReadAsync(server.Service<Database>())).SnapshotCount);
    }

    [Fact]
    public async Task ExplicitNullsOnOptionalFieldsAndUnknownFieldsAreAccepted()
    {
        var response = await server.PostJsonAsync("/api/ingest", """
            {"session_id":"  hq-mayor ","role":" mayor","worker":null,"rig":"","model":null,"input_tokens":null,
             "cost_usd":0.15,"ended_at":"2026-02-26T10:00Z","extra":{"nested":[1,2]},"beads_closed":null}
            """);
        Assert.Equal(201, (int)response.StatusCode);
        var state = await StoredState.ReadAsync(server.Service<Database>());
        Assert.Equal([("hq-mayor", 1L, 150_000_000L)], state.Runs);
    }

    [Fact]
    public async Task SeedExampleBodyIsAcceptedWithoutAContentType()
    {
        // curl -d sends application/x-www-form-urlencoded unless told otherwise; a hook must still work.
        var response = await server.Client.PostAsync("/api/ingest", new StringContent("""
            {"session_id":"hq-mayor","role":"mayor","cost_usd":0.15,"ended_at":"2026-02-26T10:00Z","worker":"mayor",
             "rig":"gasometer","input_tokens":1000,"output_tokens":500,"cache_read_tokens":200,"cache_create_tokens":100,
             "model":"claude-sonnet-4-5-20250514","duration_sec":120,"beads_closed":3}
            """, Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(201, (int)response.StatusCode);
        var state = await StoredState.ReadAsync(server.Service<Database>());
        var bucket = new DateTimeOffset(2026, 2, 26, 10, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds() / 900;
        Assert.Equal([(bucket, "mayor", "gasometer", "mayor", "claude-sonnet-4-5-20250514", 150_000_000L, 1000L, 500L, 200L, 100L, 3L)], state.Rollup);
    }

    [Fact]
    public async Task UnknownApiPathAnswersWithAJsonNotFound()
    {
        var response = await server.Client.GetAsync("/api/nothing-here");
        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("""{"error":"Not found"}""", await response.Content.ReadAsStringAsync());
    }
}
