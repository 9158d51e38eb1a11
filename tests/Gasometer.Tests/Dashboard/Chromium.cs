using Microsoft.Playwright;

namespace Gasometer.Tests.Dashboard;

/// <summary>
/// Debian's Chromium driven by Playwright, one browser for the whole dashboard collection. Playwright
/// never downloads a browser here: the system's /usr/bin/chromium is launched directly.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>The zone every page runs in, so "today" and the daily buckets are not UTC by accident.</summary>
    public const string Zone = "America/New_York";

    IPlaywright? playwright;
    IBrowser? browser;

    public IBrowser Browser => browser ?? throw new InvalidOperationException("Chromium is not started");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException(
                $"The dashboard tests need Chromium at {ExecutablePath} (Debian: apt-get install chromium); ./test.sh installs it.");
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // As root, without a GPU and without reaching out to Google's services (the network is closed).
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A fresh page (own cookies and storage) on the given server, in <see cref="Zone"/>.</summary>
    public async Task<IPage> NewPageAsync(Uri server, int width = 1400, int height = 1000)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.ToString().TrimEnd('/'),
            TimezoneId = Zone,
            Locale = "en-US",
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        context.SetDefaultTimeout(10_000);
        return await context.NewPageAsync();
    }

    /// <summary>Screenshots go to test-results/dashboard/ at the repository root (git-ignored), for a reviewer to look at.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Gasometer.slnx"))) dir = dir.Parent;
        var folder = Path.Combine(dir?.FullName ?? Path.GetTempPath(), "test-results", "dashboard");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

    public async Task DisposeAsync()
    {
        if (browser is not null) await browser.CloseAsync();
        playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ChromiumCollection : ICollectionFixture<Chromium>
{
    public const string Name = "Dashboard in Chromium";
}
