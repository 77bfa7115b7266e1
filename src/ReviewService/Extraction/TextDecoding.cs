using System.Text;

namespace ReviewService.Extraction;

/// <summary>Strict decoding of text formats: UTF-8 (BOM optional) or UTF-16 with a BOM; anything else is refused.</summary>
public static class TextDecoding
{
    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static (string? Text, Failure? Failure) Decode(ReadOnlySpan<byte> bytes, string format)
    {
        try
        {
            var text = bytes switch
            {
                [0xEF, 0xBB, 0xBF, ..] => StrictUtf8.GetString(bytes[3..]),
                [0xFF, 0xFE, ..] => new UnicodeEncoding(false, false, true).GetString(bytes[2..]),
                [0xFE, 0xFF, ..] => new UnicodeEncoding(true, false, true).GetString(bytes[2..]),
                _ => StrictUtf8.GetString(bytes),
            };
            return text.Contains('\0', StringComparison.Ordinal)
                ? (null, Failure.Unprocessable("Binary content", $"The {format} contains NUL bytes: it looks like a binary file. Send the file with its real content type (PDF, DOCX) or its text."))
                : (text, null);
        }
        catch (DecoderFallbackException e)
        {
            return (null, Failure.Unprocessable("Invalid text encoding",
                $"The {format} is not valid UTF-8 (invalid byte at position {e.Index}). Save it as UTF-8 and submit it again."));
        }
    }
}
