using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ReviewService.Rules;

/// <summary>
/// Where the words of a text start, by their first four characters: the one pass over a text that all detectors share.
/// A word here is a run of ASCII letters and digits, so wherever .NET's <c>\b</c> stands before an ASCII letter or digit,
/// a word starts here too (an underscore or a non-ASCII letter in front only adds starts). A branch whose matches begin
/// with known words (<see cref="BranchPrefix"/>) is then tried only at the starts of those words.
/// </summary>
public sealed class WordStarts : IDisposable
{
    // Characters that .NET's case-insensitive matching takes for an ASCII letter: KELVIN SIGN (k), LONG S (s),
    // CAPITAL I WITH DOT ABOVE and DOTLESS I (i). A text holding one gets no index: its branches scan as written.
    static readonly SearchValues<char> AsciiLookalikes = SearchValues.Create("\u212A\u017F\u0130\u0131");

    const int KeyChars = 4;
    const int Bits = 12;
    const int OffsetsLength = (1 << Bits) + 2;

    // 1–10 for a digit, 11–36 for a letter of either case, 0 for anything else.
    static readonly byte[] Codes = [.. Enumerable.Range(0, 128).Select(c => (byte)(
        char.IsAsciiDigit((char)c) ? c - '0' + 1 : char.IsAsciiLetter((char)c) ? (c | 0x20) - 'a' + 11 : 0))];

    readonly string _text;
    readonly int[] _offsets;
    readonly int[] _positions;
    readonly int[] _keys;
    readonly Dictionary<string, int[]> _found = new(StringComparer.Ordinal);
    bool _disposed;

    WordStarts(string text, int[] offsets, int[] positions, int[] keys)
    {
        _text = text;
        _offsets = offsets;
        _positions = positions;
        _keys = keys;
    }

    /// <summary>The index of <paramref name="text"/>; null when it holds a character that could match an ASCII letter case-insensitively.</summary>
    public static WordStarts? Of(string text)
    {
        if (text.AsSpan().ContainsAny(AsciiLookalikes))
        {
            return null;
        }
        var codes = ArrayPool<byte>.Shared.Rent(text.Length + KeyChars);
        var starts = ArrayPool<int>.Shared.Rent(text.Length / 2 + 1);
        var wordKeys = ArrayPool<int>.Shared.Rent(text.Length / 2 + 1);
        try
        {
            // A counting sort by bucket: after it, bucket b holds positions[offsets[b]..offsets[b + 1]], in text order,
            // and keys[i] is the key of the word at positions[i].
            var offsets = ArrayPool<int>.Shared.Rent(OffsetsLength);
            Array.Clear(offsets, 0, OffsetsLength);
            var n = FindStarts(text, codes, starts);
            for (var w = 0; w < n; w++)
            {
                var key = Key(codes, starts[w]);
                wordKeys[w] = key;
                offsets[Bucket(key) + 2]++;
            }
            for (var b = 2; b < OffsetsLength; b++)
            {
                offsets[b] += offsets[b - 1];
            }
            var positions = ArrayPool<int>.Shared.Rent(n);
            var keys = ArrayPool<int>.Shared.Rent(n);
            for (var w = 0; w < n; w++)
            {
                var at = offsets[Bucket(wordKeys[w]) + 1]++;
                positions[at] = starts[w];
                keys[at] = wordKeys[w];
            }
            return new WordStarts(text, offsets, positions, keys);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(codes);
            ArrayPool<int>.Shared.Return(starts);
            ArrayPool<int>.Shared.Return(wordKeys);
        }
    }

    /// <summary>Gives the index's arrays back to the shared pool: nothing may be looked up after.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            ArrayPool<int>.Shared.Return(_offsets);
            ArrayPool<int>.Shared.Return(_positions);
            ArrayPool<int>.Shared.Return(_keys);
        }
    }

    /// <summary>
    /// Whether <see cref="Find"/> can look a prefix up: each spelling of its first word has four characters or more,
    /// or the word is whole, so that the text's words it can start are those with the same first four characters, or that spelling alone.
    /// </summary>
    public static bool CanFind(BranchPrefix prefix) => prefix.FirstIsWhole || prefix.First.All(s => s.Length >= KeyChars);

    /// <summary>Every word start, in text order, where the text has the words of <paramref name="prefix"/>.</summary>
    public int[] Find(BranchPrefix prefix)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // Branches of several detectors start with the same words (renew, assign, licen): each prefix is looked up once.
        if (!_found.TryGetValue(prefix.ToString(), out var found))
        {
            found = _found[prefix.ToString()] = Lookup(prefix);
        }
        return found;
    }

    int[] Lookup(BranchPrefix prefix)
    {
        var keys = prefix.FirstKeys;
        var size = 0;
        foreach (var key in keys)
        {
            size += _offsets[Bucket(key) + 1] - _offsets[Bucket(key)];
        }
        if (size == 0)
        {
            return [];
        }
        var longest = prefix.LongestFirst;
        var found = ArrayPool<int>.Shared.Rent(size);
        try
        {
            var n = 0;
            foreach (var key in keys)
            {
                // The words of the key's bucket that have the key (others share the bucket).
                var from = _offsets[Bucket(key)];
                var to = _offsets[Bucket(key) + 1];
                for (var i = from; i < to; i++)
                {
                    if (_keys[i] != key)
                    {
                        continue;
                    }
                    var start = _positions[i];
                    if (prefix.IsAt(_text, start) && (prefix.Before is not { } before || IsBefore(before, start, start + longest)))
                    {
                        found[n++] = start;
                    }
                }
            }
            if (keys.Length > 1)
            {
                found.AsSpan(0, n).Sort();
            }
            return found.AsSpan(0, n).ToArray();
        }
        finally
        {
            ArrayPool<int>.Shared.Return(found);
        }
    }

    /// <summary>
    /// Whether a word with one of the spellings starts after the last full stop before <paramref name="start"/> and
    /// before <paramref name="limit"/> (the lookbehind's match may begin inside the first word, never after it ends).
    /// </summary>
    bool IsBefore(PrecedingWord before, int start, int limit)
    {
        var from = _text.AsSpan(0, start).LastIndexOf('.') + 1;
        var alternatives = before.Alternatives;
        for (var a = 0; a < alternatives.Count; a++)
        {
            var words = alternatives[a];
            foreach (var key in words.FirstKeys)
            {
                var bucket = _offsets[Bucket(key)];
                var starts = _positions.AsSpan(bucket, _offsets[Bucket(key) + 1] - bucket);
                var i = starts.BinarySearch(from);
                for (i = i < 0 ? ~i : i; i < starts.Length && starts[i] < limit; i++)
                {
                    if (_keys[bucket + i] == key && words.IsAt(_text, starts[i]))
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /// <summary>
    /// Writes each character's code (<see cref="Code"/>) and the position of the first character of each run of ASCII
    /// letters and digits; returns how many runs. The codes go on with <see cref="KeyChars"/> zeros past the text.
    /// </summary>
    static int FindStarts(string text, byte[] codes, int[] starts)
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

    /// <summary>The key of the word starting at <paramref name="start"/>, from the text's codes: the same as <see cref="KeyOf"/> of the word.</summary>
    static int Key(byte[] codes, int start)
    {
        // The four codes from the word's start, code k in byte k as in KeyOf, and the bytes from the first zero (the word's end) on cleared.
        var codes4 = Unsafe.ReadUnaligned<uint>(ref codes[start]);
        if (!BitConverter.IsLittleEndian)
        {
            codes4 = BinaryPrimitives.ReverseEndianness(codes4);
        }
        var zeros = (codes4 - 0x01010101u) & ~codes4 & 0x80808080u;
        return (int)(codes4 & (((zeros & (0u - zeros)) >> 7) - 1));
    }

    /// <summary>The key a word spelled <paramref name="spelling"/> is filed under: the codes of its first four characters (fewer when it is shorter), a byte each.</summary>
    internal static int KeyOf(string spelling)
    {
        var key = 0;
        for (var k = 0; k < KeyChars && k < spelling.Length; k++)
        {
            var code = Code(spelling[k]);
            if (code == 0)
            {
                break;
            }
            key |= code << (8 * k);
        }
        return key;
    }

    static int Code(char c) => c < 128 ? Codes[c] : 0;

    static ushort Bucket(int key) => (ushort)((uint)key * 2654435761u >> (32 - Bits));
}
