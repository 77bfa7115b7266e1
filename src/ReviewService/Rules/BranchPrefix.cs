namespace ReviewService.Rules;

/// <summary>
/// The words every match of a detector branch starts with, read from its pattern, each with its possible spellings:
/// <c>\bin\s+excess\s+of\b</c> → in, excess, of; <c>\b(?i:law)s?\s+(?i:of)</c> → law or laws, of;
/// <c>\b(?:this|the)\s+(?:agreement|contract)\s</c> → this or the, agreement or contract. A necessary condition, not a
/// sufficient one: where it holds, the branch's regex decides. Spellings compare ignoring ASCII case (so case-sensitive
/// patterns are covered too), and <c>\s+</c> before a word is the whole run of white space in front of it, since a
/// word cannot start with white space.
/// </summary>
public sealed partial class BranchPrefix
{
    const int MaxSpellings = 16;

    readonly string[][] _steps;
    // For each step, the index of the first step after the optional phrase it opens ("(?:the\s+)?"), or 0.
    readonly int[] _skipTo;
    readonly bool _trailingSpace;
    string? _description;

    BranchPrefix(IReadOnlyList<string[]> steps, IReadOnlyList<int> skipTo, bool firstIsWhole, bool trailingSpace, PrecedingWord? before)
    {
        Before = before;
        _steps = [.. steps];
        _skipTo = [.. skipTo];
        FirstIsWhole = firstIsWhole;
        _trailingSpace = trailingSpace;
        LongestFirst = steps[0].Max(s => s.Length);
        FirstKeys = [.. steps[0].Select(WordStarts.KeyOf).Distinct()];
    }

    /// <summary>The spellings of the first word: a match starts where a word of the text starts with one of them.</summary>
    public IReadOnlyList<string> First => _steps[0];

    /// <summary>The length of the longest spelling of the first word.</summary>
    public int LongestFirst { get; }

    /// <summary>The distinct keys <see cref="WordStarts"/> files the first word's spellings under: a word the prefix can start has one of them (<see cref="WordStarts.CanFind"/>).</summary>
    internal int[] FirstKeys { get; }

    /// <summary>A word the lookbehind right after the first word (or the rest of it) requires in the same sentence, or null.</summary>
    public PrecedingWord? Before { get; }

    /// <summary>True when the first word ends where the pattern says (<c>\s+</c> or <c>\b</c> follows it): the text's word at a match is one of its spellings exactly.</summary>
    public bool FirstIsWhole { get; }

    /// <summary>
    /// The words in order, spellings joined by '|', optional phrases in brackets, and '_' where white space must follow:
    /// "of [the] expiration|termination". Two prefixes with the same description are found at the same places.
    /// </summary>
    public override string ToString() => _description ??= Describe();

    string Describe()
    {
        var words = _steps.Select(s => string.Join('|', s)).ToList();
        for (var s = 0; s < _steps.Length; s++)
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
        if (step == _steps.Length)
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
            if (!HasSpellingAt(text, at, spelling))
            {
                continue;
            }
            var next = at + spelling.Length;
            if (step + 1 == _steps.Length)
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

    // What StartsWith(spelling, OrdinalIgnoreCase) answers for a spelling of ASCII letters and digits, without its overhead
    // (this runs at every start of a frequent word).
    static bool HasSpellingAt(string text, int at, string spelling)
    {
        if (at + spelling.Length > text.Length)
        {
            return false;
        }
        for (var i = 0; i < spelling.Length; i++)
        {
            var c = text[at + i];
            var s = spelling[i];
            if (c != s && !(char.IsAsciiLetter(s) && (c | 0x20) == (s | 0x20)))
            {
                return false;
            }
        }
        return true;
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
}
