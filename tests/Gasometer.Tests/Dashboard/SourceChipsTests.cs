using System.Globalization;
using Gasometer.Storage;
using Gasometer.Tests.Hosting;
using Gasometer.Tests.Stats;
using static Gasometer.Tests.Dashboard.ExpectedText;
using static Microsoft.Playwright.Assertions;

namespace Gasometer.Tests.Dashboard;

/// <summary>
/// A fleet reported both by the stop hook and by imported transcripts: the dashboard counts the
/// same work once, and Source chips show each source alone.
/// </summary>
[Collection(ChromiumCollection.Name)]
public sealed class SourceChipsTests(Chromium chromium)
{
    [Fact]
    public async Task SourceChipsShowEachSourceAloneAndTogetherTheWorkCountsOnce()
    {
        // An hour three hours back: the hook says $1.00, $2.50, $3.00 (10 past, 40 past, 20 past the
        // next hour); the transcript $0.30 and $0.60 in the first hour, which replace the hook's $2.50 there.
        var now = DateTimeOffset.UtcNow;
        var hour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(-3);
        string Hook(decimal cost, int minutes) => string.Create(CultureInfo.InvariantCulture,
            $$"""{"session_id":"gt-quarry-obsidian","role":"polecat","rig":"quarry","worker":"obsidian","cost_usd":{{cost}},"ended_at":"{{hour.AddMinutes(minutes):yyyy-MM-ddTHH:mm:ssZ}}"}""");
        var transcripts = SourceOverlapTests.WriteTranscript(hour.AddMinutes(10), hour.AddMinutes(50));
        try
        {
            await using var db = await TestDatabase.CreateAsync(Engine.Sqlite);
            await using var server = await GasometerServer.StartAsync(db);
            await server.PostAllAsync([Hook(1.00m, 5), Hook(2.50m, 40), Hook(3.00m, 80)]);
            await SourceOverlapTests.ImportTranscriptsAsync(server, transcripts);

            var page = await chromium.NewPageAsync(server.Address);
            await page.GotoAsync("/");
            var total = page.Locator("[data-testid=filtered-total]");
            await Expect(total).ToHaveTextAsync(Usd(1.40m));
            var sources = page.Locator("[data-testid=filter-source]");
            await Expect(sources.Locator("[data-chip]")).ToHaveCountAsync(2);

            await sources.Locator("[data-chip=hook]").ClickAsync();
            await Expect(total).ToHaveTextAsync(Usd(3.00m));
            await Expect(page.Locator("[data-testid=filtered-range]")).ToContainTextAsync("source: hook");

            await sources.Locator("[data-chip=transcript]").ClickAsync();
            await Expect(total).ToHaveTextAsync(Usd(1.40m));
            await sources.Locator("[data-chip=hook]").ClickAsync();
            await Expect(total).ToHaveTextAsync(Usd(0.90m));
        }
        finally
        {
            Directory.Delete(transcripts, recursive: true);
        }
    }
}
