using ReviewService.Replays;

namespace ReviewService.Storage;

/// <summary>Policy replays: their requests and reports, and the stored reviews they read (never change).</summary>
public interface IReplayStore
{
    Task CreateAsync(ReplayRequest replay, CancellationToken ct);
    /// <summary>Saves what the replay found so far; <paramref name="status"/> <c>completed</c> ends it.</summary>
    Task SaveAsync(Guid id, string status, ReplayCounts counts, IReadOnlyList<CheckReplay> checks, DateTimeOffset at, CancellationToken ct);
    /// <summary>The report; a replay still running whose last save is older than <paramref name="staleBefore"/> is reported <c>interrupted</c>.</summary>
    Task<ReplayReport?> GetAsync(Guid id, DateTimeOffset staleBefore, CancellationToken ct);
    /// <summary>Finished reviews of the policy created since <paramref name="since"/>, newest first, one page after <paramref name="after"/>.</summary>
    Task<IReadOnlyList<StoredReview>> ReadReviewsAsync(string policy, DateTimeOffset? since, (long CreatedAt, string Id)? after, int limit, CancellationToken ct);
}
