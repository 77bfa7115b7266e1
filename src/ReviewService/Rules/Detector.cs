using System.Text.RegularExpressions;
using ReviewService.Policies;

namespace ReviewService.Rules;

/// <summary>A form compiled: its anchors and contexts, and its pattern anchored where an attempt starts (<c>\G</c>), without the contexts.</summary>
public sealed record CompiledForm(IReadOnlyList<string> Anchors, DetectorContext? After, DetectorContext? Unless, Regex Anchored);

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
    // the rules stage. Exponential backtracking is refused when the pattern is loaded (PatternSafety), and the rules
    // stage's per-document budget of match attempts (ScanBudget) bounds the rest.
    static readonly TimeSpan MatchTimeout = Regex.InfiniteMatchTimeout;

    /// <summary>Compiles <paramref name="definition"/>; <paramref name="lists"/> and <paramref name="contexts"/> are the policy's named word lists and contexts.</summary>
    public Detector(DetectorDefinition definition, IReadOnlyDictionary<string, IReadOnlyList<string>>? lists = null,
        IReadOnlyDictionary<string, DetectorContext>? contexts = null)
    {
        Definition = definition;
        var forms = definition.Keywords is { } keywords
            ? [(Anchors: (IReadOnlyList<string>)[.. keywords.Select(KeywordAnchor).Distinct(StringComparer.OrdinalIgnoreCase)],
                After: (DetectorContext?)null, Unless: (DetectorContext?)null, Pattern: @"\b" + Alternation(keywords) + @"\b")]
            : (definition.Forms ?? []).Select(f => (Anchors: Anchors(f.Anchors, lists ?? new Dictionary<string, IReadOnlyList<string>>()), f.After,
                Unless: Named(f.Unless, contexts), Pattern: WithLists(string.Concat(f.Pattern), lists ?? new Dictionary<string, IReadOnlyList<string>>()))).ToList();
        if (forms.Count == 0 || forms.Any(f => f.Anchors.Count == 0 || f.Anchors.Any(string.IsNullOrWhiteSpace) || f.Pattern.Length == 0))
        {
            throw new ArgumentException("every form needs its 'anchors' (the words or phrases every match starts with) and a 'pattern'.");
        }
        if (forms.SelectMany(f => f.Anchors.Concat(f.After?.Words ?? []).Concat(f.Unless?.Words ?? [])).FirstOrDefault(a => a.EndsWith('*') && a.TrimEnd('*').Length < 3) is { } shortPrefix)
        {
            throw new ArgumentException($"the anchor '{shortPrefix}' starts too many words: a prefix needs three characters or more (list the words instead).");
        }
        if (forms.SelectMany(f => new[] { f.After, f.Unless }).FirstOrDefault(c => c is not null
            && (c.Within <= 0 || c.AnyOf.Count == 0 || c.EndsAt.Length == 0 || !c.Words.All(DetectorSet.IsWordAnchor))) is { } bad)
        {
            throw new ArgumentException($"a context needs 'anyOf', its words as anchors are written (not {string.Join(", ", bad.Words.Where(w => !DetectorSet.IsWordAnchor(w)).Select(w => $"'{w}'"))}), 'within' above 0 (not {bad.Within}) and 'endsAt' characters.");
        }
        var options = RegexOptions.Compiled | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;
        if (!definition.CaseSensitive)
        {
            options |= RegexOptions.IgnoreCase;
        }
        // The whole alternation is compiled first, so a syntax error reports the pattern as written.
        // A form with a context is written (?=form)context(?:form): the same matches, but a search can skip to where the form
        // could start instead of reading the context back from every position of the text.
        Pattern = string.Join('|', forms.Select(f => f.After is null && f.Unless is null ? f.Pattern
            : $"(?=(?:{f.Pattern})){f.After?.LookBehind(holds: true)}{f.Unless?.LookBehind(holds: false)}(?:{f.Pattern})"));
        Regex = new Regex(Pattern, options, MatchTimeout);
        if (PatternSafety.NestedRepetition(Pattern) is { } nested)
        {
            throw new UnsafePatternException(nested);
        }
        HasValue = Regex.GetGroupNames().Contains("value");
        Forms = [.. forms.Select(f => new CompiledForm(f.Anchors, f.After, f.Unless, new Regex(@"\G(?:" + f.Pattern + ")", options, MatchTimeout)))];
    }

    static DetectorContext? Named(string? name, IReadOnlyDictionary<string, DetectorContext>? contexts) => name is null ? null
        : contexts?.GetValueOrDefault(name) ?? throw new ArgumentException($"unknown context '{name}' (contexts: {string.Join(", ", contexts?.Keys ?? [])}).");

    // A keyword is its own anchor when it is words (its first word otherwise, a symbol searched for as it is).
    static string KeywordAnchor(string keyword) =>
        string.Join(' ', keyword.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) is var phrase && DetectorSet.IsWordAnchor(phrase)
            ? phrase : phrase.Split(' ')[0];

    /// <summary><c>(?:a|b\s+c)</c> for the phrases a, "b c": each escaped, its spaces any run of white space.</summary>
    public static string Alternation(IEnumerable<string> phrases) =>
        "(?:" + string.Join('|', phrases.Select(k => Regex.Escape(k.Trim()).Replace(@"\ ", @"\s+"))) + ")";

    // An anchor written {{name}} stands for every entry of that word list.
    static IReadOnlyList<string> Anchors(IReadOnlyList<string> anchors, IReadOnlyDictionary<string, IReadOnlyList<string>> lists) =>
        [.. anchors.SelectMany(a => ListReference().Match(a) is { Success: true } m && m.Length == a.Length ? List(m, lists) : [a])];

    static string WithLists(string pattern, IReadOnlyDictionary<string, IReadOnlyList<string>> lists) =>
        ListReference().Replace(pattern, m => Alternation(List(m, lists)));

    static IReadOnlyList<string> List(Match reference, IReadOnlyDictionary<string, IReadOnlyList<string>> lists) =>
        lists.GetValueOrDefault(reference.Groups["name"].Value)
            ?? throw new ArgumentException($"unknown word list '{reference.Groups["name"].Value}' (lists: {string.Join(", ", lists.Keys)}).");

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
}
