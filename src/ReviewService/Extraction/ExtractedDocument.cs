namespace ReviewService.Extraction;

/// <summary>
/// The text of a document as the rules, the judge and the reviewers see it. Evidence offsets point into
/// <see cref="Text"/> (UTF-16 code units). <see cref="PageStarts"/> gives the offset where each page begins (PDF).
/// </summary>
public sealed record ExtractedDocument(string Text, string Format, IReadOnlyList<int> PageStarts);

/// <summary>Either an extracted document or the reason the file cannot be read.</summary>
public sealed record ExtractionResult(ExtractedDocument? Document, Failure? Failure)
{
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
