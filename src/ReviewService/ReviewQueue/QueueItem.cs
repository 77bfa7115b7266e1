using ReviewService.Policies;

namespace ReviewService.ReviewQueue;

/// <summary>Why a check is in front of a reviewer.</summary>
public static class QueueReasons
{
    /// <summary>Neither the rules nor the judge decided the check (or no judge is configured).</summary>
    public const string Undetermined = "undetermined";
    /// <summary>The judge answered, but its evidence is not in the document; its answer is a suggestion.</summary>
    public const string Ungrounded = "ungrounded";
    /// <summary>
    /// The judge answered below the policy's confidence threshold (its answer is a suggestion), or a rules decision was measured
    /// under the policy's target accuracy and nothing verified it (the rule's answer is the suggestion).
    /// </summary>
    public const string LowConfidence = "low-confidence";
    /// <summary>The judge could not be used (model unavailable, invalid output, token budget spent): the review is marked degraded.</summary>
    public const string Degraded = "degraded";
    /// <summary>A rules decision held for verification, and the judge, grounded and confident, answered otherwise: a reviewer decides between them.</summary>
    public const string Disagreement = "disagreement";
    /// <summary>Decided entirely by rules or the judge, and sampled so reviewers' verdicts measure automated accuracy.</summary>
    public const string QaSample = "qa-sample";

    public static readonly IReadOnlySet<string> All = new HashSet<string> { Undetermined, Ungrounded, LowConfidence, Degraded, Disagreement, QaSample };
}

/// <summary>What kind of work a queue item is.</summary>
public static class QueueKinds
{
    /// <summary>Checks the review cannot complete without.</summary>
    public const string Review = "review";
    /// <summary>A completed review sampled for quality assurance: the verdicts are compared with the automated findings.</summary>
    public const string QaSample = "qa-sample";
}

/// <summary>One check of a queue item and why it is there.</summary>
public sealed record QueuedCheck(string Check, string Reason, string Severity);

/// <summary>A hold until <see cref="ExpiresAt"/>, after which anyone may take it: a reviewer's on a queue item, or a worker's on a pending review.</summary>
public sealed record Lease(string Holder, DateTimeOffset ExpiresAt);

/// <summary>The checks of one review waiting for a human decision, as the evaluation creates them.</summary>
public sealed record NewQueueItem(Guid Id, string Kind, IReadOnlyList<QueuedCheck> Checks)
{
    /// <summary>Severity of the most severe check (3 high … 1 low); a QA sample (0) comes after every item that blocks a review.</summary>
    public int Priority => Kind == QueueKinds.QaSample ? 0 : Checks.Max(c => Severity.Rank(c.Severity));
}

/// <summary>A queue item as stored: one review's checks in question, its lease, and whether it is resolved.</summary>
public sealed record QueueItem(
    Guid Id, Guid ReviewId, string Policy, string FileName, string Kind, int Priority, IReadOnlyList<QueuedCheck> Checks,
    string Status, Lease? Lease, DateTimeOffset CreatedAt, string? ResolvedBy, DateTimeOffset? ResolvedAt)
{
    public const string Open = "open";
    public const string Resolved = "resolved";

    public bool IsHeldBy(string reviewer, DateTimeOffset now) => Lease is { } l && l.Holder == reviewer && l.ExpiresAt > now;

    /// <summary>Held by someone other than <paramref name="reviewer"/> and not expired.</summary>
    public bool IsHeldByAnother(string reviewer, DateTimeOffset now) => Lease is { } l && l.Holder != reviewer && l.ExpiresAt > now;
}

public sealed record QueueQuery(string? Policy, string? Reason, int Limit);
