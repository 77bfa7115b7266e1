using ReviewService.Storage;

namespace ReviewService.Eval;

/// <summary>
/// The judge's one use of storage, in an evaluation: <see cref="Judge.DailyTokenBudget"/> starts each day from the tokens of
/// the stored reviews. An evaluation has none, so <c>Llm:DailyTokenBudget</c> (0 = off) caps the run's own tokens; nothing else
/// here is ever called, and it would be a bug if it were.
/// </summary>
public sealed class NoStoredReviews : IReviewStore
{
    public Task<long> GetLlmTokensSinceAsync(DateTimeOffset since, CancellationToken ct) => Task.FromResult(0L);

    public Task MigrateAsync(CancellationToken ct) => throw Unused();
    public Task<bool> IsReachableAsync(CancellationToken ct) => throw Unused();
    public Task<CreateResult> CreateAsync(NewReview review, CancellationToken ct) => throw Unused();
    public Task<Review?> FindByIdempotencyKeyAsync(string key, CancellationToken ct) => throw Unused();
    public Task<Review?> GetAsync(Guid id, CancellationToken ct) => throw Unused();
    public Task<string?> GetTextAsync(Guid id, CancellationToken ct) => throw Unused();
    public Task<ReviewPage> ListAsync(ReviewQuery query, CancellationToken ct) => throw Unused();
    public Task<WorkItem?> ClaimNextAsync(string owner, TimeSpan lease, CancellationToken ct) => throw Unused();
    public Task<bool> CompleteAsync(Guid id, string owner, ReviewResult result, CancellationToken ct) => throw Unused();
    public Task RecordFailureAsync(Guid id, string owner, string error, bool final, TimeSpan retryAfter, CancellationToken ct) => throw Unused();
    public Task<int> PurgeTextAsync(DateTimeOffset finishedBefore, int limit, CancellationToken ct) => throw Unused();
    public Task ReleaseAllLeasesAsync(CancellationToken ct) => throw Unused();
    public Task<(ReevaluationOutcome Outcome, int Revision)> ReevaluateAsync(Reevaluation reevaluation, CancellationToken ct) => throw Unused();
    public Task<IReadOnlyList<Revision>> ListRevisionsAsync(Guid id, CancellationToken ct) => throw Unused();

    static NotSupportedException Unused() => new("The evaluation stores no reviews.");
}
