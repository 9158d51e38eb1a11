// Reads the body and answers 201 with the same JSON as POST /api/ingest: what Kestrel alone costs.
var app = WebApplication.CreateBuilder(args).Build();
app.MapPost("/api/ingest", async (HttpRequest request) =>
{
    await request.Body.CopyToAsync(Stream.Null);
    return Results.Json(new { status = "ingested" }, statusCode: 201);
});
app.Run();
