using System.Text.RegularExpressions;
using ReviewService.Policies;

namespace ReviewService.Rules;

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
    // the rules stage. Exponential backtracking is refused when the pattern is loaded (PatternSafety), and the rules
    // stage's per-document budget of match attempts (ScanBudget) bounds the rest.
    static readonly TimeSpan MatchTimeout = Regex.InfiniteMatchTimeout;

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
        if (forms.SelectMany(f => f.Anchors.Concat(f.After?.AnyOf ?? [])).FirstOrDefault(a => a.EndsWith('*') && a.TrimEnd('*').Length < 3) is { } shortPrefix)
        {
            throw new ArgumentException($"the anchor '{shortPrefix}' starts too many words: a prefix needs three characters or more (list the words instead).");
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
        if (PatternSafety.NestedRepetition(Pattern) is { } nested)
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
}
