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
    /// (<c>%</c>). The form is tried only where one of these is in the text: a match
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
}

/// <summary>Words near a match, what a look-behind would otherwise restate (<see cref="DetectorForm.After"/>).</summary>
public sealed record DetectorContext
{
    public IReadOnlyList<string> AnyOf { get; init; } = [];
    public int Within { get; init; }

    /// <summary>The look-behind this context stands for: what a search of the whole text checks (ignoring case, as anchors are compared).</summary>
    public string LookBehind => $@"(?<=(?i:\b(?:{string.Join('|', AnyOf.Select(AsPattern))})\b)[^.]{{0,{Within}}})";

    // An anchor as a pattern: its words, white space between them, a final '*' any further word characters.
    static string AsPattern(string anchor) =>
        string.Join(@"\s+", anchor.TrimEnd('*').Split(' ').Select(Regex.Escape)) + (anchor.EndsWith('*') ? @"\w*" : "");
}

public sealed record DetectorExamples
{
    public IReadOnlyList<string> Matches { get; init; } = [];
    public IReadOnlyList<string> DoesNotMatch { get; init; } = [];
}
