using System.Text.Json.Serialization;

namespace ReviewService.Decisions;

[JsonConverter(typeof(JsonStringEnumConverter<Outcome>))]
public enum Outcome
{
    [JsonStringEnumMemberName("present")] Present,
    [JsonStringEnumMemberName("absent")] Absent,
    [JsonStringEnumMemberName("undetermined")] Undetermined,
}

[JsonConverter(typeof(JsonStringEnumConverter<DecidedBy>))]
public enum DecidedBy
{
    [JsonStringEnumMemberName("rules")] Rules,
    [JsonStringEnumMemberName("llm")] Llm,
    [JsonStringEnumMemberName("reviewer")] Reviewer,
}

/// <summary>How <see cref="Outcome"/> and <see cref="DecidedBy"/> are written in the database, notes and metrics: as in JSON.</summary>
public static class FindingText
{
    public static string ToWire(this Outcome outcome) => outcome.ToString().ToLowerInvariant();

    public static string ToWire(this DecidedBy decidedBy) => decidedBy.ToString().ToLowerInvariant();
}

/// <summary>
/// A span of the extracted text: offsets are UTF-16 code units, end exclusive. Evidence of a decision is the clause that
/// holds it, with the matched words as <see cref="Marks"/> (offsets in the text, inside the span).
/// </summary>
public sealed record Evidence(
    int Start,
    int End,
    string Text,
    string? Detector = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<Mark>? Marks = null);

/// <summary>Words inside an <see cref="Evidence"/> span that a detector or the judge matched: what the UI marks.</summary>
public sealed record Mark(int Start, int End);

/// <summary>
/// The answer to one check of a policy, produced by the rules stage, the judge or a reviewer. A finding the judge decided carries
/// the <see cref="Model"/> and <see cref="PromptVersion"/>; an undetermined one may carry the judge's refused answer as a <see cref="Suggestion"/>,
/// and a rules decision held for verification its rule's answer as a <see cref="Proposal"/> (kept once the judge confirms it).
/// </summary>
public sealed record CheckFinding(
    string Check,
    Outcome Outcome,
    DecidedBy? DecidedBy,
    double Confidence,
    IReadOnlyList<Evidence> Evidence,
    IReadOnlyList<string> RuleIds,
    IReadOnlyList<Evidence> Candidates,
    string? Value = null,
    string? Note = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Model = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PromptVersion = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Judge.JudgeSuggestion? Suggestion = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Decisions.Proposal? Proposal = null)
{
    [JsonIgnore]
    public bool IsDecided => Outcome != Outcome.Undetermined;
}
