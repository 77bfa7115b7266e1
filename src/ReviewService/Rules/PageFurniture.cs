using System.Text.RegularExpressions;

namespace ReviewService.Rules;

/// <summary>
/// Page furniture a page break leaves in extracted text: a running header or footer ("Source: ACME INC., 10-K, 3/14/2019",
/// "CONFIDENTIAL TREATMENT REQUESTED"), the page number before it, and page-number lines ("- 12 -", "Page 3 of 40").
/// A clause that runs across a page break reads "the laws of the State of 14 Source: ACME INC., 10-K … Delaware", and
/// no detector can name the law. The rules stage matches over the text with the furniture blanked to spaces (same
/// length, so every span and every evidence offset stays that of the document).
/// </summary>
public static partial class PageFurniture
{
    /// <summary>A running line recurs word for word at least this often, on average at least <see cref="MinSpread"/> characters apart (a page, not a signature block).</summary>
    const int MinRepeats = 3;
    const int MinSpread = 1000;
    const int MinLength = 8;
    const int MaxLength = 160;
    const int MaxMarkerLength = 24;

    /// <summary><paramref name="text"/> with its page furniture replaced by spaces; the text itself when it has none.</summary>
    public static string Blank(string text)
    {
        var running = RunningLines(text);
        var blank = new List<(int Start, int End)>();
        var previous = (Start: -1, End: -1);
        foreach (var (start, end) in Lines(text))
        {
            var line = text.AsSpan(start, end - start);
            if (running.Count > 0 && IsRunning(text, line, running))
            {
                blank.Add((start, end));
                // The page number the page ended with, at the end of the last line before the running line.
                if (previous.Start >= 0 && TrailingPageNumber().Match(text, previous.Start, previous.End - previous.Start) is { Success: true } number)
                {
                    blank.Add((number.Index, number.Index + number.Length));
                }
            }
            else if (line.Length <= MaxMarkerLength && PageMarker().IsMatch(line))
            {
                blank.Add((start, end));
            }
            if (!line.IsWhiteSpace())
            {
                previous = (start, end);
            }
        }
        return blank.Count == 0 ? text : string.Create(text.Length, (text, blank), static (chars, state) =>
        {
            state.text.AsSpan().CopyTo(chars);
            foreach (var (start, end) in state.blank)
            {
                chars[start..end].Fill(' ');
            }
        });
    }

    static IEnumerable<(int Start, int End)> Lines(string text)
    {
        for (var start = 0; start <= text.Length;)
        {
            var newline = text.IndexOf('\n', start);
            var end = newline < 0 ? text.Length : newline;
            yield return (start, end > start && text[end - 1] == '\r' ? end - 1 : end);
            if (newline < 0)
            {
                yield break;
            }
            start = newline + 1;
        }
    }

    /// <summary>One distinct candidate line: where it first occurs, how often, and where it last occurs.</summary>
    record struct Occurrences(int Start, int Length, int Count, int Last);

    // Lines that recur word for word across the pages, keyed by their hash (a line whose hash collides with a different
    // line's is not counted); a repeated sentence ("The foregoing shall survive.") or a lead-in ("Supplier will:") is
    // content, not furniture.
    static Dictionary<int, Occurrences> RunningLines(string text)
    {
        var seen = new Dictionary<int, Occurrences>();
        foreach (var (start, end) in Lines(text))
        {
            if (Candidate(text.AsSpan(start, end - start)) is not { } at)
            {
                continue;
            }
            var line = text.AsSpan(start + at.Offset, at.Length);
            var hash = string.GetHashCode(line);
            if (!seen.TryGetValue(hash, out var o))
            {
                seen[hash] = new Occurrences(start + at.Offset, at.Length, 1, start);
            }
            else if (line.SequenceEqual(text.AsSpan(o.Start, o.Length)))
            {
                seen[hash] = o with { Count = o.Count + 1, Last = start };
            }
        }
        return seen.Where(s => s.Value.Count >= MinRepeats && (s.Value.Last - s.Value.Start) / (s.Value.Count - 1) >= MinSpread)
            .ToDictionary(s => s.Key, s => s.Value);
    }

    static bool IsRunning(string text, ReadOnlySpan<char> line, Dictionary<int, Occurrences> running)
    {
        if (Candidate(line) is not { } at)
        {
            return false;
        }
        var trimmed = line.Slice(at.Offset, at.Length);
        return running.TryGetValue(string.GetHashCode(trimmed), out var o) && trimmed.SequenceEqual(text.AsSpan(o.Start, o.Length));
    }

    // The trimmed line, when it could be a running header or footer.
    static (int Offset, int Length)? Candidate(ReadOnlySpan<char> line)
    {
        var trimmed = line.Trim();
        if (trimmed.Length is < MinLength or > MaxLength || trimmed[^1] is ':' or ';' || (trimmed[^1] == '.' && trimmed.Count(' ') >= 4))
        {
            return null;
        }
        return (line.Length - line.TrimStart().Length, trimmed.Length);
    }

    [GeneratedRegex(@"(?<=\s|^)(?:-\s*)?\d{1,4}(?:\s*-)?\s*$")]
    private static partial Regex TrailingPageNumber();

    [GeneratedRegex(@"^\s*(?:-\s*\d{1,4}\s*-|(?i:page)\s+\d{1,4}(?:\s+(?i:of)\s+\d{1,4})?|\d{1,4}\s+(?i:of)\s+\d{1,4})\s*$")]
    private static partial Regex PageMarker();
}
