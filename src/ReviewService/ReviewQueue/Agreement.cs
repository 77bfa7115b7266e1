using Microsoft.AspNetCore.Http.HttpResults;
using ReviewService.Http;
using ReviewService.Storage;

namespace ReviewService.ReviewQueue;

/// <summary>Reviewer verdicts compared with an automated answer, and the share that agreed.</summary>
public sealed record AgreementFigure(int Verdicts, int Agreed, double? Rate)
{
    public static AgreementFigure Of(IEnumerable<AgreementCount> counts)
    {
        int verdicts = 0, agreed = 0;
        foreach (var c in counts)
        {
            verdicts += c.Verdicts;
            agreed += c.Agreed;
        }
        return new(verdicts, agreed, verdicts == 0 ? null : Math.Round(agreed / (double)verdicts, 4));
    }
}

public sealed record StageAgreement(string Stage, int Verdicts, int Agreed, double? Rate);

public sealed record CheckAgreement(string Stage, string Check, int Verdicts, int Agreed, double? Rate);

/// <summary>
/// Production accuracy as reviewers measure it. <see cref="Automated"/> covers QA samples (stages <c>rules</c> and <c>llm</c>);
/// the stage <c>llm-suggestion</c> compares verdicts with the judge's answers that were below the threshold or ungrounded, and
/// <c>rules-held</c> with the rules' answers held under the policy's target accuracy.
/// </summary>
public sealed record AgreementStats(string? Policy, DateTimeOffset? Since, AgreementFigure Automated, IReadOnlyList<StageAgreement> ByStage, IReadOnlyList<CheckAgreement> ByCheck);

public static class Agreement
{
    public const string LlmSuggestion = "llm-suggestion";
    /// <summary>Verdicts on rules decisions held under the policy's target accuracy: how often the held answers were right.</summary>
    public const string RulesHeld = "rules-held";

    public static async Task<Results<Ok<AgreementStats>, ProblemHttpResult>> GetAsync(string? policy, string? since, IQueueStore store, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var from = QueryParameters.Since(since, errors);
        if (QueryParameters.Invalid("Invalid query", errors) is { } invalid)
        {
            return invalid.ToProblem();
        }
        var counts = await store.CountAgreementAsync(policy, from, ct);
        var byStage = counts.GroupBy(c => c.Stage).OrderBy(g => g.Key)
            .Select(g =>
            {
                var figure = AgreementFigure.Of(g);
                return new StageAgreement(g.Key, figure.Verdicts, figure.Agreed, figure.Rate);
            }).ToList();
        var byCheck = counts.OrderBy(c => c.Stage).ThenBy(c => c.Check)
            .Select(c => new CheckAgreement(c.Stage, c.Check, c.Verdicts, c.Agreed, AgreementFigure.Of([c]).Rate)).ToList();
        return TypedResults.Ok(new AgreementStats(policy, from, AgreementFigure.Of(counts.Where(c => c.Stage is not (LlmSuggestion or RulesHeld))), byStage, byCheck));
    }
}
