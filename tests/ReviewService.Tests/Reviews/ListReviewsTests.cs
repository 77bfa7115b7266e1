using System.Net;

namespace ReviewService.Tests.Reviews;

public sealed class ListReviewsTests : IDisposable
{
    readonly ReviewApp _app = new();
    readonly HttpClient _client;

    public ListReviewsTests() => _client = _app.Analyst();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task ListPagesNewestFirstWithACursorAndFilters()
    {
        var ids = new List<string>();
        foreach (var state in new[] { "Texas", "Ohio", "Delaware" })
        {
            var review = await (await _client.SubmitAsync(ReviewRequests.Text($"This Agreement shall be governed by the laws of the State of {state}."), wait: "20")).JsonAsync();
            ids.Add(review.GetProperty("id").GetString()!);
        }

        var first = await (await _client.GetAsync("/v1/reviews?limit=2")).JsonAsync();
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await (await _client.GetAsync($"/v1/reviews?limit=2&cursor={cursor}")).JsonAsync();

        var listed = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(i => i.GetProperty("id").GetString()).ToList();
        Assert.Equal(Enumerable.Reverse(ids), listed);
        Assert.Equal(JsonNull, second.GetProperty("nextCursor").ValueKind);

        var status = first.GetProperty("items")[0].GetProperty("status").GetString();
        var filtered = await (await _client.GetAsync($"/v1/reviews?status={status}&policy=contract-review&since=2000-01-01T00:00:00Z")).JsonAsync();
        Assert.Equal(3, filtered.GetProperty("items").GetArrayLength());
        var none = await (await _client.GetAsync("/v1/reviews?status=failed")).JsonAsync();
        Assert.Empty(none.GetProperty("items").EnumerateArray());
        var future = await (await _client.GetAsync("/v1/reviews?since=2999-01-01T00:00:00Z")).JsonAsync();
        Assert.Empty(future.GetProperty("items").EnumerateArray());
    }

    const System.Text.Json.JsonValueKind JsonNull = System.Text.Json.JsonValueKind.Null;

    [Fact]
    public async Task PoliciesAreListedWithTheirVersionAndChecks()
    {
        var list = await (await _client.GetAsync("/v1/policies")).JsonAsync();
        var policy = list.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "contract-review");
        Assert.True(policy.GetProperty("checks").GetInt32() >= 8);

        var detail = await (await _client.GetAsync("/v1/policies/contract-review")).JsonAsync();
        Assert.Equal(policy.GetProperty("version").GetString(), detail.GetProperty("version").GetString());
        Assert.All(detail.GetProperty("checks").EnumerateArray(), c => Assert.False(string.IsNullOrEmpty(c.GetProperty("question").GetString())));
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/v1/policies/nope")).StatusCode);
    }
}

public sealed class AuthAndHealthTests : IDisposable
{
    readonly ReviewApp _app = new();

    public void Dispose() => _app.Dispose();

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task ApiWithoutAValidKeyIsUnauthorized(string? key)
    {
        var client = key is null ? _app.CreateClient() : _app.WithKey(key);

        foreach (var path in new[] { "/v1/reviews", "/v1/policies", $"/v1/reviews/{Guid.NewGuid()}" })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        var submit = await client.SubmitAsync(ReviewRequests.Text("governed by the laws of Ohio"));
        Assert.Equal(HttpStatusCode.Unauthorized, submit.StatusCode);
    }

    [Fact]
    public async Task HealthEndpointsAreAnonymousAndReady()
    {
        var client = _app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ApiDocsAreOffOutsideDevelopment()
    {
        Assert.NotEqual(HttpStatusCode.OK, (await _app.CreateClient().GetAsync("/openapi/v1.json")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await _app.Analyst().GetAsync("/openapi/v1.json")).StatusCode);
    }

    [Fact]
    public async Task OpenApiDocumentDescribesTheReviewsApiWhenEnabled()
    {
        using var app = new ReviewApp(settings: new() { ["Api:Docs"] = "true" });
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/openapi/v1.json")).StatusCode);   // anonymous in Development only
        var client = app.Analyst();

        var document = await (await client.GetAsync("/openapi/v1.json")).JsonAsync();

        Assert.True(document.GetProperty("paths").TryGetProperty("/v1/reviews", out _));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/scalar/v1")).StatusCode);
    }
}
