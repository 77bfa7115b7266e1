using ReviewService.Auth;
using ReviewService.Batches;
using ReviewService.Extraction;
using ReviewService.Health;
using ReviewService.Http;
using ReviewService.Ingestion;
using ReviewService.Judge;
using ReviewService.Policies;
using ReviewService.Replays;
using ReviewService.ReviewQueue;
using ReviewService.Retrieval;
using ReviewService.Reviews;
using ReviewService.Storage;
using ReviewService.Telemetry;
using ReviewService.Webhooks;
using ReviewService.WebUi;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSingleton(TimeProvider.System);

builder.AddTelemetry();           // traces and metrics for every stage
builder.AddProblems();            // every error is problem+json
builder.AddCredentials();         // API keys and OIDC bearer tokens → roles; the access table (Auth/Access.cs)
builder.AddRateLimits();          // per-credential request and submission limits, request time limit
builder.AddPolicies();            // rules/<policy>/: detectors, RulesEngine workflows, decision table
builder.AddIngestion();           // JSON or multipart → validated Submission
builder.AddExtraction();          // text, HTML, PDF, DOCX, scans (OCR) → ExtractedDocument with offsets
builder.AddStorage();             // SQLite: the document is stored before it is evaluated
builder.AddRetrieval();           // the passages of each undetermined check that the judge reads and the reviewer sees
builder.AddJudge();               // LLM judge for what the rules leave undetermined (Llm:Provider, default None)
builder.AddReviewProcessing();    // workers: rules → retrieval → judge → decision → review queue
builder.AddReviewQueue();         // reviewers: leases, verdicts, QA sampling, audit log
builder.AddWebhooks();            // signed callbacks from an outbox written with each change (review finished, queue resolved)
builder.AddHealth();
builder.AddApiDocs();

var app = builder.Build();
app.UseProblems();
app.UseWebUi();                   // the review UI at /: static files, anonymous, strict CSP
app.UseAuthentication();
app.UseRateLimits();
app.UseAuthorization();

app.MapHealth();
app.MapMetrics();
app.MapAccount();
app.MapReviews();
app.MapBatches();
app.MapQueue();
app.MapWebhooks();
app.MapPolicies();
app.MapReplays();
app.MapApiKeys();
app.MapApiDocs();

app.Run();

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
