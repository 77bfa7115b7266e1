namespace ReviewService.Rules;

/// <summary>
/// The words every match of a detector branch starts with, read from its pattern, each with its possible spellings:
/// <c>\bin\s+excess\s+of\b</c> → in, excess, of; <c>\b(?i:law)s?\s+(?i:of)</c> → law or laws, of;
/// <c>\b(?:this|the)\s+(?:agreement|contract)\s</c> → this or the, agreement or contract. A necessary condition, not a
/// sufficient one: where it holds, the branch's regex decides. Spellings compare ignoring ASCII case (so case-sensitive
/// patterns are covered too), and <c>\s+</c> before a word is the whole run of white space in front of it, since a
/// word cannot start with white space.
/// </summary>
public sealed class BranchPrefix
{
    const int MaxSpellings = 16;

    readonly IReadOnlyList<string[]> _steps;
    // For each step, the index of the first step after the optional phrase it opens ("(?:the\s+)?"), or 0.
    readonly IReadOnlyList<int> _skipTo;
    readonly bool _trailingSpace;

    BranchPrefix(IReadOnlyList<string[]> steps, IReadOnlyList<int> skipTo, bool firstIsWhole, bool trailingSpace, PrecedingWord? before)
    {
        Before = before;
        _steps = steps;
        _skipTo = skipTo;
        FirstIsWhole = firstIsWhole;
        _trailingSpace = trailingSpace;
    }

    /// <summary>The spellings of the first word: a match starts where a word of the text starts with one of them.</summary>
    public IReadOnlyList<string> First => _steps[0];

    /// <summary>A word the lookbehind right after the first word requires in the same sentence, or null.</summary>
    public PrecedingWord? Before { get; }

    /// <summary>True when the first word ends where the pattern says (<c>\s+</c> or <c>\b</c> follows it): the text's word at a match is one of its spellings exactly.</summary>
    public bool FirstIsWhole { get; }

    /// <summary>The words in order, spellings joined by '|', optional phrases in brackets, and '_' where white space must follow: "of [the] expiration|termination".</summary>
    public override string ToString()
    {
        var words = _steps.Select(s => string.Join('|', s)).ToList();
        for (var s = 0; s < _steps.Count; s++)
        {
            if (_skipTo[s] > 0)
            {
                words[s] = "[" + words[s];
                words[_skipTo[s] - 1] += "]";
            }
        }
        return string.Join(' ', words) + (_trailingSpace ? " _" : "") + (Before is null ? "" : $" after {Before}");
    }

    /// <summary>True when the text at <paramref name="start"/> has the words the prefix requires.</summary>
    public bool IsAt(string text, int start) => IsAt(text, start, 0);

    bool IsAt(string text, int at, int step)
    {
        if (step == _steps.Count)
        {
            return !_trailingSpace || Spaces(text, at) > 0;
        }
        // An optional phrase may be absent: the next word then starts here.
        if (_skipTo[step] > 0 && IsAt(text, at, _skipTo[step]))
        {
            return true;
        }
        foreach (var spelling in _steps[step])
        {
            if (!text.AsSpan(at).StartsWith(spelling, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var next = at + spelling.Length;
            if (step + 1 == _steps.Count)
            {
                if (IsAt(text, next, step + 1))
                {
                    return true;
                }
                continue;
            }
            var space = Spaces(text, next);
            if (space > 0 && IsAt(text, next + space, step + 1))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Reads the prefix of a branch: optional zero-width lookarounds, then <c>\b</c> (or <c>(?i:\b</c>), then words joined
    /// by <c>\s+</c>. A word is a sequence of letters, <c>(?i:letters)</c>, groups of plain words <c>(?:a|b)</c>, and a
    /// letter or such a group made optional by <c>?</c>. Null when the branch does not start that way, or has a
    /// top-level <c>|</c>, an inline option, a backreference or <c>\G</c> (which ties a match to where the scan starts).
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
        var skipTo = new List<int>();
        var firstIsWhole = false;
        var trailingSpace = false;
        PrecedingWord? before = null;
        while (true)
        {
            // After white space: optional phrases, "(?:the\s+)?", each a run of words that white space follows.
            var required = steps.Count;
            while (steps.Count > 0 && OptionalPhrase(branch, i, end) is ({ } phrase, var after))
            {
                skipTo.Add(steps.Count + phrase.Count);
                skipTo.AddRange(Enumerable.Repeat(0, phrase.Count - 1));
                steps.AddRange(phrase);
                i = after;
            }
            var (spellings, next, whole) = Word(branch, i, end);
            if (spellings is null)
            {
                // Optional phrases at the end require nothing.
                steps.RemoveRange(required, steps.Count - required);
                skipTo.RemoveRange(required, skipTo.Count - required);
                trailingSpace = steps.Count > 0;
                break;
            }
            steps.Add(spellings);
            skipTo.Add(0);
            firstIsWhole |= steps.Count == 1 && whole;
            before ??= steps.Count == 1 ? Lookbehind(branch, StartsWith(branch, next, end, @"\b") ? next + 2 : next, end) : null;
            if (!whole || !StartsWith(branch, next, end, @"\s+"))
            {
                break;
            }
            i = next + 3;
        }
        return steps.Count > 0 ? new BranchPrefix(steps, skipTo, firstIsWhole, trailingSpace, before) : null;
    }

    /// <summary>The condition of a lookbehind at <paramref name="i"/>, <c>(?&lt;=...)</c> not repeated, or null.</summary>
    static PrecedingWord? Lookbehind(string pattern, int i, int end)
    {
        if (!StartsWith(pattern, i, end, "(?<="))
        {
            return null;
        }
        var close = Detector.ClosingParenthesis(pattern, i);
        return close < 0 || close >= end || IsQuantifier(pattern, close + 1) ? null : PrecedingWord.Of(pattern[(i + 4)..close]);
    }

    /// <summary>
    /// <c>(?:the\s+)?</c> or <c>(?:directly\s+or\s+indirectly\s+)?</c> at <paramref name="i"/>: its words, each followed by
    /// <c>\s+</c>, and where the pattern goes on after the <c>?</c>.
    /// </summary>
    static (List<string[]>? Words, int Next) OptionalPhrase(string pattern, int i, int end)
    {
        if (!StartsWith(pattern, i, end, "(?:"))
        {
            return (null, i);
        }
        var close = Detector.ClosingParenthesis(pattern, i);
        if (close < 0 || close + 1 >= end || pattern[close + 1] != '?')
        {
            return (null, i);
        }
        var inner = pattern[(i + 3)..close];
        var words = new List<string[]>();
        for (var j = 0; j < inner.Length;)
        {
            var (spellings, next, whole) = Word(inner, j, inner.Length);
            if (spellings is null || !whole || !StartsWith(inner, next, inner.Length, @"\s+"))
            {
                return (null, i);
            }
            words.Add(spellings);
            j = next + 3;
        }
        return words.Count > 0 ? (words, SkipLazy(pattern, close + 2)) : (null, i);
    }

    /// <summary>
    /// The spellings of the word at <paramref name="i"/>, where the pattern goes on after it, and whether the word ends
    /// there (<c>\s+</c>, <c>\s</c> or <c>\b</c> follows). A letter repeated by <c>*</c>, <c>+</c> or <c>{</c> ends the word before it.
    /// </summary>
    internal static (string[]? Spellings, int Next, bool Whole) Word(string pattern, int i, int end)
    {
        List<string> spellings = [""];
        var j = i;
        var stopped = false;
        while (j < end && !stopped)
        {
            IReadOnlyList<string> piece;
            var run = j;
            while (run < end && char.IsAsciiLetterOrDigit(pattern[run]))
            {
                run++;
            }
            if (run > j)
            {
                // "laws?": "law" then an optional "s"; "terminat\w*" stops at the backslash.
                var optional = run < end && pattern[run] == '?';
                stopped = !optional && run < end && IsQuantifier(pattern, run);
                var required = optional || stopped ? run - 1 : run;
                spellings = [.. spellings.Select(s => s + pattern[j..required])];
                if (optional)
                {
                    spellings = [.. spellings.SelectMany(s => new[] { s, s + pattern[run - 1] })];
                }
                j = optional ? SkipLazy(pattern, run + 1) : run;
                continue;
            }
            if (!StartsWith(pattern, j, end, "(?:", "(?i:"))
            {
                break;
            }
            var close = Detector.ClosingParenthesis(pattern, j);
            var open = pattern[j + 2] == ':' ? j + 3 : j + 4;
            piece = close < 0 || close >= end ? [] : Detector.TopLevelBranches(pattern[open..close]);
            var groupOptional = close + 1 < end && pattern[close + 1] == '?';
            if (piece.Count == 0 || piece.Any(w => w.Length == 0 || !w.All(char.IsAsciiLetterOrDigit))
                || (!groupOptional && IsQuantifier(pattern, close + 1))
                || spellings.Count * (piece.Count + (groupOptional ? 1 : 0)) > MaxSpellings)
            {
                break;
            }
            spellings = [.. spellings.SelectMany(s => piece.Select(w => s + w).Concat(groupOptional ? [s] : []))];
            j = groupOptional ? SkipLazy(pattern, close + 2) : close + 1;
        }
        if (spellings.Any(s => s.Length == 0))
        {
            return (null, i, false);
        }
        // White space or a word boundary after it ends the word in the text too ("\s*" or "\s?" may not be there).
        var whole = !stopped && EndsWord(pattern, j, end);
        return ([.. spellings.Distinct()], j, whole);
    }

    /// <summary>True when the pattern at <paramref name="j"/> requires white space or a word boundary, so a word before it ends there.</summary>
    internal static bool EndsWord(string pattern, int j, int end) =>
        StartsWith(pattern, j, end, @"\s+", @"\b") || (StartsWith(pattern, j, end, @"\s") && !IsQuantifier(pattern, j + 2));

    // "??" is the lazy "?": the same spellings.
    static int SkipLazy(string pattern, int i) => i < pattern.Length && pattern[i] == '?' ? i + 1 : i;

    static int Spaces(string text, int at)
    {
        var n = 0;
        while (at + n < text.Length && char.IsWhiteSpace(text[at + n]))
        {
            n++;
        }
        return n;
    }

    internal static bool IsQuantifier(string pattern, int i) => i < pattern.Length && pattern[i] is '?' or '*' or '+' or '{';

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
