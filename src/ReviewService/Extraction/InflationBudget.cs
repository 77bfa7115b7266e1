using System.IO.Compression;
using UglyToad.PdfPig.Filters;
using UglyToad.PdfPig.Tokens;

namespace ReviewService.Extraction;

/// <summary>
/// PdfPig's filters for one document, with a cap on what they decode altogether: a 1 MB deflate or LZW stream can hold
/// gigabytes, and PdfPig decodes a stream whole into memory. Flate, LZW and run-length streams are measured (counted,
/// not kept) before PdfPig decodes them; the other filters expand far less and are counted after.
/// </summary>
public sealed class InflationBudget(long limit) : IFilterProvider
{
    readonly IFilterProvider _filters = DefaultFilterProvider.Instance;
    long _used;

    /// <summary>True once the document's streams needed more than the limit; later streams are not decoded.</summary>
    public bool Exceeded { get; private set; }

    public IReadOnlyList<IFilter> GetFilters(DictionaryToken dictionary) => Budgeted(_filters.GetFilters(dictionary));

    public IReadOnlyList<IFilter> GetNamedFilters(IReadOnlyList<NameToken> names) => Budgeted(_filters.GetNamedFilters(names));

    public IReadOnlyList<IFilter> GetAllFilters() => Budgeted(_filters.GetAllFilters());

    IReadOnlyList<IFilter> Budgeted(IReadOnlyList<IFilter> filters) => [.. filters.Select(f => new BudgetedFilter(f, this))];

    void Charge(long bytes)
    {
        _used += bytes;
        if (_used > limit)
        {
            Exceeded = true;
        }
        if (Exceeded)
        {
            throw new InvalidDataException($"The PDF's streams inflate to more than {limit} bytes.");
        }
    }

    long DecodedLength(IFilter filter, ReadOnlyMemory<byte> input) => filter switch
    {
        FlateFilter => InflatedLength(input),
        // EarlyChange (when the code width grows) is in the decode parameters; counting both ways needs neither.
        LzwFilter => Math.Max(LzwLength(input.Span, 0), LzwLength(input.Span, 1)),
        RunLengthFilter => RunLength(input.Span),
        _ => 0,
    };

    /// <summary>Inflates into a small reused buffer, only to count, and stops as soon as the budget is spent.</summary>
    long InflatedLength(ReadOnlyMemory<byte> input)
    {
        // Like PdfPig's FlateFilter: skip the two-byte zlib header, then raw deflate.
        using var deflate = new DeflateStream(new MemoryStream(input[Math.Min(2, input.Length)..].ToArray(), writable: false), CompressionMode.Decompress);
        var buffer = new byte[64 * 1024];
        long total = 0;
        try
        {
            int read;
            while ((read = deflate.Read(buffer)) > 0 && _used + total <= limit)
            {
                total += read;
            }
        }
        catch (InvalidDataException)
        {
            // Corrupt deflate data: PdfPig's own decoding decides what that means; the count so far stands.
        }
        return total;
    }

    /// <summary>LZW (PDF 32000 7.4.4) decoded for its length only: a new entry is one longer than the code before it.</summary>
    long LzwLength(ReadOnlySpan<byte> input, int earlyChange)
    {
        const int Clear = 256, End = 257, First = 258, Size = 4096;
        Span<int> lengths = stackalloc int[Size];
        lengths[..256].Fill(1);
        int next = First, width = 9, previous = -1, bitCount = 0, position = 0;
        long bits = 0, total = 0;
        while (_used + total <= limit)
        {
            for (; bitCount < width && position < input.Length; bitCount += 8)
            {
                bits = (bits << 8) | input[position++];
            }
            if (bitCount < width)
            {
                break;
            }
            bitCount -= width;
            var code = (int)(bits >> bitCount) & ((1 << width) - 1);
            bits &= (1L << bitCount) - 1;
            if (code == End)
            {
                break;
            }
            if (code == Clear)
            {
                (next, width, previous) = (First, 9, -1);
                continue;
            }
            var length = code < next && code is < Clear or >= First ? lengths[code] : code == next && previous >= 0 ? lengths[previous] + 1 : -1;
            if (length < 0)
            {
                break;
            }
            if (previous >= 0 && next < Size)
            {
                lengths[next++] = lengths[previous] + 1;
            }
            total += length;
            previous = code;
            width = next + earlyChange >= 2048 ? 12 : next + earlyChange >= 1024 ? 11 : next + earlyChange >= 512 ? 10 : 9;
        }
        return total;
    }

    /// <summary>Run-length (PDF 32000 7.4.5): a length byte, then that many bytes plus one, or one byte repeated 257 minus it.</summary>
    static long RunLength(ReadOnlySpan<byte> input)
    {
        long total = 0;
        for (var i = 0; i < input.Length && input[i] != 128; i += input[i] < 128 ? input[i] + 2 : 2)
        {
            total += input[i] < 128 ? input[i] + 1 : 257 - input[i];
        }
        return total;
    }

    sealed class BudgetedFilter(IFilter filter, InflationBudget budget) : IFilter
    {
        public bool IsSupported => filter.IsSupported;

        public Memory<byte> Decode(Memory<byte> input, DictionaryToken streamDictionary, IFilterProvider filterProvider, int filterIndex)
        {
            budget.Charge(budget.DecodedLength(filter, input));
            var output = filter.Decode(input, streamDictionary, filterProvider, filterIndex);
            if (filter is not (FlateFilter or LzwFilter or RunLengthFilter))
            {
                budget.Charge(output.Length);
            }
            return output;
        }
    }
}
