namespace ReviewService.Eval;

/// <summary>The model(s) and prompt a --judge report was made with, so two reports say what they compare.</summary>
public sealed record JudgeSetup(string Provider, string Model, string? FallbackModel, string PromptVersion);

/// <summary>Each stage scored on the pairs it saw: the rules on every pair, the LLM on the pairs it was asked and answered.</summary>
public sealed record StageScores(StageScore Rules, StageScore Llm);

/// <summary>
/// What one stage (or the whole cascade) decided: <c>coverage</c> = decided / pairs, <c>accuracy</c> = right / decided.
/// The LLM stage's pairs are those sent to the judge in reviews it answered: a degraded review counts in <see cref="DegradedReviews"/>, not here.
/// </summary>
public sealed record StageScore(int Pairs, int Decided, int Right, double Coverage, double Accuracy, IReadOnlyList<StageCheckScore> Checks);

public sealed record StageCheckScore(string Check, int Pairs, int Decided, int Right, double Coverage, double Accuracy);

/// <summary>Pairs by the stage that gave their final outcome.</summary>
public sealed record PairSources(int Rules, int Llm, int Undetermined);

/// <summary>Tokens as the model's replies counted them (<c>usage</c>), and their estimated cost (<c>Llm:Prices</c>), over every review the model answered.</summary>
public sealed record LlmUsageTotals(int Reviews, long InputTokens, long OutputTokens, decimal EstimatedCost);

/// <summary>The judge call per review that reached the model, retries and fallback included (nearest-rank percentiles).</summary>
public sealed record JudgeLatency(int Count, double P50Ms, double P95Ms, double MaxMs);

/// <summary>Reviews the judge could not use a model for: their checks stay undetermined, never counted as wrong.</summary>
public sealed record DegradedReviews(int Reviews, int Pairs, IReadOnlyDictionary<string, int> Reasons, IReadOnlyList<DegradedReview> Details);

public sealed record DegradedReview(string Contract, string Reason);
