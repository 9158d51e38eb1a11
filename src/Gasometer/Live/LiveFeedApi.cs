using System.Globalization;
using Gasometer.Ingest;
using Gasometer.Storage;
using Gasometer.Web;
using Microsoft.AspNetCore.Http.Features;

namespace Gasometer.Live;

/// <summary>The live feed's limits, from Gasometer:Live:* (docs/live-feed.md).</summary>
public sealed record LiveFeedSettings(int SendQueueLimit, int ReplayLimit, int RetainedEvents, TimeSpan KeepAlive)
{
    public static LiveFeedSettings FromConfiguration(IConfiguration configuration)
    {
        int Setting(string name, int fallback, int min)
        {
            var text = configuration[$"Gasometer:Live:{name}"];
            if (string.IsNullOrWhiteSpace(text)) return fallback;
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min)
                throw new InvalidOperationException($"Gasometer:Live:{name} must be a whole number of at least {min}, not '{text}'.");
            return value;
        }

        int replay = Setting(nameof(ReplayLimit), 1_000, 0);
        int retained = Setting(nameof(RetainedEvents), 10_000, 1);
        if (retained < replay)
            throw new InvalidOperationException("Gasometer:Live:RetainedEvents must be at least Gasometer:Live:ReplayLimit.");
        return new LiveFeedSettings(
            Setting(nameof(SendQueueLimit), 4_096, 1),
            replay,
            retained,
            TimeSpan.FromSeconds(Setting("KeepAliveSeconds", 30, 1)));
    }
}

/// <summary>
/// WS /ws/live: the seed's live feed. Every snapshot that an ingest commits is announced once to
/// every client, as {"type":"cost_event","id":N,"data":{...}}; ?since=N replays what a
/// reconnecting client missed. See docs/live-feed.md for the protocol.
/// </summary>
public static class LiveFeedApi
{
    public static IServiceCollection AddLiveFeed(this IServiceCollection services)
    {
        services.AddSingleton(sp => LiveFeedSettings.FromConfiguration(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<FeedLog>();
        services.AddSingleton<LiveHub>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveHub>());
        return services;
    }

    public static void MapLiveFeed(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<LiveFeedSettings>();
        // The log is written inside every ingest transaction, so it must be hooked in before the first request.
        app.Services.GetRequiredService<IngestFeed>().Record(app.Services.GetRequiredService<FeedLog>().RecordAsync);

        // Pings keep idle connections open through proxies; a client that answers none within the
        // timeout is dropped, which also ends clients that stalled without closing.
        app.Use((context, next) =>
        {
            if (context.Request.Path == "/ws/live" && context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade)
                context.Features.Set<IHttpUpgradeFeature>(new CorkingUpgradeFeature(upgrade));
            return next(context);
        });
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = settings.KeepAlive, KeepAliveTimeout = settings.KeepAlive });
        app.Map("/ws/live", Connect)
            .AddEndpointFilter<ReadAccess>()
            .WithTags("Live")
            .WithSummary("Live feed of committed cost events (WebSocket).");
    }

    static async Task<IResult> Connect(HttpContext context, LiveHub hub, Database database, LiveFeedSettings settings, ILogger<LiveHub> logger)
    {
        if (!context.WebSockets.IsWebSocketRequest)
            return TypedResults.Json(new { error = "Expected a WebSocket upgrade" }, statusCode: StatusCodes.Status400BadRequest);

        long? since = null;
        if (context.Request.Query.TryGetValue("since", out var values))
        {
            if (values.Count != 1 || !long.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                return ErrorBodies.InvalidParameters([new ValidationDetail("since", "must be the id of the last event received, a whole number of at least 0")]);
            since = id;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = (context.Features.Get<IHttpUpgradeFeature>() as CorkingUpgradeFeature)?.Stream;
        var client = new LiveClient(socket, connection, settings.SendQueueLimit, context.Connection.RemoteIpAddress?.ToString() ?? "?");
        await client.ServeAsync(hub, database, settings.ReplayLimit, since, logger, context.RequestAborted);
        return Results.Empty;
    }
}
