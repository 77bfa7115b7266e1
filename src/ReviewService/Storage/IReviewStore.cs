namespace ReviewService.Storage;

/// <summary>Where reviews, their documents and queue items live. One implementation per database, chosen by configuration.</summary>
public interface IReviewStore
{
    Task MigrateAsync(CancellationToken ct);
    Task<bool> IsReachableAsync(CancellationToken ct);

    /// <summary>Stores the document and its pending review atomically; with a known idempotency key, returns the earlier review instead.</summary>
    Task<CreateResult> CreateAsync(NewReview review, CancellationToken ct);
    Task<Review?> FindByIdempotencyKeyAsync(string key, CancellationToken ct);
    Task<Review?> GetAsync(Guid id, CancellationToken ct);
    Task<string?> GetTextAsync(Guid id, CancellationToken ct);
    Task<ReviewPage> ListAsync(ReviewQuery query, CancellationToken ct);

    /// <summary>Leases the oldest pending review whose lease is free or expired.</summary>
    Task<WorkItem?> ClaimNextAsync(string owner, TimeSpan lease, CancellationToken ct);
    /// <summary>Saves a finished evaluation if <paramref name="owner"/> still holds the lease; false when it was lost.</summary>
    Task<bool> CompleteAsync(Guid id, string owner, ReviewResult result, CancellationToken ct);
    /// <summary>Records a failed attempt: the review is retried after <paramref name="retryAfter"/>, or marked failed when <paramref name="final"/>.</summary>
    Task RecordFailureAsync(Guid id, string owner, string error, bool final, TimeSpan retryAfter, CancellationToken ct);
    /// <summary>LLM tokens used by reviews completed since <paramref name="since"/>: what the daily token budget starts from.</summary>
    Task<long> GetLlmTokensSinceAsync(DateTimeOffset since, CancellationToken ct);
    /// <summary>
    /// Retention: removes the text and file of up to <paramref name="limit"/> reviews finished before <paramref name="finishedBefore"/>,
    /// recording when and an audit line; decision, findings and audit trail stay. Returns how many were purged.
    /// </summary>
    Task<int> PurgeTextAsync(DateTimeOffset finishedBefore, int limit, CancellationToken ct);
    /// <summary>
    /// Re-review: saves <paramref name="reevaluation"/> over a finished review and keeps the evaluation it replaces as a numbered
    /// revision, with the queue item, audit lines and webhook events of the new one, in one transaction.
    /// </summary>
    Task<(ReevaluationOutcome Outcome, int Revision)> ReevaluateAsync(Reevaluation reevaluation, CancellationToken ct);
    /// <summary>Every evaluation of the review, oldest first, the current one last.</summary>
    Task<IReadOnlyList<Revision>> ListRevisionsAsync(Guid id, CancellationToken ct);
    /// <summary>Frees every lease (single-instance databases, at startup): reviews left pending by a crash are picked up at once.</summary>
    Task ReleaseAllLeasesAsync(CancellationToken ct);
}
