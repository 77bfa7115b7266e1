using System.Net;
using System.Net.Http.Headers;

namespace ReviewService.Tests.Reviews;

/// <summary>Scans submitted over the API are read by OCR and reviewed like any document; <c>document.ocr</c> says how well each page read.</summary>
public sealed class ScannedDocumentTests : IDisposable
{
    readonly ReviewApp _app = new();
    readonly HttpClient _client;

    public ScannedDocumentTests() => _client = _app.Analyst();

    public void Dispose() => _app.Dispose();

    public static TheoryData<string, byte[], string, string, int> Scans => new()
    {
        { "scan.pdf", Fixtures.Bytes("scan.pdf"), "application/pdf", "pdf", 2 },
        { "scan-noisy.pdf", Fixtures.Bytes("scan-noisy.pdf"), "application/pdf", "pdf", 1 },
        { "scan-page3.png", Fixtures.Bytes("scan-page3.png"), "image/png", "png", 1 },
        { "scan-page3.tiff", Fixtures.Bytes("scan-page3.tiff"), "image/tiff", "tiff", 1 },
        { "scan-noisy.jpg", Fixtures.JpegInside("scan-noisy.pdf"), "image/jpeg", "jpeg", 1 },
    };

    [Theory]
    [MemberData(nameof(Scans))]
    public async Task ScanIsReadByOcrAndItsGoverningLawFound(string file, byte[] content, string contentType, string format, int pages)
    {
        var response = await _client.SubmitAsync(ReviewRequests.Base64(content, file, contentType), wait: "60");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var review = await response.JsonAsync();
        var law = review.Finding("governing-law");
        Assert.Equal("present", law.GetProperty("outcome").GetString());
        Assert.Equal(Fixtures.GoverningLawState, law.GetProperty("value").GetString());
        var document = review.GetProperty("document");
        Assert.Equal(format, document.GetProperty("format").GetString());
        Assert.Equal(pages, document.GetProperty("pageStarts").GetArrayLength());
        var ocr = document.GetProperty("ocr");
        Assert.Equal("tesseract", ocr.GetProperty("engine").GetString());
        Assert.Equal(pages, ocr.GetProperty("pages").GetArrayLength());
        Assert.All(ocr.GetProperty("pages").EnumerateArray(), p => Assert.InRange(p.GetProperty("confidence").GetDouble(), 0.6, 1));
        Assert.Equal(0, ocr.GetProperty("lowConfidencePages").GetArrayLength());
    }

    [Fact]
    public async Task OcrRecordIsStoredWithTheReviewAndItsEvidencePointsIntoTheRecognisedText()
    {
        var submitted = await (await _client.SubmitAsync(ReviewRequests.Base64(Fixtures.Bytes("scan-page3.png"), "p.png", "image/png"), wait: "60")).JsonAsync();
        var id = submitted.GetProperty("id").GetString();

        var review = await (await _client.GetAsync($"/v1/reviews/{id}")).JsonAsync();
        var text = (await (await _client.GetAsync($"/v1/reviews/{id}/document")).JsonAsync()).GetProperty("text").GetString()!;

        Assert.Equal(1, review.GetProperty("document").GetProperty("ocr").GetProperty("pages")[0].GetProperty("page").GetInt32());
        var evidence = review.Finding("governing-law").GetProperty("evidence")[0];
        Assert.Equal(evidence.GetProperty("text").GetString(), text[evidence.GetProperty("start").GetInt32()..evidence.GetProperty("end").GetInt32()]);
    }

    [Fact]
    public async Task ScanUploadedAsMultipartOctetStreamIsResolvedFromItsExtension()
    {
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(Fixtures.Bytes("scan-page3.tiff"));
        part.Headers.ContentType = MediaTypeHeaderValue.Parse("application/octet-stream");
        form.Add(part, "file", "scan-page3.tif");
        form.Add(new StringContent("contract-review"), "policy");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/reviews") { Content = form };
        request.Headers.Add("Prefer", "wait=60");

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("image/tiff", (await response.JsonAsync()).GetProperty("document").GetProperty("contentType").GetString());
    }

    [Fact]
    public async Task DocumentWithATextLayerHasNoOcrRecord()
    {
        var review = await (await _client.SubmitAsync(ReviewRequests.Base64(Fixtures.Bytes("contract.pdf"), "c.pdf", "application/pdf"), wait: "20")).JsonAsync();

        Assert.True(review.GetProperty("document").TryGetProperty("ocr", out var ocr) is false || ocr.ValueKind == System.Text.Json.JsonValueKind.Null);
    }

    [Fact]
    public async Task WithoutTesseractAScanGetsA422NamingThePackagesToInstall()
    {
        using var app = new ReviewApp(settings: new() { ["Extraction:Ocr:TesseractPath"] = "/nonexistent/tesseract" });
        var client = app.Analyst();

        var response = await client.SubmitAsync(ReviewRequests.Base64(Fixtures.Bytes("scan.pdf"), "s.pdf", "application/pdf"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        Assert.Equal("OCR not available", problem.GetProperty("title").GetString());
        Assert.Contains("apt-get install tesseract-ocr tesseract-ocr-eng", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task ScanOverThePageLimitGetsA413BeforeAnyOcr()
    {
        using var app = new ReviewApp(settings: new() { ["Extraction:Ocr:MaxPages"] = "1" });

        var response = await app.Analyst().SubmitAsync(ReviewRequests.Base64(Fixtures.Bytes("scan.pdf"), "s.pdf", "application/pdf"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await response.JsonAsync();
        Assert.Equal("Too many pages to OCR", problem.GetProperty("title").GetString());
        Assert.Contains("scan of 2 pages", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApiDocumentListsTheScanTypesAndDescribesTheOcrRecord()
    {
        using var app = new ReviewApp(settings: new() { ["Api:Docs"] = "true" });

        var json = await (await app.Analyst().GetAsync("/openapi/v1.json")).Content.ReadAsStringAsync();

        var schemas = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("components").GetProperty("schemas");
        var contentType = schemas.GetProperty("DocumentPayload").GetProperty("properties").GetProperty("contentType").GetProperty("description").GetString();
        Assert.All(new[] { "image/png", "image/jpeg", "image/tiff", "application/pdf" }, t => Assert.Contains(t, contentType, StringComparison.Ordinal));
        // document.ocr is nullable (oneOf null or a reference): the description lands on the schema it refers to.
        Assert.Contains("recognition errors", schemas.GetProperty("OcrInfo").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.True(schemas.GetProperty("OcrPage").GetProperty("properties").TryGetProperty("confidence", out _));
    }

    [Fact]
    public void InvalidOcrSettingsStopTheServiceAtStart()
    {
        using var app = new ReviewApp(settings: new() { ["Extraction:Ocr:Dpi"] = "5000" });

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("Extraction:Ocr", error.ToString(), StringComparison.Ordinal);
    }
}
