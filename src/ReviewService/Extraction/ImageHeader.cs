using System.Buffers.Binary;

namespace ReviewService.Extraction;

/// <summary>
/// Page count and largest page size (pixels) from an image's header, read before OCR: a small file can declare a huge
/// image, and decoding that would take the memory of the process.
/// </summary>
public sealed record ImageHeader(int Pages, PageSize Largest)
{
    /// <summary>More TIFF directories than this is not a scan: stop counting (any count over the OCR page limit is refused).</summary>
    const int MaxTiffPages = 10_000;

    public static ImageHeader? Read(ImageFormat format, ReadOnlySpan<byte> bytes) =>
        format == ImageFormat.Png ? Png(bytes) : format == ImageFormat.Jpeg ? Jpeg(bytes) : Tiff(bytes);

    /// <summary>PNG: width and height are the first fields of the IHDR chunk, right after the signature.</summary>
    static ImageHeader? Png(ReadOnlySpan<byte> bytes) =>
        bytes.Length < 24 || !bytes[12..16].SequenceEqual("IHDR"u8) ? null
            : Sized(1, BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]), BinaryPrimitives.ReadUInt32BigEndian(bytes[20..]));

    /// <summary>JPEG: the size is in the start-of-frame segment (SOF0–SOF15 except DHT, JPG and DAC), after any others.</summary>
    static ImageHeader? Jpeg(ReadOnlySpan<byte> bytes)
    {
        var at = 2;
        while (at + 9 <= bytes.Length && bytes[at] == 0xFF)
        {
            var marker = bytes[at + 1];
            var length = BinaryPrimitives.ReadUInt16BigEndian(bytes[(at + 2)..]);
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                return Sized(1, BinaryPrimitives.ReadUInt16BigEndian(bytes[(at + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(bytes[(at + 5)..]));
            }
            at += 2 + length;
        }
        return null;
    }

    /// <summary>TIFF: a chain of image file directories, one a page; tags 256 and 257 hold each page's width and height.</summary>
    static ImageHeader? Tiff(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 8)
        {
            return null;
        }
        var little = bytes[0] == (byte)'I';
        uint U32(ReadOnlySpan<byte> b) => little ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32BigEndian(b);
        ushort U16(ReadOnlySpan<byte> b) => little ? BinaryPrimitives.ReadUInt16LittleEndian(b) : BinaryPrimitives.ReadUInt16BigEndian(b);
        var (pages, width, height) = (0, 0.0, 0.0);
        var seen = new HashSet<long>();
        for (long offset = U32(bytes[4..]); offset != 0 && pages < MaxTiffPages;)
        {
            if (!seen.Add(offset) || offset + 2 > bytes.Length)
            {
                return null;
            }
            var entries = offset + 2;
            var next = entries + (U16(bytes[(int)offset..]) * 12L);
            if (next + 4 > bytes.Length)
            {
                return null;
            }
            var (pageWidth, pageHeight) = (0u, 0u);
            for (var entry = (int)entries; entry < next; entry += 12)
            {
                var tag = U16(bytes[entry..]);
                // Type 3 is SHORT (its value in the first two bytes of the field), 4 is LONG.
                var value = U16(bytes[(entry + 2)..]) == 3 ? U16(bytes[(entry + 8)..]) : U32(bytes[(entry + 8)..]);
                (pageWidth, pageHeight) = tag switch { 256 => (value, pageHeight), 257 => (pageWidth, value), _ => (pageWidth, pageHeight) };
            }
            if (pageWidth == 0 || pageHeight == 0)
            {
                return null;
            }
            pages++;
            (width, height) = (double)pageWidth * pageHeight > width * height ? (pageWidth, pageHeight) : (width, height);
            offset = U32(bytes[(int)next..]);
        }
        return pages == 0 ? null : new ImageHeader(pages, new PageSize(width, height));
    }

    static ImageHeader? Sized(int pages, uint width, uint height) => width == 0 || height == 0 ? null : new ImageHeader(pages, new PageSize(width, height));
}
