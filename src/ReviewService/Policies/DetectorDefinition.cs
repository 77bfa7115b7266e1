using System.Text.RegularExpressions;

namespace ReviewService.Policies;

/// <summary>
/// A named pattern over the document text, as declared in a policy's detectors file (<c>docs/writing-a-policy.md</c>):
/// what it finds in words (<see cref="Description"/>), the wordings it finds (<see cref="Forms"/>, each with the words
/// its matches start with), or a keyword list, and texts it must and must not match (<see cref="Examples"/>).
/// </summary>
public sealed record DetectorDefinition
{
    public required string Name { get; init; }
    /// <summary>What the detector finds, for the people who review the policy. Required.</summary>
    public string? Description { get; init; }
    /// <summary>The wordings the detector finds, tried in this order where several start at the same place.</summary>
    public IReadOnlyList<DetectorForm>? Forms { get; init; }
    /// <summary>Alternatively, a keyword list: matched as whole words, case-insensitive; each keyword's first word is its anchor.</summary>
    public IReadOnlyList<string>? Keywords { get; init; }
    public bool CaseSensitive { get; init; }
    /// <summary>Texts the detector must find something in, and texts it must find nothing in: the policy's own tests (<c>--test</c>).</summary>
    public DetectorExamples? Examples { get; init; }
}

/// <summary>One wording of a detector: the words its matches start with, and its pattern.</summary>
public sealed record DetectorForm
{
    /// <summary>
    /// What every match of this form starts with, compared ignoring case: a whole word (<c>assign</c>), the start of a
    /// word (<c>assign*</c>), words with white space between them (<c>in no event</c>, <c>upon expir*</c>), or a symbol
    /// (<c>%</c>), or <c>{{name}}</c> for every entry of a word list. The form is tried only where one of these is in the text: a match
    /// starting elsewhere is never found, so the anchors must cover every way the pattern can start.
    /// </summary>
    public IReadOnlyList<string> Anchors { get; init; } = [];
    /// <summary>
    /// A .NET regular expression in lines, joined as they are (a line break is not part of the pattern). <c>{{name}}</c> stands
    /// for the policy's word list <c>name</c>. A named group <c>value</c> yields the detector's value.
    /// </summary>
    public IReadOnlyList<string> Pattern { get; init; } = [];
    /// <summary>
    /// Words a match of this form must come after, in the same sentence: one of <see cref="DetectorContext.AnyOf"/> (written
    /// as anchors are) ends at most <see cref="DetectorContext.Within"/> characters before the match starts, with no full
    /// stop between.
    /// </summary>
    public DetectorContext? After { get; init; }
    /// <summary>
    /// The name of one of the policy's <see cref="DetectorFile.Contexts"/>: a match of this form does not count when that
    /// context holds before it (<c>"unless": "denied"</c>: not after a denial in the same clause).
    /// </summary>
    public string? Unless { get; init; }
}

/// <summary>
/// Words before a match, what a look-behind would otherwise restate (<see cref="DetectorForm.After"/>,
/// <see cref="DetectorForm.Unless"/>): one of <see cref="AnyOf"/> (written as anchors are) ends at most <see cref="Within"/>
/// characters before the match, in the same clause (none of <see cref="EndsAt"/> between), where it does not start one of
/// the <see cref="Except"/> phrases, and with none of the <see cref="StoppedBy"/> words between it and the match.
/// </summary>
public sealed record DetectorContext
{
    public IReadOnlyList<string> AnyOf { get; init; } = [];
    public int Within { get; init; }
    /// <summary>Phrases that start with one of the words and do not count as it ("no more than" is no denial).</summary>
    public IReadOnlyList<string> Except { get; init; } = [];
    /// <summary>Words that end the context's reach ("No licence is granted, but the Distributor may audit ...").</summary>
    public IReadOnlyList<string> StoppedBy { get; init; } = [];
    /// <summary>The characters that end a clause: a full stop unless the context says otherwise.</summary>
    public string EndsAt { get; init; } = ".";

    /// <summary>Every word and phrase the context looks up (all written as anchors are).</summary>
    public IEnumerable<string> Words => AnyOf.Concat(Except).Concat(StoppedBy);

    /// <summary>The look-behind this context stands for, holding (<c>(?&lt;=...)</c>) or not (<c>(?&lt;!...)</c>): what a search of the whole text checks, ignoring case as anchors are compared.</summary>
    public string LookBehind(bool holds) =>
        $@"(?<{(holds ? '=' : '!')}(?i:{(Except.Count == 0 ? "" : $@"(?!\b{OneOf(Except)}\b)")}\b{OneOf(AnyOf)}\b)"
        + $@"(?:{(StoppedBy.Count == 0 ? "" : $@"(?!(?i:\b{OneOf(StoppedBy)}\b))")}[^{Regex.Escape(EndsAt)}]){{0,{Within}}})";

    static string OneOf(IEnumerable<string> anchors) => $"(?:{string.Join('|', anchors.Select(AsPattern))})";

    // An anchor as a pattern: its words, white space between them, a final '*' any further word characters.
    static string AsPattern(string anchor) =>
        string.Join(@"\s+", anchor.TrimEnd('*').Split(' ').Select(Regex.Escape)) + (anchor.EndsWith('*') ? @"\w*" : "");
}

public sealed record DetectorExamples
{
    public IReadOnlyList<string> Matches { get; init; } = [];
    public IReadOnlyList<string> DoesNotMatch { get; init; } = [];
}
