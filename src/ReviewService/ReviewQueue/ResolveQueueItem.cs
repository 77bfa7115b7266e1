using System.Diagnostics;
using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using ReviewService.Decisions;
using ReviewService.Http;
using ReviewService.Policies;
using ReviewService.Reviews;
using ReviewService.Storage;
using ReviewService.Telemetry;

namespace ReviewService.ReviewQueue;

/// <summary>A reviewer's answer to one check: <c>present</c> or <c>absent</c>, an optional comment, and for a check with a value, optionally the right value.</summary>
public sealed record VerdictRequest(string? Check, string? Outcome, string? Comment, string? Value);

public sealed record ResolveRequest(IReadOnlyList<VerdictRequest>? Verdicts);

public sealed record ResolveResponse(QueueItemView Item, ReviewResponse Review);

public sealed class ResolveRequestValidator : AbstractValidator<ResolveRequest>
{
    public const int MaxCommentLength = 4000;

    public ResolveRequestValidator()
    {
        RuleFor(r => r.Verdicts).NotEmpty().WithMessage("Give a verdict for every check of the item: { \"verdicts\": [ { \"check\": \"...\", \"outcome\": \"present\" } ] }.");
        RuleFor(r => r.Verdicts).Must(v => v is null || v.Select(x => x?.Check).Distinct().Count() == v.Count)
            .WithMessage("Give each check one verdict.");
        RuleForEach(r => r.Verdicts).ChildRules(v =>
        {
            v.RuleFor(x => x.Check).NotEmpty().WithMessage("Every verdict names its check.");
            v.RuleFor(x => x.Outcome).Must(o => o is "present" or "absent").WithMessage("The outcome is 'present' or 'absent'.");
            v.RuleFor(x => x.Comment).MaximumLength(MaxCommentLength).WithMessage($"Keep a comment under {MaxCommentLength} characters.");
            v.RuleFor(x => x.Value).MaximumLength(500).WithMessage("Keep a value under 500 characters.");
        }).When(r => r.Verdicts is not null);
    }
}

/// <summary>
/// <c>POST /v1/queue/{id}/resolve</c>: the lease holder decides every check of the item. The findings become
/// <c>decidedBy: reviewer</c>, the document decision is recomputed, and the verdicts and audit lines are written in one transaction.
/// </summary>
public static class ResolveQueueItem
{
    public static async Task<Results<Ok<ResolveResponse>, ProblemHttpResult>> HandleAsync(
        Guid id, ResolveRequest request, ClaimsPrincipal user, IValidator<ResolveRequest> validator, IQueueStore store, IReviewStore reviews,
        PolicyCatalog policies, TimeProvider clock, CancellationToken ct)
    {
        var reviewer = QueueApi.ReviewerOf(user);
        var now = clock.GetUtcNow();
        var validation = await validator.ValidateAsync(request, ct);
        if (!validation.IsValid)
        {
            var errors = validation.ToDictionary();
            return new Failure(FailureKind.Invalid, "Invalid verdicts", string.Join(" ", errors.Values.SelectMany(v => v).Distinct()), errors).ToProblem();
        }
        if (await store.GetAsync(id, ct) is not { } item || await reviews.GetAsync(item.ReviewId, ct) is not { } review)
        {
            return QueueApi.NotFound(id).ToProblem();
        }
        using var activity = QueueApi.StartSpan("queue.resolve", item, review, reviewer);
        if (QueueApi.NotHolding(item, reviewer, now) is { } notHolding)
        {
            return notHolding.ToProblem();
        }
        if (policies.Find(item.Policy) is not { } policy)
        {
            return new Failure(FailureKind.Conflict, "Policy not loaded",
                $"Policy '{item.Policy}' is not loaded by this service, so the decision cannot be recomputed. Deploy the policy again.").ToProblem();
        }
        if (Mismatch(item, request.Verdicts!) is { } mismatch)
        {
            return mismatch.ToProblem();
        }

        var resolution = Resolve(item, review, policy, reviewer, request.Verdicts!, now);
        if (!await store.TryResolveAsync(resolution, ct))
        {
            return (await QueueApi.ExplainLostRaceAsync(store, id, reviewer, now, ct)).ToProblem();
        }
        Record(item, resolution.Verdicts);
        activity?.SetTag("decision.outcome", resolution.Decision.Outcome);
        activity?.SetTag("queue.verdicts", resolution.Verdicts.Count);
        var resolved = (await store.GetAsync(id, ct))!;
        return TypedResults.Ok(new ResolveResponse(QueueItemView.From(resolved, policies, now), ReviewResponse.From((await reviews.GetAsync(item.ReviewId, ct))!)));
    }

    /// <summary>The verdicts must cover exactly the item's checks: a review is not complete while any of them is open.</summary>
    static Failure? Mismatch(QueueItem item, IReadOnlyList<VerdictRequest> verdicts)
    {
        var expected = item.Checks.Select(c => c.Check).ToHashSet();
        var given = verdicts.Select(v => v.Check!).ToHashSet();
        var missing = expected.Except(given).Order().ToList();
        var unknown = given.Except(expected).Order().ToList();
        if (missing.Count == 0 && unknown.Count == 0)
        {
            return null;
        }
        var errors = new Dictionary<string, string[]>();
        if (missing.Count > 0)
        {
            errors["missing"] = [.. missing];
        }
        if (unknown.Count > 0)
        {
            errors["unknown"] = [.. unknown];
        }
        var detail = (missing.Count > 0 ? $"Decide these checks too: {string.Join(", ", missing)}. " : "")
            + (unknown.Count > 0 ? $"These checks are not part of this item: {string.Join(", ", unknown)}." : "");
        return new Failure(FailureKind.Unprocessable, "Verdicts do not match the item", detail.Trim(), errors);
    }

    static Resolution Resolve(QueueItem item, Storage.Review review, Policy policy, string reviewer, IReadOnlyList<VerdictRequest> requests, DateTimeOffset now)
    {
        var byCheck = requests.ToDictionary(v => v.Check!, StringComparer.Ordinal);
        var reasons = item.Checks.ToDictionary(c => c.Check, c => c.Reason, StringComparer.Ordinal);
        var verdicts = new List<Verdict>();
        var audit = new List<AuditEntry>();
        var findings = review.Findings.Select(f =>
        {
            if (!byCheck.TryGetValue(f.Check, out var v))
            {
                return f;
            }
            var outcome = v.Outcome == "present" ? Outcome.Present : Outcome.Absent;
            var decided = f with
            {
                Outcome = outcome, DecidedBy = DecidedBy.Reviewer, Confidence = 1.0, Note = v.Comment,
                Value = outcome == Outcome.Absent ? null : v.Value ?? f.Value, Model = null, PromptVersion = null,
            };
            // A held rules decision nothing verified is compared as the rules' answer (stage rules-held).
            var (automated, by) = f is { DecidedBy: null, Proposal: { } held } ? (held.Outcome, DecidedBy.Rules) : (f.Outcome, f.DecidedBy);
            verdicts.Add(new Verdict(f.Check, outcome, v.Comment, reasons[f.Check], automated, by, f.Suggestion?.Outcome));
            audit.Add(new AuditEntry(now, reviewer, "check-decided", item.Id, f.Check, Describe(f), Describe(decided), v.Comment));
            return decided;
        }).ToList();

        var decision = DecisionTable.Decide(policy.Definition, findings);
        var status = findings.All(f => f.IsDecided) ? ReviewStatus.Completed : ReviewStatus.NeedsReview;
        if (review.Decision?.Outcome != decision.Outcome)
        {
            audit.Add(new AuditEntry(now, reviewer, "decision-changed", item.Id, null, review.Decision?.Outcome, decision.Outcome, null));
        }
        if (review.Status != status)
        {
            audit.Add(new AuditEntry(now, reviewer, "status-changed", item.Id, null, review.Status.ToWire(), status.ToWire(), null));
        }
        audit.Add(new AuditEntry(now, reviewer, "resolved", item.Id, null, QueueItem.Open, QueueItem.Resolved, null));
        return new Resolution(item, reviewer, verdicts, findings, decision, status, review.UpdatedAt, audit, now);
    }

    static string Describe(CheckFinding f) =>
        f.DecidedBy is { } by ? $"{f.Outcome.ToWire()} by {by.ToWire()}{(f.Value is { } v ? $": {v}" : "")}" : f.Outcome.ToWire();


    /// <summary>
    /// Agreement is counted where there was an automated answer, as <see cref="IQueueStore.CountAgreementAsync"/> counts it: the
    /// deciding stage for a QA sample; otherwise the rules' answer of a held decision nothing settled, and the judge's refused answer.
    /// </summary>
    static void Record(QueueItem item, IReadOnlyList<Verdict> verdicts)
    {
        ReviewTelemetry.QueueResolved.Add(1, new TagList { { "policy", item.Policy }, { "kind", item.Kind } });
        foreach (var v in verdicts)
        {
            foreach (var (stage, automated) in Compared(v))
            {
                ReviewTelemetry.QaVerdicts.Add(1, new TagList
                {
                    { "policy", item.Policy }, { "check", v.Check }, { "stage", stage }, { "agreed", v.Outcome == automated ? "true" : "false" },
                });
            }
        }
    }

    static IEnumerable<(string Stage, Outcome Automated)> Compared(Verdict v)
    {
        if (v.Reason == QueueReasons.QaSample)
        {
            if (v.AutomatedBy is { } by)
            {
                yield return (by.ToWire(), v.AutomatedOutcome);
            }
            yield break;
        }
        if (v.AutomatedBy == DecidedBy.Rules)
        {
            yield return (Agreement.RulesHeld, v.AutomatedOutcome);
        }
        if (v.SuggestedOutcome is { } suggested)
        {
            yield return (Agreement.LlmSuggestion, suggested);
        }
    }
}
