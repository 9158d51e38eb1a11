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
    public static async Task<int> Main(string[] args)
    {
        // Subcommands are recognised only by a literal first word, so a test host's --key=value
        // arguments always reach the web builder untouched.
        if (args.Length > 0 && args[0] == "import") return await ImportCommand.RunAsync(args[1..]);
        if (args.Length > 0 && args[0] is "demo" or "simulate") return await Demo.FleetCommandLine.RunAsync(args);
        var app = await BuildServerAsync(args);
        await app.RunAsync();
        return 0;
    }

    /// <param name="customize">lets tests replace a service (the clock) before the app is built.</param>
    public static async Task<WebApplication> BuildServerAsync(string[] args, Action<WebApplicationBuilder>? customize = null)
    {
        var builder = WebApplication.CreateBuilder(args);
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
        await Migrations.ApplyAsync(database);
        await DayRollupBackfill.EnsureAsync(database, rollupZones, app.Logger);
        app.Logger.LogInformation("Storing data in {Database}", database.Description);

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
