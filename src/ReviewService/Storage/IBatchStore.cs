using ReviewService.Batches;

namespace ReviewService.Storage;

/// <summary>Batches of documents uploaded together; each accepted document is a review like any other.</summary>
public interface IBatchStore
{
    /// <summary>
    /// Stores the batch and the reviews of its accepted documents in one transaction (announcing it at once when none was
    /// accepted). Returns null; or, when a batch with the same idempotency key is already stored (a concurrent retry won),
    /// that batch, and nothing of this one is stored.
    /// </summary>
    Task<Batch?> CreateAsync(NewBatch batch, CancellationToken ct);
    Task<Batch?> GetAsync(Guid id, CancellationToken ct);
    Task<Batch?> FindByIdempotencyKeyAsync(string key, CancellationToken ct);
}
