namespace ReviewService.ReviewQueue;

/// <summary>Why a check is in front of a reviewer.</summary>
public static class QueueReasons
{
    /// <summary>Neither the rules nor the judge decided the check (or no judge is configured).</summary>
    public const string Undetermined = "undetermined";
    /// <summary>The judge answered, but its evidence is not in the document; its answer is a suggestion.</summary>
    public const string Ungrounded = "ungrounded";
    /// <summary>The judge answered below the policy's confidence threshold; its answer is a suggestion.</summary>
    public const string LowConfidence = "low-confidence";
    /// <summary>The judge could not be used (model unavailable, invalid output, token budget spent): the review is marked degraded.</summary>
    public const string Degraded = "degraded";
}

/// <summary>One check of one review waiting for a human decision. The reviewers' side of the queue comes in a later stage.</summary>
public sealed record QueueItem(Guid Id, Guid ReviewId, string Policy, string Check, string Reason, string Severity, DateTimeOffset CreatedAt);
