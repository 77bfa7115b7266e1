using ReviewService.Storage;

namespace ReviewService.Batches;

/// <summary>One file of a batch as it was accepted: the review it became, or the problem that refused it.</summary>
public sealed record BatchDocument(string FileName, Guid? ReviewId, BatchError? Error);

/// <summary>Why a file of a batch was refused: the problem a single submission of it would have got.</summary>
public sealed record BatchError(int Status, string Title, string Detail);

/// <summary>
/// A batch to store: its documents in upload order, and the reviews of those that were accepted; with the client's
/// <c>Idempotency-Key</c> (scoped to the submitter) and the hash of what was uploaded under it.
/// </summary>
public sealed record NewBatch(Guid Id, string Policy, string? Submitter, IReadOnlyList<BatchDocument> Documents, IReadOnlyList<NewReview> Reviews, DateTimeOffset CreatedAt)
{
    public string? IdempotencyKey { get; init; }
    public string? RequestHash { get; init; }
}

/// <summary>A stored batch, with the status of each accepted document's review now.</summary>
public sealed record Batch(
    Guid Id, string Policy, string? Submitter, IReadOnlyList<BatchDocument> Documents, IReadOnlyDictionary<Guid, ReviewStatus> Statuses,
    int Pending, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt)
{
    /// <summary>The hash of the upload, when it was sent with an <c>Idempotency-Key</c>: a retry must upload the same.</summary>
    public string? RequestHash { get; init; }
}
