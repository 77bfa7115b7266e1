using System.Text;
using System.Text.RegularExpressions;
using ReviewService.Decisions;

namespace ReviewService.Judge;

/// <summary>
/// Finds a quote in the document ignoring case and differences in white space (and typographic quotes and dashes):
/// an answer is only as good as the passage it quotes, and the span is what the reviewer is shown.
/// </summary>
public static class Grounding
{
    const int MaxMatches = 50;
    static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The span of <paramref name="quote"/> in <paramref name="text"/>, preferring one inside <paramref name="near"/>; null when it does not occur.</summary>
    public static Evidence? Find(string text, string quote, int minCharacters, IReadOnlyList<Evidence>? near = null)
    {
        var words = quote.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0 || string.Join(' ', words).Length < minCharacters)
        {
            return null;
        }
        var pattern = new Regex(string.Join(@"\s+", words.Select(Escape)),
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout);
        try
        {
            Match? first = null;
            var match = pattern.Match(text);
            for (var i = 0; match.Success && i < MaxMatches; i++, match = match.NextMatch())
            {
                first ??= match;
                if (near is null || near.Any(p => match.Index < p.End && match.Index + match.Length > p.Start))
                {
                    return ToEvidence(match);
                }
            }
            return first is null ? null : ToEvidence(first);
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
    }

    static Evidence ToEvidence(Match m) => new(m.Index, m.Index + m.Length, m.Value, "llm");

    static string Escape(string word)
    {
        var pattern = new StringBuilder();
        foreach (var c in word)
        {
            pattern.Append(c switch
            {
                '\'' or '‘' or '’' or '`' => "['‘’`]",
                '"' or '“' or '”' => "[\"“”]",
                '-' or '–' or '—' => "[-–—]",
                _ => Regex.Escape(c.ToString()),
            });
        }
        return pattern.ToString();
    }
}
