using System.Diagnostics;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ReviewService.Extraction;
using ReviewService.Http;
using ReviewService.Ingestion;
using ReviewService.Policies;
using ReviewService.Storage;
using ReviewService.Telemetry;

namespace ReviewService.Reviews;

/// <summary>
/// <c>POST /v1/reviews</c>: ingest → extract → store (before any evaluation) → hand to the workers → wait briefly.
/// 201 with the finished review when it completes within the wait, else 202 with its Location.
/// </summary>
public static class SubmitReview
{
    public const string IdempotencyHeader = "Idempotency-Key";

    public static async Task<Results<Created<ReviewResponse>, Accepted<ReviewResponse>, Ok<ReviewResponse>, ProblemHttpResult>> HandleAsync(
        HttpRequest request, ClaimsPrincipal user, SubmissionReader reader, DocumentExtractor extractor, ExtractionGate gate, PolicyCatalog policies,
        IReviewStore store, ReviewSignals signals, ReviewWorker worker, IOptions<IngestionOptions> options, TimeProvider clock, CancellationToken ct)
    {
        using var activity = ReviewTelemetry.Source.StartActivity("review.submit");
        var submitter = user.Identity?.Name;
        var (scopedKey, badKey) = IdempotencyKeyOf(request, submitter);
        if (badKey is not null)
        {
            return Reject(badKey);
        }

        var (submission, invalid) = await reader.ReadAsync(request, ct);
        if (invalid is not null)
        {
            return Reject(invalid);
        }
        var requestHash = Hash(submission!);
        if (scopedKey is not null && await store.FindByIdempotencyKeyAsync(scopedKey, ct) is { } earlier)
        {
            return Replay(earlier, requestHash);
        }

        var extraction = await gate.ExtractAsync(submission!.ContentType, submission.FileName, submission.Content, ct);
        if (extraction.Failure is { } unreadable)
        {
            return Reject(unreadable);
        }
        var document = extraction.Document!;
        var policy = policies.Find(submission.Policy)!;
        var id = Guid.CreateVersion7();
        var finished = signals.Watch(id);
        var wait = WaitTime(request, options.Value);
        // A submission that waits is stored leased to this instance and evaluated here at once, when a turn is free.
        var lease = wait > TimeSpan.Zero ? worker.Reserve() : null;
        try
        {
            var now = clock.GetUtcNow();
            var created = await store.CreateAsync(NewReviewOf(id, submission, requestHash, document, extractor, policy, submitter, activity, now) with
            {
                IdempotencyKey = scopedKey, Lease = lease,
            }, ct);
            if (created.Earlier is { } raced)
            {
                return Replay(raced, requestHash);
            }
            activity?.SetTag("review.id", id);
            ReviewTelemetry.ReviewsSubmitted.Add(1, new KeyValuePair<string, object?>("policy", policy.Name));
            if (lease is not null)
            {
                worker.Start(new WorkItem(id, policy.Name, document.Text, activity?.Id, 1, now, lease.Holder));
                lease = null;
            }
            else
            {
                signals.WorkAvailable();
            }

            await WaitForEvaluationAsync(finished, id, wait, store, clock, ct);
            var review = ReviewResponse.From((await store.GetAsync(id, ct))!);
            request.HttpContext.Response.Headers["Preference-Applied"] = $"wait={wait.TotalSeconds:0.###}";
            return review.Status == "pending"
                ? TypedResults.Accepted(review.Links.Self, review)
                : TypedResults.Created(review.Links.Self, review);
        }
        finally
        {
            signals.Forget(id);
            if (lease is not null)
            {
                worker.Return();
            }
        }
    }

    /// <summary>A pending review of an extracted submission, as a single submission or one document of a batch stores it.</summary>
    internal static NewReview NewReviewOf(
        Guid id, Submission submission, string requestHash, ExtractedDocument document, DocumentExtractor extractor, Policy policy, string? submitter,
        Activity? activity, DateTimeOffset now)
    {
        var info = new DocumentInfo(submission.FileName, extractor.Resolve(submission.ContentType, submission.FileName)!, document.Format,
            Convert.ToHexStringLower(SHA256.HashData(submission.Content)), submission.Content.Length, document.Text.Length, document.PageStarts, document.Ocr);
        return new NewReview(id, policy.Name, policy.Version, info, submission.Content, document.Text, submission.ExternalRef, submission.Metadata,
            null, requestHash, submitter, activity?.Id, activity?.TraceId.ToHexString(), now);
    }

    internal static ProblemHttpResult Reject(Failure failure)
    {
        ReviewTelemetry.SubmissionsRejected.Add(1, new KeyValuePair<string, object?>("reason", failure.Title));
        return failure.ToProblem();
    }

    /// <summary>
    /// The client's <c>Idempotency-Key</c>, scoped to the submitter so that two callers' keys never meet; null when none was
    /// sent; a problem when it is too long to store.
    /// </summary>
    internal static (string? Key, Failure? Refused) IdempotencyKeyOf(HttpRequest request, string? submitter)
    {
        var key = request.Headers[IdempotencyHeader].ToString();
        return key.Length switch
        {
            0 => (null, null),
            > 200 => (null, new Failure(FailureKind.Invalid, "Idempotency-Key too long", "Use an Idempotency-Key of at most 200 characters (a UUID is ideal).")),
            _ => ($"{submitter}:{key}", null),
        };
    }

    /// <summary>A retried submission gets the original review; the same key with a different document is a client bug.</summary>
    static Results<Created<ReviewResponse>, Accepted<ReviewResponse>, Ok<ReviewResponse>, ProblemHttpResult> Replay(Review earlier, string requestHash) =>
        earlier.RequestHash == requestHash
            ? TypedResults.Ok(ReviewResponse.From(earlier))
            : Reject(new Failure(FailureKind.Conflict, "Idempotency-Key reused",
                $"This Idempotency-Key was already used for a different submission (review {earlier.Id}). Use a new key for a new document."));

    internal static readonly TimeSpan OtherInstancesPoll = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Waits until the review is evaluated or <paramref name="wait"/> is over. This instance's workers signal at once; a worker of
    /// another instance on the same database cannot, so the database is read every <see cref="OtherInstancesPoll"/> as well.
    /// </summary>
    static async Task WaitForEvaluationAsync(Task finished, Guid id, TimeSpan wait, IReviewStore store, TimeProvider clock, CancellationToken ct)
    {
        var deadline = clock.GetUtcNow() + wait;
        for (var left = wait; left > TimeSpan.Zero; left = deadline - clock.GetUtcNow())
        {
            var slice = left < OtherInstancesPoll ? left : OtherInstancesPoll;
            if (await Task.WhenAny(finished, Task.Delay(slice, clock, ct)) == finished || (await store.GetAsync(id, ct))?.Status != ReviewStatus.Pending)
            {
                return;
            }
        }
    }

    /// <summary><c>Prefer: wait=N</c> (RFC 7240), bounded by the configured maximum.</summary>
    static TimeSpan WaitTime(HttpRequest request, IngestionOptions options)
    {
        var seconds = options.DefaultWaitSeconds;
        foreach (var preference in request.Headers["Prefer"].ToString().Split(',', ';'))
        {
            var parts = preference.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts is ["wait", var value] && double.TryParse(value, out var asked) && asked >= 0)
            {
                seconds = asked;
            }
        }
        return TimeSpan.FromSeconds(Math.Min(seconds, options.MaxWaitSeconds));
    }

    /// <summary>What makes two submissions the same for an Idempotency-Key: policy, file name, type and bytes.</summary>
    internal static string Hash(Submission s)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{s.Policy}\n{s.FileName}\n{s.ContentType}\n"));
        sha.AppendData(s.Content);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
