using Microsoft.Extensions.Options;

namespace ReviewService.Extraction;

public sealed class ExtractionGateOptions
{
    public const string Section = "Extraction";
    /// <summary>Documents from this size on count as large: parsing a big PDF or DOCX takes a core and a few hundred MB.</summary>
    public long LargeDocumentBytes { get; set; } = 2 * 1024 * 1024;
    /// <summary>How many large documents are extracted at once; default the number of cores.</summary>
    public int MaxConcurrentLargeExtractions { get; set; } = Environment.ProcessorCount;
    /// <summary>How long a large document waits for a turn before the submission is refused with 503 and Retry-After.</summary>
    public double LargeQueueSeconds { get; set; } = 30;
}

/// <summary>
/// Bounds concurrent extraction of large files, so a burst of big uploads costs a queue, not the memory and cores of the
/// whole process; small documents pass straight through. OCR takes a large turn whatever the file's size: a 200 KB scan
/// keeps a core busy for seconds a page.
/// </summary>
public sealed class ExtractionGate(DocumentExtractor extractor, IOptions<ExtractionGateOptions> options, TimeProvider clock) : IDisposable
{
    readonly ExtractionGateOptions _options = options.Value;
    readonly SemaphoreSlim _large = new(options.Value.MaxConcurrentLargeExtractions);

    public async Task<ExtractionResult> ExtractAsync(string contentType, string fileName, byte[] content, CancellationToken ct)
    {
        if (content.Length < _options.LargeDocumentBytes)
        {
            var read = extractor.Read(contentType, fileName, content);
            return read.Ocr is { } ocr ? await InLargeTurnAsync(() => extractor.Recognise(ocr, fileName, ct), ct) : read;
        }
        return await InLargeTurnAsync(() => extractor.Extract(contentType, fileName, content), ct);
    }

    async Task<ExtractionResult> InLargeTurnAsync(Func<ExtractionResult> extract, CancellationToken ct)
    {
        if (!await _large.WaitAsync(TimeSpan.FromSeconds(_options.LargeQueueSeconds), clock, ct))
        {
            return new Failure(FailureKind.Busy, "Extraction busy",
                $"{_options.MaxConcurrentLargeExtractions} large documents or scans are being extracted and yours waited {_options.LargeQueueSeconds:0} s for a turn. " +
                "Nothing was stored; send it again after the Retry-After delay.",
                Extensions: new Dictionary<string, object?> { [Http.Problems.RetryAfterSeconds] = 10 });
        }
        try
        {
            return await Task.Run(extract, ct);
        }
        finally
        {
            _large.Release();
        }
    }

    public void Dispose() => _large.Dispose();
}
