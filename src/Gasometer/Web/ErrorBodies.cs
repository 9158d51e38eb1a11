using Gasometer.Ingest;
using Gasometer.Storage;

namespace Gasometer.Web;

/// <summary>The seed's error bodies, in one place so every endpoint answers alike.</summary>
public static class ErrorBodies
{
    public static IResult InvalidPayload(IEnumerable<ValidationDetail> details) =>
        TypedResults.BadRequest(new { error = "Invalid payload", details });

    public static IResult InvalidParameters(IEnumerable<ValidationDetail> details) =>
        TypedResults.BadRequest(new { error = "Invalid parameters", details });

    public static IResult PayloadTooLarge(int limitBytes) =>
        TypedResults.Json(new { error = "Payload too large", limit_bytes = limitBytes }, statusCode: StatusCodes.Status413PayloadTooLarge);

    public static IResult Unauthorized() =>
        TypedResults.Json(new { error = "Unauthorized" }, statusCode: StatusCodes.Status401Unauthorized);

    /// <summary>
    /// 503 when the database cannot be reached (a client should retry later), 400 for a write whose
    /// amounts would pass the totals Gasometer can keep, 500 for any other storage failure; the cause
    /// goes to the log, never to the client.
    /// </summary>
    public static async Task<IResult> OnStorageFailure(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        // Amounts that are each valid but together pass what can be added up exactly: the request's
        // fault, and nothing of it was stored.
        catch (LedgerCeilingException e)
        {
            return InvalidPayload([new("body", e.Message)]);
        }
        // Only storage failures: a bug elsewhere must reach the error middleware, which logs it.
        catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException || Database.IsUnavailable(e))
        {
            return Database.IsUnavailable(e)
                ? TypedResults.Json(new { error = "Database unavailable" }, statusCode: StatusCodes.Status503ServiceUnavailable)
                : TypedResults.Json(new { error = "Database error" }, statusCode: StatusCodes.Status500InternalServerError);
        }
    }
}
