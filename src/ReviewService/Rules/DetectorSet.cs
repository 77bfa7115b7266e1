namespace ReviewService.Rules;

/// <summary>
/// A policy's compiled detectors, and the one search that finds, in one pass over a text, where every declared anchor
/// occurs (<see cref="Find"/>). Word anchors (letters and digits) sit in one trie, walked from each start of a word,
/// ignoring ASCII case: <c>assign</c> is the whole word, <c>assign*</c> any word that starts so. A detector's pattern
/// starts its matches at a word (<c>\b</c>), which the differential tests check for the shipped policy. Any other anchor
/// (<c>%</c>) is searched for as it is.
/// </summary>
public sealed class DetectorSet
{
    /// <summary>
    /// The only character a case-insensitive .NET pattern matches to an ASCII letter or digit that ordinal comparison
    /// ignoring case does not: KELVIN SIGN, a K. A text holding it is searched without the anchors (a test checks the list).
    /// </summary>
    public const string CaseLookalikes = "\u212A";

    // A trie character: an ASCII letter (either case) or digit is 1 to 36; anything else 0 (no word anchor holds it).
    const int Radix = 37;

    readonly Dictionary<string, Detector> _byName;
    // The trie of word anchors: node n's child for character code c is _children[n * Radix + c] (0: none; node 0 is the root).
    readonly List<int> _children = [.. new int[Radix]];
    // For each node, the anchor ending there as a word's start (assign*) and as a whole word (assign): its number, or -1.
    readonly List<int> _startsWord = [-1];
    readonly List<int> _isWord = [-1];
    // The anchors that are not words, by number.
    readonly List<(string Text, int Anchor)> _others = [];
    readonly Dictionary<string, int> _anchors = new(StringComparer.Ordinal);

    public DetectorSet(IEnumerable<Detector> detectors)
    {
        Values = [.. detectors];
        _byName = Values.ToDictionary(d => d.Name, StringComparer.Ordinal);
        foreach (var anchor in Values.SelectMany(d => d.Forms).SelectMany(f => f.Anchors).Select(a => a.ToLowerInvariant()).Distinct())
        {
            var number = _anchors[anchor] = _anchors.Count;
            if (!IsWordAnchor(anchor))
            {
                _others.Add((anchor, number));
                continue;
            }
            var node = 0;
            foreach (var c in anchor.TrimEnd('*'))
            {
                node = _children[node * Radix + Code(c)] is var child and > 0 ? child : NewChild(node, Code(c));
            }
            (anchor.EndsWith('*') ? _startsWord : _isWord)[node] = number;
        }
        // Each form's anchors by number, for the scans.
        AnchorsOf = Values.ToDictionary(d => d.Name, d => (IReadOnlyList<int[]>)[.. d.Forms.Select(f => f.Anchors.Select(a => _anchors[a.ToLowerInvariant()]).ToArray())],
            StringComparer.Ordinal);
    }

    /// <summary>A word anchor: ASCII letters and digits, maybe ending in <c>*</c>. Any other anchor is searched for as it is.</summary>
    public static bool IsWordAnchor(string anchor) => anchor.TrimEnd('*') is { Length: > 0 } word && word.All(char.IsAsciiLetterOrDigit);

    int NewChild(int node, int code)
    {
        var child = _startsWord.Count;
        _children[node * Radix + code] = child;
        _children.AddRange(new int[Radix]);
        _startsWord.Add(-1);
        _isWord.Add(-1);
        return child;
    }

    public IReadOnlyList<Detector> Values { get; }

    /// <summary>For each detector, each form's anchors, numbered as in <see cref="Find"/>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<int[]>> AnchorsOf { get; }

    public Detector this[string name] => _byName[name];

    public bool TryGetValue(string name, out Detector detector) => _byName.TryGetValue(name, out detector!);

    public bool ContainsKey(string name) => _byName.ContainsKey(name);

    /// <summary>
    /// Where each anchor (by number, <see cref="AnchorsOf"/>) starts in <paramref name="text"/>, ascending; null when the text
    /// holds a <see cref="CaseLookalikes"/> character (then every detector searches it whole).
    /// </summary>
    public List<int>[]? Find(string text)
    {
        var span = text.AsSpan();
        if (span.ContainsAny(CaseLookalikes))
        {
            return null;
        }
        var found = new List<int>[_anchors.Count];
        for (var a = 0; a < found.Length; a++)
        {
            found[a] = [];
        }
        var children = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_children);
        var i = 0;
        while (i < span.Length)
        {
            while (i < span.Length && Code(span[i]) == 0)
            {
                i++;
            }
            var start = i;
            // A word starts here unless a letter or digit of another script comes just before it.
            var node = start > 0 && char.IsLetterOrDigit(span[start - 1]) ? -1 : 0;
            for (; i < span.Length && Code(span[i]) is var code and > 0; i++)
            {
                if (node >= 0 && (node = children[node * Radix + code]) > 0)
                {
                    if (_startsWord[node] is var anchor and >= 0)
                    {
                        found[anchor].Add(start);
                    }
                }
                else
                {
                    // No anchor starts so: go to the end of the word at once.
                    var rest = span[i..].IndexOfAnyExcept(WordCharacters);
                    i = rest < 0 ? span.Length : i + rest;
                    node = -1;
                    break;
                }
            }
            // A whole word ends where no letter or digit of any script follows.
            if (node > 0 && _isWord[node] is var whole and >= 0 && (i == span.Length || !char.IsLetterOrDigit(span[i])))
            {
                found[whole].Add(start);
            }
        }
        foreach (var (other, anchor) in _others)
        {
            for (var at = span.IndexOf(other, StringComparison.OrdinalIgnoreCase); at >= 0;)
            {
                found[anchor].Add(at);
                var next = span[(at + 1)..].IndexOf(other, StringComparison.OrdinalIgnoreCase);
                at = next < 0 ? -1 : at + 1 + next;
            }
        }
        return found;
    }

    static int Code(char c) => c < 128 ? Codes[c] : 0;

    static readonly byte[] Codes = [.. Enumerable.Range(0, 128).Select(c => (byte)(c switch
    {
        >= 'a' and <= 'z' => c - 'a' + 11,
        >= 'A' and <= 'Z' => c - 'A' + 11,
        >= '0' and <= '9' => c - '0' + 1,
        _ => 0,
    }))];

    static readonly System.Buffers.SearchValues<char> WordCharacters =
        System.Buffers.SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
}
