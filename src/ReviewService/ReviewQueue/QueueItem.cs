namespace ReviewService.ReviewQueue;

/// <summary>Why a check is in front of a reviewer.</summary>
public static class QueueReasons
{
    public const string Undetermined = "undetermined";
}

/// <summary>One check of one review waiting for a human decision. The reviewers' side of the queue comes in a later stage.</summary>
public sealed record QueueItem(Guid Id, Guid ReviewId, string Policy, string Check, string Reason, string Severity, DateTimeOffset CreatedAt);
