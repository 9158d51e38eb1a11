using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Gasometer.Web;

/// <summary>
/// Fills in what the OpenAPI generator cannot see: the endpoints read their query parameters
/// themselves (to report every bad one at once), so the shared range, zone and filter parameters
/// are described here, once, for every read endpoint.
/// </summary>
public static class ApiDocument
{
    /// <summary>The stop-hook event as POST /api/ingest accepts it (the seed's body), for the document only.</summary>
    public sealed record IngestEvent(
        string SessionId, string Role, decimal CostUsd, string EndedAt, string? Worker = null, string? Rig = null,
        long? InputTokens = null, long? OutputTokens = null, long? CacheReadTokens = null, long? CacheCreateTokens = null,
        string? Model = null, long? DurationSec = null, long? BeadsClosed = null);

    static readonly (string Name, string Description)[] Shared =
    [
        ("from", "Start: a date (YYYY-MM-DD, start of that day in tz) or an RFC 3339 instant."),
        ("to", "End, inclusive: a date (the whole day in tz) or an RFC 3339 instant."),
        ("tz", "IANA time zone for days, weeks and months (default: Gasometer:TimeZone, else UTC)."),
        ("role", "Only these roles (repeat or comma-separate)."),
        ("rig", "Only these rigs (repeat or comma-separate)."),
        ("worker", "Only these workers (repeat or comma-separate)."),
        ("model", "Only these models (repeat or comma-separate)."),
        ("source", "Only these sources: hook, costs.jsonl, transcript (repeat or comma-separate). One source alone shows all of its spend; "
            + "otherwise hook and costs.jsonl spend in an hour where the same agent has transcript spend is left out."),
    ];

    static readonly Dictionary<string, (string Name, string Description)[]> Specific = new()
    {
        ["/api/costs"] =
        [
            ("limit", "Rows per page, 1 to 1000 (default 100)."), ("offset", "Rows to skip (default 0)."),
            ("sort", "ended_at (default), started_at, cost, session_id, role, worker, rig, model, duration, beads, tokens."),
            ("order", "desc (default) or asc."), ("q", "Text to find in session id, worker or rig."),
        ],
        ["/api/stats/daily"] = [("group_by", "role (default), rig, worker, model or source.")],
        ["/api/stats/hourly"] = [("hours", "How many hours back, 1 to 744 (default 24).")],
    };

    public static void AddApiDocument(this IServiceCollection services) =>
        services.AddOpenApi(options => options.AddOperationTransformer(async (operation, context, ct) =>
        {
            var path = "/" + (context.Description.RelativePath ?? "").Split('?')[0].TrimEnd('/');
            if (context.Description.HttpMethod == "POST" && path.StartsWith("/api/ingest"))
            {
                // Described here rather than with Accepts(): that would also make routing refuse bodies
                // sent without a JSON content type, which existing curl hooks do send.
                var type = path.EndsWith("/batch") ? typeof(IngestEvent[]) : typeof(IngestEvent);
                var schema = await context.GetOrCreateSchemaAsync(type, null, ct);
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
                };
                return;
            }
            if (context.Description.HttpMethod != "GET" || !(path.StartsWith("/api/stats") || path == "/api/costs")) return;
            operation.Parameters ??= [];
            foreach (var (name, description) in Shared.Concat(Specific.GetValueOrDefault(path) ?? []))
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = name, In = ParameterLocation.Query, Description = description,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
        }));
}
