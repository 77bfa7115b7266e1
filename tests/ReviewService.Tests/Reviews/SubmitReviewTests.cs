using System.Net;
using System.Net.Http.Headers;

namespace ReviewService.Tests.Reviews;

public sealed class SubmitReviewTests : IDisposable
{
    readonly ReviewApp _app = new();
    readonly HttpClient _client;

    public SubmitReviewTests() => _client = _app.Analyst();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task SubmittingContractTextReturnsFinishedReviewWithEvidenceIntoTheText()
    {
        var response = await _client.SubmitAsync(ReviewRequests.Text(Fixtures.Text("contract.txt")), wait: "20");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var review = await response.JsonAsync();
        Assert.Equal(response.Headers.Location!.ToString(), $"/v1/reviews/{review.GetProperty("id").GetString()}");
        Assert.Contains(review.GetProperty("status").GetString(), new[] { "completed", "needs_review" });
        Assert.Equal("contract-review", review.GetProperty("policy").GetProperty("name").GetString());
        Assert.Matches("^[0-9a-f]{12}$", review.GetProperty("policy").GetProperty("version").GetString());
        Assert.Matches("^[0-9a-f]{32}$", review.GetProperty("traceId").GetString());
        Assert.False(string.IsNullOrEmpty(review.GetProperty("decision").GetProperty("outcome").GetString()));

        var law = review.Finding("governing-law");
        Assert.Equal("present", law.GetProperty("outcome").GetString());
        Assert.Equal("rules", law.GetProperty("decidedBy").GetString());
        Assert.Equal(Fixtures.GoverningLawState, law.GetProperty("value").GetString());
        Assert.NotEmpty(law.GetProperty("ruleIds").EnumerateArray());

        var text = (await (await _client.GetAsync($"/v1/reviews/{review.GetProperty("id").GetString()}/document")).JsonAsync()).GetProperty("text").GetString()!;
        foreach (var evidence in review.GetProperty("findings").EnumerateArray().SelectMany(f => f.GetProperty("evidence").EnumerateArray()))
        {
            var (start, end) = (evidence.GetProperty("start").GetInt32(), evidence.GetProperty("end").GetInt32());
            Assert.Equal(evidence.GetProperty("text").GetString(), text[start..end]);
        }
    }

    [Theory]
    [InlineData("contract.pdf", "application/pdf")]
    [InlineData("contract.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    [InlineData("contract.html", "text/html")]
    [InlineData("contract.txt", "text/plain")]
    public async Task EachFormatUploadedAsMultipartIsReviewed(string file, string contentType)
    {
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(Fixtures.Bytes(file));
        part.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        form.Add(part, "file", file);
        form.Add(new StringContent("contract-review"), "policy");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/reviews") { Content = form };
        request.Headers.Add("Prefer", "wait=20");

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var review = await response.JsonAsync();
        Assert.Equal(file, review.GetProperty("document").GetProperty("fileName").GetString());
        Assert.Equal(Fixtures.GoverningLawState, review.Finding("governing-law").GetProperty("value").GetString());
        Assert.Equal("present", review.Finding("anti-assignment").GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task PdfSentAsBase64JsonIsReviewedWithPageOffsets()
    {
        var response = await _client.SubmitAsync(ReviewRequests.Base64(Fixtures.Bytes("contract.pdf"), "contract.pdf", "application/pdf"), wait: "20");

        var review = await response.JsonAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("pdf", review.GetProperty("document").GetProperty("format").GetString());
        Assert.Equal(3, review.GetProperty("document").GetProperty("pageStarts").GetArrayLength());
    }

    [Fact]
    public async Task OctetStreamUploadIsResolvedFromTheFileExtension()
    {
        var response = await _client.SubmitAsync(ReviewRequests.Base64(Fixtures.Bytes("contract.docx"), "contract.docx", "application/octet-stream"), wait: "20");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("docx", (await response.JsonAsync()).GetProperty("document").GetProperty("format").GetString());
    }

    [Fact]
    public async Task HtmlScriptsAreNotReviewedAsText()
    {
        var response = await _client.SubmitAsync(ReviewRequests.Base64(Fixtures.Bytes("contract.html"), "contract.html", "text/html"), wait: "20");
        var id = (await response.JsonAsync()).GetProperty("id").GetString();

        var text = (await (await _client.GetAsync($"/v1/reviews/{id}/document")).JsonAsync()).GetProperty("text").GetString()!;

        Assert.DoesNotContain("Mars", text, StringComparison.Ordinal);
        Assert.Contains(Fixtures.Squash(Fixtures.Expected.GetProperty("governingLawSentence").GetString()!), Fixtures.Squash(text), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutWaitingTheSubmissionIsAcceptedAndFinishesInTheBackground()
    {
        var response = await _client.SubmitAsync(ReviewRequests.Text(Fixtures.Text("contract.txt")), wait: "0");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.JsonAsync();
        Assert.Equal("pending", accepted.GetProperty("status").GetString());
        var finished = await _client.WaitForReviewAsync(response.Headers.Location!.ToString().Split('/')[^1]);
        Assert.NotEqual("pending", finished.GetProperty("status").GetString());
    }

    [Fact]
    public async Task UndeterminedChecksLeaveTheReviewNeedingReviewWithQueueItems()
    {
        var response = await _client.SubmitAsync(ReviewRequests.Text(Fixtures.Text("contract.txt")), wait: "20");
        var review = await response.JsonAsync();
        var undetermined = review.GetProperty("findings").EnumerateArray().Where(f => f.GetProperty("outcome").GetString() == "undetermined").ToList();

        var store = (ReviewService.Storage.IQueueStore)_app.Services.GetService(typeof(ReviewService.Storage.IQueueStore))!;
        var item = await store.FindByReviewAsync(Guid.Parse(review.GetProperty("id").GetString()!), default);
        var queue = item?.Checks ?? [];

        Assert.Equal(undetermined.Count > 0 ? "needs_review" : "completed", review.GetProperty("status").GetString());
        Assert.Equal(undetermined.Select(f => f.GetProperty("check").GetString()).Order(), queue.Select(q => q.Check).Order());
        Assert.All(undetermined, f => Assert.Equal(JsonValueKindNull, f.GetProperty("decidedBy").ValueKind));
        Assert.Equal(undetermined.Count > 0, review.GetProperty("decision").GetProperty("provisional").GetBoolean());
    }

    const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    [Fact]
    public async Task RetryWithTheSameIdempotencyKeyReturnsTheOriginalReview()
    {
        var body = ReviewRequests.Text(Fixtures.Text("contract.txt"));
        var first = await (await _client.SubmitAsync(body, wait: "20", idempotencyKey: "order-42")).JsonAsync();

        var retry = await _client.SubmitAsync(body, wait: "20", idempotencyKey: "order-42");

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(first.GetProperty("id").GetString(), (await retry.JsonAsync()).GetProperty("id").GetString());
        var list = await (await _client.GetAsync("/v1/reviews")).JsonAsync();
        Assert.Single(list.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task ReusingAnIdempotencyKeyForAnotherDocumentIsAConflict()
    {
        await _client.SubmitAsync(ReviewRequests.Text("This Agreement is governed by the laws of the State of Texas."), idempotencyKey: "k-1");

        var response = await _client.SubmitAsync(ReviewRequests.Text("A different agreement governed by the laws of Ohio."), idempotencyKey: "k-1");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task ConcurrentRetriesWithOneIdempotencyKeyCreateOneReview()
    {
        var body = ReviewRequests.Text(Fixtures.Text("contract.txt"));

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => _client.SubmitAsync(body, wait: "0", idempotencyKey: "burst")));

        var ids = new HashSet<string?>();
        foreach (var r in responses)
        {
            ids.Add((await r.JsonAsync()).GetProperty("id").GetString());
        }
        Assert.Single(ids);
    }
}
