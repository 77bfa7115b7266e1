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

    /// <summary>Reads the document, scans included: <see cref="Read"/>, then <see cref="Recognise"/> when it holds only page images.</summary>
    public ExtractionResult Extract(string contentType, string fileName, ReadOnlyMemory<byte> content)
    {
        var read = Read(contentType, fileName, content);
        return read.Ocr is { } ocr ? Recognise(ocr, fileName, CancellationToken.None) : read;
    }

    /// <summary>The text of the document, or, for a scan, the OCR still to run (<see cref="ExtractionResult.Ocr"/>).</summary>
    public ExtractionResult Read(string contentType, string fileName, ReadOnlyMemory<byte> content)
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
        RecordStage("extract", type, started);
        activity?.SetTag("document.ocr_pages", result.Ocr?.Pages);
        return Checked(result, fileName, activity);
    }

    /// <summary>Runs the OCR of a scan <see cref="Read"/> returned: the CPU-heavy part, in the <c>ocr</c> stage; <paramref name="ct"/> stops its tools.</summary>
    public ExtractionResult Recognise(PendingOcr ocr, string fileName, CancellationToken ct)
    {
        using var activity = Telemetry.ReviewTelemetry.Source.StartActivity("ocr");
        var started = Stopwatch.GetTimestamp();
        var result = ocr.Recognise(ct);
        RecordStage("ocr", result.Document?.Format, started);
        if (result.Document?.Ocr is { } info)
        {
            activity?.SetTag("ocr.pages", info.Pages.Count);
            activity?.SetTag("ocr.mean_confidence", info.Pages.Count == 0 ? 0 : Math.Round(info.Pages.Average(p => p.Confidence), 3));
            activity?.SetTag("ocr.low_confidence_pages", info.LowConfidencePages.Count);
        }
        return Checked(result, fileName, activity);
    }

    static void RecordStage(string stage, string? format, long started) =>
        Telemetry.ReviewTelemetry.StageDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
            new KeyValuePair<string, object?>("stage", stage), new KeyValuePair<string, object?>("format", format));

    /// <summary>Text there must be, and not more than the rules and reviewers can use.</summary>
    ExtractionResult Checked(ExtractionResult result, string fileName, Activity? activity)
    {
        if (result.Document is { } document)
        {
            if (string.IsNullOrWhiteSpace(document.Text))
            {
                return Failure.Unprocessable("No text", document.Ocr is null
                    ? $"No text could be extracted from '{fileName}'. There is nothing to review."
                    : $"OCR found no text in '{fileName}' (a scan with no text layer): there is nothing to review. If it holds text, scan it again at 300 dpi and resubmit.");
            }
            if (document.Text.Length > options.MaxTextCharacters)
            {
                return new Failure(FailureKind.TooLarge, "Too much text", $"The document holds {document.Text.Length} characters; the limit is {options.MaxTextCharacters}.");
            }
            activity?.SetTag("document.characters", document.Text.Length);
        }
        else if (result.Failure is { } failure)
        {
            activity?.SetStatus(ActivityStatusCode.Error, failure.Title);
        }
        return result;
    }

    /// <summary>The declared type must agree with the file's signature: a PDF starts with %PDF, a DOCX is a zip, an image with its own.</summary>
    static Failure? Mismatch(string type, ReadOnlySpan<byte> bytes)
    {
        if (ImageFormat.All.FirstOrDefault(f => f.ContentType == type) is { } image && !image.Matches(bytes))
        {
            var name = image.Name.ToUpperInvariant();
            var head = bytes[..Math.Min(bytes.Length, 8)].ToArray();
            var actual = ImageFormat.All.FirstOrDefault(f => f.Matches(head));
            return Mismatched(type, actual is not null ? $"a {actual.Name.ToUpperInvariant()} image" : $"not a {name} image (no {name} signature)");
        }
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
