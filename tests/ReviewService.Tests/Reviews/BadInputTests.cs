using System.IO.Compression;
using System.Net;
using System.Text;

namespace ReviewService.Tests.Reviews;

/// <summary>Every bad input gets a 4xx problem+json that says what to do; none reaches a 5xx, none is stored.</summary>
public sealed class BadInputTests : IDisposable
{
    readonly ReviewApp _app = new(settings: new() { ["Ingestion:MaxDocumentBytes"] = "1048576", ["Extraction:MaxDecompressedBytes"] = "20971520" });
    readonly HttpClient _client;

    public BadInputTests() => _client = _app.Analyst();

    public void Dispose() => _app.Dispose();

    public static TheoryData<string, object, HttpStatusCode, string> JsonCases => new()
    {
        { "missing policy", new { document = new { fileName = "a.txt", contentType = "text/plain", text = "x" } }, HttpStatusCode.BadRequest, "policy" },
        { "unknown policy", ReviewRequests.Text("governed by the laws of Ohio", policy: "nda-review"), HttpStatusCode.BadRequest, "contract-review" },
        { "no document", new { policy = "contract-review" }, HttpStatusCode.BadRequest, "document" },
        { "empty text", ReviewRequests.Text(""), HttpStatusCode.BadRequest, "empty" },
        { "white space text", ReviewRequests.Text("   \n\t "), HttpStatusCode.BadRequest, "empty" },
        { "text and base64", new { policy = "contract-review", document = new { fileName = "a.txt", contentType = "text/plain", text = "x", contentBase64 = "eA==" } }, HttpStatusCode.BadRequest, "exactly one" },
        { "no file name", new { policy = "contract-review", document = new { contentType = "text/plain", text = "x" } }, HttpStatusCode.BadRequest, "file name" },
        { "invalid base64", new { policy = "contract-review", document = new { fileName = "a.pdf", contentType = "application/pdf", contentBase64 = "%%%not base64%%%" } }, HttpStatusCode.BadRequest, "base64" },
        { "unsupported type", ReviewRequests.Base64([1, 2, 3], "a.xlsx", "application/vnd.ms-excel"), HttpStatusCode.UnsupportedMediaType, "text/plain" },
        { "text declared as PDF", ReviewRequests.Base64(Encoding.UTF8.GetBytes("just text"), "a.pdf", "application/pdf"), HttpStatusCode.UnsupportedMediaType, "%PDF" },
        { "PDF declared as text", ReviewRequests.Base64(Fixtures.Bytes("contract.pdf"), "a.txt", "text/plain"), HttpStatusCode.UnsupportedMediaType, "a PDF" },
        { "truncated PDF", ReviewRequests.Base64(Fixtures.Bytes("truncated.pdf"), "t.pdf", "application/pdf"), HttpStatusCode.UnprocessableEntity, "truncated" },
        { "encrypted PDF", ReviewRequests.Base64(Fixtures.Bytes("encrypted.pdf"), "e.pdf", "application/pdf"), HttpStatusCode.UnprocessableEntity, "password" },
        { "text declared as PNG", ReviewRequests.Base64(Encoding.UTF8.GetBytes("just text"), "a.png", "image/png"), HttpStatusCode.UnsupportedMediaType, "no PNG signature" },
        { "TIFF declared as JPEG", ReviewRequests.Base64(Fixtures.Bytes("scan-page3.tiff"), "a.jpg", "image/jpeg"), HttpStatusCode.UnsupportedMediaType, "a TIFF image" },
        { "PNG with a cut header", ReviewRequests.Base64(Fixtures.Bytes("scan-page3.png")[..20], "a.png", "image/png"), HttpStatusCode.UnprocessableEntity, "header" },
        { "DOCX that is not a zip", ReviewRequests.Base64(Fixtures.Bytes("not-a-package.docx"), "n.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), HttpStatusCode.UnsupportedMediaType, "not a zip" },
        { "zip that is not a DOCX", ReviewRequests.Base64(ZipWith("notes.txt", "hello"), "z.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), HttpStatusCode.UnprocessableEntity, "word/document.xml" },
        { "DOCX zip bomb", ReviewRequests.Base64(Fixtures.Bytes("zip-bomb.docx"), "b.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), HttpStatusCode.RequestEntityTooLarge, "zip bomb" },
        { "DOCX with a path-traversal entry", ReviewRequests.Base64(ZipWith("../../evil.xml", "<x/>"), "p.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), HttpStatusCode.UnprocessableEntity, "unsafe path" },
        { "invalid UTF-8", ReviewRequests.Base64([0x66, 0x6f, 0xff, 0xfe, 0x6f], "a.txt", "text/plain"), HttpStatusCode.UnprocessableEntity, "UTF-8" },
        { "NUL bytes", ReviewRequests.Base64(Encoding.UTF8.GetBytes("gover\0ned"), "a.txt", "text/plain"), HttpStatusCode.UnprocessableEntity, "NUL" },
        { "HTML with no visible text", ReviewRequests.Base64(Encoding.UTF8.GetBytes("<html><script>alert(1)</script><body> </body></html>"), "a.html", "text/html"), HttpStatusCode.UnprocessableEntity, "No text" },
        { "document over the size limit", ReviewRequests.Base64(new byte[1_100_000], "big.txt", "text/plain"), HttpStatusCode.RequestEntityTooLarge, "limit" },
    };

    [Theory]
    [MemberData(nameof(JsonCases))]
    public async Task BadSubmissionGetsAProblemThatSaysWhatToDo(string name, object body, HttpStatusCode status, string hint)
    {
        var response = await _client.SubmitAsync(body);

        await AssertProblemAsync(response, status, hint, name);
    }

    [Fact]
    public async Task MalformedJsonIsABadRequest()
    {
        var response = await _client.PostAsync("/v1/reviews", new StringContent("{\"policy\": \"contract-review\", \"document\": {", Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "not a valid submission", "malformed JSON");
    }

    [Fact]
    public async Task DeeplyNestedJsonIsABadRequest()
    {
        var nested = new string('[', 5000) + new string(']', 5000);
        var response = await _client.PostAsync("/v1/reviews", new StringContent($"{{\"metadata\": {nested}}}", Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "", "nested JSON");
    }

    [Fact]
    public async Task RequestBodyOverTheLimitIsRefusedBeforeParsing()
    {
        var response = await _client.PostAsync("/v1/reviews", new StringContent(new string('a', 3_000_000), Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "limit", "large body");
    }

    [Fact]
    public async Task WrongRequestContentTypeIsUnsupported()
    {
        var response = await _client.PostAsync("/v1/reviews", new StringContent("hello", Encoding.UTF8, "text/plain"));

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "multipart/form-data", "text body");
    }

    [Fact]
    public async Task MultipartWithoutAFilePartIsABadRequest()
    {
        using var form = new MultipartFormDataContent { { new StringContent("contract-review"), "policy" } };

        var response = await _client.PostAsync("/v1/reviews", form);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "'file'", "no file part");
    }

    [Fact]
    public async Task InvalidListQueryIsABadRequest()
    {
        var response = await _client.GetAsync("/v1/reviews?status=done&limit=0&cursor=!!");

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "needs_review", "bad query");
        Assert.Equal(3, problem.GetProperty("errors").EnumerateObject().Count());
    }

    [Fact]
    public async Task UnknownReviewIsNotFound()
    {
        await AssertProblemAsync(await _client.GetAsync($"/v1/reviews/{Guid.NewGuid()}"), HttpStatusCode.NotFound, "no review", "unknown id");
    }

    [Fact]
    public async Task NothingIsStoredForRefusedSubmissions()
    {
        await _client.SubmitAsync(ReviewRequests.Base64(Fixtures.Bytes("encrypted.pdf"), "e.pdf", "application/pdf"));
        await _client.SubmitAsync(ReviewRequests.Text("", policy: "contract-review"));

        var list = await (await _client.GetAsync("/v1/reviews")).JsonAsync();
        Assert.Empty(list.GetProperty("items").EnumerateArray());
    }

    static async Task<System.Text.Json.JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string hint, string name)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{name}: expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = System.Text.Json.JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Contains(hint, problem.GetProperty("detail").GetString() ?? "", StringComparison.OrdinalIgnoreCase);
        return problem;
    }

    static byte[] ZipWith(string entryName, string content)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var writer = new StreamWriter(zip.CreateEntry(entryName).Open());
            writer.Write(content);
        }
        return buffer.ToArray();
    }
}
