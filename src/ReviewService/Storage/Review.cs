using System.Text.Json.Serialization;
using ReviewService.Decisions;
using ReviewService.Extraction;
using ReviewService.Judge;
using ReviewService.ReviewQueue;

namespace ReviewService.Storage;

[JsonConverter(typeof(JsonStringEnumConverter<ReviewStatus>))]
public enum ReviewStatus
{
    [JsonStringEnumMemberName("pending")] Pending,
    [JsonStringEnumMemberName("completed")] Completed,
    [JsonStringEnumMemberName("needs_review")] NeedsReview,
    [JsonStringEnumMemberName("failed")] Failed,
}

public static class ReviewStatusText
{
    /// <summary>The status as the API and the database spell it: <c>needs_review</c>.</summary>
    public static string ToWire(this ReviewStatus status) => status switch
    {
        ReviewStatus.Pending => "pending",
        ReviewStatus.Completed => "completed",
        ReviewStatus.NeedsReview => "needs_review",
        _ => "failed",
    };

    public static ReviewStatus? Parse(string? text) => Enum.GetValues<ReviewStatus>().Cast<ReviewStatus?>().FirstOrDefault(s => s!.Value.ToWire() == text);
}

/// <summary>
/// What the service kept of a submitted file. Offsets of evidence point into its extracted text. <see cref="Ocr"/>: the text was
/// recognised from a scan (absent before OCR existed, and for documents with text).
/// </summary>
public sealed record DocumentInfo(
    string FileName, string ContentType, string Format, string Sha256, long Bytes, int Characters, IReadOnlyList<int> PageStarts, OcrInfo? Ocr = null);

/// <summary>A review as stored: the submission, and once evaluated, its findings and decision.</summary>
public sealed record Review(
    Guid Id,
    string Policy,
    string PolicyVersion,
    ReviewStatus Status,
    DocumentInfo Document,
    string? ExternalRef,
    IReadOnlyDictionary<string, string> Metadata,
    ReviewDecision? Decision,
    IReadOnlyList<CheckFinding> Findings,
    string? Error,
    string? Submitter,
    string? TraceId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? CompletedAt,
    string? RequestHash,
    string? DegradedReason = null,
    LlmUsage? LlmUsage = null,
    string? TraceParent = null,
    DateTimeOffset? TextPurgedAt = null);

/// <summary>A submission ready to store: the document and its extracted text, before any evaluation.</summary>
public sealed record NewReview(
    Guid Id,
    string Policy,
    string PolicyVersion,
    DocumentInfo Document,
    byte[] Content,
    string Text,
    string? ExternalRef,
    IReadOnlyDictionary<string, string> Metadata,
    string? IdempotencyKey,
    string RequestHash,
    string? Submitter,
    string? TraceParent,
    string? TraceId,
    DateTimeOffset CreatedAt,
    Lease? Lease = null,
    Guid? BatchId = null);

/// <summary>A pending review leased to one worker.</summary>
public sealed record WorkItem(Guid Id, string Policy, string Text, string? TraceParent, int Attempts, DateTimeOffset CreatedAt, string LeaseOwner);

/// <summary>
/// The evaluation of a review, saved in one transaction with its queue item (checks left for a reviewer, or a QA sample). <see cref="DegradedReason"/> says why the judge
/// could not be used, when it could not; <see cref="LlmUsage"/> is what its call cost.
/// </summary>
public sealed record ReviewResult(
    string PolicyVersion, ReviewStatus Status, ReviewDecision Decision, IReadOnlyList<CheckFinding> Findings,
    NewQueueItem? Queue, DateTimeOffset CompletedAt, string? DegradedReason = null, LlmUsage? LlmUsage = null);

/// <summary>A page of reviews; <see cref="Submitter"/>, when set, keeps only that caller's.</summary>
public sealed record ReviewQuery(ReviewStatus? Status, string? Policy, DateTimeOffset? Since, int Limit, ReviewCursor? After, string? Submitter = null);

/// <summary>Keyset position in the newest-first list.</summary>
public sealed record ReviewCursor(long CreatedAtMs, string Id);

public sealed record ReviewPage(IReadOnlyList<Review> Items, ReviewCursor? Next);

/// <summary>The outcome of storing a submission: stored as new, or the review an earlier request with the same idempotency key created.</summary>
public sealed record CreateResult(Review? Earlier);

/// <summary>
/// A re-evaluation to save over a finished review: computed from the review as it was at <see cref="ExpectedUpdatedAt"/>, by
/// <see cref="Actor"/>, with its audit lines.
/// </summary>
public sealed record Reevaluation(Guid ReviewId, DateTimeOffset ExpectedUpdatedAt, string Actor, ReviewResult Result, IReadOnlyList<AuditEntry> Audit);

/// <summary>Saved (the replaced evaluation is revision <c>Revision</c>), or refused: the review changed meanwhile, or a reviewer holds its queue item.</summary>
public enum ReevaluationOutcome { Saved, Changed, HeldByReviewer }

/// <summary>One evaluation of a review: a replaced one, numbered from 1, or the current one (no <see cref="ReplacedAt"/>).</summary>
public sealed record Revision(
    int Number, string PolicyVersion, ReviewStatus Status, ReviewDecision? Decision, IReadOnlyList<CheckFinding> Findings,
    DateTimeOffset EvaluatedAt, DateTimeOffset? ReplacedAt, string? ReplacedBy);
