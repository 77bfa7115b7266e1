using System.Security.Cryptography;
using ReviewService.Decisions;
using ReviewService.Policies;
using ReviewService.Retrieval;
using ReviewService.Rules;

namespace ReviewService.Eval;

/// <summary>
/// Measures each rule of a policy on labelled contracts (<c>--calibrate</c>): the pairs it decided and how many rightly,
/// shrunk toward the prior into the confidence the service gives its decisions (<see cref="Calibration"/>).
/// </summary>
public static class Calibrator
{
    /// <summary>A labelled data set to measure on: its name, which part of it, its contracts and its labels file.</summary>
    public sealed record Source(string Name, string Split, IReadOnlyList<LabelledContract> Contracts, string LabelsFile);

    public static async Task<Calibration> BuildAsync(Policy policy, IReadOnlyList<Source> sources, CalibrationPrior prior)
    {
        var counts = policy.InOrder.ToDictionary(r => r.Name, _ => (Decided: 0, Correct: 0), StringComparer.Ordinal);
        var checks = policy.Definition.Checks.Where(c => c.CuadCategory is not null).ToList();
        foreach (var contract in sources.SelectMany(s => s.Contracts))
        {
            var findings = (await RulesEvaluator.EvaluateAsync(policy, contract.Text)).ToDictionary(f => f.Check);
            foreach (var check in checks)
            {
                if (Evaluation.Label(contract, check.CuadCategory!) is { } label && findings[check.Name] is { IsDecided: true, RuleIds: [var rule, ..] } finding)
                {
                    var (decided, correct) = counts[rule];
                    counts[rule] = (decided + 1, correct + ((finding.Outcome == Outcome.Present) == label.IsPresent ? 1 : 0));
                }
            }
        }
        return new Calibration
        {
            Description = "Each rule's precision on the labelled pairs it decided, shrunk toward the prior: (correct + weight × precision) / (decided + weight). Written by the evaluation command (--calibrate); see the README, \"Confidence\".",
            Sources = [.. sources.Select(s => new ProfileSource(s.Name, s.Split, s.Contracts.Count,
                Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(s.LabelsFile))), DateOnly.FromDateTime(DateTime.UtcNow)))],
            Prior = prior,
            Rules = counts.Where(c => policy.Rules[c.Key].Outcome != Outcome.Undetermined).ToDictionary(c => c.Key,
                c => new RuleCalibration(c.Value.Decided, c.Value.Correct, Math.Round(prior.Shrink(c.Value.Decided, c.Value.Correct), 4)), StringComparer.Ordinal),
        };
    }

    /// <summary>
    /// How far stated confidence is from measured accuracy: decided pairs in ten bins of confidence, each bin's mean
    /// confidence against its accuracy, and the expected calibration error (the bins' gaps weighted by their pairs).
    /// </summary>
    public static CalibrationScore Score(IEnumerable<(double Confidence, bool Correct)> decided)
    {
        var pairs = decided.ToList();
        var bins = pairs.GroupBy(p => Math.Min(9, (int)(p.Confidence * 10))).OrderBy(g => g.Key)
            .Select(g => new ReliabilityBin(g.Key / 10.0, (g.Key + 1) / 10.0, g.Count(), Math.Round(g.Average(p => p.Confidence), 4),
                Math.Round(g.Average(p => p.Correct ? 1.0 : 0.0), 4)))
            .ToList();
        var ece = pairs.Count == 0 ? 0 : bins.Sum(b => (double)b.Pairs / pairs.Count * Math.Abs(b.Accuracy - b.MeanConfidence));
        return new CalibrationScore(pairs.Count, Math.Round(ece, 4), bins);
    }
}

/// <summary>Reliability of the rules' stated confidence on the evaluated contracts (<see cref="Calibrator.Score"/>).</summary>
public sealed record CalibrationScore(int Decided, double Ece, IReadOnlyList<ReliabilityBin> Bins);

public sealed record ReliabilityBin(double From, double To, int Pairs, double MeanConfidence, double Accuracy);
