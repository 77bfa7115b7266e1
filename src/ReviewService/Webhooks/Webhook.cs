namespace ReviewService.Webhooks;

/// <summary>The events a subscription can ask for; <see cref="All"/> in the order the README lists them.</summary>
public static class WebhookEvents
{
    public const string ReviewCompleted = "review.completed";
    public const string ReviewNeedsReview = "review.needs_review";
    public const string ReviewFailed = "review.failed";
    public const string QueueResolved = "queue.resolved";
    public const string BatchCompleted = "batch.completed";

    public static readonly IReadOnlyList<string> All = [ReviewCompleted, ReviewNeedsReview, ReviewFailed, QueueResolved, BatchCompleted];
}

/// <summary>
/// A subscription: <see cref="Url"/> receives the <see cref="Events"/> of <see cref="Owner"/>'s reviews, or of every review when
/// <see cref="AllReviews"/> (an admin's). The secret signs every request and is shown only when the subscription is created.
/// </summary>
public sealed record Webhook(Guid Id, string Owner, bool AllReviews, string Url, IReadOnlyList<string> Events, string Secret, DateTimeOffset CreatedAt);

/// <summary>The body every delivery carries, signed as sent: <c>{ id, type, createdAt, data }</c>.</summary>
public sealed record WebhookEvent(string Id, string Type, DateTimeOffset CreatedAt, WebhookEventData Data);

/// <summary>What changed: the review (or batch) <see cref="Id"/>, its status and decision now, and where to read the rest.</summary>
public sealed record WebhookEventData(Guid Id, string Status, string? Decision, IReadOnlyDictionary<string, string> Links);

/// <summary>
/// A state change to announce, written in the transaction of the change itself (the outbox): to the subscriptions of
/// <see cref="Owner"/> (who submitted the review) and to those covering every review.
/// </summary>
public sealed record OutboxEvent(string Type, string? Owner, WebhookEventData Data, DateTimeOffset At);

public enum DeliveryStatus { Pending, Delivered, Failed, Cancelled }

/// <summary>
/// One event for one subscription, and its place in the retry schedule: retried until <see cref="WebhookOptions.RetryHours"/>
/// after <see cref="RetryFrom"/> (when it was written, or last sent again by hand).
/// </summary>
public sealed record Delivery(
    Guid Id, Guid WebhookId, string EventId, string EventType, string Body, DeliveryStatus Status, int Attempts,
    DateTimeOffset CreatedAt, DateTimeOffset NextAttemptAt, DateTimeOffset RetryFrom, DateTimeOffset? DeliveredAt, string? LastError);

/// <summary>A delivery leased to one dispatcher, with what it needs to send it.</summary>
public sealed record DueDelivery(Delivery Delivery, string Url, string Secret, string LeaseOwner);

/// <summary>One try: the receiver's status code, or the error that stopped the request.</summary>
public sealed record DeliveryAttempt(DateTimeOffset At, int? StatusCode, string? Error, TimeSpan Duration)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;
}

/// <summary>Where a delivery goes after an attempt: done, tried again at <see cref="NextAttemptAt"/>, or given up.</summary>
public sealed record AttemptOutcome(DeliveryStatus Status, DateTimeOffset? NextAttemptAt);

public sealed class WebhookOptions
{
    public const string Section = "Webhooks";
    /// <summary>Deliver from this instance (a subscription and its events are stored either way).</summary>
    public bool Deliver { get; set; } = true;
    /// <summary>Loopback, link-local and private addresses are refused as targets unless this is true (a webhook is a request the service makes for a caller: SSRF).</summary>
    public bool AllowPrivateNetworks { get; set; }
    /// <summary>How long a delivery is retried before it is given up (and can still be sent again by hand).</summary>
    public double RetryHours { get; set; } = 24;
    /// <summary>The first retry waits about this long; each next one twice as long (with jitter), up to <see cref="MaxRetryDelaySeconds"/>.</summary>
    public double FirstRetryDelaySeconds { get; set; } = 10;
    public double MaxRetryDelaySeconds { get; set; } = 3600;
    /// <summary>One request, from connecting to the end of the receiver's answer.</summary>
    public double TimeoutSeconds { get; set; } = 10;
    /// <summary>How often the dispatcher looks for due retries when nothing new was written.</summary>
    public double PollSeconds { get; set; } = 1;
    public int MaxConcurrentDeliveries { get; set; } = 4;
    public int MaxSubscriptionsPerOwner { get; set; } = 20;
    /// <summary>Days a finished delivery (delivered, failed or cancelled) and its attempts stay in the log; pending ones always stay.</summary>
    public double KeepDays { get; set; } = 30;
}
