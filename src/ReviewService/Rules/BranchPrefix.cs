namespace ReviewService.Rules;

/// <summary>
/// The words every match of a detector branch starts with, read from its pattern: <c>\bin\s+excess\s+of\b</c> → in,
/// excess, of; <c>\b(?i:law)s?\s+(?i:of)</c> → law; <c>\bthe\s+(?:agreement|contract)\s</c> → the, then agreement or
/// contract. A necessary condition, not a sufficient one: where it holds, the branch's regex decides. Words compare
/// ignoring ASCII case (so case-sensitive patterns are covered too), and <c>\s+</c> before a word is the whole run of
/// white space in front of it, since a word cannot start with white space.
/// </summary>
public sealed class BranchPrefix
{
    readonly IReadOnlyList<string[]> _steps;
    readonly bool _trailingSpace;

    BranchPrefix(IReadOnlyList<string[]> steps, bool trailingSpace)
    {
        _steps = steps;
        _trailingSpace = trailingSpace;
    }

    /// <summary>The first word, two characters or more: a match starts where a word of the text starts with it.</summary>
    public string First => _steps[0][0];

    /// <summary>True when white space must follow the first word: the text's word at a match is that word exactly.</summary>
    public bool FirstIsWhole => _steps.Count > 1 || _trailingSpace;

    /// <summary>The words in order, alternatives joined by '|', and '_' where white space must follow: "legislation of _".</summary>
    public override string ToString() => string.Join(' ', _steps.Select(s => string.Join('|', s))) + (_trailingSpace ? " _" : "");

    /// <summary>True when the text at <paramref name="start"/> has the words the prefix requires.</summary>
    public bool IsAt(string text, int start)
    {
        var at = start;
        for (var s = 0; s < _steps.Count; s++)
        {
            if (s > 0)
            {
                var space = Spaces(text, at);
                if (space == 0)
                {
                    return false;
                }
                at += space;
            }
            var length = MatchedLength(_steps[s], text.AsSpan(at));
            if (length == 0)
            {
                return false;
            }
            at += length;
        }
        return !_trailingSpace || Spaces(text, at) > 0;
    }

    /// <summary>
    /// Reads the prefix of a branch: optional zero-width lookarounds, then <c>\b</c> (or <c>(?i:\b</c>), then words joined
    /// by <c>\s+</c>, each plain letters or <c>(?i:letters)</c>; a group of plain words <c>(?:a|b)</c> may end it.
    /// Null when the first word is shorter than two characters, or the branch has a top-level <c>|</c>, an inline
    /// option, a backreference or <c>\G</c> (which ties a match to where the scan starts).
    /// </summary>
    public static BranchPrefix? Of(string branch)
    {
        if (branch.Contains(@"\G", StringComparison.Ordinal) || Detector.HasInlineOptionOrBackreference(branch)
            || Detector.TopLevelBranches(branch).Count != 1)
        {
            return null;
        }
        var i = 0;
        while (StartsWith(branch, i, branch.Length, "(?=", "(?!", "(?<=", "(?<!"))
        {
            var close = Detector.ClosingParenthesis(branch, i);
            if (close < 0 || IsQuantifier(branch, close + 1))
            {
                return null;
            }
            i = close + 1;
        }
        var end = branch.Length;
        if (StartsWith(branch, i, end, @"(?i:\b"))
        {
            end = Detector.ClosingParenthesis(branch, i);
            if (end < 0 || IsQuantifier(branch, end + 1) || Detector.TopLevelBranches(branch[(i + 4)..end]).Count != 1)
            {
                return null;
            }
            i += 4;
        }
        if (!StartsWith(branch, i, end, @"\b"))
        {
            return null;
        }
        i += 2;
        var steps = new List<string[]>();
        var trailingSpace = false;
        while (Word(branch, i, end) is ({ } word, var next, var whole))
        {
            steps.Add([word]);
            if (!whole || !StartsWith(branch, next, end, @"\s+"))
            {
                break;
            }
            i = next + 3;
            if (Word(branch, i, end).Word is null)
            {
                if (Alternatives(branch, i, end) is { } words)
                {
                    steps.Add(words);
                }
                else
                {
                    trailingSpace = true;
                }
                break;
            }
        }
        return steps.Count > 0 && steps[0][0].Length >= 2 ? new BranchPrefix(steps, trailingSpace) : null;
    }

    /// <summary>
    /// Plain letters or digits at <paramref name="i"/>, or a <c>(?i:letters)</c> group; Whole is false when a quantifier
    /// follows (<c>laws?</c>): the last letter is then dropped and nothing after it is required.
    /// </summary>
    static (string? Word, int Next, bool Whole) Word(string pattern, int i, int end)
    {
        if (StartsWith(pattern, i, end, "(?i:"))
        {
            var close = Detector.ClosingParenthesis(pattern, i);
            var inner = close < 0 || close >= end ? "" : pattern[(i + 4)..close];
            return inner.Length > 0 && inner.All(char.IsAsciiLetterOrDigit) && !IsQuantifier(pattern, close + 1)
                ? (inner, close + 1, true)
                : (null, i, false);
        }
        var j = i;
        while (j < end && char.IsAsciiLetterOrDigit(pattern[j]))
        {
            j++;
        }
        if (j < end && IsQuantifier(pattern, j))
        {
            return j - 1 > i ? (pattern[i..(j - 1)], j, false) : (null, i, false);
        }
        return j > i ? (pattern[i..j], j, true) : (null, i, false);
    }

    /// <summary>A group of plain words, <c>(?:agreement|contract)</c> or <c>(?i:state|province)</c>, not repeated.</summary>
    static string[]? Alternatives(string pattern, int i, int end)
    {
        if (!StartsWith(pattern, i, end, "(?:", "(?i:"))
        {
            return null;
        }
        var close = Detector.ClosingParenthesis(pattern, i);
        if (close < 0 || close >= end || IsQuantifier(pattern, close + 1))
        {
            return null;
        }
        var open = pattern[i + 2] == ':' ? i + 3 : i + 4;
        var words = Detector.TopLevelBranches(pattern[open..close]);
        return words.All(w => w.Length > 0 && w.All(char.IsAsciiLetterOrDigit)) ? [.. words] : null;
    }

    static int MatchedLength(string[] words, ReadOnlySpan<char> text)
    {
        foreach (var word in words)
        {
            if (text.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            {
                return word.Length;
            }
        }
        return 0;
    }

    static int Spaces(string text, int at)
    {
        var n = 0;
        while (at + n < text.Length && char.IsWhiteSpace(text[at + n]))
        {
            n++;
        }
        return n;
    }

    static bool IsQuantifier(string pattern, int i) => i < pattern.Length && pattern[i] is '?' or '*' or '+' or '{';

    static bool StartsWith(string pattern, int i, int end, params ReadOnlySpan<string> any)
    {
        foreach (var s in any)
        {
            if (i <= end && pattern.AsSpan(i, end - i).StartsWith(s, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }
}
