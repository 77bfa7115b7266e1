using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using ReviewService.Decisions;
using ReviewService.Judge;
using ReviewService.Policies;
using ReviewService.Retrieval;
using ReviewService.Rules;

namespace ReviewService.Eval;

public static class Evaluation
{
    public static async Task<EvalReport> RunAsync(Policy policy, IReadOnlyList<LabelledContract> contracts, LlmOptions? llm = null, RetrievalOptions? retrievalOptions = null)
    {
        var (retriever, tokens, prompt) = RetrievalScorer.Default(llm, retrievalOptions);
        var retrieval = new RetrievalScorer(policy, retriever, tokens, prompt);
        var checks = policy.Definition.Checks.Where(c => c.CuadCategory is not null).ToList();
        var results = new List<PairResult>();
        var governingLaw = new List<(string Contract, string Expected, string? Extracted, string Outcome, IReadOnlyList<string> Clauses, string Half)>();
        var clock = new Stopwatch();
        var evidence = new List<(string Text, Evidence First)>();
        long bytes = 0;

        foreach (var contract in contracts)
        {
            bytes += Encoding.UTF8.GetByteCount(contract.Text);
            clock.Start();
            var findings = await RulesEvaluator.EvaluateAsync(policy, contract.Text);
            clock.Stop();
            findings = Clauses.Widen(contract.Text, findings);
            evidence.AddRange(findings.Where(f => f.Outcome == Outcome.Present && f.Evidence.Count > 0).Select(f => (contract.Text, f.Evidence[0])));
            retrieval.Add(contract, findings);
            var byCheck = findings.ToDictionary(f => f.Check);
            foreach (var check in checks)
            {
                if (Label(contract, check.CuadCategory!) is not { } label)
                {
                    continue;
                }
                var finding = byCheck[check.Name];
                results.Add(new PairResult(contract.Id, check.Name, finding.Outcome.ToWire(), label.IsPresent, finding.RuleIds,
                    Confidence: finding.IsDecided ? finding.Confidence : null, Half: Dataset.HalfOf(contract)));
                if (check.ValueKind == ValueNormalizer.Jurisdiction && label.Answer.Length > 0)
                {
                    governingLaw.Add((contract.Id, label.Answer, finding.Value, finding.Outcome.ToWire(), label.Clauses, Dataset.HalfOf(contract)));
                }
            }
        }

        var scores = checks.Select(c => Score(c, results.Where(r => r.Check == c.Name).ToList())).ToList();
        var decided = results.Where(r => r.Outcome != "undetermined").ToList();
        var correct = decided.Count(IsCorrect);
        var seconds = clock.Elapsed.TotalSeconds;
        var overall = new OverallScore(results.Count, decided.Count, Ratio(decided.Count, results.Count), Ratio(correct, decided.Count),
            results.Count - decided.Count, Math.Round(seconds, 3), Math.Round(bytes / 1e6 / Math.Max(seconds, 1e-9), 1));
        var missed = governingLaw.Where(g => !Jurisdictions.Match(g.Expected, g.Extracted)).ToList();
        var misses = missed.Select(g => new ExtractionMiss(g.Contract, g.Expected, g.Extracted, g.Half)).ToList();
        var withValue = missed.Where(g => g.Extracted is not null).ToList();
        var fromClause = withValue.Count(g => g.Clauses.Any(c => c.Contains(g.Extracted!, StringComparison.OrdinalIgnoreCase)));
        var presentWithoutValue = missed.Count(g => g.Extracted is null && g.Outcome == "present");
        var law = new ExtractionScore(governingLaw.Count, governingLaw.Count - misses.Count, Ratio(governingLaw.Count - misses.Count, governingLaw.Count), misses)
        {
            Kinds = new ExtractionMissKinds(missed.Count - withValue.Count - presentWithoutValue, presentWithoutValue, fromClause, withValue.Count - fromClause),
        };
        return new EvalReport(policy.Name, policy.Version, contracts.Count, overall, scores, new Extractions(law), results)
        {
            Retrieval = retrieval.Report(),
            Evidence = Score(evidence),
            Calibration = Calibrator.Score(decided.Select(r => (r.Confidence ?? 0, IsCorrect(r)))),
            Targets = [.. TargetAccuracies.Select(t => AtTarget(t, _ => t, results))],
            PolicyTarget = policy.Definition.TargetAccuracy is { } target
                ? AtTarget(target.Overall, r => target.For(policy.Checks[r.Check].Severity), results) : null,
        };
    }

    /// <summary>
    /// The decided pairs whose confidence reaches the target for their check (what <c>Verification.Hold</c> leaves final), and
    /// the contracts whose every scored check is final so (what ends <c>completed</c> without a judge).
    /// </summary>
    static TargetScore AtTarget(double target, Func<PairResult, double> targetOf, List<PairResult> pairs)
    {
        bool Final(PairResult r) => r.Outcome != "undetermined" && r.Confidence >= targetOf(r);
        var final = pairs.Where(Final).ToList();
        var contracts = pairs.GroupBy(r => r.Contract).ToList();
        var complete = contracts.Count(c => c.All(Final));
        return new TargetScore(target, final.Count, Ratio(final.Count, pairs.Count), Ratio(final.Count(IsCorrect), final.Count),
            complete, Ratio(complete, contracts.Count));
    }

    static EvidenceScore Score(List<(string Text, Evidence First)> evidence)
    {
        var lengths = evidence.Select(e => e.First.End - e.First.Start).Order().ToList();
        var readable = evidence.Count(e => !Clauses.TooShort(e.Text, e.First.Start, e.First.End));
        return new EvidenceScore(evidence.Count, readable, Ratio(readable, evidence.Count), lengths.Count == 0 ? 0 : lengths[lengths.Count / 2],
            lengths.Count == 0 ? 0 : lengths[^1]);
    }

    /// <summary>The target accuracies every report scores (issue 23): the rules' decisions below one would go to the judge or a reviewer.</summary>
    public static readonly double[] TargetAccuracies = [0.95, 0.97, 0.99];

    public static CategoryLabel? Label(LabelledContract contract, string category) =>
        contract.Labels.FirstOrDefault(l => string.Equals(l.Key, category, StringComparison.OrdinalIgnoreCase)).Value;

    internal static bool IsCorrect(PairResult r) => (r.Outcome == "present") == r.Truth;

    static CheckScore Score(CheckDefinition check, List<PairResult> pairs)
    {
        int tp = pairs.Count(p => p.Outcome == "present" && p.Truth), fp = pairs.Count(p => p.Outcome == "present" && !p.Truth);
        int tn = pairs.Count(p => p.Outcome == "absent" && !p.Truth), fn = pairs.Count(p => p.Outcome == "absent" && p.Truth);
        var decided = tp + fp + tn + fn;
        return new CheckScore(check.Name, check.CuadCategory, tp, fp, tn, fn, pairs.Count - decided,
            Ratio(decided, pairs.Count), Ratio(tp + tn, decided), Ratio(tp, tp + fp), Ratio(tp, tp + fn));
    }

    internal static double Ratio(int part, int whole) => whole == 0 ? 0 : Math.Round((double)part / whole, 4);
}

/// <summary>
/// How an extracted jurisdiction is compared with CUAD's answer: case-insensitive and whitespace-normalised, ignoring
/// the form of government ("State of", "Commonwealth of", "Republic of", ...) and a trailing country after a
/// province or constituent country ("British Columbia, Canada", "England, United Kingdom"): CUAD writes the same
/// jurisdiction both ways. An answer naming several jurisdictions ("England; Wales") is matched by the whole
/// answer or by one of its parts. A jurisdiction redacted in the filing matches any redaction marker: the text has
/// "[***]" where CUAD's answer writes "[* * *]".
/// </summary>
public static partial class Jurisdictions
{
    static readonly string[] Prefixes = ["the ", "state of ", "province of ", "commonwealth of ", "federal republic of ", "republic of "];
    static readonly string[] Countries = [", canada", ", united kingdom", ", australia", ", usa", ", united states"];

    public static bool Match(string expected, string? extracted)
    {
        if (extracted is null)
        {
            return false;
        }
        if (Redacted().IsMatch(extracted))
        {
            return Redacted().IsMatch(expected);
        }
        var got = Clean(extracted);
        return Clean(expected) == got || expected.Split(';').Any(part => Clean(part) == got);
    }

    static string Clean(string value)
    {
        var s = Comma().Replace(string.Join(' ', value.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)), ", ").Trim();
        foreach (var prefix in Prefixes)
        {
            if (s.StartsWith(prefix, StringComparison.Ordinal))
            {
                s = s[prefix.Length..];
            }
        }
        foreach (var country in Countries)
        {
            if (s.EndsWith(country, StringComparison.Ordinal))
            {
                s = s[..^country.Length];
            }
        }
        return s;
    }

    [GeneratedRegex(@"\s*,\s*")]
    private static partial Regex Comma();

    [GeneratedRegex(@"^\[[\s.…]*\*[\s*.…]*\]$")]
    private static partial Regex Redacted();
}
