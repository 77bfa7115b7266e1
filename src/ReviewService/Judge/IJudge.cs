using ReviewService.Decisions;
using ReviewService.Policies;

namespace ReviewService.Judge;

/// <summary>Decides what it can of the checks the rules left undetermined; never throws for a misbehaving model.</summary>
public interface IJudge
{
    Task<JudgeResult> JudgeAsync(Policy policy, string text, IReadOnlyList<CheckFinding> findings, CancellationToken ct);
}

/// <summary>The model's answer to one check, as it came back, stamped with the model and prompt version that produced it.</summary>
public sealed record JudgeVerdict(string Check, Outcome Outcome, double Confidence, string Evidence, string Rationale, string Model, string PromptVersion);

/// <summary>A verdict the service did not accept, shown to the reviewer as a suggestion, with the reason it was refused.</summary>
public sealed record JudgeSuggestion(Outcome Outcome, double Confidence, string Evidence, string Rationale, string Model, string PromptVersion, string RejectedBecause)
{
    public static JudgeSuggestion From(JudgeVerdict v, string reason) => new(v.Outcome, v.Confidence, v.Evidence, v.Rationale, v.Model, v.PromptVersion, reason);
}

/// <summary>Tokens and estimated cost of one review's LLM call (summed over primary and fallback when both answered).</summary>
public sealed record LlmUsage(string Model, int PromptTokens, int CompletionTokens, decimal EstimatedCost)
{
    public int TotalTokens => PromptTokens + CompletionTokens;
}

/// <summary>
/// The findings after the judge: accepted verdicts replace undetermined findings; every check still undetermined has a queue reason.
/// <see cref="DegradedReason"/> is set when the model could not be used (unavailable, invalid output, budget spent).
/// </summary>
public sealed record JudgeResult(
    IReadOnlyList<CheckFinding> Findings,
    IReadOnlyDictionary<string, string> QueueReasons,
    string? DegradedReason = null,
    LlmUsage? Usage = null)
{
    public static JudgeResult Unchanged(IReadOnlyList<CheckFinding> findings) => new(findings, new Dictionary<string, string>());
}

/// <summary><c>Llm:Provider=None</c>: nothing is guessed; undetermined checks go to the reviewers' queue.</summary>
public sealed class NoJudge : IJudge
{
    public Task<JudgeResult> JudgeAsync(Policy policy, string text, IReadOnlyList<CheckFinding> findings, CancellationToken ct) =>
        Task.FromResult(JudgeResult.Unchanged(findings));
}
