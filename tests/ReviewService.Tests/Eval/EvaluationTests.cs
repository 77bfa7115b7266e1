using System.Text.Json;
using ReviewService.Eval;
using ReviewService.Policies;

namespace ReviewService.Tests.Eval;

/// <summary>The evaluation command's scoring and report, run on eval-data (a CUAD subset in the cuad-dev layout).</summary>
public sealed class EvaluationTests
{
    static readonly Policy ContractReview = PolicyLoader.LoadAll(Fixtures.RulesDirectory).Find("contract-review")!;

    [Fact]
    public async Task ReportCountsEveryPairAndItsFiguresAddUp()
    {
        var data = Dataset.Load(Fixtures.EvalData);

        var report = await Evaluation.RunAsync(ContractReview, data);

        var scored = ContractReview.Definition.Checks.Count(c => c.CuadCategory is not null);
        Assert.Equal(data.Count, report.Documents);
        Assert.Equal(data.Count * scored, report.Overall.Pairs);
        Assert.Equal(report.Overall.Pairs, report.Checks.Sum(c => c.Tp + c.Fp + c.Tn + c.Fn + c.Undetermined));
        Assert.Equal(report.Overall.DecidedByRules, report.Checks.Sum(c => c.Tp + c.Fp + c.Tn + c.Fn));
        var correct = report.Checks.Sum(c => c.Tp + c.Tn);
        Assert.Equal(Math.Round((double)correct / report.Overall.DecidedByRules, 4), report.Overall.DecidedAccuracy);
        Assert.True(report.Extractions.GoverningLaw.Expected > 0);
        // Every miss has exactly one kind, so a held-out half can be read by these counts alone.
        var law = report.Extractions.GoverningLaw;
        Assert.Equal(law.Misses.Count, law.Kinds!.NoValue + law.Kinds.PresentWithoutValue + law.Kinds.OtherValueInLabelledClause + law.Kinds.OtherValueElsewhere);
        Assert.Equal(law.Misses.Count(m => m.Extracted is null), law.Kinds.NoValue + law.Kinds.PresentWithoutValue);
        Assert.True(report.Overall.MegabytesPerSecond > 0);

        // Every decided pair carries its confidence; the reliability bins hold them all; a higher target keeps fewer decisions final.
        Assert.Equal(report.Overall.DecidedByRules, report.Results.Count(r => r.Confidence is not null));
        Assert.Equal(report.Overall.DecidedByRules, report.Calibration!.Bins.Sum(b => b.Pairs));
        var targets = report.Targets!;
        Assert.Equal(Evaluation.TargetAccuracies, targets.Select(t => t.Target));
        Assert.Equal(targets.Select(t => t.Final).OrderDescending(), targets.Select(t => t.Final));
        Assert.All(targets, t => Assert.Equal(report.Results.Count(r => r.Confidence >= t.Target), t.Final));
        // Present decisions show a clause a reader can check.
        Assert.True(report.Evidence!.PresentFindings > 0);
        Assert.Equal(report.Evidence.PresentFindings, report.Evidence.Readable);
    }

    [Fact]
    public async Task JsonReportUsesTheDocumentedFieldNames()
    {
        var report = await Evaluation.RunAsync(ContractReview, Dataset.Load(Fixtures.EvalData));
        var path = Path.Combine(Path.GetTempPath(), $"eval-{Guid.NewGuid():N}.json");

        ReportWriter.Write(report, path, Path.ChangeExtension(path, ".md"));

        var json = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
        foreach (var field in new[] { "policy", "policyVersion", "documents", "overall", "checks", "extractions" })
        {
            Assert.True(json.TryGetProperty(field, out _), field);
        }
        foreach (var field in new[] { "pairs", "decidedByRules", "coverage", "decidedAccuracy", "undetermined", "elapsedSeconds", "megabytesPerSecond" })
        {
            Assert.True(json.GetProperty("overall").TryGetProperty(field, out _), field);
        }
        foreach (var field in new[] { "check", "cuadCategory", "tp", "fp", "tn", "fn", "undetermined", "coverage", "decidedAccuracy", "precision", "recall" })
        {
            Assert.True(json.GetProperty("checks")[0].TryGetProperty(field, out _), field);
        }
        foreach (var field in new[] { "expected", "correct", "accuracy" })
        {
            Assert.True(json.GetProperty("extractions").GetProperty("governingLaw").TryGetProperty(field, out _), field);
        }
        Assert.Contains("| check |", File.ReadAllText(Path.ChangeExtension(path, ".md")), StringComparison.Ordinal);
        Assert.Equal(report.Overall.Pairs, ReportWriter.Read(path).Results.Count);
    }

    [Fact]
    public void CompareListsThePairsWhoseOutcomeChangedAndWhetherThatHelped()
    {
        var before = Report(("c1", "insurance", "undetermined", true), ("c2", "insurance", "absent", false), ("c3", "insurance", "present", false));
        var after = Report(("c1", "insurance", "present", true), ("c2", "insurance", "absent", false), ("c3", "insurance", "absent", true));

        var changes = Comparison.Changes(before, after);

        Assert.Equal(2, changes.Count);
        Assert.Equal("better", changes.Single(c => c.Contract == "c1").Effect);
        Assert.Equal("worse", changes.Single(c => c.Contract == "c3").Effect);
        Assert.Contains("2 (contract, check) pairs changed", Comparison.Describe(changes), StringComparison.Ordinal);
    }

    // The fixed split holds in what people read: the held-out half's contracts are counted, never named, in a comparison
    // and in the report's summary (its JSON keeps every pair, for the next comparison).
    [Fact]
    public async Task WhatPeopleReadNamesNoContractOfTheHeldOutHalf()
    {
        var before = Report(("c1", "insurance", "undetermined", true, "A"), ("c2", "insurance", "undetermined", true, "B"), ("c3", "insurance", "present", true, "B"));
        var after = Report(("c1", "insurance", "present", true, "A"), ("c2", "insurance", "present", true, "B"), ("c3", "insurance", "absent", true, "B"));

        var described = Comparison.Describe(Comparison.Changes(before, after));

        Assert.Contains("c1", described, StringComparison.Ordinal);
        Assert.DoesNotContain("c2", described, StringComparison.Ordinal);
        Assert.DoesNotContain("c3", described, StringComparison.Ordinal);
        Assert.Contains("half B (held out): 2 changed, 1 better, 1 worse", described, StringComparison.Ordinal);

        var data = Dataset.Load(Fixtures.EvalData);
        var report = await Evaluation.RunAsync(ContractReview, data);
        Assert.All(report.Results, r => Assert.Equal(Dataset.HalfOf(data.Single(c => c.Id == r.Contract)), r.Half));
        var missed = report.Extractions.GoverningLaw.Misses;
        var withOneOfEach = report with
        {
            Extractions = new Extractions(report.Extractions.GoverningLaw with
            {
                Misses = [new ExtractionMiss("tuning-contract", "Texas", null, "A"), new ExtractionMiss("held-out-contract", "Ohio", "Iowa", "B"), .. missed],
            }),
        };
        var path = Path.Combine(Path.GetTempPath(), $"eval-{Guid.NewGuid():N}.json");
        ReportWriter.Write(withOneOfEach, path, Path.ChangeExtension(path, ".md"));
        var markdown = File.ReadAllText(Path.ChangeExtension(path, ".md"));
        Assert.Contains("tuning-contract", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("held-out-contract", markdown, StringComparison.Ordinal);
        Assert.Contains($"Half B (held out): {1 + missed.Count(m => m.Half == "B")} misses, not listed", markdown, StringComparison.Ordinal);
        Assert.Contains(ReportWriter.Read(path).Extractions.GoverningLaw.Misses, m => m.Contract == "held-out-contract");
    }

    [Theory]
    [InlineData("New York", "new york", true)]
    [InlineData("Province of Ontario, Canada", "Ontario, Canada", true)]
    [InlineData("England; Wales", "England", true)]
    [InlineData("British Columbia,Canada", "British Columbia, Canada", true)]
    [InlineData("British Columbia", "British Columbia, Canada", true)]
    [InlineData("Republic of South Africa", "South Africa", true)]
    [InlineData("England, United Kingdom; Wales, United Kingdom", "England", true)]
    [InlineData("Delaware, Illinois", "Delaware", false)]
    [InlineData("Delaware", "New York", false)]
    [InlineData("Delaware", null, false)]
    [InlineData("[* * *]", "[***]", true)]
    [InlineData("Delaware", "[***]", false)]
    [InlineData("[* * *]", "Delaware", false)]
    public void JurisdictionsMatchCaseInsensitively(string expected, string? extracted, bool match) =>
        Assert.Equal(match, Jurisdictions.Match(expected, extracted));

    static EvalReport Report(params (string Contract, string Check, string Outcome, bool Truth)[] pairs) =>
        Report([.. pairs.Select(p => (p.Contract, p.Check, p.Outcome, p.Truth, (string?)null))]);

    static EvalReport Report(params (string Contract, string Check, string Outcome, bool Truth, string? Half)[] pairs) => new(
        "p", "v", 3, new OverallScore(0, 0, 0, 0, 0, 0, 0), [], new Extractions(new ExtractionScore(0, 0, 0, [])),
        [.. pairs.Select(p => new PairResult(p.Contract, p.Check, p.Outcome, p.Truth, [], Half: p.Half))]);
}
