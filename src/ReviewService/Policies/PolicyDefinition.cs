using ReviewService.Decisions;

namespace ReviewService.Policies;

/// <summary><c>rules/&lt;policy&gt;/policy.json</c>: the checks of a policy and how their findings become a decision.</summary>
public sealed record PolicyDefinition
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    /// <summary>The LLM judge's answers below this confidence go to a reviewer instead, shown as a suggestion.</summary>
    public double JudgeConfidenceThreshold { get; init; } = 0.8;
    /// <summary>
    /// The accuracy a rules decision must be measured at to be final: one whose calibrated confidence is under the target for
    /// its check's severity is held for verification (<see cref="Decisions.Verification"/>). Absent: every rules decision is final.
    /// </summary>
    public TargetAccuracy? TargetAccuracy { get; init; }
    public required IReadOnlyList<CheckDefinition> Checks { get; init; }
    public required DecisionTableDefinition Decision { get; init; }
}

public sealed record CheckDefinition
{
    public required string Name { get; init; }
    public required string Title { get; init; }
    /// <summary>The question the check answers; shown to reviewers and sent to the judge.</summary>
    public required string Question { get; init; }
    public string? CuadCategory { get; init; }
    /// <summary><c>high</c>, <c>medium</c> or <c>low</c>: orders the reviewers' queue.</summary>
    public string Severity { get; init; } = "medium";
    /// <summary>Detectors whose matches are the candidate passages of an undetermined finding (default: those its rules read).</summary>
    public IReadOnlyList<string>? Candidates { get; init; }
    /// <summary>A detector with a <c>value</c> group whose first match is returned as the finding's value (see <see cref="ValueClause"/>).</summary>
    public string? ValueDetector { get; init; }
    /// <summary>
    /// A detector read for the value only when <see cref="ValueDetector"/> finds none: wordings that also occur outside the
    /// clause, so that they never displace the value a stronger wording names anywhere in the text.
    /// </summary>
    public string? ValueFallback { get; init; }
    /// <summary>
    /// A detector whose matches mark the clauses that state the check's value for this document ("this Agreement shall be
    /// governed by"): the first value in a clause (up to a full stop or semicolon) where this detector has a match is taken
    /// over an earlier one found elsewhere ("The Security Agreement shall be governed by ..."); when no value is, the first.
    /// Applies to <see cref="ValueDetector"/> and <see cref="ValueFallback"/> alike.
    /// </summary>
    public string? ValueClause { get; init; }
    /// <summary>How the value is normalised: <c>jurisdiction</c>, <c>duration</c> or none.</summary>
    public string? ValueKind { get; init; }
    /// <summary>Short texts and the outcome the rules must reach on each: the check's own tests (<c>--test</c>).</summary>
    public IReadOnlyList<CheckExample> Examples { get; init; } = [];
}

/// <summary>
/// <c>"targetAccuracy": { "overall": 0.95, "bySeverity": { "high": 0.97 } }</c>: the accuracy a final rules decision must
/// have been measured at, for every check or for the checks of one severity.
/// </summary>
public sealed record TargetAccuracy(double Overall, IReadOnlyDictionary<string, double>? BySeverity = null)
{
    public double For(string severity) => BySeverity is not null && BySeverity.TryGetValue(severity, out var target) ? target : Overall;
}

/// <summary>A text and the outcome the rules must reach for the check on it.</summary>
public sealed record CheckExample(string Text, Outcome Outcome);

/// <summary>How much a check matters: the reviewers' queue puts the most severe checks first.</summary>
public static class Severity
{
    /// <summary>From most to least severe.</summary>
    static readonly string[] Order = ["high", "medium", "low"];

    public static IReadOnlyList<string> Levels => Order;

    public static bool IsKnown(string severity) => Order.Contains(severity);

    /// <summary>3 for high, 2 for medium, 1 for low: larger is more urgent.</summary>
    public static int Rank(string severity) => Order.Length - Math.Max(0, Array.IndexOf(Order, severity));
}

public sealed record DecisionTableDefinition
{
    /// <summary>Decision outcomes from least to most severe; the first is the default.</summary>
    public IReadOnlyList<string> Levels { get; init; } = ["approved", "flagged", "rejected"];
    public required IReadOnlyList<DecisionRuleDefinition> Rules { get; init; }
}

/// <summary>When <see cref="Check"/> has <see cref="Outcome"/>, the document is at least <see cref="Decision"/>, because <see cref="Reason"/>.</summary>
public sealed record DecisionRuleDefinition
{
    public required string Check { get; init; }
    public required Outcome Outcome { get; init; }
    public required string Decision { get; init; }
    public required string Reason { get; init; }
}

/// <summary><c>rules/&lt;policy&gt;/detectors.json</c>.</summary>
public sealed record DetectorFile
{
    /// <summary>Named word lists, defined once and referenced from patterns as <c>{{name}}</c>: phrases, matched ignoring white space runs.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Lists { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
    /// <summary>Named contexts, defined once and named by a form's <c>unless</c> (<c>"denied"</c>: a denial earlier in the clause).</summary>
    public IReadOnlyDictionary<string, DetectorContext> Contexts { get; init; } = new Dictionary<string, DetectorContext>();
    public required IReadOnlyList<DetectorDefinition> Detectors { get; init; }
}
