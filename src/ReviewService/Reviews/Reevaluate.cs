using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using ReviewService.Decisions;
using ReviewService.Http;
using ReviewService.Policies;
using ReviewService.ReviewQueue;
using ReviewService.Storage;

namespace ReviewService.Reviews;

/// <summary>A check whose answer the re-evaluation changed.</summary>
public sealed record FindingChange(string Check, string Before, string? BeforeBy, string After, string? AfterBy);

/// <summary>A reviewer's verdict kept over a different automated answer of the new policy version: shown, never overwritten.</summary>
public sealed record KeptVerdict(string Check, string Verdict, string Automated, string? AutomatedBy);

public sealed record ReevaluateResponse(
    ReviewResponse Review, int ReplacedRevision, string PreviousPolicyVersion, IReadOnlyList<FindingChange> Changes, IReadOnlyList<KeptVerdict> KeptVerdicts);

public sealed record RevisionView(
    int Revision, string PolicyVersion, string Status, ReviewDecision? Decision, IReadOnlyList<CheckFinding> Findings, DateTimeOffset EvaluatedAt,
    DateTimeOffset? ReplacedAt, string? ReplacedBy, bool Current);

public sealed record RevisionList(Guid ReviewId, IReadOnlyList<RevisionView> Revisions);

/// <summary>
/// <c>POST /v1/reviews/{id}/reevaluate</c> (reviewers, admins): a finished review is evaluated again, rules, retrieval and
/// judge, under the policy version loaded now. Both stay: the evaluation it replaces becomes a numbered revision
/// (<c>GET /v1/reviews/{id}/revisions</c>). A reviewer's verdicts stand: those checks keep the reviewer's answer, and where
/// the new version would answer otherwise the response and the audit log say so.
/// </summary>
public static class Reevaluate
{
    public static async Task<Results<Ok<ReevaluateResponse>, ProblemHttpResult>> HandleAsync(
        Guid id, ClaimsPrincipal user, IReviewStore store, ReviewEvaluator evaluator, PolicyCatalog policies, TimeProvider clock, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is not { } review)
        {
            return new Failure(FailureKind.NotFound, "Review not found", $"There is no review {id}.").ToProblem();
        }
        if (review.Status == ReviewStatus.Pending)
        {
            return new Failure(FailureKind.Conflict, "Review still pending", $"Review {id} is still being evaluated; re-evaluate it once it has finished.").ToProblem();
        }
        if (policies.Find(review.Policy) is not { } policy)
        {
            return new Failure(FailureKind.Conflict, "Policy not loaded", $"Policy '{review.Policy}' of review {id} is no longer loaded; deploy it again first.").ToProblem();
        }
        if (review.TextPurgedAt is not null || await store.GetTextAsync(id, ct) is not { } text)
        {
            return new Failure(FailureKind.Gone, "Document text purged",
                $"The text of review {id} was purged by the retention policy at {review.TextPurgedAt:O}; it cannot be evaluated again.").ToProblem();
        }
        var actor = user.Identity?.Name ?? "unknown";
        var fresh = await evaluator.EvaluateAsync(new WorkItem(id, review.Policy, text, review.TraceParent, 0, review.CreatedAt, actor), ct);
        var (findings, kept) = KeepVerdicts(review.Findings, fresh.Findings);
        var open = findings.Where(f => !f.IsDecided).Select(f => f.Check).ToHashSet();
        // Only the checks still open go to reviewers; a re-evaluation is not sampled for QA again.
        var queue = fresh.Queue is { Kind: QueueKinds.Review } item && open.Count > 0 ? item with { Checks = [.. item.Checks.Where(c => open.Contains(c.Check))] } : null;
        var result = fresh with
        {
            Findings = findings, Decision = DecisionTable.Decide(policy.Definition, findings), Queue = queue,
            Status = open.Count > 0 ? ReviewStatus.NeedsReview : ReviewStatus.Completed,
        };
        var changes = Changes(review.Findings, findings);
        var audit = new List<AuditEntry>
        {
            new(result.CompletedAt, actor, "reevaluated", null, null, $"policy {review.PolicyVersion}: {review.Status.ToWire()}, {review.Decision?.Outcome}",
                $"policy {result.PolicyVersion}: {result.Status.ToWire()}, {result.Decision.Outcome}", $"{changes.Count} finding(s) changed"),
        };
        audit.AddRange(kept.Select(k => new AuditEntry(result.CompletedAt, actor, "verdict-kept", null, k.Check, k.Verdict, k.Automated,
            $"policy {result.PolicyVersion} answers {k.Automated} ({k.AutomatedBy}); the reviewer's verdict stands")));

        var (outcome, revision) = await store.ReevaluateAsync(new Reevaluation(id, review.UpdatedAt, actor, result, audit), ct);
        return outcome switch
        {
            ReevaluationOutcome.Saved => TypedResults.Ok(new ReevaluateResponse(
                ReviewResponse.From((await store.GetAsync(id, ct))!), revision, review.PolicyVersion, changes, kept)),
            ReevaluationOutcome.HeldByReviewer => new Failure(FailureKind.Conflict, "A reviewer holds the review",
                $"A reviewer holds the queue item of review {id}; re-evaluate it once they have resolved or released it.").ToProblem(),
            _ => new Failure(FailureKind.Conflict, "Review changed", $"Review {id} changed while it was being evaluated again; send the request again.").ToProblem(),
        };
    }

    public static async Task<Results<Ok<RevisionList>, ProblemHttpResult>> ListRevisionsAsync(Guid id, ClaimsPrincipal user, IReviewStore store, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is not { } review || !Auth.Access.CanRead(user, review))
        {
            return new Failure(FailureKind.NotFound, "Review not found", $"There is no review {id}.").ToProblem();
        }
        var revisions = await store.ListRevisionsAsync(id, ct);
        return TypedResults.Ok(new RevisionList(id, [.. revisions.Select(r => new RevisionView(
            r.Number, r.PolicyVersion, r.Status.ToWire(), r.Decision, r.Findings, r.EvaluatedAt, r.ReplacedAt, r.ReplacedBy, r.ReplacedAt is null))]));
    }

    /// <summary>The new findings, with each check a reviewer decided keeping the reviewer's finding; and where the new version decides it otherwise.</summary>
    static (IReadOnlyList<CheckFinding> Findings, IReadOnlyList<KeptVerdict> Kept) KeepVerdicts(IReadOnlyList<CheckFinding> before, IReadOnlyList<CheckFinding> after)
    {
        var verdicts = before.Where(f => f.DecidedBy == DecidedBy.Reviewer).ToDictionary(f => f.Check);
        var kept = after.Where(f => f.IsDecided && verdicts.TryGetValue(f.Check, out var v) && f.Outcome != v.Outcome)
            .Select(f => new KeptVerdict(f.Check, verdicts[f.Check].Outcome.ToWire(), f.Outcome.ToWire(), f.DecidedBy?.ToWire())).ToList();
        return ([.. after.Select(f => verdicts.GetValueOrDefault(f.Check) ?? f)], kept);
    }

    static IReadOnlyList<FindingChange> Changes(IReadOnlyList<CheckFinding> before, IReadOnlyList<CheckFinding> after)
    {
        var old = before.ToDictionary(f => f.Check);
        return [.. after.Where(f => !old.TryGetValue(f.Check, out var o) || o.Outcome != f.Outcome || o.DecidedBy != f.DecidedBy)
            .Select(f => old.TryGetValue(f.Check, out var o)
                ? new FindingChange(f.Check, o.Outcome.ToWire(), o.DecidedBy?.ToWire(), f.Outcome.ToWire(), f.DecidedBy?.ToWire())
                : new FindingChange(f.Check, "none", null, f.Outcome.ToWire(), f.DecidedBy?.ToWire()))];
    }
}
