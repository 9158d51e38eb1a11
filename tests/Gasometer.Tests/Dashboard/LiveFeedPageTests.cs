using System.Diagnostics;
using System.Globalization;
using Gasometer.Storage;
using Gasometer.Tests.Hosting;
using Microsoft.Playwright;
using static Gasometer.Tests.Dashboard.ExpectedText;
using static Microsoft.Playwright.Assertions;

namespace Gasometer.Tests.Dashboard;

/// <summary>The Live page and the dashboard's live totals, each test on its own server.</summary>
[Collection(ChromiumCollection.Name)]
public sealed class LiveFeedPageTests(Chromium chromium)
{
    static string Event(string session, string role, string? worker, decimal cost, DateTimeOffset endedAt) =>
        $$"""{"session_id":"{{session}}","role":"{{role}}",{{(worker is null ? "" : $"\"worker\":\"{worker}\",")}}"cost_usd":{{cost.ToString(CultureInfo.InvariantCulture)}},"ended_at":"{{endedAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}}"}""";

    [Fact]
    public async Task AnIngestedEventAppearsNewestFirstWithinASecond()
    {
        await using var db = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var server = await GasometerServer.StartAsync(db);
        var page = await chromium.NewPageAsync(server.Address);
        await page.GotoAsync("/live");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Live Feed");
        await Expect(page.Locator("[data-testid=live-status]")).ToHaveTextAsync("Connected");
        await Expect(page.Locator("[data-testid=live-empty]")).ToHaveTextAsync("Waiting for cost events...");

        var now = DateTimeOffset.UtcNow;
        Assert.Equal(201, (int)(await server.PostJsonAsync("/api/ingest", Event("qy-obsidian", "polecat", "obsidian", 0.42m, now))).StatusCode);
        var clock = Stopwatch.StartNew();
        var first = page.Locator("[data-testid=live-event]").First;
        await Expect(first).ToContainTextAsync("$0.42", new() { Timeout = 1_000 });
        Assert.True(clock.ElapsedMilliseconds <= 1_000, $"shown after {clock.ElapsedMilliseconds} ms");
        await Expect(first).ToContainTextAsync("polecat");
        await Expect(first).ToContainTextAsync("/ obsidian");

        // A second event goes on top; one without a worker shows no "/ ".
        Assert.Equal(201, (int)(await server.PostJsonAsync("/api/ingest", Event("qy-witness", "witness", null, 1.2m, now.AddSeconds(1)))).StatusCode);
        await Expect(page.Locator("[data-testid=live-event]")).ToHaveCountAsync(2);
        await Expect(first).ToContainTextAsync("witness");
        await Expect(first).Not.ToContainTextAsync("/ ");
        await Expect(first.Locator("[data-testid=live-amount]")).ToHaveTextAsync("$1.20");
        await Chromium.ScreenshotAsync(page, "live");
    }

    [Fact]
    public async Task TheFeedShowsDisconnectedWhileTheServerIsDownAndResumesWithoutLosingEvents()
    {
        await using var db = await TestDatabase.CreateAsync(Engine.Sqlite);
        var first = await GasometerServer.StartAsync(db);
        var address = first.Address;
        var page = await chromium.NewPageAsync(address);
        await page.GotoAsync("/live");
        await Expect(page.Locator("[data-testid=live-status]")).ToHaveTextAsync("Connected");
        var now = DateTimeOffset.UtcNow;
        await first.PostJsonAsync("/api/ingest", Event("hq-mayor", "mayor", "mayor", 0.5m, now));
        await Expect(page.Locator("[data-testid=live-event]")).ToHaveCountAsync(1);

        await first.DisposeAsync();
        await Expect(page.Locator("[data-testid=live-status]")).ToHaveTextAsync("Disconnected");
        await Expect(page.Locator("[data-testid=live-event]")).ToHaveCountAsync(1);

        // Same port, same database: the page reconnects by itself (every 3 s) with ?since=<last id>,
        // so an event ingested before it is back is still delivered.
        await using var second = await GasometerServer.StartAsync(db, $"--urls={address.GetLeftPart(UriPartial.Authority)}");
        await second.PostJsonAsync("/api/ingest", Event("hq-mayor", "mayor", "mayor", 0.75m, now.AddSeconds(5)));
        await Expect(page.Locator("[data-testid=live-status]")).ToHaveTextAsync("Connected", new() { Timeout = 10_000 });
        await Expect(page.Locator("[data-testid=live-event]")).ToHaveCountAsync(2);
        await Expect(page.Locator("[data-testid=live-event]").First).ToContainTextAsync("$0.75");
    }

    [Fact]
    public async Task ANewEventUpdatesTheDashboardKpisWithoutWaitingForTheRefresh()
    {
        await using var db = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var server = await GasometerServer.StartAsync(db);
        var page = await chromium.NewPageAsync(server.Address);
        await page.GotoAsync("/");
        var today = page.Locator("[data-testid=kpi-today] [data-testid=kpi-value]");
        await Expect(today).ToHaveTextAsync("$0.00");
        await Expect(page.Locator("[data-testid=cost-river] [data-testid=empty-state]")).ToBeVisibleAsync();
        await page.WaitForTimeoutAsync(500); // let the page's live connection open

        await server.PostJsonAsync("/api/ingest", Event("qy-refinery", "refinery", null, 3.4567891m, DateTimeOffset.UtcNow.AddSeconds(-5)));
        // Well inside the 30 s refresh interval.
        await Expect(today).ToHaveTextAsync("$3.46", new() { Timeout = 5_000 });
    }

    [Fact]
    public async Task AnEmptyServerShowsAnEmptyStateInEveryChart()
    {
        await using var db = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var server = await GasometerServer.StartAsync(db);
        var page = await chromium.NewPageAsync(server.Address);
        await page.GotoAsync("/");
        foreach (var chart in new[] { "cost-river", "heat-calendar", "flame-timeline", "role-treemap", "cost-per-bead" })
        {
            await Expect(page.Locator($"[data-testid={chart}]")).ToHaveAttributeAsync("data-state", "empty");
            await Expect(page.Locator($"[data-testid={chart}] [data-testid=empty-state]")).ToBeVisibleAsync();
        }
        // The gauge still has something true to say: $0.00 today.
        await Expect(page.Locator("[data-testid=burn-gauge] text.gauge-value")).ToHaveTextAsync("$0.00");
        await Expect(page.Locator("[data-testid=filtered-total]")).ToHaveTextAsync("$0.00");
        await page.GotoAsync("/sessions");
        await Expect(page.Locator("[data-testid=empty-state]")).ToHaveTextAsync("No runs in this range");
        await Chromium.ScreenshotAsync(page, "sessions-empty");
    }
}
