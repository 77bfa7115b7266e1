using System.Text.Json;
using ReviewService.Retrieval;

namespace ReviewService.Policies;

/// <summary>
/// <c>rules/&lt;policy&gt;/calibration.json</c>: each rule's measured precision on labelled contracts, shrunk toward a
/// conservative prior when the rule decided few of them, written by the evaluation command (<c>--calibrate</c>) and
/// stamped with the data it came from. Versioned with the policy like every file in its folder. When it is there, a
/// finding the rules decide carries its rule's calibrated confidence, not the number written in the rule; a rule it does
/// not list (added since) gets the prior's precision.
/// </summary>
public sealed record Calibration
{
    public const string FileName = "calibration.json";

    public string? Description { get; init; }
    /// <summary>The labelled data the precisions were measured on (a half of cuad-dev, a reviewers' export).</summary>
    public required IReadOnlyList<ProfileSource> Sources { get; init; }
    public required CalibrationPrior Prior { get; init; }
    public required IReadOnlyDictionary<string, RuleCalibration> Rules { get; init; }

    /// <summary>The confidence of a decision by the rule named <paramref name="rule"/>.</summary>
    public double ConfidenceOf(string rule) => Rules.TryGetValue(rule, out var measured) ? measured.Confidence : Prior.Precision;

    public static Calibration? Read(string directory, IReadOnlyCollection<string> ruleNames, List<string> errors)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }
        var shown = $"{Path.GetFileName(directory)}/{FileName}";
        try
        {
            var calibration = JsonSerializer.Deserialize<Calibration>(File.ReadAllText(path), PolicyLoader.Json) ?? throw new JsonException("the file is empty");
            if (calibration.Prior is not { Precision: > 0 and <= 1, Weight: >= 0 })
            {
                errors.Add($"{shown}: prior needs a precision above 0 and at most 1 and a weight of 0 or more.");
            }
            foreach (var (rule, measured) in calibration.Rules)
            {
                if (!ruleNames.Contains(rule))
                {
                    errors.Add($"{shown}: rule '{rule}' is not a rule of the policy (calibrate again after renaming or removing a rule).");
                }
                if (measured is not { Confidence: >= 0 and <= 1, Decided: >= 0 } || measured.Correct < 0 || measured.Correct > measured.Decided)
                {
                    errors.Add($"{shown}: rule '{rule}': confidence must be from 0 to 1, and correct from 0 to decided.");
                }
            }
            return calibration;
        }
        catch (JsonException e)
        {
            errors.Add($"{shown}: {e.Message}");
            return null;
        }
    }
}

/// <summary>
/// What a rule is believed before it is measured: its <see cref="Precision"/>, worth <see cref="Weight"/> decided pairs.
/// A rule's confidence is (correct + weight × precision) / (decided + weight): a rule right on all 8 pairs it decided
/// gets 0.944 with the default (0.9, worth 10 pairs), one right on 190 of 200 gets 0.948.
/// </summary>
public sealed record CalibrationPrior(double Precision = CalibrationPrior.DefaultPrecision, double Weight = CalibrationPrior.DefaultWeight)
{
    public const double DefaultPrecision = 0.9;
    public const double DefaultWeight = 10;

    public double Shrink(int decided, int correct) => (correct + Weight * Precision) / (decided + Weight);
}

/// <summary>One rule, measured: the labelled pairs it decided, how many rightly, and the confidence that gives it.</summary>
public sealed record RuleCalibration(int Decided, int Correct, double Confidence);
