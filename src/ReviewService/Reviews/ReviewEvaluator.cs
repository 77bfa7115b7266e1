using System.Diagnostics;
using Microsoft.Extensions.Options;
using ReviewService.Decisions;
using ReviewService.Judge;
using ReviewService.Policies;
using ReviewService.Retrieval;
using ReviewService.ReviewQueue;
using ReviewService.Rules;
using ReviewService.Storage;
using ReviewService.Telemetry;

namespace ReviewService.Reviews;

/// <summary>
/// Evaluates one stored review: rules → verification hold → retrieval → judge → decision → review queue, each decision's
/// evidence the clause that holds it (<see cref="Clauses"/>). The judge sees only what the rules left undetermined or
/// decided under the policy's target accuracy (<see cref="Verification"/>), and of the document only the passages retrieval chose for those checks;
/// whatever is still undetermined after it goes to the reviewers' queue, with the reason.
/// </summary>
public sealed class ReviewEvaluator(PolicyCatalog policies, PassageRetriever retriever, IJudge judge, IOptions<QueueOptions> queueOptions, TimeProvider clock)
{
    public async Task<ReviewResult> EvaluateAsync(WorkItem item, CancellationToken ct = default)
    {
        var policy = policies.Find(item.Policy)
            ?? throw new InvalidOperationException($"Policy '{item.Policy}' is no longer loaded; deploy it again or resubmit the document.");

        var started = Stopwatch.GetTimestamp();
        // Segmented once: the clauses of the rules' evidence, the passages retrieval ranks and the judge's evidence share it.
        var text = new SegmentedText(item.Text);
        IReadOnlyList<CheckFinding> findings;
        using (var rules = ReviewTelemetry.Source.StartActivity("rules"))
        {
            // A decision's evidence is the clause that holds its matches, which the reviewer and a verifying judge read.
            // Decisions measured under the policy's target accuracy are held for the judge or a reviewer to verify.
            findings = Verification.Hold(policy, Clauses.Widen(text, await RulesEvaluator.EvaluateAsync(policy, item.Text)));
            rules?.SetTag("policy.name", policy.Name);
            rules?.SetTag("policy.version", policy.Version);
            rules?.SetTag("rules.checks_decided", findings.Count(f => f.IsDecided));
            rules?.SetTag("rules.checks_undetermined", findings.Count(f => !f.IsDecided));
            rules?.SetTag("rules.checks_held", findings.Count(f => f.Proposal is not null));
            rules?.SetTag("rules.fired", string.Join(",", findings.SelectMany(f => f.RuleIds)));
        }
        ReviewTelemetry.StageDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("stage", "rules"));

        started = Stopwatch.GetTimestamp();
        using (var retrieval = ReviewTelemetry.Source.StartActivity("retrieval"))
        {
            var retrieved = retriever.Retrieve(policy, text, findings);
            findings = retrieved.Findings;
            retrieval?.SetTag("retrieval.passages", retrieved.Passages);
            retrieval?.SetTag("retrieval.passage_characters", retrieved.PassageCharacters);
            retrieval?.SetTag("retrieval.whole_document", retrieved.WholeDocument);
        }
        ReviewTelemetry.StageDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("stage", "retrieval"));

        started = Stopwatch.GetTimestamp();
        var judged = await judge.JudgeAsync(policy, item.Text, findings, ct);
        judged = judged with { Findings = Clauses.Widen(text, judged.Findings) };
        ReviewTelemetry.StageDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("stage", "judge"));

        using var decide = ReviewTelemetry.Source.StartActivity("decide");
        var decision = DecisionTable.Decide(policy.Definition, judged.Findings);
        var now = clock.GetUtcNow();
        var queue = QueueItemFor(item.Id, policy, judged);
        var status = queue?.Kind == QueueKinds.Review ? ReviewStatus.NeedsReview : ReviewStatus.Completed;
        decide?.SetTag("decision.outcome", decision.Outcome);
        decide?.SetTag("decision.provisional", decision.Provisional);
        decide?.SetTag("queue.kind", queue?.Kind);
        decide?.SetTag("queue.checks", queue?.Checks.Count ?? 0);
        return new ReviewResult(policy.Version, status, decision, judged.Findings, queue, now, judged.DegradedReason, judged.Usage);
    }

    /// <summary>
    /// Undetermined checks go to reviewers with their reason (a held rules decision the judge did not settle: <c>low-confidence</c>,
    /// the rule's answer its suggestion); a fully automated review may be sampled for QA, with all its checks.
    /// </summary>
    NewQueueItem? QueueItemFor(Guid reviewId, Policy policy, JudgeResult judged)
    {
        var undetermined = judged.Findings.Where(f => !f.IsDecided).ToList();
        if (undetermined.Count > 0)
        {
            return new NewQueueItem(Guid.NewGuid(), QueueKinds.Review, [.. undetermined.Select(f =>
                new QueuedCheck(f.Check, judged.QueueReasons.GetValueOrDefault(f.Check, f.Proposal is null ? QueueReasons.Undetermined : QueueReasons.LowConfidence), policy.Checks[f.Check].Severity))]);
        }
        return queueOptions.Value.SamplesForQa(reviewId)
            ? new NewQueueItem(Guid.NewGuid(), QueueKinds.QaSample, [.. judged.Findings.Select(f =>
                new QueuedCheck(f.Check, QueueReasons.QaSample, policy.Checks[f.Check].Severity))])
            : null;
    }
}
