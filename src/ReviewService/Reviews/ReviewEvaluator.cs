using System.Diagnostics;
using ReviewService.Decisions;
using ReviewService.Judge;
using ReviewService.Policies;
using ReviewService.ReviewQueue;
using ReviewService.Rules;
using ReviewService.Storage;
using ReviewService.Telemetry;

namespace ReviewService.Reviews;

/// <summary>
/// Evaluates one stored review: rules → judge → decision → review queue. The judge sees only what the rules left undetermined;
/// whatever is still undetermined after it goes to the reviewers' queue, with the reason.
/// </summary>
public sealed class ReviewEvaluator(PolicyCatalog policies, IJudge judge, TimeProvider clock)
{
    public async Task<ReviewResult> EvaluateAsync(WorkItem item, CancellationToken ct = default)
    {
        var policy = policies.Find(item.Policy)
            ?? throw new InvalidOperationException($"Policy '{item.Policy}' is no longer loaded; deploy it again or resubmit the document.");

        var started = Stopwatch.GetTimestamp();
        IReadOnlyList<CheckFinding> findings;
        using (var rules = ReviewTelemetry.Source.StartActivity("rules"))
        {
            findings = await RulesEvaluator.EvaluateAsync(policy, item.Text);
            rules?.SetTag("policy.name", policy.Name);
            rules?.SetTag("policy.version", policy.Version);
            rules?.SetTag("rules.checks_decided", findings.Count(f => f.IsDecided));
            rules?.SetTag("rules.checks_undetermined", findings.Count(f => !f.IsDecided));
            rules?.SetTag("rules.fired", string.Join(",", findings.SelectMany(f => f.RuleIds)));
        }
        ReviewTelemetry.StageDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("stage", "rules"));

        started = Stopwatch.GetTimestamp();
        var judged = await judge.JudgeAsync(policy, item.Text, findings, ct);
        ReviewTelemetry.StageDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("stage", "judge"));

        using var decide = ReviewTelemetry.Source.StartActivity("decide");
        var decision = DecisionTable.Decide(policy.Definition, judged.Findings);
        var now = clock.GetUtcNow();
        var queue = judged.Findings.Where(f => !f.IsDecided)
            .Select(f => new QueueItem(Guid.NewGuid(), item.Id, policy.Name, f.Check,
                judged.QueueReasons.GetValueOrDefault(f.Check, QueueReasons.Undetermined), policy.Checks[f.Check].Severity, now))
            .ToList();
        var status = queue.Count > 0 ? ReviewStatus.NeedsReview : ReviewStatus.Completed;
        decide?.SetTag("decision.outcome", decision.Outcome);
        decide?.SetTag("decision.provisional", decision.Provisional);
        decide?.SetTag("queue.items", queue.Count);
        return new ReviewResult(policy.Version, status, decision, judged.Findings, queue, now, judged.DegradedReason, judged.Usage);
    }
}
