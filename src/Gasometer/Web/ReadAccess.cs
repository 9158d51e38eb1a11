namespace Gasometer.Web;

/// <summary>
/// Who may read: the one check shared by every read endpoint (the live feed now, the stats API and
/// the dashboard's data later), so access control for reads, when it comes, is added here once.
/// Reads are open, as in the seed. What is checked today is the Origin a browser sends: WebSockets
/// are not covered by CORS, so without this any web page could open the feed through a visitor's
/// browser. Requests without Origin (curl, scripts, server-side clients) are not browsers acting
/// for another site and pass.
/// </summary>
public sealed class ReadAccess(IConfiguration configuration) : IEndpointFilter
{
    /// <summary>Origins allowed besides the server's own, e.g. "https://dash.example.com,http://localhost:5173"; "*" allows any.</summary>
    public const string AllowedOriginsKey = "Gasometer:AllowedOrigins";

    readonly string[] allowedOrigins = ReadAllowedOrigins(configuration);

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        Allows(context.HttpContext)
            ? next(context)
            : ValueTask.FromResult<object?>(TypedResults.Json(new { error = "Forbidden" }, statusCode: StatusCodes.Status403Forbidden));

    public bool Allows(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0) return true;
        var own = $"{context.Request.Scheme}://{context.Request.Host}";
        return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase)
            || allowedOrigins.Any(a => a == "*" || string.Equals(origin, a, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// CORS for the read API, from the same allowed origins: a dashboard served from another origin
    /// (as the seed's was) may read the stats. Writes stay same-origin; hooks are not browsers.
    /// </summary>
    public static void AddReadCors(IServiceCollection services, IConfiguration configuration)
    {
        var origins = ReadAllowedOrigins(configuration);
        services.AddCors(options => options.AddDefaultPolicy(policy =>
        {
            if (origins.Contains("*")) policy.AllowAnyOrigin();
            else policy.WithOrigins(origins);
            policy.WithMethods("GET", "HEAD").AllowAnyHeader();
        }));
    }

    /// <summary>Accepts a comma- or space-separated string (environment variables) or an array (appsettings.json).</summary>
    static string[] ReadAllowedOrigins(IConfiguration configuration)
    {
        var section = configuration.GetSection(AllowedOriginsKey);
        var values = section.Value is { } single ? [single] : section.GetChildren().Select(c => c.Value ?? "");
        return values
            .SelectMany(v => v.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(v => v.TrimEnd('/'))
            .ToArray();
    }
}
