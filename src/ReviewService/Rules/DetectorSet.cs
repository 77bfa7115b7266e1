using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
    /// ignoring case does not: KELVIN SIGN, a K. A text holding it is searched without the anchors (a test checks the list).
    /// </summary>
    public const string CaseLookalikes = "\u212A";

    const int KeyChars = 4;
    const int Bits = 12;

    readonly Dictionary<string, Detector> _byName;
    // Each anchor by number: its word (lower case, without '*'), whether it is a whole word, and the keys its words are filed under.
    readonly List<(string Word, bool Whole, int[] Keys)> _anchors = [];

    public DetectorSet(IEnumerable<Detector> detectors)
    {
        Values = [.. detectors];
        _byName = Values.ToDictionary(d => d.Name, StringComparer.Ordinal);
        var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var anchor in Values.SelectMany(d => d.Forms).SelectMany(f => f.Anchors).Select(a => a.ToLowerInvariant()).Distinct())
        {
            numbers[anchor] = _anchors.Count;
            var word = anchor.TrimEnd('*');
            var whole = !anchor.EndsWith('*');
            _anchors.Add((word, whole, !IsWordAnchor(anchor) ? [] : whole || word.Length >= KeyChars ? [KeyOf(word)] : [.. KeysStarting(KeyOf(word), word.Length)]));
        }
        // Each form's anchors by number, for the scans.
        AnchorsOf = Values.ToDictionary(d => d.Name, d => (IReadOnlyList<int[]>)[.. d.Forms.Select(f => f.Anchors.Select(a => numbers[a.ToLowerInvariant()]).ToArray())],
            StringComparer.Ordinal);
    }

    /// <summary>A word anchor: ASCII letters and digits, maybe ending in <c>*</c>. Any other anchor is searched for as it is.</summary>
    public static bool IsWordAnchor(string anchor) => anchor.TrimEnd('*') is { Length: > 0 } word && word.All(char.IsAsciiLetterOrDigit);

    public IReadOnlyList<Detector> Values { get; }

    /// <summary>For each detector, each form's anchors, numbered as in <see cref="Find"/>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<int[]>> AnchorsOf { get; }

    public Detector this[string name] => _byName[name];

    public bool TryGetValue(string name, out Detector detector) => _byName.TryGetValue(name, out detector!);

    public bool ContainsKey(string name) => _byName.ContainsKey(name);

    /// <summary>
    /// The text's words filed by their first four characters, to look up where each anchor (by number, <see cref="AnchorsOf"/>)
    /// starts; null when the text holds a <see cref="CaseLookalikes"/> character (then every detector searches it whole).
    /// </summary>
    public Anchors? Find(string text) => text.AsSpan().ContainsAny(CaseLookalikes) ? null : new Anchors(this, text);

    /// <summary>Where the anchors start in one text, ascending, each looked up the first time a scan asks for it.</summary>
    public sealed class Anchors
    {
        readonly DetectorSet _set;
        readonly string _text;
        readonly byte[] _codes;
        // The words filed by key with a counting sort: bucket b holds _positions[_offsets[b].._offsets[b + 1]] in text order,
        // and _keys[i] is the key of the word at _positions[i].
        readonly int[] _offsets = new int[(1 << Bits) + 2];
        readonly int[] _positions;
        readonly int[] _keys;
        readonly int[]?[] _found;

        internal Anchors(DetectorSet set, string text)
        {
            _set = set;
            _text = text;
            _codes = new byte[text.Length + KeyChars];
            var starts = ArrayPool<int>.Shared.Rent(text.Length / 2 + 1);
            try
            {
                var words = WordStarts(text, _codes, starts);
                for (var w = 0; w < words; w++)
                {
                    _offsets[Bucket(Key(_codes, starts[w])) + 2]++;
                }
                for (var b = 2; b < _offsets.Length; b++)
                {
                    _offsets[b] += _offsets[b - 1];
                }
                _positions = new int[words];
                _keys = new int[words];
                for (var w = 0; w < words; w++)
                {
                    var key = Key(_codes, starts[w]);
                    var at = _offsets[Bucket(key) + 1]++;
                    _positions[at] = starts[w];
                    _keys[at] = key;
                }
            }
            finally
            {
                ArrayPool<int>.Shared.Return(starts);
            }
            _found = new int[set._anchors.Count][];
        }

        public int[] this[int anchor] => _found[anchor] ??= Lookup(_set._anchors[anchor]);

        int[] Lookup((string Word, bool Whole, int[] Keys) anchor)
        {
            var (word, whole, wordKeys) = anchor;
            var found = new List<int>();
            if (wordKeys.Length == 0)
            {
                for (var at = _text.AsSpan().IndexOf(word, StringComparison.OrdinalIgnoreCase); at >= 0;)
                {
                    found.Add(at);
                    var next = _text.AsSpan(at + 1).IndexOf(word, StringComparison.OrdinalIgnoreCase);
                    at = next < 0 ? -1 : at + 1 + next;
                }
                return [.. found];
            }
            if (wordKeys.Length > KeysProbed)
            {
                // A word of one or two characters starts too many keys to probe: every word's key is compared instead.
                var mask = (1 << (8 * word.Length)) - 1;
                for (var i = 0; i < _keys.Length; i++)
                {
                    if ((_keys[i] & mask) == wordKeys[0] && IsAt(_positions[i], word, whole))
                    {
                        found.Add(_positions[i]);
                    }
                }
                found.Sort();
                return [.. found];
            }
            foreach (var key in wordKeys)
            {
                for (int i = _offsets[Bucket(key)], end = _offsets[Bucket(key) + 1]; i < end; i++)
                {
                    if (_keys[i] == key && IsAt(_positions[i], word, whole))
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

        // Whether the word at start (its key known to match) is the anchor's word, or starts with it.
        bool IsAt(int start, string word, bool whole)
        {
            // A letter or digit of another script just before: no word starts here.
            if (start > 0 && _text[start - 1] >= 128 && char.IsLetterOrDigit(_text[start - 1]))
            {
                return false;
            }
            for (var k = KeyChars; k < word.Length; k++)
            {
                if (_codes[start + k] != Code(word[k]))
                {
                    return false;
                }
            }
            var end = start + word.Length;
            return !whole || (_codes[end] == 0 && (end == _text.Length || _text[end] < 128 || !char.IsLetterOrDigit(_text[end])));
        }
    }

    // Up to this many keys are probed for a short word starting others (three characters: 37 keys); past it, every word is compared.
    const int KeysProbed = 64;

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
        return ((chars - Vector256.Create((ushort)('0' - 1))) & digit) | ((folded - Vector256.Create((ushort)('a' - 11))) & letter);
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

    // The keys of all words that start with a word of fewer than four characters (its key first): it alone, or it and more characters.
    static IEnumerable<int> KeysStarting(int key, int length) =>
        length == KeyChars ? [key] : [key, .. Enumerable.Range(1, 36).SelectMany(code => KeysStarting(key | code << (8 * length), length + 1))];

    static int Code(char c) => c < 128 ? Codes[c] : 0;

    // 1–10 for a digit, 11–36 for a letter of either case, 0 for anything else.
    static readonly byte[] Codes = [.. Enumerable.Range(0, 128).Select(c => (byte)(
        char.IsAsciiDigit((char)c) ? c - '0' + 1 : char.IsAsciiLetter((char)c) ? (c | 0x20) - 'a' + 11 : 0))];

    static int Bucket(int key) => (int)((uint)key * 2654435761u >> (32 - Bits));
}
