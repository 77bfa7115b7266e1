using System.Text.Json.Nodes;
using ReviewService.Eval;
using ReviewService.Policies;

namespace ReviewService.Tests.Eval;

/// <summary>Measured confidence: each rule's precision shrunk toward a prior, loaded with the policy, and its reliability scored.</summary>
public sealed class CalibrationTests : IDisposable
{
    readonly string _rules = Path.Combine(Path.GetTempPath(), "reviewservice-tests", $"calibration-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_rules))
        {
            Directory.Delete(_rules, recursive: true);
        }
    }

    [Theory]
    [InlineData(0, 0, 0.9)]
    [InlineData(8, 8, 0.9444)]
    [InlineData(200, 190, 0.9476)]
    [InlineData(1000, 1000, 0.9990)]
    public void ARuleThatDecidedFewPairsStaysNearThePrior(int decided, int correct, double confidence) =>
        Assert.Equal(confidence, Math.Round(new CalibrationPrior().Shrink(decided, correct), 4));

    [Fact]
    public void TheCalibratedConfidenceReplacesTheOneWrittenInTheRuleAndAnUnlistedRuleGetsThePrior()
    {
        var folder = Fixtures.CopyOfPolicy(_rules);
        var shipped = PolicyLoader.Load(folder);
        var (listed, unlisted) = (shipped.InOrder[0].Name, shipped.InOrder[1].Name);
        Fixtures.EditJson(folder, Calibration.FileName, json =>
        {
            var rules = json["rules"]!.AsObject();
            rules.Remove(unlisted);
            rules[listed] = new JsonObject { ["decided"] = 3, ["correct"] = 2, ["confidence"] = 0.5 };
        });

        var policy = PolicyLoader.Load(folder);

        Assert.Equal(0.5, policy.Rules[listed].Confidence);
        Assert.Equal(policy.Calibration!.Prior.Precision, policy.Rules[unlisted].Confidence);
    }

    [Fact]
    public void ACalibrationNamingARuleThePolicyDoesNotHaveStopsTheLoadNamingTheFileAndTheRule()
    {
        var folder = Fixtures.CopyOfPolicy(_rules);
        Fixtures.EditJson(folder, Calibration.FileName, json => json["rules"]!["XX-9 renamed since"] = new JsonObject { ["decided"] = 1, ["correct"] = 1, ["confidence"] = 0.9 });

        var error = Assert.Throws<PolicyLoadException>(() => PolicyLoader.Load(folder));

        Assert.Contains("contract-review/calibration.json: rule 'XX-9 renamed since' is not a rule of the policy", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCalibrationCommandRebuildsACalibrationThatNamesARuleSinceRenamed()
    {
        // The stale file stops the service's load (above); the command that rewrites it must not need it.
        var folder = Fixtures.CopyOfPolicy(_rules);
        Fixtures.EditJson(folder, Calibration.FileName, json => json["rules"]!["XX-9 renamed since"] = new JsonObject { ["decided"] = 1, ["correct"] = 1, ["confidence"] = 0.9 });
        var options = EvalOptions.Parse(["--calibrate", "--policy", "contract-review", "--data", Fixtures.EvalData, "--out", folder, "--rules", _rules])!;

        Assert.Equal(0, await EvalProgram.RunAsync(options));

        var policy = PolicyLoader.Load(folder);
        Assert.DoesNotContain("XX-9 renamed since", policy.Calibration!.Rules.Keys);
        Assert.NotEmpty(policy.Calibration.Rules);
    }

    [Fact]
    public void ReliabilityIsScoredInTenBinsAndTheGapWeightedByPairs()
    {
        // 10 pairs stated at 0.95, 8 right (gap 0.15); 10 pairs stated at 0.85, 9 right (gap 0.05): ECE 0.10.
        var pairs = Enumerable.Range(0, 10).Select(i => (0.95, i < 8)).Concat(Enumerable.Range(0, 10).Select(i => (0.85, i < 9)));

        var score = Calibrator.Score(pairs);

        Assert.Equal(0.10, score.Ece, 3);
        Assert.Equal([(0.8, 10, 0.85, 0.9), (0.9, 10, 0.95, 0.8)], score.Bins.Select(b => (b.From, b.Pairs, b.MeanConfidence, b.Accuracy)));
    }
}
