using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Gasometer.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Xunit;

namespace Gasometer.Tests.Pricing;

/// <summary>POST /api/ingest through the real server on a loopback port, with a real SQLite file.</summary>
public sealed class IngestPricingTests : IAsyncLifetime
{
    readonly string folder = Directory.CreateTempSubdirectory("gasometer-ingest-pricing-").FullName;
    WebApplication app = null!;
    HttpClient client = null!;

    public async Task InitializeAsync()
    {
        app = await Program.BuildServerAsync(["--urls=http://127.0.0.1:0", $"--Gasometer:SqlitePath={Path.Combine(folder, "g.db")}"]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        client = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
    }

    async Task<(HttpStatusCode, string)> PostAsync(string json)
    {
        using var response = await client.PostAsync("/api/ingest", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    async Task<List<(string Session, long Cost, string Origin)>> RunsAsync()
    {
        await using var c = await app.Services.GetRequiredService<Database>().OpenAsync();
        return (await c.QueryAsync<(string, long, string)>("SELECT session_id, cost_nanos, cost_origin FROM runs ORDER BY session_id")).ToList();
    }

    [Fact]
    public async Task AnEventWithModelAndTokensButNoCostIsPricedFromTheTable()
    {
        // Running totals: standard rates, cache writes at the 5-minute rate:
        // 1,200 x 3 + 3,400 x 15 + 15,000 x 3.75 + 120,000 x 0.30 per million = 0.14685
        var (status, body) = await PostAsync("""
            {"session_id":"qy-obsidian","role":"polecat","rig":"quarry","worker":"obsidian","model":"claude-sonnet-4-5-20250929",
             "input_tokens":1200,"output_tokens":3400,"cache_create_tokens":15000,"cache_read_tokens":120000,
             "ended_at":"2026-03-10T15:00:00Z"}
            """);

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("""{"status":"ingested","cost_origin":"computed","cost_usd":0.14685}""", body);
        Assert.Equal([("qy-obsidian", 146_850_000L, "computed")], await RunsAsync());
    }

    [Fact]
    public async Task TokenCountsThatPricePastTheSnapshotCeilingAreRefusedNotAnError()
    {
        // The largest counts validation lets through, at Opus 4 rates: $90 million, over the $1,000,000 a snapshot may hold.
        var (status, body) = await PostAsync("""
            {"session_id":"huge","role":"crew","model":"claude-opus-4-20250514","input_tokens":1000000000000,
             "output_tokens":1000000000000,"ended_at":"2026-03-10T15:00:00Z"}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("""{"error":"Invalid payload","details":[{"field":"cost_usd","message":"computed from the token counts exceeds 1000000"}]}""", body);
        Assert.Empty(await RunsAsync());
    }

    [Fact]
    public async Task AnEventWithCostUsdIsStoredAsReportedAndAnsweredAsBefore()
    {
        var (status, body) = await PostAsync("""
            {"session_id":"hq-mayor","role":"mayor","cost_usd":0.4213087,"model":"claude-opus-4-6","input_tokens":5,
             "ended_at":"2026-03-07T09:12:44.518203114-05:00"}
            """);

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("""{"status":"ingested"}""", body);
        Assert.Equal([("hq-mayor", 421_308_700L, "reported")], await RunsAsync());
    }

    [Fact]
    public async Task AnEventWithoutCostAndWithoutModelOrTokensIsStillRefused()
    {
        var (noModel, noModelBody) = await PostAsync("""{"session_id":"a","role":"mayor","input_tokens":5,"ended_at":"2026-03-07T09:00:00Z"}""");
        var (noTokens, noTokensBody) = await PostAsync("""{"session_id":"a","role":"mayor","model":"claude-opus-4-6","ended_at":"2026-03-07T09:00:00Z"}""");

        Assert.Equal(HttpStatusCode.BadRequest, noModel);
        Assert.Equal("""{"error":"Invalid payload","details":[{"field":"cost_usd","message":"is required"}]}""", noModelBody);
        Assert.Equal(HttpStatusCode.BadRequest, noTokens);
        Assert.Equal(noModelBody, noTokensBody);
        Assert.Empty(await RunsAsync());
    }

    [Fact]
    public async Task AnEventOfAnUnknownModelKeepsItsUsageAsNoDataAndSaysItIsUnpriced()
    {
        var (status, body) = await PostAsync("""
            {"session_id":"oc-jasper","role":"polecat","model":"gpt-5","input_tokens":900,"output_tokens":100,"ended_at":"2026-03-08T23:30:12Z"}
            """);

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("""{"status":"ingested","cost_origin":"unpriced","cost_usd":null}""", body);
        Assert.Empty(await RunsAsync()); // never $0 spend: cost 0 is "no data"
        await using var c = await app.Services.GetRequiredService<Database>().OpenAsync();
        Assert.Equal([(0L, 900L, 100L, "unpriced")], (await c.QueryAsync<(long, long, long, string)>(
            "SELECT cost_nanos, input_tokens, output_tokens, cost_origin FROM snapshots")).ToList());
    }
}
