using ReviewService.ReviewQueue;

namespace ReviewService.Storage;

/// <summary>The reviewers' queue, their verdicts and the audit log. Every change is guarded, so two reviewers never both win.</summary>
public interface IQueueStore
{
    /// <summary>Open items, most urgent first: priority (severity of the checks in question), then age.</summary>
    Task<IReadOnlyList<QueueItem>> ListOpenAsync(QueueQuery query, CancellationToken ct);
    Task<QueueItem?> GetAsync(Guid id, CancellationToken ct);
    Task<QueueItem?> FindByReviewAsync(Guid reviewId, CancellationToken ct);

    /// <summary>Gives the open item to <paramref name="lease"/>'s holder unless another reviewer's lease is still running.</summary>
    Task<bool> TryLeaseAsync(Guid id, Lease lease, DateTimeOffset now, AuditEntry audit, CancellationToken ct);
    /// <summary>Ends <paramref name="holder"/>'s lease on the open item.</summary>
    Task<bool> TryReleaseAsync(Guid id, string holder, AuditEntry audit, CancellationToken ct);
    /// <summary>Applies a resolution if its reviewer still holds the item and the review has not changed since it was read.</summary>
    Task<bool> TryResolveAsync(Resolution resolution, CancellationToken ct);

    /// <summary>How much work is waiting: open queue items and pending reviews, with the oldest of each.</summary>
    Task<Backlog> GetBacklogAsync(CancellationToken ct);

    Task<IReadOnlyList<AuditEntry>> GetAuditAsync(Guid reviewId, CancellationToken ct);
    Task<IReadOnlyList<AgreementCount>> CountAgreementAsync(string? policy, DateTimeOffset? since, CancellationToken ct);
    /// <summary>Reviews of <paramref name="policy"/> with reviewer verdicts (the latest per check), oldest first.</summary>
    IAsyncEnumerable<LabelledReview> ReadLabelledAsync(string policy, CancellationToken ct);
}
