using ReviewService.Decisions;
using ReviewService.Storage;

namespace ReviewService.ReviewQueue;

/// <summary>
/// A reviewer's answer to one check, with what the automated stages had said: <see cref="AutomatedBy"/> and
/// <see cref="AutomatedOutcome"/> for a QA sample, <see cref="SuggestedOutcome"/> when the judge's answer was only a suggestion.
/// </summary>
public sealed record Verdict(
    string Check, Outcome Outcome, string? Comment, string Reason, Outcome AutomatedOutcome, DecidedBy? AutomatedBy, Outcome? SuggestedOutcome);

/// <summary>One line of a review's append-only audit log: who did what, when, and the value it replaced.</summary>
public sealed record AuditEntry(
    DateTimeOffset At, string Actor, string Action, Guid? QueueItemId, string? Check, string? Previous, string? Current, string? Comment);

/// <summary>
/// Everything a resolved queue item changes, written in one transaction: the item, the review's findings, decision and status,
/// the verdicts and the audit lines. <see cref="ReviewUpdatedAt"/> is the review's version the change was computed from.
/// </summary>
public sealed record Resolution(
    QueueItem Item, string Reviewer, IReadOnlyList<Verdict> Verdicts, IReadOnlyList<CheckFinding> Findings, ReviewDecision Decision,
    ReviewStatus Status, DateTimeOffset ReviewUpdatedAt, IReadOnlyList<AuditEntry> Audit, DateTimeOffset At);

/// <summary>Reviewer verdicts that had an automated answer to compare with, and how many agreed, per stage and check.</summary>
public sealed record AgreementCount(string Stage, string Check, int Verdicts, int Agreed);

/// <summary>A review with reviewer verdicts, as an entry of the exported labelled data set.</summary>
public sealed record LabelledReview(Guid ReviewId, string FileName, string Text, IReadOnlyList<CheckFinding> Findings, IReadOnlyDictionary<string, Outcome> Verdicts);

/// <summary>Open queue items of one policy and kind, and when the oldest was queued.</summary>
public sealed record QueueDepth(string Policy, string Kind, int Items, DateTimeOffset Oldest);

/// <summary>Work waiting: for reviewers (<see cref="Queue"/>) and for the workers (<see cref="Pending"/> reviews).</summary>
public sealed record Backlog(IReadOnlyList<QueueDepth> Queue, int Pending, DateTimeOffset? OldestPending);
