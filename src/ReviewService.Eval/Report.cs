using System.Text.Json.Serialization;

namespace ReviewService.Eval;

/// <summary>The evaluation report; field names are fixed (see README, "Evaluating a policy").</summary>
public sealed record EvalReport(
    string Policy,
    string PolicyVersion,
    int Documents,
    OverallScore Overall,
    IReadOnlyList<CheckScore> Checks,
    Extractions Extractions,
    IReadOnlyList<PairResult> Results,
    // With --judge only (see CascadeReport.cs): absent from a rules-only report, which keeps its shape.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JudgeSetup? Judge = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] StageScores? Stages = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PairSources? Pairs = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] StageScore? Cascade = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] LlmUsageTotals? LlmUsage = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JudgeLatency? Latency = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DegradedReviews? Degraded = null)
{
    /// <summary>The share of the rules' undetermined pairs whose labelled clause the judge is sent (see <see cref="RetrievalReport"/>).</summary>
    public double? JudgeRecall => Retrieval?.JudgeRecall;
    /// <summary>What the retrieval stage sends the judge and how much of the labelled clauses that covers.</summary>
    public RetrievalReport? Retrieval { get; init; }
    /// <summary>Whether the rules' present decisions show a reader enough to check them.</summary>
    public EvidenceScore? Evidence { get; init; }
    /// <summary>How well the rules' confidence matches their accuracy on these contracts.</summary>
    public CalibrationScore? Calibration { get; init; }
    /// <summary>What the rules would decide at a target accuracy: only decisions whose confidence reaches it stay final.</summary>
    public IReadOnlyList<TargetScore>? Targets { get; init; }
    /// <summary>The same at the policy's own <c>targetAccuracy</c> (its overall target shown; per-severity targets applied): what the service leaves final.</summary>
    public TargetScore? PolicyTarget { get; init; }
}

/// <summary>
/// The evidence of the rules' present decisions (every check, every contract): how many findings, how many show a
/// clause of at least <c>Clauses.MinCharacters</c> characters and <c>Clauses.MinWords</c> words in their first evidence,
/// and the median length of that evidence, with the share of each.
/// </summary>
public sealed record EvidenceScore(int PresentFindings, int Readable, double ReadableShare, int MedianCharacters, int LongestCharacters);

public sealed record OverallScore(
    int Pairs, int DecidedByRules, double Coverage, double DecidedAccuracy, int Undetermined,
    double ElapsedSeconds, double MegabytesPerSecond);

public sealed record CheckScore(
    string Check, string? CuadCategory, int Tp, int Fp, int Tn, int Fn, int Undetermined,
    double Coverage, double DecidedAccuracy, double Precision, double Recall);

public sealed record Extractions(ExtractionScore GoverningLaw);

public sealed record ExtractionScore(int Expected, int Correct, double Accuracy, IReadOnlyList<ExtractionMiss> Misses)
{
    /// <summary>The misses counted by kind, so that a held-out half can be read by its aggregates alone.</summary>
    public ExtractionMissKinds? Kinds { get; init; }
}

/// <summary>
/// Why extractions missed: no value and the check not found present; the check found present (a choice of law the
/// detectors could not name) without a value; another value that a labelled clause contains (the clause was read, its
/// value named or normalised otherwise); another value from elsewhere in the text (another sentence was taken).
/// </summary>
public sealed record ExtractionMissKinds(int NoValue, int PresentWithoutValue, int OtherValueInLabelledClause, int OtherValueElsewhere);

public sealed record ExtractionMiss(string Contract, string Expected, string? Extracted,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Half = null);

/// <summary>
/// One (contract, check) pair: what the rules said (with --judge, the cascade's final outcome and the stage that decided it,
/// <c>rules</c> or <c>llm</c>) and what the labels say.
/// </summary>
public sealed record PairResult(string Contract, string Check, string Outcome, bool Truth, IReadOnlyList<string> RuleIds,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DecidedBy = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Confidence = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Half = null);

/// <summary>
/// At a target accuracy, the rules' decisions whose confidence reaches it: their share of the pairs and their accuracy; and
/// the contracts the rules decide entirely (every scored check final), which need neither a judge nor a reviewer.
/// </summary>
public sealed record TargetScore(double Target, int Final, double Coverage, double DecidedAccuracy, int ContractsAllFinal, double ContractsAllFinalShare);
