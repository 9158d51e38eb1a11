using System.Text.RegularExpressions;
using Gasometer.Storage;
using Gasometer.Tests.Hosting;

namespace Gasometer.Tests.Dashboard;

/// <summary>The server's side of the dashboard: built files, the page for client routes, and nothing else.</summary>
public sealed class DashboardFilesTests
{
    [Fact]
    public async Task EveryPagePathAnswersTheDashboardIndexUncached()
    {
        await using var db = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var server = await GasometerServer.StartAsync(db);
        foreach (var path in new[] { "/", "/sessions", "/live", "/sessions/hq-mayor", "/sessions/a.b", "/no/such/page" })
        {
            var response = await server.Client.GetAsync(path);
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains("<div id=\"root\"></div>", html);
        }
    }

    [Fact]
    public async Task HashedAssetsAreServedWithLongCaching()
    {
        await using var db = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var server = await GasometerServer.StartAsync(db);
        var html = await server.Client.GetStringAsync("/");
        var assets = Regex.Matches(html, "(?:src|href)=\"(/assets/[^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Contains(assets, a => a.EndsWith(".js"));
        Assert.Contains(assets, a => a.EndsWith(".css"));
        foreach (var asset in assets)
        {
            var response = await server.Client.GetAsync(asset);
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
            Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 1000);
        }
    }

    [Fact]
    public async Task ServerPathsAndMissingFilesNeverFallBackToThePage()
    {
        await using var db = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var server = await GasometerServer.StartAsync(db);
        foreach (var path in new[] { "/api/no-such-endpoint", "/ws/no-such-feed", "/health/extra" })
        {
            var response = await server.Client.GetAsync(path);
            Assert.Equal(404, (int)response.StatusCode);
            Assert.Equal("""{"error":"Not found"}""", await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(404, (int)(await server.Client.GetAsync("/assets/missing-abc123.js")).StatusCode);
        Assert.Equal(404, (int)(await server.Client.PostAsync("/sessions", new StringContent("{}"))).StatusCode);
        Assert.Equal("application/json", (await server.Client.GetAsync("/health")).Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task WithoutBuiltFilesThePageSaysHowToBuildItAndTheApiStillWorks()
    {
        await using var db = await TestDatabase.CreateAsync(Engine.Sqlite);
        var empty = Directory.CreateTempSubdirectory("gasometer-no-dashboard");
        try
        {
            await using var server = await GasometerServer.StartAsync(db, $"--Gasometer:DashboardPath={empty.FullName}");
            var page = await server.Client.GetAsync("/");
            Assert.Equal(503, (int)page.StatusCode);
            Assert.Contains("-p:SkipFrontend=true", await page.Content.ReadAsStringAsync());
            Assert.Equal(200, (int)(await server.Client.GetAsync("/health")).StatusCode);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }
}
