using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using ReviewService.Auth;
using ReviewService.Extraction;
using ReviewService.Http;
using ReviewService.Ingestion;
using ReviewService.Policies;
using ReviewService.Reviews;
using ReviewService.Storage;
using ReviewService.Telemetry;

namespace ReviewService.Batches;

/// <summary>One document of a batch as the API shows it: its review's status once stored, or <c>rejected</c> with its problem.</summary>
public sealed record BatchDocumentView(string FileName, string Status, Guid? ReviewId, BatchError? Error, string? Link);

/// <summary>A batch: <c>pending</c> while any of its reviews is, then <c>completed</c>; counts by document status.</summary>
public sealed record BatchView(
    Guid Id, string Policy, string Status, IReadOnlyDictionary<string, int> Counts, IReadOnlyList<BatchDocumentView> Documents,
    DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt)
{
    public static BatchView From(Batch b)
    {
        var documents = b.Documents.Select(d => new BatchDocumentView(d.FileName,
            d.ReviewId is { } id ? b.Statuses.GetValueOrDefault(id, ReviewStatus.Pending).ToWire() : "rejected", d.ReviewId, d.Error,
            d.ReviewId is { } review ? $"/v1/reviews/{review}" : null)).ToList();
        return new BatchView(b.Id, b.Policy, b.CompletedAt is null ? "pending" : "completed",
            documents.GroupBy(d => d.Status).ToDictionary(g => g.Key, g => g.Count()), documents, b.CreatedAt, b.CompletedAt);
    }
}

/// <summary>
/// <c>/v1/batches</c>: many documents in one upload. Each file is read, extracted and stored as a single submission would be,
/// with the same limits; a refused file is listed with its problem while the others go on. The reviews are evaluated by the
/// workers; <c>batch.completed</c> is announced when the last one finishes.
/// </summary>
public static class BatchesApi
{
    public static RouteGroupBuilder MapBatches(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/batches").WithTags("Batches");
        group.MapPost("/", SubmitAsync)
            .Accepts<IFormFileCollection>("multipart/form-data")
            .WithSummary("Submit several documents (file parts, or a zip) under one policy")
            .DisableAntiforgery()
            .RequireAuthorization(Access.Submit);
        group.MapGet("/{id:guid}", GetAsync).WithSummary("A batch's progress: each document's status, review or problem").RequireAuthorization(Access.ReadReviews);
        return group;
    }

    public static async Task<Results<Accepted<BatchView>, Ok<BatchView>, ProblemHttpResult>> SubmitAsync(
        HttpRequest request, ClaimsPrincipal user, BatchReader reader, SubmissionReader submissions, DocumentExtractor extractor, ExtractionGate gate,
        PolicyCatalog policies, IBatchStore store, ReviewSignals signals, TimeProvider clock, CancellationToken ct)
    {
        using var activity = ReviewTelemetry.Source.StartActivity("batch.submit");
        var (key, badKey) = SubmitReview.IdempotencyKeyOf(request, user.Identity?.Name);
        if (badKey is not null)
        {
            return SubmitReview.Reject(badKey);
        }
        var (upload, refused) = await reader.ReadAsync(request, ct);
        if (refused is not null)
        {
            return SubmitReview.Reject(refused);
        }
        if (policies.Find(upload!.Policy) is not { } policy)
        {
            return SubmitReview.Reject(new Failure(FailureKind.Invalid, "Unknown policy",
                $"Name the policy in a 'policy' field; loaded policies: {string.Join(", ", policies.All.Select(p => p.Name))}.",
                new Dictionary<string, string[]> { ["policy"] = ["Required: a loaded policy."] }));
        }
        var hash = key is null ? null : Hash(upload);
        if (key is not null && await store.FindByIdempotencyKeyAsync(key, ct) is { } earlier)
        {
            return Replay(earlier, hash!);
        }
        var id = Guid.CreateVersion7();
        var now = clock.GetUtcNow();
        var documents = new List<BatchDocument>();
        var reviews = new List<NewReview>();
        foreach (var file in upload.Files)
        {
            var (review, failure) = await AcceptAsync(file, policy, user.Identity?.Name, submissions, extractor, gate, activity, now, ct);
            if (failure is not null)
            {
                ReviewTelemetry.SubmissionsRejected.Add(1, new KeyValuePair<string, object?>("reason", failure.Title));
            }
            documents.Add(new BatchDocument(file.FileName, review?.Id, failure is null ? null : new BatchError(Problems.StatusOf(failure.Kind), failure.Title, failure.Detail)));
            if (review is not null)
            {
                reviews.Add(review with { BatchId = id });
            }
        }
        if (await store.CreateAsync(new NewBatch(id, policy.Name, user.Identity?.Name, documents, reviews, now) { IdempotencyKey = key, RequestHash = hash }, ct)
            is { } raced)
        {
            return Replay(raced, hash!);
        }
        activity?.SetTag("batch.id", id);
        activity?.SetTag("batch.documents", documents.Count);
        activity?.SetTag("batch.rejected", documents.Count - reviews.Count);
        ReviewTelemetry.ReviewsSubmitted.Add(reviews.Count, new KeyValuePair<string, object?>("policy", policy.Name));
        signals.WorkAvailable();
        var batch = await store.GetAsync(id, ct);
        return TypedResults.Accepted($"/v1/batches/{id}", BatchView.From(batch!));
    }

    /// <summary>A retried upload gets the original batch; the same key with other files is a client bug.</summary>
    static Results<Accepted<BatchView>, Ok<BatchView>, ProblemHttpResult> Replay(Batch earlier, string hash) =>
        earlier.RequestHash == hash
            ? TypedResults.Ok(BatchView.From(earlier))
            : SubmitReview.Reject(new Failure(FailureKind.Conflict, "Idempotency-Key reused",
                $"This Idempotency-Key was already used for a different upload (batch {earlier.Id}). Use a new key for a new batch."));

    /// <summary>What makes two uploads the same for an <c>Idempotency-Key</c>: the policy and each file's name, type and bytes, in order.</summary>
    static string Hash(BatchUpload upload)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{upload.Policy}\n{upload.Files.Count}\n"));
        foreach (var file in upload.Files)
        {
            sha.AppendData(Encoding.UTF8.GetBytes($"{file.FileName}\n{file.ContentType}\n{file.Content?.Length ?? -1}\n"));
            sha.AppendData(file.Content ?? []);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>One file through the stages of a single submission: validation, extraction, a pending review.</summary>
    static async Task<(NewReview?, Failure?)> AcceptAsync(
        BatchFile file, Policy policy, string? submitter, SubmissionReader submissions, DocumentExtractor extractor, ExtractionGate gate,
        System.Diagnostics.Activity? activity, DateTimeOffset now, CancellationToken ct)
    {
        if (file.Refused is not null)
        {
            return (null, file.Refused);
        }
        var (submission, invalid) = await submissions.ValidateAsync(
            new SubmitReviewRequest(policy.Name, new DocumentPayload(file.FileName, file.ContentType, null, null) { Upload = file.Content }, null, null), ct);
        if (invalid is not null)
        {
            return (null, invalid);
        }
        var extraction = await gate.ExtractAsync(submission!.ContentType, submission.FileName, submission.Content, ct);
        return extraction.Failure is { } unreadable
            ? (null, unreadable)
            : (SubmitReview.NewReviewOf(Guid.CreateVersion7(), submission, SubmitReview.Hash(submission), extraction.Document!, extractor, policy, submitter, activity, now), null);
    }

    public static async Task<Results<Ok<BatchView>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, IBatchStore store, CancellationToken ct) =>
        await store.GetAsync(id, ct) is { } batch && (user.OwnReviewsOnly() is not { } own || batch.Submitter == own)
            ? TypedResults.Ok(BatchView.From(batch))
            : new Failure(FailureKind.NotFound, "Batch not found", $"There is no batch {id}.").ToProblem();
}
