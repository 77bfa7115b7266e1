using System.IO.Compression;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using ReviewService.Extraction;

namespace ReviewService.Ingestion;

/// <summary>One file of a batch upload: its bytes, or why it could not even be read.</summary>
public sealed record BatchFile(string FileName, string ContentType, byte[]? Content, Failure? Refused);

/// <summary>A batch as uploaded: the policy and the files, in order (a zip's entries in its directory's order).</summary>
public sealed record BatchUpload(string Policy, IReadOnlyList<BatchFile> Files);

/// <summary>
/// Reads <c>POST /v1/batches</c>: <c>multipart/form-data</c> with a <c>policy</c> field and file parts of any names, any of
/// which may be a zip of documents. A zip gets the defences of a DOCX package (<see cref="ZipDefences"/>) before any entry
/// is inflated, and each entry is bounded as it is read. A file too large is refused alone; the others go on.
/// </summary>
public sealed class BatchReader(IOptions<IngestionOptions> options, IOptions<ExtractionOptions> extraction)
{
    const string ZipType = "application/zip";
    readonly IngestionOptions _options = options.Value;

    public async Task<(BatchUpload? Upload, Failure? Failure)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (!request.HasFormContentType)
        {
            return (null, new Failure(FailureKind.UnsupportedMediaType, "Send a multipart form",
                $"Send the batch as multipart/form-data with a 'policy' field and one file part per document (or one zip), not '{request.ContentType ?? "(none)"}'."));
        }
        // A batch may be larger than one document: this request's own body limit.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = _options.MaxBatchBytes + 1024 * 1024;
        }
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(new FormOptions
            {
                MultipartBodyLengthLimit = _options.MaxBatchBytes,
                ValueCountLimit = _options.MaxBatchDocuments + 16,
                MultipartHeadersLengthLimit = 16 * 1024,
            }, ct);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return (null, e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } || e.Message.Contains("length limit", StringComparison.OrdinalIgnoreCase)
                ? TooLarge($"The upload is over {_options.MaxBatchBytes / (1024 * 1024)} MB")
                : new Failure(FailureKind.Invalid, "Malformed multipart body", $"The multipart/form-data body cannot be read: {e.Message}"));
        }
        if (form.Files.Count == 0)
        {
            return (null, new Failure(FailureKind.Invalid, "No files", "The batch has no file parts. Add one file part per document, or one zip of them.",
                new Dictionary<string, string[]> { ["files"] = ["Required."] }));
        }
        var files = new List<BatchFile>();
        foreach (var part in form.Files)
        {
            if (IsZip(part))
            {
                var (entries, refused) = await ReadZipAsync(part, ct);
                if (refused is not null)
                {
                    return (null, refused);
                }
                files.AddRange(entries!);
            }
            else
            {
                files.Add(await ReadFileAsync(part, ct));
            }
            if (files.Count > _options.MaxBatchDocuments)
            {
                return (null, TooLarge($"The batch holds more than {_options.MaxBatchDocuments} documents", "split it into several batches"));
            }
        }
        return (new BatchUpload(form["policy"].ToString(), files), null);
    }

    async Task<BatchFile> ReadFileAsync(IFormFile part, CancellationToken ct)
    {
        var name = Path.GetFileName(part.FileName);
        if (part.Length > _options.MaxDocumentBytes)
        {
            return new BatchFile(name, part.ContentType, null, DocumentTooLarge(part.Length));
        }
        using var buffer = new MemoryStream((int)part.Length);
        await part.CopyToAsync(buffer, ct);
        return new BatchFile(name, part.ContentType ?? "", buffer.ToArray(), null);
    }

    async Task<(IReadOnlyList<BatchFile>?, Failure?)> ReadZipAsync(IFormFile part, CancellationToken ct)
    {
        await using var stream = part.OpenReadStream();
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, ct);
        copy.Position = 0;
        try
        {
            using var zip = new ZipArchive(copy, ZipArchiveMode.Read);
            var limit = Math.Min(_options.MaxBatchBytes, extraction.Value.MaxDecompressedBytes);
            if (ZipDefences.Inspect(zip, _options.MaxBatchDocuments, limit, "zip", InvalidZip) is { } refused)
            {
                return (null, refused);
            }
            var files = new List<BatchFile>();
            // Folders, and the resource forks and dot-files archivers add, are not documents.
            foreach (var entry in zip.Entries.Where(e => e.Name.Length > 0 && !e.Name.StartsWith('.') && !e.FullName.StartsWith("__MACOSX/", StringComparison.Ordinal)))
            {
                var content = await ZipDefences.ReadBoundedAsync(entry, _options.MaxDocumentBytes, ct);
                files.Add(new BatchFile(entry.Name, "application/octet-stream", content, content is null ? DocumentTooLarge(entry.Length) : null));
            }
            return (files, null);
        }
        catch (InvalidDataException e)
        {
            return (null, InvalidZip($"it cannot be read ({e.Message})"));
        }
    }

    static bool IsZip(IFormFile part) =>
        part.ContentType is ZipType or "application/x-zip-compressed" || part.FileName.EndsWith(".zip", StringComparison.OrdinalIgnoreCase);

    Failure DocumentTooLarge(long bytes) => TooLarge($"The file is {bytes} bytes; the limit is {_options.MaxDocumentBytes / (1024 * 1024)} MB per document", "split the document");

    static Failure TooLarge(string what, string remedy = "send a smaller batch") => new(FailureKind.TooLarge, "Too large", $"{what}: {remedy}.");

    static Failure InvalidZip(string why) => Failure.Unprocessable("Invalid zip", $"The zip cannot be used: {why}. Create it again and resubmit.");
}
