using System.Text.Json;
using Gasometer.Dashboard;
using Gasometer.Health;
using Gasometer.Import;
using Gasometer.Ingest;
using Gasometer.Live;
using Gasometer.Pricing;
using Gasometer.Stats;
using Gasometer.Storage;
using Gasometer.Web;

namespace Gasometer;

public static class Program
{
    const string Usage = """
        Usage: gasometer [SETTINGS]              run the server (http://localhost:3001 unless PORT or --urls say otherwise)
               gasometer import costs [PATH]     import Gas Town's costs.jsonl
               gasometer import transcripts [DIR]
                                                 import Claude Code transcripts
               gasometer demo [OPTIONS]          a server filled with a simulated Gas Town
               gasometer simulate [OPTIONS]      write or post a simulated Gas Town's events
        SETTINGS are ASP.NET Core command-line settings, e.g. --urls http://0.0.0.0:3001
        --Gasometer:SqlitePath=data/gasometer.db --Gasometer:TimeZone=Europe/Berlin (see the README).
        Each command takes --help.
        """;

    public static async Task<int> Main(string[] args)
    {
        // Subcommands are recognised only by a literal first word, so a test host's --key=value
        // arguments always reach the web builder untouched.
        if (args.Length > 0 && args[0] == "import") return await ImportCommand.RunInterruptibleAsync(args[1..]);
        if (args.Length > 0 && args[0] is "demo" or "simulate") return await Demo.FleetCommandLine.RunAsync(args);
        if (args.Length > 0 && args[0] is "--help" or "-h" or "-?" or "help")
        {
            Console.WriteLine(Usage);
            return 0;
        }
        // A first word that is neither a command nor a setting (--key value, /key value, key=value) is a typo:
        // starting a server on it would look like success.
        if (args.Length > 0 && !args[0].StartsWith('-') && !args[0].StartsWith('/') && !args[0].Contains('='))
        {
            Console.Error.WriteLine($"gasometer: unknown command '{args[0]}'\n\n{Usage}");
            return 2;
        }
        WebApplication app;
        try
        {
            app = await BuildServerAsync(args);
            await app.StartAsync();
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or System.Data.Common.DbException or PriceTableException)
        {
            // Bad settings, a taken port, a database that cannot be opened: one clear line, not a stack trace.
            // Only start-up: a failure once the server runs keeps its stack trace for the log.
            Console.Error.WriteLine($"gasometer: could not start: {e.Message}");
            return 1;
        }
        await app.WaitForShutdownAsync();
        await app.DisposeAsync();
        return 0;
    }

    /// <param name="customize">lets tests replace a service (the clock) before the app is built.</param>
    public static async Task<WebApplication> BuildServerAsync(string[] args, Action<WebApplicationBuilder>? customize = null)
    {
        // Settings are read once, at start. Reloading them on change watches the content root, where
        // the database usually lives too: every WAL write woke the file watcher (7% of the server's
        // CPU at 500 events/s). A later argument can still turn it back on.
        var builder = WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);
        ListenAddress.Apply(builder);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);

        var database = DatabaseSettings.FromConfiguration(builder.Configuration);
        builder.Services.AddSingleton(_ => database);
        builder.Services.AddSingleton(PriceTable.FromConfiguration(builder.Configuration));
        var rollupZones = RollupZones.FromConfiguration(builder.Configuration);
        builder.Services.AddSingleton(rollupZones);
        builder.Services.AddSingleton<SnapshotStore>();
        builder.Services.AddSingleton<IngestFeed>();
        builder.Services.AddSingleton<WalCheckpointer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WalCheckpointer>());
        builder.Services.AddSingleton<IngestWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<IngestWriter>());
        builder.Services.AddLiveFeed();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddApiDocument();
        ReadAccess.AddReadCors(builder.Services, builder.Configuration);
        customize?.Invoke(builder);

        var app = builder.Build();
        app.Logger.LogInformation("Storing data in {Database}", database.Description);
        try
        {
            await Migrations.ApplyAsync(database);
        }
        catch (System.Data.Common.DbException e)
        {
            // The bare message ("unable to open database file") does not say which database.
            throw new InvalidOperationException($"{database.Description}: {e.Message}", e);
        }
        await DayRollupBackfill.EnsureAsync(database, rollupZones, app.Logger);

        app.UseJsonErrors();
        app.UseCors();
        app.MapOpenApi(); // the machine-readable API description at /openapi/v1.json
        app.MapHealthApi();
        app.MapIngestApi();
        app.MapCostsApi();
        app.MapStatsApi();
        app.MapLiveFeed();
        app.MapApiNotFound();
        app.MapDashboard();
        return app;
    }
}
