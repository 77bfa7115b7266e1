// The ceilings of the load benchmark: a minimal ASP.NET Core app that reads and parses the same JSON body the service is sent
// (POST /v1/reviews, the document text included) and answers a small JSON object. It stores nothing. Measured in the same run
// as the service (deploy/load/bench.sh), CEILING_STAGES says how much of a review it does:
//   parse (default)  parsing only: what this machine can do per request before any review work;
//   rules            and the service's rules stage (RulesEvaluator) on the text: the most any design running these rules per request can reach;
//   evaluation       and the service's whole evaluation without a judge (ReviewEvaluator: segmentation, rules, evidence clauses,
//                    retrieval of the passages reviewers see, decision, queue item), in memory: the service without HTTP extras or storage.
using System.Text.Json;
using ReviewService.Judge;
using ReviewService.Policies;
using ReviewService.Retrieval;
using ReviewService.ReviewQueue;
using ReviewService.Reviews;
using ReviewService.Rules;
using ReviewService.Storage;

var stages = Environment.GetEnvironmentVariable("CEILING_STAGES") is { Length: > 0 } s ? s : "parse";
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.AddSingleton(TimeProvider.System);
builder.AddPolicies();
builder.AddRetrieval();
builder.AddJudge();
builder.Services.AddOptions<QueueOptions>();
builder.Services.AddSingleton<ReviewEvaluator>();
var app = builder.Build();
var policies = app.Services.GetRequiredService<PolicyCatalog>();
var evaluator = app.Services.GetRequiredService<ReviewEvaluator>();
app.MapPost("/v1/reviews", async (HttpRequest request) =>
{
    using var body = await JsonDocument.ParseAsync(request.Body);
    var text = body.RootElement.GetProperty("document").GetProperty("text").GetString() ?? "";
    var policy = body.RootElement.GetProperty("policy").GetString() ?? "";
    var checks = stages switch
    {
        "parse" => 0,
        "rules" => (await RulesEvaluator.EvaluateAsync(policies.Find(policy)!, text)).Count,
        "evaluation" => (await evaluator.EvaluateAsync(new WorkItem(Guid.CreateVersion7(), policy, text, null, 1, DateTimeOffset.UtcNow, "ceiling"))).Findings.Count,
        _ => throw new InvalidOperationException($"CEILING_STAGES is parse, rules or evaluation, not '{stages}'."),
    };
    return Results.Json(new { id = Guid.CreateVersion7(), status = "completed", characters = text.Length, checks }, statusCode: 201);
});
app.Run();
