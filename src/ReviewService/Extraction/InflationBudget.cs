using System.IO.Compression;
using UglyToad.PdfPig.Filters;
using UglyToad.PdfPig.Tokens;

namespace ReviewService.Extraction;

/// <summary>
/// PdfPig's filters for one document, with a cap on what they inflate altogether: a 1 MB deflate stream can hold
/// gigabytes, and PdfPig inflates a stream whole into memory. Flate streams are measured before PdfPig inflates them.
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

    sealed class BudgetedFilter(IFilter filter, InflationBudget budget) : IFilter
    {
        public bool IsSupported => filter.IsSupported;

        public Memory<byte> Decode(Memory<byte> input, DictionaryToken streamDictionary, IFilterProvider filterProvider, int filterIndex)
        {
            // Flate is measured before it is inflated; the other filters expand far less and are counted after.
            budget.Charge(filter is FlateFilter ? budget.InflatedLength(input) : 0);
            var output = filter.Decode(input, streamDictionary, filterProvider, filterIndex);
            if (filter is not FlateFilter)
            {
                budget.Charge(output.Length);
            }
            return output;
        }
    }
}
