using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Gasometer.Dashboard;

/// <summary>
/// Serves the built single-page dashboard (frontend/ built by Vite into wwwroot): its hashed assets
/// with long caching, and index.html for every other page path, so /, /sessions and /live survive
/// a hard reload. API, live-feed and health paths never fall back to the page.
/// </summary>
public static class DashboardFiles
{
    /// <summary>Prefixes that belong to the server, not to the page's client-side routes.</summary>
    static readonly string[] ServerPrefixes = ["/api", "/ws", "/health"];

    public static void MapDashboard(this WebApplication app)
    {
        var root = Locate(app.Environment, app.Configuration);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DashboardFiles));
        if (root is null)
            logger.LogWarning("Dashboard files not found (build without -p:SkipFrontend=true, or set Gasometer:DashboardPath); serving the API only");
        else
        {
            logger.LogInformation("Serving the dashboard from {Path}", root);
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = new PhysicalFileProvider(root),
                OnPrepareResponse = context =>
                {
                    // Vite puts a content hash in every asset name, so an asset never changes under its name.
                    var immutable = context.Context.Request.Path.StartsWithSegments("/assets");
                    context.Context.Response.Headers[HeaderNames.CacheControl] = immutable ? "public, max-age=31536000, immutable" : "no-cache";
                },
            });
        }

        // "nonfile" leaves paths with a file extension to the static files above (a missing asset is a
        // 404); a session's page is a page whatever its id looks like ("/sessions/a.b").
        app.MapFallback("{*path:nonfile}", (HttpContext context) => PageOrNotFound(context, root)).ExcludeFromDescription();
        app.MapFallback("/sessions/{*session}", (HttpContext context) => PageOrNotFound(context, root)).ExcludeFromDescription();
    }

    static IResult PageOrNotFound(HttpContext context, string? root)
    {
        var request = context.Request;
        bool isPage = (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            && !ServerPrefixes.Any(prefix => request.Path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));
        if (!isPage)
            return TypedResults.Json(new { error = "Not found" }, statusCode: StatusCodes.Status404NotFound);
        if (root is null)
            return TypedResults.Text(
                "The dashboard is not built. Build the server without -p:SkipFrontend=true (it runs npm in frontend/), then restart.\n",
                "text/plain", statusCode: StatusCodes.Status503ServiceUnavailable);

        context.Response.Headers[HeaderNames.CacheControl] = "no-cache";
        return TypedResults.PhysicalFile(Path.Combine(root, "index.html"), "text/html; charset=utf-8");
    }

    /// <summary>
    /// Where the built files are: Gasometer:DashboardPath when set (and only there); else the web root
    /// (wwwroot beside the content root, as under `dotnet run`); else wwwroot beside the executable
    /// (the build copies it there, so a published server or a test host finds it wherever it starts).
    /// </summary>
    public static string? Locate(IWebHostEnvironment environment, IConfiguration configuration)
    {
        static bool HasIndex(string path) => File.Exists(Path.Combine(path, "index.html"));
        var configured = configuration["Gasometer:DashboardPath"];
        if (!string.IsNullOrEmpty(configured))
            return HasIndex(Path.GetFullPath(configured)) ? Path.GetFullPath(configured) : null;

        string?[] candidates =
        [
            environment.WebRootPath,
            Path.Combine(environment.ContentRootPath, "wwwroot"),
            Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        ];
        return candidates
            .Where(path => !string.IsNullOrEmpty(path))
            .Select(path => Path.GetFullPath(path!))
            .FirstOrDefault(HasIndex);
    }
}
