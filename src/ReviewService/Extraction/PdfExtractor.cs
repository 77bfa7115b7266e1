using System.Text;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;
using UglyToad.PdfPig.Exceptions;

namespace ReviewService.Extraction;

/// <summary>PDF through PdfPig: the text layer of each page in content order. A PDF with no text layer (a scan) goes to OCR.</summary>
public sealed class PdfExtractor(ExtractionOptions options, ScanReader scans) : IFormatExtractor
{
    public string ContentType => "application/pdf";
    public IReadOnlyList<string> Extensions { get; } = [".pdf"];

    public ExtractionResult Extract(ReadOnlyMemory<byte> content)
    {
        // A PDF ends with %%EOF; a file cut short in transit still parses leniently and would be reviewed half-read.
        if (!EndsWithEof(content.Span))
        {
            return Corrupt("the file is truncated (no %%EOF marker at its end)");
        }
        var budget = new InflationBudget(options.MaxDecompressedBytes);
        try
        {
            using var pdf = PdfDocument.Open(content, new ParsingOptions { UseLenientParsing = true, SkipMissingFonts = true, FilterProvider = budget });
            if (pdf.NumberOfPages > options.MaxPdfPages)
            {
                return new Failure(FailureKind.TooLarge, "Too many pages", $"The PDF has {pdf.NumberOfPages} pages; the limit is {options.MaxPdfPages}.");
            }
            var text = new StringBuilder();
            var pageStarts = new List<int>();
            var pageSizes = new List<PageSize>();
            foreach (var page in pdf.GetPages())
            {
                pageSizes.Add(new PageSize(page.Width, page.Height));
                if (text.Length > 0)
                {
                    text.Append("\n\n");
                }
                pageStarts.Add(text.Length);
                text.Append(ContentOrderTextExtractor.GetText(page, true).Trim());
                if (text.Length > options.MaxTextCharacters)
                {
                    return new Failure(FailureKind.TooLarge, "Too much text", $"The PDF holds more than {options.MaxTextCharacters} characters of text.");
                }
            }
            // Lenient parsing may carry on past a stream it could not decode: the budget still says why.
            if (budget.Exceeded)
            {
                return Bomb();
            }
            if (pageStarts.Count > 0 && string.IsNullOrWhiteSpace(text.ToString()))
            {
                return scans.ForPdf(content, pageSizes);
            }
            return new ExtractedDocument(text.ToString(), "pdf", pageStarts);
        }
        catch (PdfDocumentEncryptedException)
        {
            return Failure.Unprocessable("Encrypted PDF", "The PDF is encrypted with a password. Remove the password protection and submit it again.");
        }
        // PdfPig throws many exception types on malformed files; the file is untrusted, so any of them means "corrupt".
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return budget.Exceeded ? Bomb() : Corrupt($"it could not be parsed ({e.GetType().Name})");
        }
    }

    Failure Bomb() => new(FailureKind.TooLarge, "PDF too large when decompressed",
        $"The PDF's compressed streams decompress to more than {options.MaxDecompressedBytes / (1024 * 1024)} MB, the limit. It may be a decompression bomb; if it is a real document, print it to a new PDF and resubmit.");

    static Failure Corrupt(string why) => Failure.Unprocessable("Corrupt PDF", $"The PDF cannot be read: {why}. Export or save it again and resubmit.");

    static bool EndsWithEof(ReadOnlySpan<byte> bytes) => bytes[Math.Max(0, bytes.Length - 1024)..].LastIndexOf("%%EOF"u8) >= 0;
}
