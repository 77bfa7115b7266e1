using System.Text.RegularExpressions;

namespace ReviewService.Retrieval;

/// <summary>
/// A clause-sized span of the extracted text (UTF-16 offsets, end exclusive): whole sentences of one section, and where the
/// start of that section's heading sentence is (<see cref="HeadingStart"/> to <see cref="HeadingEnd"/>; empty before the first heading).
/// </summary>
public readonly record struct Passage(int Start, int End, int HeadingStart = 0, int HeadingEnd = 0)
{
    public int Length => End - Start;

    public bool Overlaps(int start, int end) => Start < end && start < End;
}

/// <summary>
/// A document's text with its segmentation, computed once, when first asked for, and shared by the stages that read it:
/// the clauses of the rules' evidence (<see cref="Sentences"/>) and the passages retrieval ranks (<see cref="Passages"/>).
/// A plain string converts to one, segmented on its own.
/// </summary>
public sealed class SegmentedText(string text)
{
    IReadOnlyList<Passage>? _sentences;
    IReadOnlyList<Passage>? _passages;

    public string Text => text;
    public IReadOnlyList<Passage> Sentences => _sentences ??= Segmenter.Sentences(text);
    public IReadOnlyList<Passage> Passages => _passages ??= Segmenter.Split(text, Sentences);

    public static implicit operator SegmentedText(string text) => new(text);
}

/// <summary>
/// Cuts extracted text into passages: sentences (and list items) grouped under their section heading or number, a new
/// passage at each heading and once a passage reaches <see cref="TargetCharacters"/>; a sentence is never cut unless it
/// alone is longer than <see cref="MaxSentenceCharacters"/> (tables and run-on text), and then at a space.
/// Retrieval ranks these passages, and the judge and the reviewer read them.
/// </summary>
public static partial class Segmenter
{
    public const int TargetCharacters = 500;
    public const int MaxSentenceCharacters = 1500;
    /// <summary>How much of a heading sentence names its section ("7.2 Exclusivity.", "ARTICLE IX INDEMNIFICATION").</summary>
    public const int HeadingCharacters = 60;

    public static IReadOnlyList<Passage> Split(string text) => Split(text, Sentences(text));

    /// <summary>The passages of <paramref name="text"/> from its <see cref="Sentences"/>, when they are at hand already.</summary>
    public static IReadOnlyList<Passage> Split(string text, IReadOnlyList<Passage> sentences)
    {
        var passages = new List<Passage>(text.Length / 300 + 1);
        var current = default(Passage?);
        var (headingStart, headingEnd) = (0, 0);
        foreach (var found in sentences)
        {
            var heading = Heading().IsMatch(text.AsSpan(found.Start, found.Length));
            if (heading)
            {
                (headingStart, headingEnd) = (found.Start, Math.Min(found.End, found.Start + HeadingCharacters));
            }
            var sentence = found with { HeadingStart = headingStart, HeadingEnd = headingEnd };
            if (current is not { } c)
            {
                current = sentence;
            }
            else if (heading || sentence.End - c.Start > TargetCharacters)
            {
                passages.Add(c);
                current = sentence;
            }
            else
            {
                current = c with { End = sentence.End };
            }
        }
        if (current is { } last)
        {
            passages.Add(last);
        }
        return passages;
    }

    /// <summary>
    /// The sentences and list items of the text, in order, trimmed of white space; one longer than
    /// <see cref="MaxSentenceCharacters"/> comes in pieces cut at spaces.
    /// </summary>
    public static List<Passage> Sentences(string text)
    {
        var sentences = new List<Passage>(text.Length / 150 + 1);
        var from = 0;
        foreach (var boundary in SentenceEnd().EnumerateMatches(text))
        {
            AddTrimmed(sentences, text, from, boundary.Index);
            from = boundary.Index + boundary.Length;
        }
        AddTrimmed(sentences, text, from, text.Length);
        return sentences;
    }

    static void AddTrimmed(List<Passage> sentences, string text, int start, int end)
    {
        while (start < end && char.IsWhiteSpace(text[start]))
        {
            start++;
        }
        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }
        while (end - start > MaxSentenceCharacters)
        {
            var cut = text.LastIndexOf(' ', start + MaxSentenceCharacters - 1, MaxSentenceCharacters / 2);
            cut = cut <= start ? start + MaxSentenceCharacters : cut;
            sentences.Add(new Passage(start, cut));
            start = cut;
            while (start < end && char.IsWhiteSpace(text[start]))
            {
                start++;
            }
        }
        if (end > start)
        {
            sentences.Add(new Passage(start, end));
        }
    }

    // Where a sentence ends: a full stop, question or exclamation mark (and a closing quote) after a word, not a number
    // ("1. Term" stays whole), before a capital, digit or bracket; a blank line; a list item "(b)" after a semicolon or colon; a numbered item or section number after a
    // run of spaces (extracted PDFs keep line breaks as spaces).
    [GeneratedRegex("""(?<=[^\s0-9][.?!]["”')]?)\s+(?=["“(]?[A-Z0-9(])|\n[ \t]*\n\s*|(?<=[;:])\s+(?=\(?[a-zA-Z0-9]{1,4}\)\s)|\s{3,}(?=\(?[a-z0-9ivx]{1,4}[.)]\s)|\s{3,}(?=[0-9]+(?:\.[0-9]+)*\.?\s+[A-Z])""", RegexOptions.CultureInvariant)]
    private static partial Regex SentenceEnd();

    // A sentence that opens a section: "ARTICLE", "Section", "Exhibit", "Schedule", a section number before a capital, or a short line in capitals.
    [GeneratedRegex("""^(?:(?:ARTICLE|Article|SECTION|Section|EXHIBIT|Exhibit|SCHEDULE|Schedule)\b|[0-9]+(?:\.[0-9]+)*\.?\s+[A-Z]|[A-Z][A-Z \-&,]{3,60}$)""", RegexOptions.CultureInvariant)]
    private static partial Regex Heading();
}
