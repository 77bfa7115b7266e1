namespace ReviewService.Extraction;

/// <summary>
/// The text of a document as the rules, the judge and the reviewers see it. Evidence offsets point into
/// <see cref="Text"/> (UTF-16 code units). <see cref="PageStarts"/> gives the offset where each page begins (PDF, scans).
/// <see cref="Ocr"/> is set when the text was recognised from page images, so it may hold recognition errors.
/// </summary>
public sealed record ExtractedDocument(string Text, string Format, IReadOnlyList<int> PageStarts, OcrInfo? Ocr = null);

/// <summary>How a scanned document was read: the engine, and each page's mean word confidence.</summary>
public sealed record OcrInfo(string Engine, IReadOnlyList<OcrPage> Pages)
{
    /// <summary>Pages whose recognition is doubtful: a reviewer should read them in the original.</summary>
    public IReadOnlyList<int> LowConfidencePages => [.. Pages.Where(p => p.LowConfidence).Select(p => p.Page)];
}

/// <summary>One recognised page (1-based): <see cref="Confidence"/> is the mean word confidence, 0–1; a page with no words has 0.</summary>
public sealed record OcrPage(int Page, double Confidence, int Words, bool LowConfidence);

/// <summary>
/// A document with no text to read, only page images: recognising them (<see cref="Recognise"/>) is CPU-heavy, so the
/// <see cref="ExtractionGate"/> runs it in a large turn whatever the file's size.
/// </summary>
public sealed record PendingOcr(int Pages, Func<CancellationToken, ExtractionResult> Recognise);

/// <summary>Either an extracted document, the reason the file cannot be read, or page images still to recognise.</summary>
public sealed record ExtractionResult(ExtractedDocument? Document, Failure? Failure, PendingOcr? Ocr = null)
{
    public static implicit operator ExtractionResult(PendingOcr ocr) => new(null, null, ocr);
    public static implicit operator ExtractionResult(ExtractedDocument document) => new(document, null);
    public static implicit operator ExtractionResult(Failure failure) => new(null, failure);
}

/// <summary>Reads one format. Implementations never throw for bad input: they return a <see cref="Failure"/>.</summary>
public interface IFormatExtractor
{
    /// <summary>The media type this extractor reads, e.g. <c>application/pdf</c>.</summary>
    string ContentType { get; }
    /// <summary>File extensions that imply this format when a client sends <c>application/octet-stream</c>.</summary>
    IReadOnlyList<string> Extensions { get; }
    ExtractionResult Extract(ReadOnlyMemory<byte> content);
}

public sealed class ExtractionOptions
{
    public const string Section = "Extraction";
    /// <summary>A DOCX whose parts, or a PDF whose streams, decompress beyond this is refused (zip and deflate bombs).</summary>
    public long MaxDecompressedBytes { get; set; } = 100 * 1024 * 1024;
    /// <summary>Extracted text longer than this is refused: the rules and reviewers cannot use it.</summary>
    public int MaxTextCharacters { get; set; } = 20_000_000;
    public int MaxPdfPages { get; set; } = 3_000;
    /// <summary>HTML that takes longer to parse is refused: deeply nested or unclosed tags make the HTML parser quadratic.</summary>
    public double MaxHtmlParseSeconds { get; set; } = 10;
}
