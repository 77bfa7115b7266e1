namespace ReviewService.Extraction;

/// <summary>Plain text: decoded strictly and kept as is, so offsets match the submitted text.</summary>
public sealed class PlainTextExtractor : IFormatExtractor
{
    public string ContentType => "text/plain";
    public IReadOnlyList<string> Extensions { get; } = [".txt", ".text"];

    public ExtractionResult Extract(ReadOnlyMemory<byte> content)
    {
        var (text, failure) = TextDecoding.Decode(content.Span, "text");
        return failure ?? (ExtractionResult)new ExtractedDocument(text!, "text", [0]);
    }
}
