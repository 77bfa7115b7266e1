using System.Text.Json;
using ReviewService.Eval;
using ReviewService.Policies;
using ReviewService.Retrieval;

namespace ReviewService.Tests.Eval;

/// <summary>What the evaluation measures of the retrieval stage, and the profile it mines, on eval-data (a CUAD subset).</summary>
public sealed class RetrievalEvaluationTests
{
    static readonly Policy ContractReview = PolicyLoader.LoadAll(Fixtures.RulesDirectory).Find("contract-review")!;

    [Fact]
    public void EachPartOfAClauseIsFoundIgnoringCaseAndWhiteSpaceAndHalfOfItMustBeInsideThePassages()
    {
        const string text = "1. Term.  This Agreement\n starts today.\n\n2. Other. Nothing here. It ends   in five years.";
        var spans = new ClauseSpans(text);

        var clauses = spans.Of(new CategoryLabel("", ["this agreement starts today.<omitted>It ends in five years.", "not in the text"]));

        var parts = Assert.Single(clauses);
        Assert.Equal(["This Agreement\n starts today.", "It ends   in five years."], parts.Select(p => text[p.Start..p.End]));
        Assert.True(ClauseSpans.Covered(clauses, [(0, 40)]));
        Assert.False(ClauseSpans.Covered(clauses, [(0, 20)]));
        Assert.True(ClauseSpans.Covered(clauses, [(10, 25), (20, 40)]));
    }

    [Fact]
    public async Task JudgeRecallCountsTheUndeterminedPairsWhoseLabelledClauseIsInTheTextAndSitsAtTheTopOfTheReport()
    {
        var data = Dataset.Load(Fixtures.EvalData);

        var report = await Evaluation.RunAsync(ContractReview, data);

        var retrieval = report.Retrieval!;
        var undeterminedPresent = report.Results.Count(r => r.Outcome == "undetermined" && r.Truth);
        Assert.Equal(undeterminedPresent, retrieval.Pairs + retrieval.UnlocatedClauses);
        Assert.True(retrieval.Pairs > 0);
        Assert.Equal(Math.Round((double)retrieval.Recalled / retrieval.Pairs, 4), report.JudgeRecall);
        Assert.Equal(retrieval.Pairs, retrieval.Checks.Sum(c => c.Pairs));
        Assert.InRange(retrieval.PassageShareOfDocumentTokens, 0.01, 1);
        Assert.True(retrieval.LlmCost.SentTokens < retrieval.LlmCost.AllChecksWholeDocumentTokens);
        var path = Path.Combine(Path.GetTempPath(), $"eval-{Guid.NewGuid():N}.json");
        ReportWriter.Write(report, path, Path.ChangeExtension(path, ".md"));
        var json = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
        Assert.Equal(JsonValueKind.Number, json.GetProperty("judgeRecall").ValueKind);
        Assert.Contains("| check | pairs | judgeRecall |", File.ReadAllText(Path.ChangeExtension(path, ".md")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WholeDocumentModeSendsEveryClause()
    {
        var report = await Evaluation.RunAsync(ContractReview, Dataset.Load(Fixtures.EvalData), new() { WholeDocumentMaxTokens = 1_000_000 });

        Assert.Equal(1, report.JudgeRecall);
        Assert.True(report.Retrieval!.WholeDocumentMode);
    }

    [Fact]
    public void AProfileIsMinedFromTheLabelledClausesAndStampedWithItsDataSet()
    {
        var data = Dataset.Load(Fixtures.EvalData);

        var profile = ProfileBuilder.Build(ContractReview, data, "eval-data", "all", Path.Combine(Fixtures.EvalData, "labels.jsonl"));

        Assert.Equal(data.Count, profile.Source.Contracts);
        Assert.Matches("^[0-9a-f]{64}$", profile.Source.LabelsSha256);
        var law = profile.Checks["governing-law"];
        Assert.True(law.Contracts >= ProfileBuilder.MinContracts);
        Assert.Contains("govern", law.Terms.Keys);
        Assert.All(profile.Checks.Values, c => Assert.InRange(c.Terms.Count, 0, ProfileBuilder.MaxTerms));
        Assert.All(profile.Checks.Values.SelectMany(c => c.Terms), t => Assert.True(t.Value > 0 && LegalTerms.IsTerm(t.Key)));
        // A check whose clauses appear in fewer contracts than the support floor learns no term from them.
        Assert.All(profile.Checks.Values.Where(c => c.Contracts < ProfileBuilder.MinContracts), c => Assert.Empty(c.Terms));
    }

    [Theory]
    [InlineData("even", 0)]
    [InlineData("odd", 1)]
    public void HalvesFollowTheLineIndexOfLabelsJsonl(string half, int parity)
    {
        var data = Dataset.Load(Fixtures.EvalData);

        var chosen = Dataset.Half(data, half);

        Assert.NotEmpty(chosen);
        Assert.All(chosen, c => Assert.Equal(parity, c.Line % 2));
        Assert.Equal(data.Count, Dataset.Half(data, "even").Count + Dataset.Half(data, "odd").Count);
    }
}
