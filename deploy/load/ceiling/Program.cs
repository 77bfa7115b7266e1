// The ceiling of the load benchmark: a minimal ASP.NET Core app that reads and parses the same JSON body the service is sent
// (POST /v1/reviews, the document text included) and answers a small JSON object. It stores and reviews nothing: its rate is
// what this machine can do per request before any review work, measured in the same run as the service (deploy/load/bench.sh).
using System.Text.Json;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
app.MapPost("/v1/reviews", async (HttpRequest request) =>
{
    using var body = await JsonDocument.ParseAsync(request.Body);
    var text = body.RootElement.GetProperty("document").GetProperty("text").GetString() ?? "";
    return Results.Json(new { id = Guid.CreateVersion7(), status = "completed", characters = text.Length }, statusCode: 201);
});
app.Run();
