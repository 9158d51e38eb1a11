using Dapper;
using Gasometer.Storage;

namespace Gasometer.Health;

/// <summary>GET /health: the seed's body, plus a real round trip to the database.</summary>
public static class HealthApi
{
    public static void MapHealthApi(this IEndpointRouteBuilder routes)
    {
        // HEAD too: uptime monitors often probe with it.
        routes.MapMethods("/health", ["GET", "HEAD"], Check).WithTags("Health").WithSummary("Liveness and database check.");
    }

    static async Task<IResult> Check(Database database, ILogger<Database> logger, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await using var connection = await database.OpenAsync(timeout.Token);
            await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT 1", cancellationToken: timeout.Token));
            return TypedResults.Ok(new { status = "ok", service = "gasometer-api", database = database.Engine.ToString().ToLowerInvariant() });
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "Health check could not reach {Database}", database.Description);
            return TypedResults.Json(
                new { status = "error", service = "gasometer-api", error = "Database unavailable", reason = e.GetBaseException().Message },
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
