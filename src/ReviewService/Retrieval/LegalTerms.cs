namespace ReviewService.Retrieval;

/// <summary>
/// The words retrieval counts: lower-cased ASCII words of two letters or more (hyphens and apostrophes inside) and numbers,
/// without function words and contract boilerplate ("party", "agreement", "hereof"), with common suffixes removed so that
/// "assigns", "assigned" and "assigning" count as one term. The profile builder and the ranker both read text through this.
/// </summary>
public static class LegalTerms
{
    static readonly HashSet<string> Stop = new(
        "the a an of to and or in on for by with as at be is are was were this that any such its it their his her from which shall will may under other than all each into upon party parties agreement hereunder hereof herein thereof"
            .Split(' '), StringComparer.Ordinal);
    static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> StopLookup = Stop.GetAlternateLookup<ReadOnlySpan<char>>();
    static readonly string[] Suffixes = ["ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "s"];

    /// <summary>Calls <paramref name="term"/> with each term of <paramref name="text"/> in order, as a span of a lower-cased copy.</summary>
    public static void Each<TState>(ReadOnlySpan<char> text, ref TState state, TermAction<TState> term)
    {
        Span<char> word = stackalloc char[64];
        var i = 0;
        while (i < text.Length)
        {
            var c = Lower(text[i]);
            if (c is >= 'a' and <= 'z')
            {
                var n = 0;
                while (i < text.Length && (Lower(text[i]) is >= 'a' and <= 'z' or '-' or '\''))
                {
                    if (n < word.Length)
                    {
                        word[n++] = Lower(text[i]);
                    }
                    i++;
                }
                if (n >= 2 && !StopLookup.Contains(word[..n]))
                {
                    term(word[..Stem(word[..n])], ref state);
                }
            }
            else if (c is >= '0' and <= '9')
            {
                var n = 0;
                while (i < text.Length && text[i] is >= '0' and <= '9')
                {
                    if (n < word.Length)
                    {
                        word[n++] = text[i];
                    }
                    i++;
                }
                term(word[..n], ref state);
            }
            else
            {
                i++;
            }
        }
    }

    /// <summary>The terms of a text as strings (for building profiles and queries, not for the per-review path).</summary>
    public static List<string> Of(string text)
    {
        var terms = new List<string>();
        Each(text, ref terms, static (t, ref list) => list.Add(t.ToString()));
        return terms;
    }

    /// <summary>Whether <paramref name="term"/> has the shape of a term: lower-case letters (hyphens and apostrophes inside) or digits.</summary>
    public static bool IsTerm(string term) =>
        term.Length > 0 && (term.All(char.IsAsciiDigit) || (term.Length >= 2 && char.IsAsciiLetterLower(term[0]) && term.All(c => char.IsAsciiLetterLower(c) || c is '-' or '\'')));

    static int Stem(ReadOnlySpan<char> word)
    {
        foreach (var suffix in Suffixes)
        {
            if (word.EndsWith(suffix, StringComparison.Ordinal) && word.Length - suffix.Length >= 4)
            {
                return word.Length - suffix.Length;
            }
        }
        return word.Length;
    }

    static char Lower(char c) => c is >= 'A' and <= 'Z' ? (char)(c + 32) : c;
}

public delegate void TermAction<TState>(ReadOnlySpan<char> term, ref TState state);
