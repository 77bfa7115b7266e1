namespace ReviewService.Ingestion;

/// <summary>The JSON body of <c>POST /v1/reviews</c>.</summary>
public sealed record SubmitReviewRequest(string? Policy, DocumentPayload? Document, string? ExternalRef, Dictionary<string, string>? Metadata);

/// <summary>The document: its text, or its bytes in base64 (JSON), or an uploaded file (multipart).</summary>
public sealed record DocumentPayload(string? FileName, string? ContentType, string? Text, string? ContentBase64)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public byte[]? Upload { get; init; }
}

/// <summary>A validated submission, whichever way it arrived (JSON or multipart): the input of the extraction stage.</summary>
public sealed record Submission(
    string Policy, string FileName, string ContentType, byte[] Content, string? ExternalRef, IReadOnlyDictionary<string, string> Metadata);

public sealed class IngestionOptions
{
    public const string Section = "Ingestion";
    /// <summary>The largest document accepted, in bytes (default 25 MB). A JSON body may be a third larger (base64).</summary>
    public long MaxDocumentBytes { get; set; } = 25 * 1024 * 1024;
    /// <summary>How long a submission waits for its review before answering 202 (a <c>Prefer: wait=N</c> header overrides it).</summary>
    public double DefaultWaitSeconds { get; set; } = 2;
    public double MaxWaitSeconds { get; set; } = 60;

    /// <summary>Files in one batch (a zip counts its entries).</summary>
    public int MaxBatchDocuments { get; set; } = 100;
    /// <summary>The largest batch upload, and the most a batch's zip may inflate to (default 100 MB).</summary>
    public long MaxBatchBytes { get; set; } = 100 * 1024 * 1024;

    /// <summary>The largest request body: the document in base64 plus room for the JSON around it.</summary>
    public long MaxRequestBytes => MaxDocumentBytes / 3 * 4 + 1024 * 1024;
}
