using System.Text.RegularExpressions;

namespace ReviewService.Rules;

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

/// <summary>A form compiled: its anchors and context, and its pattern anchored where an attempt starts (<c>\G</c>), without the context.</summary>
public sealed record CompiledForm(IReadOnlyList<string> Anchors, DetectorContext? After, Regex Anchored);

/// <summary>
/// A detector ready to run: its forms with the policy's word lists in place, each compiled anchored where the attempt
/// starts (<c>\G</c>), which the scan tries only where the text holds one of the form's anchors (<see cref="DetectorSet"/>);
/// and all of them as one alternation (<see cref="Regex"/>), what a search of the whole text finds. An anchored attempt
/// sees the text before it too (look-behinds), so at a given start it matches exactly what the form matches there, and
/// trying the forms in order at each start, leftmost start first, finds what the alternation finds.
/// </summary>
public sealed partial class Detector
{
    // No per-match time limit: .NET reads the clock at every call and in every backtracking loop, which cost a quarter of
    // the rules stage. Exponential backtracking is refused when the pattern is loaded (NestedRepetition), and the rules
    // stage's per-document budget of match attempts (ScanBudget) bounds the rest.
    static readonly TimeSpan MatchTimeout = Regex.InfiniteMatchTimeout;

    /// <summary>A repeated group may itself repeat something without bound only up to this many times.</summary>
    public const int MaxRepeatsOfUnboundedGroup = 5;

    /// <summary>Compiles <paramref name="definition"/>; <paramref name="lists"/> are the policy's word lists.</summary>
    public Detector(DetectorDefinition definition, IReadOnlyDictionary<string, IReadOnlyList<string>>? lists = null)
    {
        Definition = definition;
        var forms = definition.Keywords is { } keywords
            ? [(Anchors: (IReadOnlyList<string>)[.. keywords.Select(KeywordAnchor).Distinct(StringComparer.OrdinalIgnoreCase)],
                After: (DetectorContext?)null, Pattern: @"\b" + Alternation(keywords) + @"\b")]
            : (definition.Forms ?? []).Select(f => (f.Anchors, f.After, Pattern: WithLists(string.Concat(f.Pattern), lists ?? new Dictionary<string, IReadOnlyList<string>>()))).ToList();
        if (forms.Count == 0 || forms.Any(f => f.Anchors.Count == 0 || f.Anchors.Any(string.IsNullOrWhiteSpace) || f.Pattern.Length == 0))
        {
            throw new ArgumentException("every form needs its 'anchors' (the words or phrases every match starts with) and a 'pattern'.");
        }
        if (forms.FirstOrDefault(f => f.After is { } a && (a.Within <= 0 || a.AnyOf.Count == 0 || !a.AnyOf.All(DetectorSet.IsWordAnchor))) is { After: { } bad })
        {
            throw new ArgumentException($"'after' needs 'anyOf', words as anchors are written (not {string.Join(", ", bad.AnyOf.Where(w => !DetectorSet.IsWordAnchor(w)).Select(w => $"'{w}'"))}), and 'within' above 0 (not {bad.Within}).");
        }
        var options = RegexOptions.Compiled | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;
        if (!definition.CaseSensitive)
        {
            options |= RegexOptions.IgnoreCase;
        }
        // The whole alternation is compiled first, so a syntax error reports the pattern as written.
        Pattern = string.Join('|', forms.Select(f => f.After?.LookBehind + f.Pattern));
        Regex = new Regex(Pattern, options, MatchTimeout);
        if (NestedRepetition(Pattern) is { } nested)
        {
            throw new UnsafePatternException(nested);
        }
        HasValue = Regex.GetGroupNames().Contains("value");
        Forms = [.. forms.Select(f => new CompiledForm(f.Anchors, f.After, new Regex(@"\G(?:" + f.Pattern + ")", options, MatchTimeout)))];
    }

    // A keyword is its own anchor when it is words (its first word otherwise, a symbol searched for as it is).
    static string KeywordAnchor(string keyword) =>
        string.Join(' ', keyword.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) is var phrase && DetectorSet.IsWordAnchor(phrase)
            ? phrase : phrase.Split(' ')[0];

    /// <summary><c>(?:a|b\s+c)</c> for the phrases a, "b c": each escaped, its spaces any run of white space.</summary>
    public static string Alternation(IEnumerable<string> phrases) =>
        "(?:" + string.Join('|', phrases.Select(k => Regex.Escape(k.Trim()).Replace(@"\ ", @"\s+"))) + ")";

    static string WithLists(string pattern, IReadOnlyDictionary<string, IReadOnlyList<string>> lists) =>
        ListReference().Replace(pattern, m => lists.TryGetValue(m.Groups["name"].Value, out var list)
            ? Alternation(list)
            : throw new ArgumentException($"unknown word list '{m.Groups["name"].Value}' (lists: {string.Join(", ", lists.Keys)})."));

    [GeneratedRegex(@"\{\{(?<name>[A-Za-z0-9_-]+)\}\}")]
    private static partial Regex ListReference();

    public DetectorDefinition Definition { get; }
    public string Name => Definition.Name;
    /// <summary>The forms' patterns, word lists in place, as one alternation.</summary>
    public string Pattern { get; }
    /// <summary>The alternation searched from anywhere: what the scan must find, and what the differential tests compare it with.</summary>
    public Regex Regex { get; }
    /// <summary>The forms, in order: what the scan tries at each of their anchors.</summary>
    public IReadOnlyList<CompiledForm> Forms { get; }
    public bool HasValue { get; }

    /// <summary>
    /// Why the pattern could backtrack exponentially, or null: a group that holds an unbounded repetition (<c>*</c>,
    /// <c>+</c>, <c>{n,}</c>) repeated without bound or more than <see cref="MaxRepeatsOfUnboundedGroup"/> times, as in
    /// <c>(a+)+</c>. Bounded repeats of such a group (<c>(?:\w+\s+){0,5}</c>) cost at most a small power of the run they read.
    /// </summary>
    public static string? NestedRepetition(string pattern)
    {
        // For each open group, whether something inside it repeats without bound.
        var open = new Stack<bool>();
        var closedUnbounded = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            var groupJustClosed = false;
            if (c == '\\')
            {
                i += pattern.AsSpan(i + 1).StartsWith("p{") || pattern.AsSpan(i + 1).StartsWith("P{") ? pattern.IndexOf('}', i) - i : 1;
            }
            else if (c == '[')
            {
                i = ClassEnd(pattern, i);
            }
            else if (c == '(')
            {
                open.Push(false);
            }
            else if (c == ')' && open.Count > 0)
            {
                closedUnbounded = open.Pop();
                groupJustClosed = true;
                if (closedUnbounded && open.Count > 0)
                {
                    open.Push(open.Pop() | true);
                }
            }
            if (i + 1 >= pattern.Length || Quantifier(pattern, i + 1) is not { } q)
            {
                continue;
            }
            if (groupJustClosed && closedUnbounded && (q.Max is null || q.Max > MaxRepeatsOfUnboundedGroup))
            {
                return $"the group ending at character {i + 1} repeats something without bound and is itself repeated " +
                    $"{(q.Max is null ? "without bound" : $"up to {q.Max} times")} ('{pattern[(i + 1)..(i + 1 + q.Length)]}'), which can backtrack " +
                    $"exponentially; repeat it at most {MaxRepeatsOfUnboundedGroup} times or make the inner repetition bounded.";
            }
            if (q.Max is null && open.Count > 0)
            {
                open.Push(open.Pop() | true);
            }
            i += q.Length;
        }
        return null;
    }

    // The quantifier at i ('*', '+', '?', '{n}', '{n,}', '{n,m}', each maybe lazy): its upper bound (null = none) and length.
    static (int? Max, int Length)? Quantifier(string pattern, int i)
    {
        (int? Max, int Length)? q = pattern[i] switch
        {
            '*' or '+' => (null, 1),
            '?' => (1, 1),
            '{' => Braces(pattern, i),
            _ => null,
        };
        return q is { } found && i + found.Length < pattern.Length && pattern[i + found.Length] == '?' ? (found.Max, found.Length + 1) : q;
    }

    static (int? Max, int Length)? Braces(string pattern, int i)
    {
        var m = BracesQuantifier().Match(pattern, i);
        if (!m.Success || m.Index != i)
        {
            return null;
        }
        int? max = !m.Groups["comma"].Success ? int.Parse(m.Groups["min"].Value, System.Globalization.CultureInfo.InvariantCulture)
            : m.Groups["max"].Length > 0 ? int.Parse(m.Groups["max"].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
        return (max, m.Length);
    }

    // The index of the ']' that closes the class opened at i.
    static int ClassEnd(string pattern, int i)
    {
        i++;
        if (i < pattern.Length && pattern[i] == '^')
        {
            i++;
        }
        if (i < pattern.Length && pattern[i] == ']')
        {
            i++;
        }
        for (; i < pattern.Length && pattern[i] != ']'; i++)
        {
            if (pattern[i] == '\\')
            {
                i++;
            }
        }
        return i;
    }

    [GeneratedRegex(@"\{(?<min>\d+)(?<comma>,(?<max>\d*))?\}")]
    private static partial Regex BracesQuantifier();
}

/// <summary>A detector pattern that compiles but could backtrack exponentially (<see cref="Detector.NestedRepetition"/>).</summary>
public sealed class UnsafePatternException(string message) : ArgumentException(message);
