using ReviewService.Decisions;
using ReviewService.Policies;
using ReviewService.Rules;

namespace ReviewService.Eval;

/// <summary>
/// <c>--test</c>: a policy's own examples, run through the service's rules code. Every detector must find something in each
/// of its <c>matches</c> texts and nothing in its <c>doesNotMatch</c> texts, and has at least one of each; every check's
/// examples must get their outcome from the rules. Each failure names the detector or check and the text.
/// </summary>
public static class PolicyTest
{
    public static async Task<IReadOnlyList<string>> FailuresAsync(Policy policy)
    {
        var failures = new List<string>();
        foreach (var detector in policy.Detectors.Values)
        {
            var examples = detector.Definition.Examples;
            if (examples is null || examples.Matches.Count == 0 || examples.DoesNotMatch.Count == 0)
            {
                failures.Add($"detector '{detector.Name}': give at least one 'matches' and one 'doesNotMatch' example.");
            }
            foreach (var text in examples?.Matches ?? [])
            {
                if (!new DetectorHits(text, policy.Detectors).Has(detector.Name))
                {
                    failures.Add($"detector '{detector.Name}': finds nothing in its 'matches' example \"{Shown(text)}\".");
                }
            }
            foreach (var text in examples?.DoesNotMatch ?? [])
            {
                if (new DetectorHits(text, policy.Detectors).Spans(detector.Name).FirstOrDefault() is { } found)
                {
                    failures.Add($"detector '{detector.Name}': finds \"{Shown(found.Text)}\" in its 'doesNotMatch' example \"{Shown(text)}\".");
                }
            }
        }
        foreach (var check in policy.Definition.Checks)
        {
            foreach (var example in check.Examples)
            {
                var finding = (await RulesEvaluator.EvaluateAsync(policy, example.Text)).Single(f => f.Check == check.Name);
                if (finding.Outcome != example.Outcome)
                {
                    var by = finding.RuleIds.Count > 0 ? $"rule '{finding.RuleIds[0]}'" : "no rule decided";
                    failures.Add($"check '{check.Name}': the rules give {finding.Outcome.ToWire()} ({by}) on its example \"{Shown(example.Text)}\", which expects {example.Outcome.ToWire()}.");
                }
            }
        }
        return failures;
    }

    /// <summary>Runs the examples, prints a line a failure and a summary; the exit code is 0 when all pass, 1 otherwise.</summary>
    public static async Task<int> RunAsync(Policy policy)
    {
        var failures = await FailuresAsync(policy);
        foreach (var failure in failures)
        {
            Console.Error.WriteLine(failure);
        }
        var detectorExamples = policy.Detectors.Values.Sum(d => (d.Definition.Examples?.Matches.Count ?? 0) + (d.Definition.Examples?.DoesNotMatch.Count ?? 0));
        var checkExamples = policy.Definition.Checks.Sum(c => c.Examples.Count);
        Console.WriteLine($"{policy.Name} {policy.Version}: {policy.Detectors.Values.Count} detectors ({detectorExamples} examples), " +
            $"{policy.Definition.Checks.Count} checks ({checkExamples} examples): {(failures.Count == 0 ? "all pass" : $"{failures.Count} failing")}");
        return failures.Count == 0 ? 0 : 1;
    }

    static string Shown(string text) => text.Length <= 120 ? text : text[..117] + "...";
}
