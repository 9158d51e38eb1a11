namespace Gasometer.Web;

/// <summary>
/// Last line of defence: whatever escapes an endpoint becomes a JSON error body, never an HTML page
/// or an empty 500, and a malformed request (bad framing, oversized body) keeps its 4xx status.
/// </summary>
public static class JsonErrors
{
    public static void UseJsonErrors(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(JsonErrors));
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (BadHttpRequestException e) when (!context.Response.HasStarted)
            {
                context.Response.StatusCode = e.StatusCode;
                await context.Response.WriteAsJsonAsync(new { error = e.StatusCode == 413 ? "Payload too large" : "Bad request" });
            }
            catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
            {
                logger.LogError(e, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                await context.Response.WriteAsJsonAsync(new { error = "Internal error" });
            }
        });
    }

    /// <summary>Unknown API paths answer in the API's own error shape.</summary>
    public static void MapApiNotFound(this WebApplication app) =>
        app.Map("/api/{**rest}", () => TypedResults.Json(new { error = "Not found" }, statusCode: StatusCodes.Status404NotFound))
            .ExcludeFromDescription();
}
