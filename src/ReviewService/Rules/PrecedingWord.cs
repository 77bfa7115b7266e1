namespace ReviewService.Rules;

/// <summary>
/// What a lookbehind right after a branch's first word requires, when nothing it matches can be a full stop:
/// <c>\bconfidential(?&lt;=\b(?:except|shall\s+not\s+apply)\b[^.]{0,250}\bconfidential)</c> → "except" or
/// "shall not apply" starts in the same sentence, before the match or inside its first word (the lookbehind's match
/// begins with those words and ends where the first word does). A necessary condition, checked with the word index
/// before the branch's regex is tried.
/// </summary>
public sealed class PrecedingWord
{
    PrecedingWord(IReadOnlyList<BranchPrefix> alternatives) => Alternatives = alternatives;

    /// <summary>The words the lookbehind's match can start with, one prefix per alternative, each one the index can look up.</summary>
    public IReadOnlyList<BranchPrefix> Alternatives { get; }

    public override string ToString() => string.Join(" | ", Alternatives);

    /// <summary>
    /// Reads the content of a lookbehind: <c>\b</c>, then words or a group of alternatives each starting with words.
    /// Null when it starts otherwise, when any part of it could match a full stop, or when a first word is shorter than
    /// four characters and not whole (it could not be looked up).
    /// </summary>
    public static PrecedingWord? Of(string lookbehind)
    {
        if (!lookbehind.StartsWith(@"\b", StringComparison.Ordinal) || !CannotMatchFullStop(lookbehind))
        {
            return null;
        }
        var prefixes = new List<BranchPrefix?>();
        if (lookbehind.AsSpan(2).StartsWith("(?:", StringComparison.Ordinal) || lookbehind.AsSpan(2).StartsWith("(?i:", StringComparison.Ordinal))
        {
            var close = Detector.ClosingParenthesis(lookbehind, 2);
            if (close < 0 || BranchPrefix.IsQuantifier(lookbehind, close + 1))
            {
                return null;
            }
            // An alternative ends where the group does: what follows the group follows its last word.
            var ending = BranchPrefix.EndsWord(lookbehind, close + 1, lookbehind.Length) ? @"\b" : "";
            var open = lookbehind[4] == ':' ? 5 : 6;
            prefixes.AddRange(Detector.TopLevelBranches(lookbehind[open..close]).Select(a => BranchPrefix.Of(@"\b" + a + ending)));
        }
        else
        {
            prefixes.Add(BranchPrefix.Of(lookbehind));
        }
        return prefixes.All(p => p is not null && p.Before is null && WordStarts.CanFind(p)) ? new PrecedingWord(prefixes!) : null;
    }

    /// <summary>
    /// True when no part of <paramref name="pattern"/> can match '.': letters, <c>\s \w \d \b</c>, escaped punctuation
    /// other than '.', classes that exclude '.', groups, alternation, quantifiers, and lookarounds (which match nothing).
    /// </summary>
    static bool CannotMatchFullStop(string pattern)
    {
        for (var i = 0; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '\\':
                    if (i + 1 >= pattern.Length || !@"swdbB()[]-'/&,;:% """.Contains(pattern[i + 1], StringComparison.Ordinal))
                    {
                        return false;
                    }
                    i++;
                    break;
                case '[':
                    var end = ClassEnd(pattern, i);
                    if (end < 0 || !ClassExcludesFullStop(pattern[(i + 1)..end]))
                    {
                        return false;
                    }
                    i = end;
                    break;
                case '(':
                    if (pattern.AsSpan(i).StartsWith("(?=", StringComparison.Ordinal) || pattern.AsSpan(i).StartsWith("(?!", StringComparison.Ordinal)
                        || pattern.AsSpan(i).StartsWith("(?<=", StringComparison.Ordinal) || pattern.AsSpan(i).StartsWith("(?<!", StringComparison.Ordinal))
                    {
                        i = Detector.ClosingParenthesis(pattern, i);
                        if (i < 0)
                        {
                            return false;
                        }
                    }
                    else if (pattern.AsSpan(i).StartsWith("(?:", StringComparison.Ordinal) || pattern.AsSpan(i).StartsWith("(?i:", StringComparison.Ordinal))
                    {
                        i = pattern.IndexOf(':', i);
                    }
                    else if (pattern.AsSpan(i).StartsWith("(?<", StringComparison.Ordinal))
                    {
                        i = pattern.IndexOf('>', i);
                        if (i < 0)
                        {
                            return false;
                        }
                    }
                    else if (i + 1 < pattern.Length && pattern[i + 1] == '?')
                    {
                        return false;
                    }
                    break;
                case '{':
                    i = pattern.IndexOf('}', i);
                    if (i < 0)
                    {
                        return false;
                    }
                    break;
                case '.' or '^' or '$':
                    return false;
            }
        }
        return true;
    }

    static int ClassEnd(string pattern, int open)
    {
        var i = open + 1;
        if (i < pattern.Length && pattern[i] == '^')
        {
            i++;
        }
        if (i < pattern.Length && pattern[i] == ']')
        {
            i++;
        }
        for (; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\')
            {
                i++;
            }
            else if (pattern[i] == ']')
            {
                return i;
            }
        }
        return -1;
    }

    // "[^.;]" lists '.' as excluded; "[- ]", "[A-Za-z'’]" list only letters, digits, space, apostrophes and hyphens.
    static bool ClassExcludesFullStop(string members) => members.StartsWith('^')
        ? members.Contains('.', StringComparison.Ordinal) && !members.Contains('\\', StringComparison.Ordinal) && !members.Contains('[', StringComparison.Ordinal)
        : members.All(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '\'' or '’' or '-') && Ranges(members).All(r => SameKind(r.From, r.To));

    static IEnumerable<(char From, char To)> Ranges(string members)
    {
        for (var i = 1; i + 1 < members.Length; i++)
        {
            if (members[i] == '-')
            {
                yield return (members[i - 1], members[i + 1]);
            }
        }
    }

    static bool SameKind(char a, char b) =>
        (char.IsAsciiDigit(a) && char.IsAsciiDigit(b)) || (char.IsAsciiLetterLower(a) && char.IsAsciiLetterLower(b))
        || (char.IsAsciiLetterUpper(a) && char.IsAsciiLetterUpper(b));
}
