using System.Diagnostics;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ReviewService.Auth;
using ReviewService.Http;
using ReviewService.Policies;
using ReviewService.Reviews;
using ReviewService.Storage;
using ReviewService.Telemetry;

namespace ReviewService.ReviewQueue;

public sealed record QueueCheckView(string Check, string Title, string Reason, string Severity);

public sealed record QueueLinks(string Self, string Review, string Document);

/// <summary>
/// A queue item as reviewers see it. <see cref="Lease"/> is null when nobody holds it (an expired lease counts as none);
/// <see cref="Priority"/> is the severity of its most severe check, or <c>qa</c> for a QA sample.
/// </summary>
public sealed record QueueItemView(
    Guid Id, Guid ReviewId, string Policy, string FileName, string Kind, string Priority, IReadOnlyList<string> Reasons,
    IReadOnlyList<QueueCheckView> Checks, string Status, Lease? Lease, DateTimeOffset CreatedAt, string? ResolvedBy, DateTimeOffset? ResolvedAt,
    QueueLinks Links)
{
    public static QueueItemView From(QueueItem item, PolicyCatalog policies, DateTimeOffset now)
    {
        var policy = policies.Find(item.Policy);
        return new(item.Id, item.ReviewId, item.Policy, item.FileName, item.Kind,
            item.Priority == 0 ? "qa" : Severity.Levels[Severity.Levels.Count - item.Priority],
            [.. item.Checks.Select(c => c.Reason).Distinct().Order()],
            [.. item.Checks.Select(c => new QueueCheckView(c.Check, policy?.Checks.GetValueOrDefault(c.Check)?.Title ?? c.Check, c.Reason, c.Severity))],
            item.Status, item.Lease is { } lease && lease.ExpiresAt > now ? lease : null, item.CreatedAt, item.ResolvedBy, item.ResolvedAt,
            new QueueLinks($"/v1/queue/{item.Id}", $"/v1/reviews/{item.ReviewId}", $"/v1/reviews/{item.ReviewId}/document"));
    }
}

public sealed record QueueList(IReadOnlyList<QueueItemView> Items);

/// <summary>A queue item with its review: findings, evidence, candidate passages, fired rules and the judge's suggestions.</summary>
public sealed record QueueItemDetail(QueueItemView Item, ReviewResponse Review);

public sealed record AuditView(DateTimeOffset At, string Actor, string Action, Guid? QueueItemId, string? Check, string? Previous, string? Current, string? Comment);

public sealed record AuditLog(Guid ReviewId, IReadOnlyList<AuditView> Entries);

/// <summary>The reviewers' queue: list, claim, release, resolve (role <c>reviewer</c>); QA agreement and the labelled export.</summary>
public static class QueueApi
{
    public static RouteGroupBuilder MapQueue(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/reviews/{id:guid}/audit", GetAuditAsync).WithTags("Reviews").WithSummary("Who did what to a review, and what it replaced")
            .RequireAuthorization(Access.ReadReviews);
        app.MapGet("/v1/stats/agreement", Agreement.GetAsync).WithTags("Queue")
            .WithSummary("How often reviewers agree with the rules and the LLM, from QA samples")
            .RequireAuthorization(Access.Stats);

        var group = app.MapGroup("/v1/queue").WithTags("Queue").RequireAuthorization(Access.WorkQueue);
        group.MapGet("/", ListAsync).WithSummary("Open items, most severe first, then oldest");
        group.MapGet("/export", LabelExport.GetAsync).WithSummary("Reviewer verdicts as a labelled data set (zip in the layout of cuad-dev)");
        group.MapGet("/{id:guid}", GetAsync).WithSummary("An item with its review");
        group.MapPost("/{id:guid}/claim", ClaimAsync).WithSummary("Take the item for a while (claiming again renews the lease)");
        group.MapPost("/{id:guid}/release", ReleaseAsync).WithSummary("Give the item back to the queue");
        group.MapPost("/{id:guid}/resolve", ResolveQueueItem.HandleAsync).WithSummary("Decide every check of the item");
        return group;
    }

    public static async Task<Results<Ok<QueueList>, ProblemHttpResult>> ListAsync(
        string? policy, string? reason, string? limit, IQueueStore store, PolicyCatalog policies, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (reason is not null && !QueueReasons.All.Contains(reason))
        {
            errors["reason"] = [$"Use one of: {string.Join(", ", QueueReasons.All)}."];
        }
        var pageSize = QueryParameters.Limit(limit, fallback: 100, max: 500, errors);
        if (QueryParameters.Invalid("Invalid query", errors) is { } invalid)
        {
            return invalid.ToProblem();
        }
        var items = await store.ListOpenAsync(new QueueQuery(policy, reason, pageSize), ct);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(new QueueList([.. items.Select(i => QueueItemView.From(i, policies, now))]));
    }

    public static async Task<Results<Ok<QueueItemDetail>, ProblemHttpResult>> GetAsync(
        Guid id, IQueueStore store, IReviewStore reviews, PolicyCatalog policies, TimeProvider clock, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is not { } item || await reviews.GetAsync(item.ReviewId, ct) is not { } review)
        {
            return NotFound(id).ToProblem();
        }
        return TypedResults.Ok(new QueueItemDetail(QueueItemView.From(item, policies, clock.GetUtcNow()), ReviewResponse.From(review)));
    }

    public static async Task<Results<Ok<QueueItemView>, ProblemHttpResult>> ClaimAsync(
        Guid id, ClaimsPrincipal user, IQueueStore store, IReviewStore reviews, PolicyCatalog policies, IOptions<QueueOptions> options,
        TimeProvider clock, CancellationToken ct)
    {
        var reviewer = ReviewerOf(user);
        var now = clock.GetUtcNow();
        if (await store.GetAsync(id, ct) is not { } item)
        {
            return NotFound(id).ToProblem();
        }
        using var span = StartSpan("queue.claim", item, await reviews.GetAsync(item.ReviewId, ct), reviewer);
        if (Unavailable(item, reviewer, now) is { } unavailable)
        {
            return unavailable.ToProblem();
        }
        var lease = new Lease(reviewer, now + options.Value.Lease);
        var renewing = item.IsHeldBy(reviewer, now);
        var audit = new AuditEntry(now, reviewer, renewing ? "lease-renewed" : "claimed", id, null,
            item.Lease is { } previous ? Describe(previous, now) : null, Describe(lease, now), null);
        if (!await store.TryLeaseAsync(id, lease, now, audit, ct))
        {
            return (await ExplainLostRaceAsync(store, id, reviewer, now, ct)).ToProblem();
        }
        return TypedResults.Ok(QueueItemView.From((await store.GetAsync(id, ct))!, policies, now));
    }

    public static async Task<Results<Ok<QueueItemView>, ProblemHttpResult>> ReleaseAsync(
        Guid id, ClaimsPrincipal user, IQueueStore store, IReviewStore reviews, PolicyCatalog policies, TimeProvider clock, CancellationToken ct)
    {
        var reviewer = ReviewerOf(user);
        var now = clock.GetUtcNow();
        if (await store.GetAsync(id, ct) is not { } item)
        {
            return NotFound(id).ToProblem();
        }
        using var span = StartSpan("queue.release", item, await reviews.GetAsync(item.ReviewId, ct), reviewer);
        if (NotHolding(item, reviewer, now) is { } failure)
        {
            return failure.ToProblem();
        }
        var audit = new AuditEntry(now, reviewer, "released", id, null, Describe(item.Lease!, now), null, null);
        if (!await store.TryReleaseAsync(id, reviewer, audit, ct))
        {
            return (await ExplainLostRaceAsync(store, id, reviewer, now, ct)).ToProblem();
        }
        return TypedResults.Ok(QueueItemView.From((await store.GetAsync(id, ct))!, policies, now));
    }

    public static async Task<Results<Ok<AuditLog>, ProblemHttpResult>> GetAuditAsync(
        Guid id, ClaimsPrincipal user, IReviewStore reviews, IQueueStore store, CancellationToken ct)
    {
        if (await reviews.GetAsync(id, ct) is not { } review || !user.CanRead(review))
        {
            return new Failure(FailureKind.NotFound, "Review not found", $"There is no review {id}.").ToProblem();
        }
        var entries = await store.GetAuditAsync(id, ct);
        return TypedResults.Ok(new AuditLog(id, [.. entries.Select(e => new AuditView(e.At, e.Actor, e.Action, e.QueueItemId, e.Check, e.Previous, e.Current, e.Comment))]));
    }

    /// <summary>
    /// A reviewer's action as a span of the review's own trace (its context was stored at submission), linked to the HTTP request
    /// that made it: from a review id, the trace shows submission, evaluation and every queue action.
    /// </summary>
    internal static Activity? StartSpan(string name, QueueItem item, Storage.Review? review, string reviewer)
    {
        ActivityContext.TryParse(review?.TraceParent, null, out var parent);
        var request = Activity.Current;
        var links = request is null ? null : new[] { new ActivityLink(request.Context) };
        var span = ReviewTelemetry.Source.StartActivity(name, ActivityKind.Internal, parent, links: links);
        span?.SetTag("review.id", item.ReviewId);
        span?.SetTag("queue.item", item.Id);
        span?.SetTag("queue.kind", item.Kind);
        span?.SetTag("queue.reviewer", reviewer);
        return span;
    }

    /// <summary>The name of the API key: who holds leases and signs verdicts.</summary>
    internal static string ReviewerOf(ClaimsPrincipal user) => user.Identity?.Name ?? throw new InvalidOperationException("An authenticated user has a name.");

    internal static Failure NotFound(Guid id) => new(FailureKind.NotFound, "Queue item not found", $"There is no queue item {id}.");

    /// <summary>Why <paramref name="reviewer"/> cannot claim the item now, or null when they can.</summary>
    internal static Failure? Unavailable(QueueItem item, string reviewer, DateTimeOffset now)
    {
        if (item.Status == QueueItem.Resolved)
        {
            return new Failure(FailureKind.Conflict, "Already resolved",
                $"{item.ResolvedBy} resolved this item at {item.ResolvedAt:u}. Open the review to see the verdicts.");
        }
        if (item.IsHeldByAnother(reviewer, now))
        {
            var lease = item.Lease!;
            return new Failure(FailureKind.Conflict, "Claimed by another reviewer",
                $"{lease.Holder} holds this item until {lease.ExpiresAt:u}. Pick another item, or try again after the lease expires.",
                Extensions: new Dictionary<string, object?> { ["holder"] = lease.Holder, ["expiresAt"] = lease.ExpiresAt });
        }
        return null;
    }

    /// <summary>Why <paramref name="reviewer"/> may not release or resolve the item, or null when they hold it.</summary>
    internal static Failure? NotHolding(QueueItem item, string reviewer, DateTimeOffset now) =>
        Unavailable(item, reviewer, now)
        ?? (item.IsHeldBy(reviewer, now) ? null : new Failure(FailureKind.Conflict, "Claim the item first",
            item.Lease is { Holder: var holder } && holder == reviewer
                ? "Your lease on this item expired. Claim it again; if nobody else took it, your work is still yours to submit."
                : "You do not hold this item. Claim it before releasing or resolving it."));

    internal static async Task<Failure> ExplainLostRaceAsync(IQueueStore store, Guid id, string reviewer, DateTimeOffset now, CancellationToken ct) =>
        await store.GetAsync(id, ct) is { } fresh
            ? NotHolding(fresh, reviewer, now) ?? new Failure(FailureKind.Conflict, "The item changed", "The item changed while you worked on it. Reload it and try again.")
            : NotFound(id);

    static string Describe(Lease lease, DateTimeOffset now) =>
        $"{lease.Holder} until {lease.ExpiresAt:u}{(lease.ExpiresAt <= now ? " (expired)" : "")}";
}
