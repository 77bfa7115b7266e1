namespace ReviewService.Extraction;

/// <summary>A scan format: its media type, file extensions, and the signatures its files start with.</summary>
public sealed record ImageFormat(string Name, string ContentType, IReadOnlyList<string> Extensions, IReadOnlyList<byte[]> Signatures)
{
    public static readonly ImageFormat Png = new("png", "image/png", [".png"], [[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]]);
    public static readonly ImageFormat Jpeg = new("jpeg", "image/jpeg", [".jpg", ".jpeg"], [[0xFF, 0xD8, 0xFF]]);
    public static readonly ImageFormat Tiff = new("tiff", "image/tiff", [".tif", ".tiff"], [[(byte)'I', (byte)'I', 42, 0], [(byte)'M', (byte)'M', 0, 42]]);
    public static readonly IReadOnlyList<ImageFormat> All = [Png, Jpeg, Tiff];

    public bool Matches(ReadOnlySpan<byte> bytes)
    {
        foreach (var signature in Signatures)
        {
            if (bytes.StartsWith(signature))
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>A scanned page as an image: its size is read from the header (bounding OCR's memory) and its text by OCR.</summary>
public sealed class ImageExtractor(ImageFormat format, ScanReader scans) : IFormatExtractor
{
    public string ContentType => format.ContentType;
    public IReadOnlyList<string> Extensions => format.Extensions;

    public ExtractionResult Extract(ReadOnlyMemory<byte> content)
    {
        if (ImageHeader.Read(format, content.Span) is not { } header)
        {
            return Failure.Unprocessable("Corrupt image",
                $"The {format.Name.ToUpperInvariant()} image cannot be read: its header is damaged or cut short. Scan or export it again and resubmit.");
        }
        return scans.ForImage(content, format.Name, header.Pages, header.Largest);
    }
}
