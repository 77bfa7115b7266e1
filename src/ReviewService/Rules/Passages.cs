namespace ReviewService.Rules;

/// <summary>Widens a match to the passage around it, so the judge and the reviewer read a clause, not three words.</summary>
public static class Passages
{
    const int MaxSide = 400;

    public static Evidence Around(string text, Evidence match)
    {
        var (start, end) = Around(text, match.Start, match.End);
        return new Evidence(start, end, text[start..end], match.Detector);
    }

    /// <summary>Where the passage around the match from <paramref name="matchStart"/> to <paramref name="matchEnd"/> starts and ends.</summary>
    public static (int Start, int End) Around(string text, int matchStart, int matchEnd)
    {
        var start = matchStart;
        var floor = Math.Max(0, matchStart - MaxSide);
        while (start > floor && !IsBoundary(text, start - 1))
        {
            start--;
        }
        var end = matchEnd;
        var ceiling = Math.Min(text.Length, matchEnd + MaxSide);
        while (end < ceiling && !IsBoundary(text, end))
        {
            end++;
        }
        if (end < text.Length && end < ceiling)
        {
            end++;
        }
        while (start < end && char.IsWhiteSpace(text[start]))
        {
            start++;
        }
        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }
        return (start, end);
    }

    // A sentence ends at a full stop followed by white space, or at a blank line.
    static bool IsBoundary(string text, int i) =>
        (text[i] == '.' && i + 1 < text.Length && char.IsWhiteSpace(text[i + 1]))
        || (text[i] == '\n' && i + 1 < text.Length && text[i + 1] is '\n' or '\r');
}
