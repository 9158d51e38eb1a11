using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Gasometer.Tests.Dashboard.ExpectedText;
using static Microsoft.Playwright.Assertions;

namespace Gasometer.Tests.Dashboard;

/// <summary>
/// The dashboard in real Chromium against a real server holding a fleet ingested through the API:
/// what the pages show must equal what the API answers, and charts must draw a mark per datum.
/// </summary>
[Collection(ChromiumCollection.Name)]
public sealed class DashboardPageTests(Chromium chromium, SeededDashboard dashboard) : IClassFixture<SeededDashboard>
{
    static readonly string[] Charts = ["cost-river", "burn-gauge", "heat-calendar", "flame-timeline", "role-treemap", "cost-per-bead"];

    string From30 => DateOnly.ParseExact(dashboard.Today, "yyyy-MM-dd").AddDays(-29).ToString("yyyy-MM-dd");

    async Task<IPage> OpenAsync(string path, int width = 1400)
    {
        var page = await chromium.NewPageAsync(dashboard.Server.Address, width);
        await page.GotoAsync(path);
        return page;
    }

    static async Task ChartsReadyAsync(IPage page)
    {
        foreach (var chart in Charts)
            await Expect(page.Locator($"[data-testid={chart}]")).ToHaveAttributeAsync("data-state", "ready");
    }

    [Fact]
    public async Task EveryPageShowsItsHeadingOnAHardLoadAndTheNavMarksIt()
    {
        var pages = new[] { ("/", "Cost Dashboard", "Dashboard"), ("/sessions", "Session Explorer", "Sessions"), ("/live", "Live Feed", "Live") };
        foreach (var (path, heading, link) in pages)
        {
            var page = await OpenAsync(path);
            await Expect(page.Locator("h1")).ToHaveTextAsync(heading);
            await Expect(page.Locator("nav a[aria-current=page]")).ToHaveTextAsync(link);
            await Expect(page.Locator("nav a")).ToHaveCountAsync(3);
            if (path == "/") await ChartsReadyAsync(page);
            await Chromium.ScreenshotAsync(page, path == "/" ? "dashboard" : path.Trim('/'));
            await page.Context.CloseAsync();
        }

        // Client-side navigation through the links reaches the same pages.
        var app = await OpenAsync("/");
        foreach (var (path, heading, link) in pages.Reverse())
        {
            await app.Locator("nav").GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).ClickAsync();
            await Expect(app).ToHaveURLAsync(new Regex(Regex.Escape(path) + "$"));
            await Expect(app.Locator("h1")).ToHaveTextAsync(heading);
        }
    }

    [Fact]
    public async Task KpiCardsShowTheSummaryTotalsOfTheBrowserZone()
    {
        var summary = await dashboard.ApiAsync("/api/stats/summary");
        var page = await OpenAsync("/");
        await Expect(page.Locator("[data-testid=kpi-today] [data-testid=kpi-value]")).ToHaveTextAsync(Usd(Amount(summary.GetProperty("today"), "total_usd")));
        await Expect(page.Locator("[data-testid=kpi-week] [data-testid=kpi-value]")).ToHaveTextAsync(Usd(Amount(summary.GetProperty("week"), "total_usd")));
        await Expect(page.Locator("[data-testid=kpi-month] [data-testid=kpi-value]")).ToHaveTextAsync(Usd(Amount(summary.GetProperty("month"), "total_usd")));
        await Expect(page.Locator("[data-testid=kpi-sessions] [data-testid=kpi-value]"))
            .ToHaveTextAsync(Count(summary.GetProperty("month").GetProperty("sessions").GetInt64()));
        Assert.Equal(Chromium.Zone, summary.GetProperty("tz").GetString());
        // The fleet spent something today, so "Today" cannot be a coincidental $0.00.
        Assert.True(Amount(summary.GetProperty("today"), "total_usd") > 0);
    }

    [Fact]
    public async Task DatePresetsChangeTheFilteredTotal()
    {
        var page = await OpenAsync("/");
        var total = page.Locator("[data-testid=filtered-total]");
        var sessions = page.Locator("[data-testid=filtered-sessions]");

        // 30 Days is the default and covers the whole fleet.
        Assert.Equal(Usd(dashboard.Fleet.Spend(_ => true)), Usd((await dashboard.RangeTotalAsync(From30, dashboard.Today)).Usd));
        await Expect(total).ToHaveTextAsync(Usd(dashboard.Fleet.Spend(_ => true)));
        await Expect(page.GetByLabel("From date")).ToHaveValueAsync(From30);
        await Expect(page.GetByLabel("To date")).ToHaveValueAsync(dashboard.Today);

        foreach (var (button, days) in new[] { ("Today", 1), ("7 Days", 7), ("30 Days", 30) })
        {
            await page.Locator("[data-testid=date-range]").GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();
            var from = DateOnly.ParseExact(dashboard.Today, "yyyy-MM-dd").AddDays(1 - days).ToString("yyyy-MM-dd");
            var expected = await dashboard.RangeTotalAsync(from, dashboard.Today);
            await Expect(page.GetByLabel("From date")).ToHaveValueAsync(from);
            await Expect(total).ToHaveTextAsync(Usd(expected.Usd));
            await Expect(sessions).ToHaveTextAsync(Count(expected.Sessions));
        }
        var today = await dashboard.RangeTotalAsync(dashboard.Today, dashboard.Today);
        Assert.NotEqual(Usd(today.Usd), Usd(dashboard.Fleet.Spend(_ => true)));

        // A custom range typed into the inputs.
        var custom = DateOnly.ParseExact(dashboard.Today, "yyyy-MM-dd").AddDays(-10).ToString("yyyy-MM-dd");
        await page.GetByLabel("From date").FillAsync(custom);
        await Expect(total).ToHaveTextAsync(Usd((await dashboard.RangeTotalAsync(custom, dashboard.Today)).Usd));
    }

    [Fact]
    public async Task RoleAndRigChipsFilterEveryTotalAndChart()
    {
        var page = await OpenAsync("/");
        await ChartsReadyAsync(page);
        await page.Locator("[data-testid=filter-role] [data-chip=polecat]").ClickAsync();
        await Expect(page.Locator("[data-testid=filtered-total]")).ToHaveTextAsync(Usd(dashboard.Fleet.Spend(r => r.Role == "polecat")));
        var summary = await dashboard.ApiAsync("/api/stats/summary?role=polecat");
        await Expect(page.Locator("[data-testid=kpi-month] [data-testid=kpi-value]")).ToHaveTextAsync(Usd(Amount(summary.GetProperty("month"), "total_usd")));
        await Expect(page.Locator("[data-testid=cost-river] path.layer")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-testid=flame-timeline] rect.run")).ToHaveCountAsync(dashboard.Fleet.Runs.Count(r => r.Role == "polecat"));

        await page.Locator("[data-testid=filter-rig] [data-chip=quarry]").ClickAsync();
        await Expect(page.Locator("[data-testid=filtered-total]"))
            .ToHaveTextAsync(Usd(dashboard.Fleet.Spend(r => r.Role == "polecat" && r.Rig == "quarry")));
        await Expect(page.Locator("[data-testid=flame-timeline] rect.run"))
            .ToHaveCountAsync(dashboard.Fleet.Runs.Count(r => r.Role == "polecat" && r.Rig == "quarry"));
        await Expect(page.Locator("[data-testid=role-treemap] rect.rig-cell")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-testid=filtered-range]")).ToContainTextAsync("role: polecat");
        await Expect(page.Locator("[data-testid=filtered-range]")).ToContainTextAsync("rig: quarry");

        // Toggling both chips off returns to the whole fleet.
        await page.Locator("[data-testid=filter-role] [data-chip=polecat]").ClickAsync();
        await page.Locator("[data-testid=filter-rig] [data-chip=quarry]").ClickAsync();
        await Expect(page.Locator("[data-testid=filtered-total]")).ToHaveTextAsync(Usd(dashboard.Fleet.Spend(_ => true)));
    }

    [Fact]
    public async Task EachChartDrawsOneMarkPerDatum()
    {
        var page = await OpenAsync("/");
        await ChartsReadyAsync(page);
        foreach (var chart in Charts)
        {
            await Expect(page.Locator($"[data-testid={chart}] h3")).ToHaveCountAsync(1);
            await Expect(page.Locator($"[data-testid={chart}] svg").First).ToBeVisibleAsync();
        }

        // Calendar: a cell per day of the last 365, seven weekday labels, spend where the API has it.
        await Expect(page.Locator("[data-testid=heat-calendar] rect.day")).ToHaveCountAsync(365);
        await Expect(page.Locator("[data-testid=heat-calendar] text.dayLabel")).ToHaveCountAsync(7);
        await Expect(page.Locator($"[data-testid=heat-calendar] rect.day[data-date='{dashboard.Today}']")).ToHaveCountAsync(1);
        var yearFrom = DateOnly.ParseExact(dashboard.Today, "yyyy-MM-dd").AddDays(-364).ToString("yyyy-MM-dd");
        var year = await dashboard.ApiAsync($"/api/stats/daily?from={yearFrom}&to={dashboard.Today}&group_by=role");
        var spendDays = year.GetProperty("data").EnumerateArray().Where(r => Amount(r, "total_usd") > 0)
            .Select(r => r.GetProperty("date").GetString()).Distinct().Count();
        await Expect(page.Locator("[data-testid=heat-calendar] rect.day:not([data-usd='0'])")).ToHaveCountAsync(spendDays);

        // Cost river: a layer per role with spend in the range.
        var daily = await dashboard.ApiAsync($"/api/stats/daily?from={From30}&to={dashboard.Today}&group_by=role");
        var roles = daily.GetProperty("data").EnumerateArray().Where(r => Amount(r, "total_usd") > 0)
            .Select(r => r.GetProperty("role").GetString()).Distinct().Count();
        Assert.Equal(DashboardFleet.Roles.Length, roles);
        await Expect(page.Locator("[data-testid=cost-river] path.layer")).ToHaveCountAsync(roles);

        // Timeline: a bar per run.
        var costs = await dashboard.ApiAsync($"/api/costs?from={From30}&to={dashboard.Today}&limit=1");
        Assert.Equal(dashboard.Fleet.Runs.Count, costs.GetProperty("total").GetInt32());
        await Expect(page.Locator("[data-testid=flame-timeline] rect.run")).ToHaveCountAsync(dashboard.Fleet.Runs.Count);

        // Treemap: a cell per role, and per rig inside each role.
        var roleRows = (await dashboard.ApiAsync($"/api/stats/roles?from={From30}&to={dashboard.Today}")).GetProperty("data")
            .EnumerateArray().Where(r => Amount(r, "total_usd") > 0).ToList();
        int rigCells = 0;
        foreach (var role in roleRows)
        {
            var rigs = await dashboard.ApiAsync($"/api/stats/rigs?from={From30}&to={dashboard.Today}&role={role.GetProperty("role").GetString()}");
            rigCells += rigs.GetProperty("data").EnumerateArray().Count(r => Amount(r, "total_usd") > 0);
        }
        await Expect(page.Locator("[data-testid=role-treemap] rect.role-cell")).ToHaveCountAsync(roleRows.Count);
        await Expect(page.Locator("[data-testid=role-treemap] rect.rig-cell")).ToHaveCountAsync(rigCells);

        // Cost per bead: a bar per role that closed beads, then per rig on the toggle.
        var beads = await dashboard.ApiAsync($"/api/stats/beads?from={From30}&to={dashboard.Today}");
        int Bars(string key) => beads.GetProperty(key).EnumerateArray().Count(r => r.GetProperty("usd_per_bead").ValueKind != JsonValueKind.Null);
        await Expect(page.Locator("[data-testid=cost-per-bead] rect.bar")).ToHaveCountAsync(Bars("by_role"));
        await page.Locator("[data-testid=cost-per-bead] [data-group-by=rig]").ClickAsync();
        await Expect(page.Locator("[data-testid=cost-per-bead] rect.bar")).ToHaveCountAsync(Bars("by_rig"));

        // Gauge: three zones, the value arc, today's spend, the burn rate and the daily average.
        var hourly = await dashboard.ApiAsync("/api/stats/hourly?hours=24");
        await Expect(page.Locator("[data-testid=burn-gauge] path.zone")).ToHaveCountAsync(3);
        await Expect(page.Locator("[data-testid=burn-gauge] path.value-arc")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-testid=burn-gauge] text.gauge-value")).ToHaveTextAsync(Usd(Amount(hourly, "today_usd")));
        await Expect(page.Locator("[data-testid=burn-gauge] text.gauge-label")).ToHaveTextAsync("today");
        await Expect(page.Locator("[data-testid=burn-rate]")).ToContainTextAsync(Usd(Amount(hourly, "burn_rate_usd_per_hour")) + "/h");
        await Expect(page.Locator("[data-testid=daily-average]")).ToContainTextAsync(Usd(Amount(hourly, "daily_average_usd")));
    }

    [Fact]
    public async Task HoveringAMarkShowsItsTooltip()
    {
        var page = await OpenAsync("/");
        await ChartsReadyAsync(page);
        var today = await dashboard.ApiAsync($"/api/stats/daily?from={dashboard.Today}&to={dashboard.Today}&group_by=role");
        var todayUsd = today.GetProperty("data").EnumerateArray().Sum(r => Amount(r, "total_usd"));
        var targets = new (string Chart, string Mark, string Text)[]
        {
            ("heat-calendar", $"rect.day[data-date='{dashboard.Today}']", Usd(todayUsd)),
            ("cost-river", "rect.hover-target", "Total"),
            ("burn-gauge", "circle.hover-target", "Burn rate"),
            ("flame-timeline", "rect.run", "run"),
            ("role-treemap", "rect.rig-cell", "of total"),
            ("cost-per-bead", "rect.hover-target", "Beads closed"),
        };
        foreach (var (chart, mark, text) in targets)
        {
            var card = page.Locator($"[data-testid={chart}]");
            await card.Locator(mark).First.HoverAsync(new() { Force = true });
            var tip = card.Locator(".chart-tooltip[data-visible=true]");
            await Expect(tip).ToBeVisibleAsync();
            await Expect(tip).ToContainTextAsync(text);
            await page.Mouse.MoveAsync(0, 0);
            await Expect(card.Locator(".chart-tooltip[data-visible=true]")).ToHaveCountAsync(0);
        }
    }

    [Fact]
    public async Task ClickingACalendarDayNarrowsTheRangeToThatDay()
    {
        var page = await OpenAsync("/");
        await ChartsReadyAsync(page);
        var day = dashboard.Fleet.Runs.Select(r => ExpectedText.Date(r.End, SeededDashboard.Zone)).Where(d => d != dashboard.Today).Max()!;
        await page.Locator($"[data-testid=heat-calendar] rect.day[data-date='{day}']").ClickAsync(new() { Force = true });
        await Expect(page.GetByLabel("From date")).ToHaveValueAsync(day);
        await Expect(page.GetByLabel("To date")).ToHaveValueAsync(day);
        var expected = await dashboard.RangeTotalAsync(day, day);
        Assert.True(expected.Usd > 0);
        await Expect(page.Locator("[data-testid=filtered-total]")).ToHaveTextAsync(Usd(expected.Usd));
        var runs = (await dashboard.ApiAsync($"/api/costs?from={day}&to={day}&limit=1")).GetProperty("total").GetInt32();
        await Expect(page.Locator("[data-testid=flame-timeline] rect.run")).ToHaveCountAsync(runs);
        // The calendar keeps showing the whole year.
        await Expect(page.Locator("[data-testid=heat-calendar] rect.day")).ToHaveCountAsync(365);
    }

    [Fact]
    public async Task ChartsRedrawToFillTheirCardWhenTheWindowResizes()
    {
        var page = await OpenAsync("/", width: 1400);
        await ChartsReadyAsync(page);
        var svg = page.Locator("[data-testid=cost-river] svg").First;
        var wide = double.Parse((await svg.GetAttributeAsync("width"))!);
        await page.SetViewportSizeAsync(800, 1000);
        await Expect(svg).Not.ToHaveAttributeAsync("width", wide.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var narrow = double.Parse((await svg.GetAttributeAsync("width"))!);
        Assert.True(narrow < wide);
        // The SVG fills its card's drawing area.
        var area = await page.Locator("[data-testid=cost-river] svg").First.EvaluateAsync<double>("e => e.parentElement.clientWidth");
        Assert.Equal(area, narrow, 0);
        await Expect(page.Locator("[data-testid=heat-calendar] rect.day")).ToHaveCountAsync(365);
        await Chromium.ScreenshotAsync(page, "dashboard-narrow");
    }

    [Fact]
    public async Task TheSessionTableSearchesSortsAndDrillsDown()
    {
        var page = await OpenAsync("/sessions");
        var all = await dashboard.ApiAsync($"/api/costs?from={From30}&to={dashboard.Today}&limit=25");
        await Expect(page.Locator("[data-testid=run-count]")).ToHaveTextAsync($"{all.GetProperty("total").GetInt32()} runs");
        await Expect(page.Locator("[data-testid=session-row]")).ToHaveCountAsync(Math.Min(25, dashboard.Fleet.Runs.Count));
        await Expect(page.Locator("[data-testid=page-info]")).ToHaveTextAsync($"1–25 of {dashboard.Fleet.Runs.Count}");

        // Server-side paging.
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Expect(page.Locator("[data-testid=page-info]")).ToHaveTextAsync($"26–{Math.Min(50, dashboard.Fleet.Runs.Count)} of {dashboard.Fleet.Runs.Count}");

        // Sorting by cost asks the server and shows its most expensive run first.
        await page.Locator("button[data-sort=cost]").ClickAsync();
        var byCost = await dashboard.ApiAsync($"/api/costs?from={From30}&to={dashboard.Today}&limit=25&sort=cost&order=desc");
        var top = byCost.GetProperty("data")[0];
        await Expect(page.Locator("[data-testid=session-row]").First.Locator("[data-testid=run-cost]")).ToHaveTextAsync(Usd(Amount(top, "cost_usd")));
        await Expect(page.Locator("[data-testid=page-info]")).ToHaveTextAsync(new Regex("^1–"));

        // Search.
        await page.GetByLabel("Search sessions").FillAsync("mayor");
        var mayor = await dashboard.ApiAsync($"/api/costs?from={From30}&to={dashboard.Today}&limit=25&q=mayor");
        var matches = mayor.GetProperty("total").GetInt32();
        Assert.Equal(dashboard.Fleet.Runs.Count(r => r.SessionId.Contains("mayor")), matches);
        await Expect(page.Locator("[data-testid=session-row]")).ToHaveCountAsync(matches);
        foreach (var session in await page.Locator("[data-testid=session-row]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.session)"))
            Assert.Contains("mayor", session);

        // Drill down: the restarted session (two runs) shows both runs, every snapshot and its total.
        var restarted = dashboard.Fleet.Runs.GroupBy(r => r.SessionId).First(g => g.Count() == 2 && g.Key.Contains("mayor")).Key;
        await page.Locator($"[data-testid=session-row][data-session='{restarted}']").First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/sessions/{Regex.Escape(restarted)}$"));
        var detail = await dashboard.ApiAsync($"/api/costs/{restarted}");
        var panel = page.Locator("[data-testid=session-detail]");
        await Expect(panel.Locator("h2")).ToHaveTextAsync(restarted);
        await Expect(panel.Locator("[data-testid=session-total]")).ToHaveTextAsync(Usd(Amount(detail, "total_usd")));
        Assert.Equal(Usd(dashboard.Fleet.Spend(r => r.SessionId == restarted)), Usd(Amount(detail, "total_usd")));
        await Expect(panel.Locator("[data-testid=session-run]")).ToHaveCountAsync(2);
        await Expect(panel.Locator("circle.snapshot")).ToHaveCountAsync(detail.GetProperty("snapshots").GetArrayLength());
        await Expect(panel.Locator("circle.snapshot")).ToHaveCountAsync(dashboard.Fleet.Events.Count(e => e.SessionId == restarted));
        var input = dashboard.Fleet.Events.Where(e => e.SessionId == restarted).GroupBy(e => e.EndedAt > dashboard.Fleet.Runs.First(r => r.SessionId == restarted).End)
            .Sum(g => g.Last().InputTokens);
        await Expect(panel.Locator("[data-testid=token-totals]")).ToContainTextAsync(Count(input));
        await Chromium.ScreenshotAsync(page, "session-detail");

        // A hard reload of the session's address opens the same detail.
        await page.ReloadAsync();
        await Expect(page.Locator("[data-testid=session-detail] [data-testid=session-total]")).ToHaveTextAsync(Usd(Amount(detail, "total_usd")));
    }
}
