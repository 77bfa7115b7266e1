using System.Text;

namespace ReviewService.Eval;

/// <summary>
/// Where a contract's labelled clauses are in its text. CUAD gives clauses as text, with "&lt;omitted&gt;" where it left
/// words out: each part is found ignoring case and differences in white space. A clause is the list of its parts' spans;
/// a part that cannot be found is left out.
/// </summary>
public sealed class ClauseSpans
{
    readonly string _normalized;
    readonly int[] _offsets;

    public ClauseSpans(string text)
    {
        var normalized = new StringBuilder(text.Length);
        var offsets = new List<int>(text.Length);
        var space = true;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                if (!space)
                {
                    normalized.Append(' ');
                    offsets.Add(i);
                }
                space = true;
                continue;
            }
            normalized.Append(char.ToLowerInvariant(text[i]));
            offsets.Add(i);
            space = false;
        }
        _normalized = normalized.ToString();
        _offsets = [.. offsets];
    }

    /// <summary>Each labelled clause of the category as the spans of its parts; clauses none of whose parts occur are left out.</summary>
    public IReadOnlyList<IReadOnlyList<(int Start, int End)>> Of(CategoryLabel? label) =>
        label is null ? [] : [.. label.Clauses.Select(Parts).Where(parts => parts.Count > 0)];

    IReadOnlyList<(int Start, int End)> Parts(string clause) =>
        [.. clause.Split("<omitted>").Select(Find).OfType<(int, int)>()];

    (int Start, int End)? Find(string part)
    {
        var needle = string.Join(' ', part.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
        var at = needle.Length == 0 ? -1 : _normalized.IndexOf(needle, StringComparison.Ordinal);
        return at < 0 ? null : (_offsets[at], _offsets[at + needle.Length - 1] + 1);
    }

    /// <summary>Whether at least half of one clause's characters lie inside <paramref name="spans"/> (spans may overlap one another).</summary>
    public static bool Covered(IReadOnlyList<IReadOnlyList<(int Start, int End)>> clauses, IEnumerable<(int Start, int End)> spans)
    {
        var merged = Merge(spans);
        return clauses.Any(parts => 2 * parts.Sum(p => merged.Sum(s => Math.Max(0, Math.Min(p.End, s.End) - Math.Max(p.Start, s.Start))))
            >= parts.Sum(p => p.End - p.Start));
    }

    static List<(int Start, int End)> Merge(IEnumerable<(int Start, int End)> spans)
    {
        var merged = new List<(int Start, int End)>();
        foreach (var s in spans.OrderBy(s => s.Start))
        {
            if (merged.Count > 0 && s.Start <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, s.End));
            }
            else
            {
                merged.Add(s);
            }
        }
        return merged;
    }
}
