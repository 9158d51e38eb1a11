using System.Text.Json;
using Gasometer.Money;
using Gasometer.Pricing;
using Gasometer.Web;

namespace Gasometer.Ingest;

/// <summary>
/// POST /api/ingest and POST /api/ingest/batch: the seed's wire contract. A thin edge: read the body
/// within its limit, validate every field, hand valid snapshots to the writer, answer after commit.
/// </summary>
public static class IngestApi
{
    public const int MaxEventBytes = 64 * 1024;
    public const int MaxBatchBytes = 32 * 1024 * 1024;
    public const int MaxBatchEvents = 100_000;
    const int MaxRejectionsListed = 1_000;

    public static RouteGroupBuilder MapIngestApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/ingest").AddEndpointFilter<ApiKeyFilter>().WithTags("Ingest");
        group.MapPost("", PostEvent).WithSummary("Receive one stop-hook cost event (a session's running totals).")
            .Produces(StatusCodes.Status201Created).Produces(StatusCodes.Status400BadRequest).Produces(StatusCodes.Status401Unauthorized)
            .Produces(StatusCodes.Status413PayloadTooLarge).Produces(StatusCodes.Status503ServiceUnavailable);
        group.MapPost("/batch", PostBatch).WithSummary("Receive many events at once, as a JSON array or NDJSON (one event per line).")
            .Produces(StatusCodes.Status201Created).Produces(StatusCodes.Status400BadRequest).Produces(StatusCodes.Status401Unauthorized)
            .Produces(StatusCodes.Status413PayloadTooLarge).Produces(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    static async Task<IResult> PostEvent(HttpRequest request, IngestWriter writer, PriceTable prices, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync(request, MaxEventBytes, ct);
        if (body is null) return ErrorBodies.PayloadTooLarge(MaxEventBytes);

        var problems = new List<ValidationDetail>();
        var snapshot = ParseDocument(body, problems, root => SnapshotParser.Parse(root, CostSnapshot.HookSource, problems, prices));
        if (snapshot is null) return ErrorBodies.InvalidPayload(problems);

        return await ErrorBodies.OnStorageFailure(async () =>
        {
            await writer.WriteAsync([snapshot], ct);
            // A sender that left cost_usd out learns what was made of its tokens; the seed's answer is unchanged otherwise.
            object answer = snapshot.CostOrigin == CostOrigin.Reported
                ? new { status = "ingested" }
                : new
                {
                    status = "ingested",
                    cost_origin = snapshot.CostOrigin,
                    cost_usd = snapshot.CostOrigin == CostOrigin.Computed ? Usd.FromNanos(snapshot.CostNanos) : (decimal?)null,
                };
            return TypedResults.Json(answer, statusCode: StatusCodes.Status201Created);
        });
    }

    /// <summary>One rejected item of a batch: its position (0-based), its line for NDJSON, and why.</summary>
    public sealed record Rejection(int Index, int? Line, IReadOnlyList<ValidationDetail> Details);

    static async Task<IResult> PostBatch(HttpRequest request, IngestWriter writer, PriceTable prices, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync(request, MaxBatchBytes, ct);
        if (body is null) return ErrorBodies.PayloadTooLarge(MaxBatchBytes);

        var problems = new List<ValidationDetail>();
        var snapshots = new List<CostSnapshot>();
        var rejections = new List<Rejection>();
        int items = BatchItems(body, problems, (index, line, element, lineProblem) =>
        {
            var details = new List<ValidationDetail>();
            if (lineProblem is not null) details.Add(lineProblem);
            else if (SnapshotParser.Parse(element, CostSnapshot.HookSource, details, prices) is { } s) snapshots.Add(s);
            if (details.Count > 0) rejections.Add(new Rejection(index, line, details));
        });
        if (problems.Count > 0) return ErrorBodies.InvalidPayload(problems);

        var listed = rejections.Take(MaxRejectionsListed).ToList();
        if (snapshots.Count == 0)
        {
            problems.Add(new("body", items == 0 ? "contains no events" : "no event in the batch is valid"));
            return TypedResults.BadRequest(new { error = "Invalid payload", details = problems, accepted = 0, rejected_count = rejections.Count, rejected = listed });
        }

        return await ErrorBodies.OnStorageFailure(async () =>
        {
            await writer.WriteAsync(snapshots, ct);
            return TypedResults.Json(
                new { status = "ingested", accepted = snapshots.Count, rejected_count = rejections.Count, rejected = listed },
                statusCode: StatusCodes.Status201Created);
        });
    }

    static readonly byte[] ByteOrderMark = [0xEF, 0xBB, 0xBF];

    /// <summary>A line without surrounding whitespace or a UTF-8 byte order mark (some editors write one).</summary>
    static ReadOnlyMemory<byte> TrimLine(ReadOnlyMemory<byte> line)
    {
        int start = 0, end = line.Length;
        var span = line.Span;
        if (span.StartsWith(ByteOrderMark)) start = 3;
        while (start < end && span[start] is (byte)' ' or (byte)'\t' or (byte)'\r') start++;
        while (end > start && span[end - 1] is (byte)' ' or (byte)'\t' or (byte)'\r') end--;
        return line[start..end];
    }

    static T? ParseDocument<T>(byte[] body, List<ValidationDetail> problems, Func<JsonElement, T?> parse) where T : class
    {
        if (body.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            problems.Add(new("body", "is empty; send a JSON object"));
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(TrimLine(body));
            return parse(document.RootElement);
        }
        catch (JsonException e)
        {
            problems.Add(new("body", $"is not valid JSON ({JsonProblem(e)})"));
            return null;
        }
    }

    /// <summary>
    /// What the JSON reader found and where (byte positions from 1), without its position suffix and its
    /// advice to programmers ("Change the reader options"). <paramref name="withLine"/> is false for an
    /// NDJSON line, whose number the rejection already gives.
    /// </summary>
    static string JsonProblem(JsonException e, bool withLine = true)
    {
        var text = e.Message;
        foreach (var cut in new[] { " LineNumber:", " Path:", " Change the reader options" })
            if (text.IndexOf(cut, StringComparison.Ordinal) is var at and >= 0) text = text[..at];
        text = text.TrimEnd(' ', '.');
        if (e.BytePositionInLine is not { } position) return text;
        return withLine && e.LineNumber is { } line
            ? $"{text}; line {line + 1}, byte {position + 1}"
            : $"{text}; byte {position + 1}";
    }

    /// <summary>
    /// Walks a batch body, a JSON array or NDJSON (one object per line), calling back once per item
    /// with either its JSON or the reason its line could not be read. Returns the number of items.
    /// </summary>
    static int BatchItems(byte[] body, List<ValidationDetail> problems, Action<int, int?, JsonElement, ValidationDetail?> onItem)
    {
        var trimmed = body.AsSpan(body.AsSpan().StartsWith(ByteOrderMark) ? 3 : 0).TrimStart(" \t\r\n"u8);
        if (trimmed.IsEmpty)
        {
            problems.Add(new("body", "is empty; send a JSON array or NDJSON"));
            return 0;
        }
        if (trimmed[0] == (byte)'[')
        {
            try
            {
                using var document = JsonDocument.Parse(TrimLine(body));
                int count = document.RootElement.GetArrayLength();
                if (count > MaxBatchEvents)
                {
                    problems.Add(new("body", $"holds {count} events; at most {MaxBatchEvents} per batch"));
                    return count;
                }
                int index = 0;
                foreach (var element in document.RootElement.EnumerateArray()) onItem(index++, null, element, null);
                return count;
            }
            catch (JsonException e)
            {
                problems.Add(new("body", $"is not a valid JSON array ({JsonProblem(e)})"));
                return 0;
            }
        }

        // Lines are cut from the bytes, not from a decoded string, so invalid UTF-8 on one line is
        // that line's problem (JsonDocument refuses it) instead of turning silently into U+FFFD.
        int items = 0, lineNumber = 0;
        ReadOnlyMemory<byte> rest = body;
        while (!rest.IsEmpty)
        {
            int end = rest.Span.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? ReadOnlyMemory<byte>.Empty : rest[(end + 1)..];
            lineNumber++;
            line = TrimLine(line);
            if (line.IsEmpty) continue;
            if (items == MaxBatchEvents)
            {
                problems.Add(new("body", $"holds more than {MaxBatchEvents} events; at most {MaxBatchEvents} per batch"));
                return items;
            }
            try
            {
                using var document = JsonDocument.Parse(line);
                onItem(items, lineNumber, document.RootElement, null);
            }
            catch (JsonException e)
            {
                onItem(items, lineNumber, default, new ValidationDetail("body", $"line is not valid JSON ({JsonProblem(e, withLine: false)})"));
            }
            items++;
        }
        return items;
    }
}
