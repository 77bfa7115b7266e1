using ReviewService.Webhooks;

namespace ReviewService.Storage;

/// <summary>Webhook subscriptions and their outbox: one delivery row per event and subscription, with every attempt.</summary>
public interface IWebhookStore
{
    Task CreateAsync(Webhook webhook, CancellationToken ct);
    /// <summary>Active subscriptions; <paramref name="owner"/>, when set, keeps only that caller's.</summary>
    Task<IReadOnlyList<Webhook>> ListAsync(string? owner, CancellationToken ct);
    Task<Webhook?> GetAsync(Guid id, CancellationToken ct);
    /// <summary>Removes the subscription and cancels its deliveries still pending; false when there is no such active subscription.</summary>
    Task<bool> DeleteAsync(Guid id, DateTimeOffset at, CancellationToken ct);

    /// <summary>The newest deliveries of a subscription, each with its attempts, oldest attempt first.</summary>
    Task<IReadOnlyList<(Delivery Delivery, IReadOnlyList<DeliveryAttempt> Attempts)>> ListDeliveriesAsync(Guid webhookId, int limit, CancellationToken ct);
    /// <summary>Sends a delivery again (a failed one, or a delivered one the receiver lost): due now, with a new retry window.</summary>
    Task<bool> RetryAsync(Guid webhookId, Guid deliveryId, DateTimeOffset now, CancellationToken ct);

    /// <summary>Removes finished deliveries written before <paramref name="before"/>, with their attempts; returns how many.</summary>
    Task<int> PruneAsync(DateTimeOffset before, CancellationToken ct);
    /// <summary>Leases up to <paramref name="limit"/> due deliveries whose lease is free or expired; another dispatcher skips them.</summary>
    Task<IReadOnlyList<DueDelivery>> ClaimDueAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken ct);
    /// <summary>Records an attempt and where the delivery goes next, if the dispatcher still holds its lease.</summary>
    Task<bool> RecordAttemptAsync(DueDelivery due, DeliveryAttempt attempt, AttemptOutcome outcome, CancellationToken ct);
}
