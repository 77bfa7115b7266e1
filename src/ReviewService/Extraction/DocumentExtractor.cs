using System.Diagnostics;

namespace ReviewService.Extraction;

/// <summary>
/// The extraction stage: picks the extractor for the declared content type, checks that the bytes are what the
/// type says, and refuses documents with no text.
/// </summary>
public sealed class DocumentExtractor(IEnumerable<IFormatExtractor> extractors, ExtractionOptions options)
{
    const string OctetStream = "application/octet-stream";
    readonly Dictionary<string, IFormatExtractor> _byType = extractors.ToDictionary(e => e.ContentType, StringComparer.OrdinalIgnoreCase);

    public IEnumerable<string> SupportedTypes => _byType.Keys;

    /// <summary>The media type without parameters; <c>application/octet-stream</c> resolved from the file extension.</summary>
    public string? Resolve(string contentType, string fileName)
    {
        var type = contentType.Split(';')[0].Trim().ToLowerInvariant();
        if (type == OctetStream || type.Length == 0)
        {
            var extension = Path.GetExtension(fileName);
            return _byType.Values.FirstOrDefault(e => e.Extensions.Contains(extension, StringComparer.OrdinalIgnoreCase))?.ContentType;
        }
        return _byType.ContainsKey(type) ? type : null;
    }

    public ExtractionResult Extract(string contentType, string fileName, ReadOnlyMemory<byte> content)
    {
        using var activity = Telemetry.ReviewTelemetry.Source.StartActivity("extract");
        var type = Resolve(contentType, fileName);
        if (type is null)
        {
            return new Failure(FailureKind.UnsupportedMediaType, "Unsupported content type",
                $"Content type '{contentType}' is not supported. Send one of: {string.Join(", ", SupportedTypes)}.");
        }
        activity?.SetTag("document.content_type", type);
        activity?.SetTag("document.bytes", content.Length);
        if (Mismatch(type, content.Span) is { } mismatch)
        {
            return mismatch;
        }
        var started = Stopwatch.GetTimestamp();
        var result = _byType[type].Extract(content);
        Telemetry.ReviewTelemetry.StageDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
            new KeyValuePair<string, object?>("stage", "extract"), new KeyValuePair<string, object?>("format", type));
        if (result.Document is { } document)
        {
            if (string.IsNullOrWhiteSpace(document.Text))
            {
                return Failure.Unprocessable("No text", $"No text could be extracted from '{fileName}'. There is nothing to review.");
            }
            if (document.Text.Length > options.MaxTextCharacters)
            {
                return new Failure(FailureKind.TooLarge, "Too much text", $"The document holds {document.Text.Length} characters; the limit is {options.MaxTextCharacters}.");
            }
            activity?.SetTag("document.characters", document.Text.Length);
        }
        else
        {
            activity?.SetStatus(ActivityStatusCode.Error, result.Failure!.Title);
        }
        return result;
    }

    /// <summary>The declared type must agree with the file's signature: a PDF starts with %PDF, a DOCX is a zip.</summary>
    static Failure? Mismatch(string type, ReadOnlySpan<byte> bytes)
    {
        var isPdf = bytes[..Math.Min(bytes.Length, 1024)].IndexOf("%PDF-"u8) >= 0;
        var isZip = bytes.StartsWith("PK\u0003\u0004"u8);
        var declaredPdf = type == "application/pdf";
        var declaredDocx = type.Contains("wordprocessingml", StringComparison.Ordinal);
        if (declaredPdf && !isPdf)
        {
            return Mismatched(type, isZip ? "a zip package (DOCX?)" : "not a PDF (no %PDF- header)");
        }
        if (declaredDocx && !isZip)
        {
            return Mismatched(type, isPdf ? "a PDF"
                : bytes.StartsWith((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0]) ? "an OLE compound file: a password-protected DOCX or a legacy .doc (remove the password, or save it as .docx)"
                : "not a zip package");
        }
        if (!declaredPdf && !declaredDocx && (isPdf || isZip))
        {
            return Mismatched(type, isPdf ? "a PDF" : "a zip package (DOCX?)");
        }
        return null;
    }

    static Failure Mismatched(string declared, string actual) => new(FailureKind.UnsupportedMediaType, "Content does not match its type",
        $"The document was declared as '{declared}' but its content is {actual}. Send it with its real content type.");
}
