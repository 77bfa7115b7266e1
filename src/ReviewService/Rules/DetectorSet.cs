using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ReviewService.Policies;

namespace ReviewService.Rules;

/// <summary>
/// A policy's compiled detectors, and the one search that finds, in one pass over a text, where every declared anchor
/// occurs (<see cref="Find"/>). Word anchors (ASCII letters and digits) are compared ignoring ASCII case: <c>assign</c>
/// is the whole word, <c>assign*</c> any word that starts so. The pass files each word of the text under its first four
/// characters (thirty-two characters at a time where the processor can), and each anchor is then looked up under its
/// own. A detector's pattern starts its matches at a word (<c>\b</c>), which the differential tests check for the
/// shipped policy. Any other anchor (<c>%</c>) is searched for as it is.
/// </summary>
public sealed class DetectorSet
{
    /// <summary>
    /// The only character a case-insensitive .NET pattern matches to an ASCII letter or digit that ordinal comparison
    /// ignoring case does not: KELVIN SIGN, a K. The index files it as the letter (a test checks the list).
    /// </summary>
    public const char KelvinSign = '\u212A';

    const int KeyChars = 4;
    const int Bits = 12;

    readonly Dictionary<string, Detector> _byName;
    // Each anchor by number: its word (lower case, without '*'), whether it is a whole word, the keys its words are filed
    // under, and how many of its first characters a key compares.
    readonly List<(string Word, bool Whole, int[] Keys, int Keyed)> _anchors = [];

    public DetectorSet(IEnumerable<Detector> detectors)
    {
        Values = [.. detectors];
        _byName = Values.ToDictionary(d => d.Name, StringComparer.Ordinal);
        var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var anchor in Values.SelectMany(d => d.Forms).SelectMany(f => f.Anchors.Concat(f.After?.Words ?? []).Concat(f.Unless?.Words ?? []))
            .Select(a => a.ToLowerInvariant()).Distinct())
        {
            numbers[anchor] = _anchors.Count;
            var word = anchor.TrimEnd('*');
            var first = word.Split(' ', '-')[0];
            var whole = !anchor.EndsWith('*') || first.Length < word.Length;
            _anchors.Add((word, !anchor.EndsWith('*'), !IsWordAnchor(anchor) ? [] : whole || first.Length >= KeyChars ? [KeyOf(first)] : KeysStarting(KeyOf(first)),
                Math.Min(KeyChars, first.Length)));
        }
        int[] Numbers(IEnumerable<string> anchors) => [.. anchors.Select(a => numbers[a.ToLowerInvariant()])];
        Context? Numbered(DetectorContext? c) => c is null ? null
            : new Context(Numbers(c.AnyOf), Numbers(c.Except), Numbers(c.StoppedBy), c.Within, c.EndsAt.ToCharArray());
        // Each form's anchors by number, and its contexts', for the scans.
        AnchorsOf = Values.ToDictionary(d => d.Name, d => (IReadOnlyList<int[]>)[.. d.Forms.Select(f => Numbers(f.Anchors))], StringComparer.Ordinal);
        ContextOf = Values.ToDictionary(d => d.Name, d => (IReadOnlyList<(Context? After, Context? Unless)>)[.. d.Forms.Select(f =>
            (Numbered(f.After), Numbered(f.Unless)))], StringComparer.Ordinal);
    }

    /// <summary>A <see cref="DetectorContext"/> with its words by number, as <see cref="Anchors.Holds"/> reads it.</summary>
    public sealed record Context(int[] AnyOf, int[] Except, int[] StoppedBy, int Within, char[] EndsAt);

    /// <summary>
    /// A word anchor: words of ASCII letters and digits, one space (any white space in the text) or a hyphen between two,
    /// maybe ending in <c>*</c> (after three characters or more). Any other anchor is searched for as it is.
    /// </summary>
    public static bool IsWordAnchor(string anchor) =>
        anchor.TrimEnd('*').Split(' ', '-').All(w => w.Length > 0 && w.All(char.IsAsciiLetterOrDigit));

    public IReadOnlyList<Detector> Values { get; }

    /// <summary>For each detector, each form's anchors, numbered as in <see cref="Find"/>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<int[]>> AnchorsOf { get; }

    /// <summary>For each detector, each form's contexts (<see cref="DetectorForm.After"/>, <see cref="DetectorForm.Unless"/>), their words by number.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<(Context? After, Context? Unless)>> ContextOf { get; }

    public Detector this[string name] => _byName[name];

    public bool TryGetValue(string name, out Detector detector) => _byName.TryGetValue(name, out detector!);

    public bool ContainsKey(string name) => _byName.ContainsKey(name);

    /// <summary>The text's words filed by their first four characters, to look up where each anchor (by number, <see cref="AnchorsOf"/>) starts.</summary>
    public Anchors Find(string text) => new(this, text);

    /// <summary>
    /// Where the anchors start in one text, ascending, each looked up the first time a scan asks for it. Its arrays come
    /// from the shared pool: <see cref="Dispose"/> gives them back, after which nothing more can be looked up.
    /// </summary>
    public sealed class Anchors : IDisposable
    {
        readonly DetectorSet _set;
        readonly string _text;
        readonly byte[] _codes;
        // The words filed by key with a counting sort: bucket b holds _positions[_offsets[b].._offsets[b + 1]] in text order,
        // and _keys[i] is the key of the word at _positions[i].
        readonly int[] _offsets = new int[(1 << Bits) + 2];
        readonly int[] _positions;
        readonly int[] _keys;
        readonly int _words;
        readonly int[]?[] _found;
        readonly int[]?[] _ends;
        bool _disposed;

        internal Anchors(DetectorSet set, string text)
        {
            _set = set;
            _text = text;
            _codes = ArrayPool<byte>.Shared.Rent(text.Length + KeyChars);
            var starts = ArrayPool<int>.Shared.Rent(text.Length / 2 + 1);
            try
            {
                _words = WordStarts(text, _codes, starts);
                _positions = ArrayPool<int>.Shared.Rent(_words);
                _keys = ArrayPool<int>.Shared.Rent(_words);
                // Each word's key, in text order for now; then the counting sort files positions and keys by bucket.
                var keys = ArrayPool<int>.Shared.Rent(_words);
                for (var w = 0; w < _words; w++)
                {
                    keys[w] = Key(_codes, starts[w]);
                    _offsets[Bucket(keys[w]) + 2]++;
                }
                for (var b = 2; b < _offsets.Length; b++)
                {
                    _offsets[b] += _offsets[b - 1];
                }
                for (var w = 0; w < _words; w++)
                {
                    var at = _offsets[Bucket(keys[w]) + 1]++;
                    _positions[at] = starts[w];
                    _keys[at] = keys[w];
                }
                ArrayPool<int>.Shared.Return(keys);
            }
            finally
            {
                ArrayPool<int>.Shared.Return(starts);
            }
            _found = new int[set._anchors.Count][];
            _ends = new int[set._anchors.Count][];
        }

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                ArrayPool<byte>.Shared.Return(_codes);
                ArrayPool<int>.Shared.Return(_positions);
                ArrayPool<int>.Shared.Return(_keys);
            }
        }

        /// <summary>Where the anchor starts in the text, ascending.</summary>
        public int[] this[int anchor]
        {
            get
            {
                if (_found[anchor] is null)
                {
                    ObjectDisposedException.ThrowIf(_disposed, this);
                    _found[anchor] = Lookup(_set._anchors[anchor]);
                }
                return _found[anchor]!;
            }
        }

        /// <summary>
        /// Whether the context holds at <paramref name="start"/> as its look-behind asks (<see cref="DetectorContext.LookBehind"/>): only the
        /// nearest word counts, as a stopping word after it is after every farther one too.
        /// </summary>
        public bool Holds(Context context, int start)
        {
            var from = Math.Max(0, start - context.Within);
            from += _text.AsSpan(from, start - from).LastIndexOfAny(context.EndsAt) + 1;
            var nearest = -1;
            foreach (var anchor in context.AnyOf)
            {
                var (starts, ends) = (this[anchor], EndsOf(anchor));
                // Ends ascend with starts: the last end at or before start, back past those that start an excepted phrase.
                var i = Array.BinarySearch(ends, start);
                for (i = i < 0 ? ~i - 1 : i; i >= 0 && ends[i] >= from && ends[i] > nearest; i--)
                {
                    if (!context.Except.Any(e => Array.BinarySearch(this[e], starts[i]) >= 0))
                    {
                        nearest = ends[i];
                        break;
                    }
                }
            }
            foreach (var stop in nearest < 0 ? [] : context.StoppedBy)
            {
                var at = this[stop];
                var k = Array.BinarySearch(at, nearest);
                if ((k < 0 ? ~k : k) is var next && next < at.Length && at[next] < start)
                {
                    return false;
                }
            }
            return nearest >= 0;
        }

        int[] EndsOf(int anchor)
        {
            if (_ends[anchor] is not { } ends)
            {
                var (word, whole, _, _) = _set._anchors[anchor];
                ends = _ends[anchor] = [.. this[anchor].Select(s => End(s, word, whole))];
            }
            return ends;
        }

        int[] Lookup((string Word, bool Whole, int[] Keys, int Keyed) anchor)
        {
            var (word, whole, wordKeys, keyed) = anchor;
            var found = new List<int>();
            if (wordKeys.Length == 0)
            {
                // A symbol has no case: the ordinal search is the faster.
                var comparison = word.Any(char.IsLetter) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
                for (var at = _text.AsSpan().IndexOf(word, comparison); at >= 0;)
                {
                    found.Add(at);
                    var next = _text.AsSpan(at + 1).IndexOf(word, comparison);
                    at = next < 0 ? -1 : at + 1 + next;
                }
                return [.. found];
            }
            foreach (var key in wordKeys)
            {
                for (int i = _offsets[Bucket(key)], end = _offsets[Bucket(key) + 1]; i < end; i++)
                {
                    if (_keys[i] == key && End(_positions[i], word, whole, keyed) >= 0)
                    {
                        found.Add(_positions[i]);
                    }
                }
            }
            if (wordKeys.Length > 1)
            {
                found.Sort();
            }
            return [.. found];
        }

        // Where the anchor ends if it starts at start, a word start whose key matches the anchor's first word, -1 if it does
        // not: its words, with white space or a hyphen between them as written, the last one whole unless the anchor ends in
        // '*' (then it ends where the word does). A word here starts and ends as .NET's \b sees it.
        int End(int start, string words, bool whole, int matched = 0)
        {
            if (start > 0 && IsWordCharacter(_text[start - 1]))
            {
                return -1;
            }
            var at = start + matched;
            for (var k = matched; k < words.Length; k++, at++)
            {
                if (words[k] == ' ')
                {
                    // The word before ends here, and white space follows.
                    if (at == _text.Length || _codes[at] != 0 || !char.IsWhiteSpace(_text[at]))
                    {
                        return -1;
                    }
                    while (at + 1 < _text.Length && char.IsWhiteSpace(_text[at + 1]))
                    {
                        at++;
                    }
                }
                else if (words[k] == '-' ? at == _text.Length || _text[at] != '-' : _codes[at] != Code(words[k]))
                {
                    return -1;
                }
            }
            if (!whole)
            {
                while (at < _text.Length && IsWordCharacter(_text[at]))
                {
                    at++;
                }
                return at;
            }
            return at == _text.Length || !IsWordCharacter(_text[at]) ? at : -1;
        }
    }

    // A character .NET's \w and \b count as part of a word.
    static bool IsWordCharacter(char c) => c < 128 ? Code(c) != 0 || c == '_' :
        char.IsLetterOrDigit(c) || c is '\u200C' or '\u200D' || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.ConnectorPunctuation;

    /// <summary>
    /// Writes each character's code (<see cref="Code"/>) and the position of the first character of each run of ASCII
    /// letters and digits; returns how many runs. The codes go on with <see cref="KeyChars"/> zeros past the text.
    /// </summary>
    static int WordStarts(string text, byte[] codes, int[] starts)
    {
        var n = 0;
        var i = 0;
        var previous = 0u;
        if (Vector256.IsHardwareAccelerated)
        {
            // Thirty-two characters at a time: their codes, and a bit per letter or digit; a run starts at a set bit whose left neighbour is clear.
            var chars = MemoryMarshal.Cast<char, ushort>(text.AsSpan());
            for (; i + 2 * Vector256<ushort>.Count <= chars.Length; i += 2 * Vector256<ushort>.Count)
            {
                var block = Vector256.Narrow(
                    Codes256(Vector256.Create(chars.Slice(i, Vector256<ushort>.Count))),
                    Codes256(Vector256.Create(chars.Slice(i + Vector256<ushort>.Count, Vector256<ushort>.Count))));
                block.CopyTo(codes.AsSpan(i));
                var alphanumeric = (~Vector256.Equals(block, Vector256<byte>.Zero)).ExtractMostSignificantBits();
                var first = alphanumeric & ~((alphanumeric << 1) | previous);
                previous = alphanumeric >> (Vector256<byte>.Count - 1);
                for (; first != 0; first &= first - 1)
                {
                    starts[n++] = i + BitOperations.TrailingZeroCount(first);
                }
            }
        }
        for (; i < text.Length; i++)
        {
            codes[i] = (byte)Code(text[i]);
            var current = codes[i] != 0 ? 1u : 0u;
            if (current > previous)
            {
                starts[n++] = i;
            }
            previous = current;
        }
        codes.AsSpan(text.Length, KeyChars).Clear();
        return n;
    }

    /// <summary><see cref="Code"/> of sixteen characters at once.</summary>
    static Vector256<ushort> Codes256(Vector256<ushort> chars)
    {
        var digit = Vector256.LessThan(chars - Vector256.Create((ushort)'0'), Vector256.Create((ushort)10));
        var folded = chars | Vector256.Create((ushort)0x20);
        var letter = Vector256.LessThan(folded - Vector256.Create((ushort)'a'), Vector256.Create((ushort)26));
        var kelvin = Vector256.Equals(chars, Vector256.Create((ushort)KelvinSign));
        return ((chars - Vector256.Create((ushort)('0' - 1))) & digit) | ((folded - Vector256.Create((ushort)('a' - 11))) & letter)
            | (Vector256.Create((ushort)Code('k')) & kelvin);
    }

    /// <summary>The key of the word starting at <paramref name="start"/>: its first four codes, a byte each, fewer when the word is shorter.</summary>
    static int Key(byte[] codes, int start)
    {
        var codes4 = Unsafe.ReadUnaligned<uint>(ref codes[start]);
        if (!BitConverter.IsLittleEndian)
        {
            codes4 = BinaryPrimitives.ReverseEndianness(codes4);
        }
        // The bytes from the first zero (the word's end) on cleared.
        var zeros = (codes4 - 0x01010101u) & ~codes4 & 0x80808080u;
        return (int)(codes4 & (((zeros & (0u - zeros)) >> 7) - 1));
    }

    /// <summary>The key of a word spelled so (as <see cref="Key"/> files it).</summary>
    static int KeyOf(string word)
    {
        var key = 0;
        for (var k = 0; k < KeyChars && k < word.Length; k++)
        {
            key |= Code(word[k]) << (8 * k);
        }
        return key;
    }

    // The keys of the words that start with a word of three characters (its key): it alone, or it and more characters.
    static int[] KeysStarting(int key) => [key, .. Enumerable.Range(1, 36).Select(code => key | code << 24)];

    static int Code(char c) => c < 128 ? Codes[c] : c == KelvinSign ? Codes['k'] : 0;

    // 1–10 for a digit, 11–36 for a letter of either case, 0 for anything else.
    static readonly byte[] Codes = [.. Enumerable.Range(0, 128).Select(c => (byte)(
        char.IsAsciiDigit((char)c) ? c - '0' + 1 : char.IsAsciiLetter((char)c) ? (c | 0x20) - 'a' + 11 : 0))];

    static int Bucket(int key) => (int)((uint)key * 2654435761u >> (32 - Bits));
}
