namespace ReviewService.Rules;

/// <summary>Reading a prefix from a branch's pattern.</summary>
public sealed partial class BranchPrefix
{
    /// <summary>
    /// Reads the prefix of a branch: optional zero-width lookarounds, then <c>\b</c> (or <c>(?i:\b</c>), then words joined
    /// by <c>\s+</c>, with optional phrases <c>(?:the\s+)?</c> between them. A word is a sequence of letters,
    /// <c>(?i:letters)</c>, groups of plain words <c>(?:a|b)</c>, and a letter or such a group made optional by <c>?</c>.
    /// A lookbehind right after the first word (or after <c>\w*</c>, the rest of it) gives <see cref="Before"/>. Null when the branch does not start that way, or has a
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
            before ??= steps.Count == 1 ? Lookbehind(branch, AfterRestOfWord(branch, next, end), end) : null;
            if (!whole || !StartsWith(branch, next, end, @"\s+"))
            {
                break;
            }
            i = next + 3;
        }
        return steps.Count > 0 ? new BranchPrefix(steps, skipTo, firstIsWhole, trailingSpace, before) : null;
    }

    /// <summary>
    /// Where a lookbehind after the first word would stand: past <c>\w*</c> (the rest of the word: no <c>\b</c> inside it, so
    /// the lookbehind's match still begins at or before the word) and then <c>\b</c>, each when there.
    /// </summary>
    static int AfterRestOfWord(string pattern, int i, int end)
    {
        i = StartsWith(pattern, i, end, @"\w*") ? i + 3 : i;
        return StartsWith(pattern, i, end, @"\b") ? i + 2 : i;
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

    /// <summary>True when the pattern at <paramref name="j"/> requires white space, a hyphen or a word boundary, so a word before it ends there.</summary>
    internal static bool EndsWord(string pattern, int j, int end) =>
        StartsWith(pattern, j, end, @"\s+", @"\b") || (StartsWith(pattern, j, end, @"\s", "-") && !IsQuantifier(pattern, j + (pattern[j] == '-' ? 1 : 2)));

    // "??" is the lazy "?": the same spellings.
    static int SkipLazy(string pattern, int i) => i < pattern.Length && pattern[i] == '?' ? i + 1 : i;

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
