using System.Text;
using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace ReviewService.Ingestion;

/// <summary>
/// The ingestion stage: reads a submission from JSON or multipart/form-data within the size limits, validates it,
/// and yields one <see cref="Submission"/> record, or a <see cref="Failure"/> a client can act on.
/// </summary>
public sealed class SubmissionReader(IValidator<SubmitReviewRequest> validator, IOptions<IngestionOptions> options)
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { MaxDepth = 16 };
    readonly IngestionOptions _options = options.Value;

    public async Task<(Submission? Submission, Failure? Failure)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > _options.MaxRequestBytes)
        {
            return (null, TooLarge($"The request body is {request.ContentLength} bytes"));
        }
        try
        {
            var (parsed, failure) = request.HasFormContentType ? await ReadFormAsync(request, ct)
                : request.HasJsonContentType() ? await ReadJsonAsync(request, ct)
                : (null, new Failure(FailureKind.UnsupportedMediaType, "Unsupported request content type",
                    $"Send the submission as application/json or multipart/form-data, not '{request.ContentType ?? "(none)"}'."));
            return failure is not null ? (null, failure) : await ValidateAsync(parsed!, ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge("The request body"));
        }
        catch (IOException e) when (e is not BadHttpRequestException && request.HasFormContentType)
        {
            // The multipart reader reports a body that stops before its closing boundary this way, not as InvalidDataException.
            return (null, new Failure(FailureKind.Invalid, "Malformed multipart body",
                "The multipart/form-data body ended early: a part or the closing boundary is missing. Send the whole body."));
        }
        catch (InvalidDataException e)
        {
            // The form reader's limits (body length, header sizes, part count) surface as InvalidDataException.
            return (null, e.Message.Contains("length limit", StringComparison.OrdinalIgnoreCase) && e.Message.Contains("body", StringComparison.OrdinalIgnoreCase)
                ? TooLarge("The multipart body")
                : new Failure(FailureKind.Invalid, "Malformed multipart body", $"The multipart/form-data body cannot be read: {e.Message}"));
        }
    }

    async Task<(SubmitReviewRequest?, Failure?)> ReadJsonAsync(HttpRequest request, CancellationToken ct)
    {
        var body = await ReadBodyAsync(request.Body, _options.MaxRequestBytes, ct);
        if (body is null)
        {
            return (null, TooLarge("The request body"));
        }
        try
        {
            var parsed = JsonSerializer.Deserialize<SubmitReviewRequest>(body, Json);
            return parsed is null
                ? (null, new Failure(FailureKind.Invalid, "Empty submission", "The body is JSON null; send { \"policy\", \"document\" }."))
                : (parsed, null);
        }
        catch (JsonException e)
        {
            return (null, new Failure(FailureKind.Invalid, "Malformed JSON", $"The body is not a valid submission: {e.Message}"));
        }
    }

    async Task<(SubmitReviewRequest?, Failure?)> ReadFormAsync(HttpRequest request, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(new FormOptions
        {
            MultipartBodyLengthLimit = _options.MaxRequestBytes,
            ValueCountLimit = 64,
            MultipartHeadersLengthLimit = 16 * 1024,
        }, ct);
        var file = form.Files.GetFile("file");
        if (file is null)
        {
            return (null, new Failure(FailureKind.Invalid, "No file", "The multipart body has no 'file' part. Add the document as a file part named 'file'.",
                new Dictionary<string, string[]> { ["file"] = ["Required."] }));
        }
        if (file.Length > _options.MaxDocumentBytes)
        {
            return (null, TooLarge($"The file is {file.Length} bytes"));
        }
        using var buffer = new MemoryStream((int)file.Length);
        await file.CopyToAsync(buffer, ct);
        var metadata = form.Keys.Where(k => k.StartsWith("metadata.", StringComparison.Ordinal))
            .ToDictionary(k => k["metadata.".Length..], k => form[k].ToString());
        return (new SubmitReviewRequest(form["policy"].ToString(),
            new DocumentPayload(Path.GetFileName(file.FileName), file.ContentType, null, null) { Upload = buffer.ToArray() },
            NullIfEmpty(form["externalRef"].ToString()), metadata), null);
    }

    /// <summary>Validates a request however it arrived (JSON, multipart, one file of a batch) and yields the submission.</summary>
    public async Task<(Submission?, Failure?)> ValidateAsync(SubmitReviewRequest request, CancellationToken ct)
    {
        var result = await validator.ValidateAsync(request, ct);
        if (!result.IsValid)
        {
            var errors = result.Errors.GroupBy(e => CamelPath(e.PropertyName))
                .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray());
            return (null, new Failure(FailureKind.Invalid, "The submission is invalid", string.Join(" ", errors.Values.SelectMany(v => v)), errors));
        }
        var document = request.Document!;
        var content = document.Upload ?? (document.Text is { } text ? Encoding.UTF8.GetBytes(text) : Convert.FromBase64String(document.ContentBase64!));
        if (content.Length > _options.MaxDocumentBytes)
        {
            return (null, TooLarge($"The document is {content.Length} bytes"));
        }
        return (new Submission(request.Policy!, Path.GetFileName(document.FileName!), document.ContentType!, content, request.ExternalRef,
            request.Metadata ?? []), null);
    }

    Failure TooLarge(string what) => new(FailureKind.TooLarge, "Document too large",
        $"{what}; the limit is {_options.MaxDocumentBytes / (1024 * 1024)} MB per document. Split the document or raise Ingestion:MaxDocumentBytes.");

    /// <summary>Reads at most <paramref name="limit"/> bytes; null when the body is longer.</summary>
    static async Task<byte[]?> ReadBodyAsync(Stream body, long limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    static string CamelPath(string path) => string.Join('.', path.Split('.').Select(p => p.Length == 0 ? p : char.ToLowerInvariant(p[0]) + p[1..]));

    static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
