using System.Diagnostics;
using ReviewService.Decisions;
using ReviewService.Judge;
using ReviewService.Policies;
using ReviewService.Retrieval;
using ReviewService.Rules;

namespace ReviewService.Eval;

/// <summary>One contract through the cascade: the judge's result and how long its call took (null when no model was called).</summary>
public sealed record JudgedReview(string Contract, JudgeResult Judged, double? LatencyMs);

/// <summary>
/// The service's cascade over a data set, as <c>Reviews/ReviewEvaluator.cs</c> runs it for one review: rules, then the passages
/// retrieval chooses for what they left undetermined, then the judge. The rules-only report is kept for <c>overall</c> and
/// <c>checks</c>; its pairs get their final outcome and the stage that decided it.
/// </summary>
public static class JudgeRun
{
    public static async Task<EvalReport> RunAsync(EvalReport rulesReport, Policy policy, IReadOnlyList<LabelledContract> contracts, JudgeHost host,
        CancellationToken ct = default)
    {
        var reviews = new JudgedReview[contracts.Count];
        // As many reviews at once as the service lets call the model (Llm:MaxConcurrentCalls): more would only wait for a call
        // slot, and that wait would count as the model's latency.
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = host.Options.MaxConcurrentCalls, CancellationToken = ct };
        await Parallel.ForEachAsync(Enumerable.Range(0, contracts.Count), parallel,
            async (i, token) => reviews[i] = await ReviewAsync(policy, contracts[i], host, token));
        return CascadeScore.Apply(rulesReport, reviews, host.Setup);
    }

    static async Task<JudgedReview> ReviewAsync(Policy policy, LabelledContract contract, JudgeHost host, CancellationToken ct)
    {
        var findings = Verification.Hold(policy, Clauses.Widen(contract.Text, await RulesEvaluator.EvaluateAsync(policy, contract.Text)));
        var retrieved = host.Retriever.Retrieve(policy, contract.Text, findings);
        var started = Stopwatch.GetTimestamp();
        var judged = await host.Judge.JudgeAsync(policy, contract.Text, retrieved.Findings, ct);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        // A review with nothing for the model returns at once, with neither usage nor a degraded reason: it is no judge call.
        var called = judged.Usage is not null || judged.DegradedReason is not null;
        return new JudgedReview(contract.Id, judged, called ? elapsed : null);
    }
}
