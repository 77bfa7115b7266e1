using ReviewService.Decisions;

namespace ReviewService.Eval;

/// <summary>
/// Scores the cascade from the final findings: each stage on the pairs it saw, the cascade on every pair, the model's usage,
/// latency and degraded reviews. A pair the judge did not decide (refused, or the model was unavailable) stays undetermined:
/// it is never counted as a wrong answer.
/// </summary>
public static class CascadeScore
{
    public static EvalReport Apply(EvalReport rulesReport, IReadOnlyList<JudgedReview> reviews, JudgeSetup setup)
    {
        var final = reviews.SelectMany(r => r.Judged.Findings.Select(f => (r.Contract, Finding: f)))
            .ToDictionary(x => (x.Contract, x.Finding.Check), x => x.Finding);
        var results = rulesReport.Results.Select(r => Final(r, final[(r.Contract, r.Check)])).ToList();
        // What the model was asked and answered: the checks it decided, and those it left to the reviewers with a reason.
        var asked = reviews.Where(r => r.Judged.DegradedReason is null)
            .SelectMany(r => r.Judged.QueueReasons.Keys
                .Concat(r.Judged.Findings.Where(f => f.DecidedBy == DecidedBy.Llm).Select(f => f.Check))
                .Select(check => (r.Contract, check)))
            .ToHashSet();
        var checks = rulesReport.Checks.Select(c => c.Check).ToList();
        return rulesReport with
        {
            Results = results,
            Judge = setup,
            Stages = new StageScores(
                Score(checks, results, "rules"),
                Score(checks, [.. results.Where(r => asked.Contains((r.Contract, r.Check)))], "llm")),
            Pairs = new PairSources(results.Count(r => r.DecidedBy == "rules"), results.Count(r => r.DecidedBy == "llm"),
                results.Count(r => r.DecidedBy is null)),
            Cascade = Score(checks, results, stage: null),
            LlmUsage = Usage(reviews),
            Latency = Latency(reviews),
            Degraded = Degraded(reviews, results),
        };
    }

    static PairResult Final(PairResult pair, CheckFinding finding) =>
        pair with { Outcome = finding.Outcome.ToWire(), DecidedBy = finding.DecidedBy?.ToWire() };

    /// <summary>Decided = by <paramref name="stage"/>, or by any stage when null.</summary>
    static StageScore Score(List<string> checks, List<PairResult> pairs, string? stage)
    {
        bool Decided(PairResult r) => stage is null ? r.DecidedBy is not null : r.DecidedBy == stage;
        var perCheck = checks.Select(check =>
        {
            var own = pairs.Where(p => p.Check == check).ToList();
            var (decided, right) = (own.Count(Decided), own.Count(p => Decided(p) && Evaluation.IsCorrect(p)));
            return new StageCheckScore(check, own.Count, decided, right, Evaluation.Ratio(decided, own.Count), Evaluation.Ratio(right, decided));
        }).ToList();
        var (all, allRight) = (perCheck.Sum(c => c.Decided), perCheck.Sum(c => c.Right));
        return new StageScore(pairs.Count, all, allRight, Evaluation.Ratio(all, pairs.Count), Evaluation.Ratio(allRight, all), perCheck);
    }

    static LlmUsageTotals Usage(IReadOnlyList<JudgedReview> reviews)
    {
        var usages = reviews.Select(r => r.Judged.Usage).OfType<Judge.LlmUsage>().ToList();
        return new LlmUsageTotals(usages.Count, usages.Sum(u => (long)u.PromptTokens), usages.Sum(u => (long)u.CompletionTokens),
            usages.Sum(u => u.EstimatedCost));
    }

    static JudgeLatency Latency(IReadOnlyList<JudgedReview> reviews)
    {
        var ms = reviews.Select(r => r.LatencyMs).OfType<double>().Order().ToList();
        double Rank(double p) => ms.Count == 0 ? 0 : Math.Round(ms[(int)Math.Ceiling(p * ms.Count) - 1], 1);
        return new JudgeLatency(ms.Count, Rank(0.5), Rank(0.95), Rank(1));
    }

    static DegradedReviews Degraded(IReadOnlyList<JudgedReview> reviews, IReadOnlyList<PairResult> results)
    {
        var degraded = reviews.Where(r => r.Judged.DegradedReason is not null).ToList();
        var sent = degraded.SelectMany(r => r.Judged.QueueReasons.Keys.Select(check => (r.Contract, check))).ToHashSet();
        // Counted by the reason's code (llm-unavailable, invalid-output, token-budget, overloaded), as the service's metric is.
        var reasons = degraded.GroupBy(r => r.Judged.DegradedReason!.Split(':')[0], StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return new DegradedReviews(degraded.Count, results.Count(r => sent.Contains((r.Contract, r.Check))), reasons,
            [.. degraded.Select(r => new DegradedReview(r.Contract, r.Judged.DegradedReason!))]);
    }
}
