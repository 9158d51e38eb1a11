using System.Text.Json;
using Gasometer.Health;
using Gasometer.Ingest;
using Gasometer.Storage;
using Gasometer.Web;

namespace Gasometer;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // Subcommands are recognised only by a literal first word, so a test host's --key=value
        // arguments always reach the web builder untouched.
        if (args.Length > 0 && args[0] is "demo" or "simulate") return await Demo.FleetCommandLine.RunAsync(args);
        var app = await BuildServerAsync(args);
        await app.RunAsync();
        return 0;
    }

    public static async Task<WebApplication> BuildServerAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        ListenAddress.Apply(builder);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);

        var database = DatabaseSettings.FromConfiguration(builder.Configuration);
        builder.Services.AddSingleton(_ => database);
        builder.Services.AddSingleton<SnapshotStore>();
        builder.Services.AddSingleton<IngestFeed>();
        builder.Services.AddSingleton<IngestWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<IngestWriter>());

        var app = builder.Build();
        await Migrations.ApplyAsync(database);
        app.Logger.LogInformation("Storing data in {Database}", database.Description);

        app.UseJsonErrors();
        app.MapHealthApi();
        app.MapIngestApi();
        app.MapApiNotFound();
        return app;
    }
}
