using System.Text.RegularExpressions;
using ReviewService.Decisions;

namespace ReviewService.Retrieval;

/// <summary>
/// Evidence a reviewer can check: each decided finding's evidence becomes the clause that holds it, the sentence or list
/// item of the segmentation retrieval uses (<see cref="Segmenter.Sentences"/>), with the matched words as marks inside.
/// A clause shorter than <see cref="MinCharacters"/> characters or <see cref="MinWords"/> words (a heading, "No
/// assignment.") takes in the sentences after it, then before it; one longer than <see cref="MaxCharacters"/> is cut to
/// that many around its matches, at spaces. Matches in one clause share it.
/// </summary>
public static partial class Clauses
{
    public const int MaxCharacters = 600;
    public const int MinCharacters = 40;
    public const int MinWords = 6;

    /// <summary>The findings with their evidence as clauses; evidence that already has its marks is left as it is.</summary>
    public static IReadOnlyList<CheckFinding> Widen(SegmentedText text, IReadOnlyList<CheckFinding> findings) =>
        findings.Any(NeedsClauses) ? [.. findings.Select(f => NeedsClauses(f) ? f with { Evidence = Of(text.Text, text.Sentences, f.Evidence) } : f)] : findings;

    static bool NeedsClauses(CheckFinding finding) => finding.Evidence.Any(e => e.Marks is null);

    /// <summary>The clauses holding the matches, in text order, each with the matches inside it as marks.</summary>
    public static List<Evidence> Of(string text, IReadOnlyList<Passage> sentences, IEnumerable<Evidence> matches)
    {
        var clauses = new List<Evidence>();
        foreach (var match in matches.OrderBy(m => m.Start))
        {
            var marks = match.Marks ?? [new Mark(match.Start, match.End)];
            if (clauses.Count > 0 && clauses[^1] is var last && match.Start >= last.Start && match.End <= last.End)
            {
                clauses[^1] = last with { Marks = [.. last.Marks!, .. marks] };
                continue;
            }
            var (start, end) = Around(text, sentences, match.Start, match.End);
            clauses.Add(new Evidence(start, end, text[start..end], match.Detector, marks));
        }
        return clauses;
    }

    /// <summary>Where the clause around the text from <paramref name="start"/> to <paramref name="end"/> starts and ends.</summary>
    public static (int Start, int End) Around(string text, IReadOnlyList<Passage> sentences, int start, int end)
    {
        if (sentences.Count == 0)
        {
            return (start, end);
        }
        // The sentence holding the start, and any the match runs on into.
        var first = Math.Max(0, LastStartingAtOrBefore(sentences, start));
        var last = first;
        while (last + 1 < sentences.Count && sentences[last + 1].Start < end)
        {
            last++;
        }
        var (from, to) = (Math.Min(start, sentences[first].Start), Math.Max(end, sentences[last].End));
        while (TooShort(text, from, to) && last + 1 < sentences.Count && sentences[last + 1].End - from <= MaxCharacters)
        {
            to = sentences[++last].End;
        }
        while (TooShort(text, from, to) && first > 0 && to - sentences[first - 1].Start <= MaxCharacters)
        {
            from = sentences[--first].Start;
        }
        return to - from <= MaxCharacters || end - start >= MaxCharacters ? (from, to) : Window(text, from, to, start, end);
    }

    // MaxCharacters of the clause around the match, starting and ending at spaces where it can.
    static (int Start, int End) Window(string text, int from, int to, int start, int end)
    {
        var left = Math.Max(from, start - (MaxCharacters - (end - start)) / 2);
        var right = Math.Min(to, left + MaxCharacters);
        left = Math.Max(from, right - MaxCharacters);
        if (left > from && text.IndexOf(' ', left, start - left) is var space and >= 0)
        {
            left = space + 1;
        }
        if (right < to && text.LastIndexOf(' ', right - 1, right - end) is var cut and >= 0 && cut >= end)
        {
            right = cut;
        }
        return (left, right);
    }

    static int LastStartingAtOrBefore(IReadOnlyList<Passage> sentences, int position)
    {
        var (low, high) = (0, sentences.Count - 1);
        while (low <= high)
        {
            var middle = (low + high) / 2;
            (low, high) = sentences[middle].Start <= position ? (middle + 1, high) : (low, middle - 1);
        }
        return high;
    }

    /// <summary>Whether a reader needs more than this span to check a decision: under <see cref="MinCharacters"/> characters or <see cref="MinWords"/> words.</summary>
    public static bool TooShort(string text, int start, int end) =>
        end - start < MinCharacters || Word().Count(text.AsSpan(start, end - start)) < MinWords;

    [GeneratedRegex(@"\w+")]
    private static partial Regex Word();
}
