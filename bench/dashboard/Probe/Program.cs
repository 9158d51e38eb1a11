using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Playwright;

// Dashboard benchmark probe.
//   seed <url> <runs>   posts a synthetic fleet of <runs> runs (3 snapshots each, spread over the
//                       last 365 days) through POST /api/ingest/batch
//   time <url> <rounds> loads / in a fresh headless Chromium context <rounds> times and prints how
//                       long the page took to show its heading (the app shell, the baseline) and
//                       to settle all six charts (each card's data-state is ready or empty)
string[] charts = ["cost-river", "burn-gauge", "heat-calendar", "flame-timeline", "role-treemap", "cost-per-bead"];
var mode = args.ElementAtOrDefault(0);
var url = args.ElementAtOrDefault(1) ?? "http://127.0.0.1:5303";
var count = int.Parse(args.ElementAtOrDefault(2) ?? "5", CultureInfo.InvariantCulture);

if (mode == "seed") return await SeedAsync(url, count);
if (mode == "time") return await TimeAsync(url, count);
Console.Error.WriteLine("usage: Probe seed <url> <runs> | Probe time <url> <rounds>");
return 2;

async Task<int> SeedAsync(string server, int runs)
{
    string[] roles = ["mayor", "polecat", "witness", "refinery", "deacon", "crew"];
    string?[] rigs = ["quarry", "orchard", "gasometer", null];
    var random = new Random(1);
    var now = DateTimeOffset.UtcNow;
    using var http = new HttpClient { BaseAddress = new Uri(server), Timeout = TimeSpan.FromMinutes(5) };
    var clock = Stopwatch.StartNew();
    var body = new StringBuilder();
    int events = 0;
    for (int i = 0; i < runs; i++)
    {
        var role = roles[random.Next(roles.Length)];
        var rig = rigs[random.Next(rigs.Length)];
        var end = now - TimeSpan.FromSeconds(120 + random.NextDouble() * 364 * 86_400);
        decimal total = 0;
        for (int s = 0; s < 3; s++)
        {
            total += Math.Round((decimal)(0.001 + random.NextDouble() * 0.5), 7);
            var at = end - TimeSpan.FromMinutes(10 * (2 - s));
            body.Append(CultureInfo.InvariantCulture,
                $"{{\"session_id\":\"{rig ?? "hq"}-{role}-{i}\",\"role\":\"{role}\",\"worker\":\"w{i % 50}\",{(rig is null ? "" : $"\"rig\":\"{rig}\",")}\"cost_usd\":{total},\"ended_at\":\"{at.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}\",\"duration_sec\":{600 * (s + 1)},\"beads_closed\":{random.Next(0, 2) * s},\"input_tokens\":{1000 * (s + 1)},\"output_tokens\":{400 * (s + 1)}}}\n");
            events++;
        }
        if (events >= 30_000 || i == runs - 1)
        {
            var response = await http.PostAsync("/api/ingest/batch", new StringContent(body.ToString(), Encoding.UTF8, "application/x-ndjson"));
            if (!response.IsSuccessStatusCode)
            {
                Console.Error.WriteLine($"batch failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                return 1;
            }
            body.Clear();
            events = 0;
        }
    }
    Console.WriteLine($"seeded {runs:N0} runs ({runs * 3:N0} snapshots) in {clock.Elapsed.TotalSeconds:F1} s");
    return 0;
}

async Task<int> TimeAsync(string server, int rounds)
{
    using var playwright = await Playwright.CreateAsync();
    await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = "/usr/bin/chromium",
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    var shell = new List<double>();
    var settled = new List<double>();
    for (int round = 0; round < rounds; round++)
    {
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        var page = await context.NewPageAsync();
        var clock = Stopwatch.StartNew();
        await page.GotoAsync(server, new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        await page.Locator("h1").WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        shell.Add(clock.Elapsed.TotalMilliseconds);
        // Settled: every card left its loading state (an error counts as settled, then fails the run).
        var selector = string.Join(",", charts.Select(c => $"[data-testid={c}]:not([data-state=loading])"));
        await page.WaitForFunctionAsync(
            "([selector, n]) => document.querySelectorAll(selector).length === n",
            new object[] { selector, charts.Length }, new PageWaitForFunctionOptions { Timeout = 60_000, PollingInterval = 10 });
        settled.Add(clock.Elapsed.TotalMilliseconds);
        var states = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('section[data-testid]')].map(s => s.dataset.testid + '=' + s.dataset.state)");
        if (states.Any(s => s.EndsWith("=error")))
        {
            Console.Error.WriteLine($"a chart could not load its data: {string.Join(", ", states)}");
            return 1;
        }
        Console.WriteLine($"round {round + 1}: shell {shell[^1],6:F0} ms  all six charts {settled[^1],6:F0} ms  ({string.Join(", ", states)})");
    }
    double Median(List<double> xs) { var s = xs.Order().ToList(); return s[s.Count / 2]; }
    Console.WriteLine($"median: app shell (baseline) {Median(shell):F0} ms, all six charts {Median(settled):F0} ms, ratio {Median(settled) / Median(shell):F1}x; worst charts {settled.Max():F0} ms (target: under 2000 ms with 1,000,000 runs)");
    return 0;
}
