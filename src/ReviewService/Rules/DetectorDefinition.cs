using System.Text.RegularExpressions;

namespace ReviewService.Rules;

/// <summary>A named pattern over the document text, as declared in a policy's detectors file.</summary>
public sealed record DetectorDefinition
{
    public required string Name { get; init; }
    /// <summary>What the detector finds, in words, for the people who review the policy. Required.</summary>
    public string? Description { get; init; }
    /// <summary>A .NET regular expression. A named group <c>value</c> yields the detector's value.</summary>
    public string? Pattern { get; init; }
    /// <summary>Alternatively, a keyword list: matched as whole words, case-insensitive.</summary>
    public IReadOnlyList<string>? Keywords { get; init; }
    public bool CaseSensitive { get; init; }
    /// <summary>Texts the detector must find something in, and texts it must find nothing in: the policy's own tests (<c>--test</c>).</summary>
    public DetectorExamples? Examples { get; init; }
}

public sealed record DetectorExamples
{
    public IReadOnlyList<string> Matches { get; init; } = [];
    public IReadOnlyList<string> DoesNotMatch { get; init; } = [];
}

/// <summary>
/// A detector ready to run: the compiled expression of its definition. A pattern whose top level is an alternation
/// (<c>a|b|c</c>) runs as one expression per branch, merged in text order exactly as the alternation would match
/// (leftmost match first; at the same position, the earlier branch). Why: .NET finds the start of a single literal with
/// a vectorised search, but for an alternation of words it tests every position that could start any of them, which
/// made such detectors several times slower. For the same reason a branch that starts with a group of words,
/// <c>\b(?:a|b)rest</c>, runs as <c>\barest|\bbrest</c>: with backtracking the two try the same strings in the same
/// order, so they match the same text.
/// </summary>
public sealed partial class Detector
{
    // No per-match time limit: .NET reads the clock at every call and in every backtracking loop, which cost a quarter of
    // the rules stage. Exponential backtracking is refused when the pattern is loaded (NestedRepetition), and the rules
    // stage's per-document budget of match attempts (ScanBudget) bounds the rest.
    static readonly TimeSpan MatchTimeout = Regex.InfiniteMatchTimeout;

    /// <summary>A repeated group may itself repeat something without bound only up to this many times.</summary>
    public const int MaxRepeatsOfUnboundedGroup = 5;

    public Detector(DetectorDefinition definition)
    {
        Definition = definition;
        var pattern = definition.Pattern
            ?? @"\b(?:" + string.Join('|', definition.Keywords!.Select(k => Regex.Escape(k.Trim()).Replace(@"\ ", @"\s+"))) + @")\b";
        var options = RegexOptions.Compiled | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;
        if (!definition.CaseSensitive)
        {
            options |= RegexOptions.IgnoreCase;
        }
        // The whole pattern is compiled first, so a syntax error reports the pattern as written.
        Regex = new Regex(pattern, options, MatchTimeout);
        if (NestedRepetition(pattern) is { } nested)
        {
            throw new UnsafePatternException(nested);
        }
        HasValue = Regex.GetGroupNames().Contains("value");
        var branches = TopLevelBranches(pattern).SelectMany(LeadingGroupDistributed).ToList();
        Branches = branches.Count > 1 ? [.. branches.Select(b => new Regex(b, options, MatchTimeout))] : [Regex];
        var prefixes = branches.Select(BranchPrefix.Of).ToList();
        MatchesAreNeverEmpty = prefixes.All(p => p is not null);
        Prefixes = [.. prefixes.Select(p => p is not null && WordStarts.CanFind(p) ? p : null)];
        Anchored = [.. branches.Zip(Prefixes, (b, p) => p is null ? null : new Regex(@"\G(?:" + b + ")", options, MatchTimeout))];
    }

    public DetectorDefinition Definition { get; }
    public string Name => Definition.Name;
    /// <summary>The pattern as one expression.</summary>
    public Regex Regex { get; }
    /// <summary>What the scan runs: the top-level branches of the pattern, or the pattern itself.</summary>
    public IReadOnlyList<Regex> Branches { get; }
    /// <summary>For each branch, the words its matches start with, or null when the pattern does not say.</summary>
    public IReadOnlyList<BranchPrefix?> Prefixes { get; }
    /// <summary>For each branch with a prefix, the branch anchored where the match attempt starts (<c>\G</c>).</summary>
    public IReadOnlyList<Regex?> Anchored { get; }
    public bool HasValue { get; }
    /// <summary>True when every branch starts with a word (<see cref="BranchPrefix"/>), so no match is empty.</summary>
    public bool MatchesAreNeverEmpty { get; }

    /// <summary>
    /// Splits a pattern at the <c>|</c> characters outside any group or character class. Returns the pattern alone
    /// when it has none, or when an inline option (<c>(?i)</c>) or a backreference could tie the branches together.
    /// </summary>
    public static IReadOnlyList<string> TopLevelBranches(string pattern)
    {
        if (InlineOptionOrBackreference().IsMatch(pattern))
        {
            return [pattern];
        }
        var branches = new List<string>();
        var start = 0;
        foreach (var (i, _, _) in Structure(pattern, 0).Where(t => t.Token == '|' && t.Depth == 0))
        {
            branches.Add(pattern[start..i]);
            start = i + 1;
        }
        branches.Add(pattern[start..]);
        return branches;
    }

    /// <summary>
    /// <c>\b(?:a|b)rest</c> → <c>\barest</c>, <c>\bbrest</c>: a branch that starts with a non-capturing group of
    /// alternatives (not repeated) becomes one branch per alternative. Anything else is returned as it is.
    /// </summary>
    public static IReadOnlyList<string> LeadingGroupDistributed(string branch)
    {
        var prefix = branch.StartsWith(@"\b(?:", StringComparison.Ordinal) ? @"\b" : branch.StartsWith("(?:", StringComparison.Ordinal) ? "" : null;
        if (prefix is null || InlineOptionOrBackreference().IsMatch(branch))
        {
            return [branch];
        }
        var open = prefix.Length;
        var close = ClosingParenthesis(branch, open);
        if (close < 0 || (close + 1 < branch.Length && branch[close + 1] is '*' or '+' or '?' or '{'))
        {
            return [branch];
        }
        var alternatives = TopLevelBranches(branch[(open + 3)..close]);
        var rest = branch[(close + 1)..];
        return alternatives.Count > 1 ? [.. alternatives.Select(a => prefix + a + rest)] : [branch];
    }

    internal static int ClosingParenthesis(string pattern, int open) =>
        Structure(pattern, open).Where(t => t.Token == ')' && t.Depth == 0).Select(t => t.Index).DefaultIfEmpty(-1).First();

    /// <summary>
    /// The grouping characters of a pattern from <paramref name="from"/> on, outside escapes and character classes:
    /// each '(', ')' and '|' with the group depth after it.
    /// </summary>
    static IEnumerable<(int Index, char Token, int Depth)> Structure(string pattern, int from)
    {
        var depth = 0;
        var inClass = false;
        for (var i = from; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                i++;
            }
            else if (inClass)
            {
                inClass = c != ']';
            }
            else if (c == '[')
            {
                inClass = true;
                // A ']' right after '[' or '[^' is a literal member of the class.
                if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                {
                    i++;
                }
                if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                {
                    i++;
                }
            }
            else if (c is '(' or ')' or '|')
            {
                depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                yield return (i, c, depth);
            }
        }
    }

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

    internal static bool HasInlineOptionOrBackreference(string pattern) => InlineOptionOrBackreference().IsMatch(pattern);

    // "(?i)" or "(?-i)" not followed by ':' changes the options of everything after it; \1 or \k<name> refers back.
    [GeneratedRegex(@"\(\?[imnsx-]+\)|\\[1-9]|\\k<")]
    private static partial Regex InlineOptionOrBackreference();
}

/// <summary>A detector pattern that compiles but could backtrack exponentially (<see cref="Detector.NestedRepetition"/>).</summary>
public sealed class UnsafePatternException(string message) : ArgumentException(message);
