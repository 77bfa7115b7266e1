using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ReviewService.Tests.Webhooks;

namespace ReviewService.Tests.Batches;

/// <summary>Batches: several files, or one zip, each stored and evaluated as a single submission; refused files listed with their problem.</summary>
public sealed class BatchTests : IAsyncDisposable
{
    readonly WebhookReceiver _receiver = new();

    public async ValueTask DisposeAsync() => await _receiver.DisposeAsync();

    static MultipartFormDataContent Form(params (string Part, string FileName, string ContentType, byte[] Content)[] files)
    {
        var form = new MultipartFormDataContent { { new StringContent("contract-review"), "policy" } };
        foreach (var (part, fileName, contentType, content) in files)
        {
            var file = new ByteArrayContent(content);
            file.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            form.Add(file, part, fileName);
        }
        return form;
    }

    static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var stream = zip.CreateEntry(name).Open();
                stream.Write(content);
            }
        }
        return buffer.ToArray();
    }

    static async Task<JsonElement> WaitForBatchAsync(HttpClient client, string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var batch = await (await client.GetAsync($"/v1/batches/{id}")).JsonAsync();
            if (batch.GetProperty("status").GetString() == "completed" || DateTime.UtcNow > deadline)
            {
                return batch;
            }
            await Task.Delay(100);
        }
    }

    static string[] Statuses(JsonElement batch) => [.. batch.GetProperty("documents").EnumerateArray().Select(d => d.GetProperty("status").GetString()!)];

    [Fact]
    public async Task EachFileIsReviewedAloneARefusedOneSaysWhyAndTheBatchIsAnnouncedWhenAllAreDone()
    {
        await _receiver.StartAsync();
        using var app = new ReviewApp(settings: WebhookRequests.OnLoopback());
        var analyst = app.Analyst();
        var (_, secret) = await analyst.SubscribeAsync(_receiver.Url, ["batch.completed"]);

        using var response = await analyst.PostAsync("/v1/batches", Form(
            ("a", "contract.txt", "text/plain", Fixtures.Bytes("contract.txt")),
            ("b", "contract.pdf", "application/pdf", Fixtures.Bytes("contract.pdf")),
            ("c", "truncated.pdf", "application/pdf", Fixtures.Bytes("truncated.pdf")),
            ("d", "contract.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Fixtures.Bytes("contract.docx"))));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.JsonAsync();
        var id = accepted.GetProperty("id").GetString()!;
        Assert.Equal($"/v1/batches/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(["contract.txt", "contract.pdf", "truncated.pdf", "contract.docx"],
            accepted.GetProperty("documents").EnumerateArray().Select(d => d.GetProperty("fileName").GetString()));
        var refused = accepted.GetProperty("documents")[2];
        Assert.Equal("rejected", refused.GetProperty("status").GetString());
        Assert.Equal(422, refused.GetProperty("error").GetProperty("status").GetInt32());
        Assert.Contains("truncated", refused.GetProperty("error").GetProperty("detail").GetString());

        var done = await WaitForBatchAsync(analyst, id);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.DoesNotContain("pending", Statuses(done));
        Assert.Equal(1, done.GetProperty("counts").GetProperty("rejected").GetInt32());
        // Each accepted file is a review like any other: the same governing law in every format.
        foreach (var document in done.GetProperty("documents").EnumerateArray().Where(d => d.GetProperty("status").GetString() != "rejected"))
        {
            var review = await (await analyst.GetAsync(document.GetProperty("link").GetString())).JsonAsync();
            Assert.Equal(document.GetProperty("status").GetString(), review.GetProperty("status").GetString());
            Assert.Contains(Fixtures.GoverningLawState, review.Finding("governing-law").GetProperty("value").GetString());
        }

        var received = await _receiver.NextAsync();
        Assert.True(WebhookReceiver.Verify(received, secret, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        var data = JsonDocument.Parse(received.Body).RootElement.GetProperty("data");
        Assert.Equal(("batch.completed", id, "completed"), (received.Event, data.GetProperty("id").GetString(), data.GetProperty("status").GetString()));
        Assert.Empty(_receiver.Drain());
    }

    [Fact]
    public async Task AZipIsABatchOfItsEntries()
    {
        using var app = new ReviewApp();
        var analyst = app.Analyst();
        var zip = Zip(("contracts/contract.txt", Fixtures.Bytes("contract.txt")), ("contracts/contract.html", Fixtures.Bytes("contract.html")),
            ("__MACOSX/contracts/._contract.txt", [0, 1, 2]), ("notes.bin", [0, 159, 146, 150]));

        using var response = await analyst.PostAsync("/v1/batches", Form(("archive", "contracts.zip", "application/zip", zip)));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.JsonAsync();
        Assert.Equal(["contract.txt", "contract.html", "notes.bin"], accepted.GetProperty("documents").EnumerateArray().Select(d => d.GetProperty("fileName").GetString()));
        Assert.Equal(415, accepted.GetProperty("documents")[2].GetProperty("error").GetProperty("status").GetInt32());

        var done = await WaitForBatchAsync(analyst, accepted.GetProperty("id").GetString()!);
        Assert.Equal(2, done.GetProperty("documents").EnumerateArray().Count(d => d.GetProperty("reviewId").ValueKind == JsonValueKind.String));
        Assert.DoesNotContain("pending", Statuses(done));
    }

    [Theory]
    [InlineData("traversal", 422, "unsafe path")]
    [InlineData("bomb", 413, "zip bomb")]
    [InlineData("not-a-zip", 422, "Invalid zip")]
    public async Task AHostileZipIsRefusedWholeBeforeAnyEntryIsInflated(string kind, int status, string expected)
    {
        using var app = new ReviewApp();
        var zip = kind switch
        {
            "traversal" => Zip(("../../etc/cron.d/evil.txt", Encoding.UTF8.GetBytes("This Agreement is governed by the laws of Texas."))),
            "bomb" => Zip(("contract.txt", new byte[20 * 1024 * 1024])),
            _ => Encoding.UTF8.GetBytes("PK but not a zip at all"),
        };
        using var response = await app.Analyst().PostAsync("/v1/batches", Form(("archive", "contracts.zip", "application/zip", zip)));
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        Assert.Contains(expected, problem.GetProperty("detail").GetString() + problem.GetProperty("title").GetString());
    }

    static async Task<HttpResponseMessage> PostWithKeyAsync(HttpClient client, string key, MultipartFormDataContent form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batches") { Content = form };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    static async Task<int> ReviewCountAsync(HttpClient client) =>
        (await (await client.GetAsync("/v1/reviews?limit=100")).JsonAsync()).GetProperty("items").GetArrayLength();

    [Fact]
    public async Task ARetriedUploadWithTheSameIdempotencyKeyGetsTheSameBatchAndStoresNothingTwice()
    {
        using var app = new ReviewApp();
        var analyst = app.Analyst();
        MultipartFormDataContent Upload() => Form(("a", "contract.txt", "text/plain", Fixtures.Bytes("contract.txt")),
            ("b", "empty.txt", "text/plain", Encoding.UTF8.GetBytes("   ")), ("c", "contract.html", "text/html", Fixtures.Bytes("contract.html")));

        using var first = await PostWithKeyAsync(analyst, "upload-1", Upload());
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var id = (await first.JsonAsync()).GetProperty("id").GetString();
        using var retry = await PostWithKeyAsync(analyst, "upload-1", Upload());
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var again = await retry.JsonAsync();
        Assert.Equal(id, again.GetProperty("id").GetString());
        Assert.Equal(["contract.txt", "empty.txt", "contract.html"], again.GetProperty("documents").EnumerateArray().Select(d => d.GetProperty("fileName").GetString()));
        Assert.Equal(2, await ReviewCountAsync(analyst));

        // The same key with other files is a client bug, said as such; another analyst's key is their own.
        using var other = await PostWithKeyAsync(analyst, "upload-1", Form(("a", "contract.txt", "text/plain", Fixtures.Bytes("contract.txt"))));
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"batch {id}", (await other.JsonAsync()).GetProperty("detail").GetString());
        var analyst2 = app.WithKey(ReviewApp.Analyst2Key);
        using var theirs = await PostWithKeyAsync(analyst2, "upload-1", Upload());
        Assert.Equal(HttpStatusCode.Accepted, theirs.StatusCode);
        Assert.NotEqual(id, (await theirs.JsonAsync()).GetProperty("id").GetString());
        Assert.Equal(2, await ReviewCountAsync(analyst));
    }

    [Fact]
    public async Task TwoConcurrentUploadsWithOneKeyStoreOneBatch()
    {
        using var app = new ReviewApp();
        var analyst = app.Analyst();
        MultipartFormDataContent Upload() => Form(("a", "contract.txt", "text/plain", Fixtures.Bytes("contract.txt")),
            ("b", "contract.pdf", "application/pdf", Fixtures.Bytes("contract.pdf")));

        var responses = await Task.WhenAll(PostWithKeyAsync(analyst, "upload-2", Upload()), PostWithKeyAsync(analyst, "upload-2", Upload()));

        Assert.All(responses, r => Assert.True(r.IsSuccessStatusCode, $"{r.StatusCode}"));
        var ids = await Task.WhenAll(responses.Select(async r => (await r.JsonAsync()).GetProperty("id").GetString()));
        Assert.Single(ids.Distinct());
        Assert.Equal(2, await ReviewCountAsync(analyst));
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task AnIdempotencyKeyTooLongToStoreIsRefusedBeforeTheUploadIsRead()
    {
        using var app = new ReviewApp();
        using var response = await PostWithKeyAsync(app.Analyst(), new string('k', 201), Form(("a", "contract.txt", "text/plain", Fixtures.Bytes("contract.txt"))));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Idempotency-Key too long", (await response.JsonAsync()).GetProperty("title").GetString());
        Assert.Equal(0, await ReviewCountAsync(app.Analyst()));
    }

    [Fact]
    public async Task ABatchOfRefusedFilesIsCompletedAtOnceAndAnotherAnalystCannotSeeIt()
    {
        using var app = new ReviewApp();
        using var response = await app.Analyst().PostAsync("/v1/batches", Form(("a", "empty.txt", "text/plain", Encoding.UTF8.GetBytes("   "))));
        var batch = await response.JsonAsync();
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("completed", batch.GetProperty("status").GetString());
        Assert.Equal(["rejected"], Statuses(batch));
        var id = batch.GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.NotFound, (await app.WithKey(ReviewApp.Analyst2Key).GetAsync($"/v1/batches/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.WithKey(ReviewApp.ReviewerKey).GetAsync($"/v1/batches/{id}")).StatusCode);
    }

    [Theory]
    [InlineData("no-files", 400, "no file parts")]
    [InlineData("unknown-policy", 400, "loaded policies")]
    [InlineData("json", 415, "multipart/form-data")]
    public async Task ABatchThatCannotBeReadAtAllSaysWhatToSend(string kind, int status, string expected)
    {
        using var app = new ReviewApp();
        HttpContent body = kind switch
        {
            "no-files" => new MultipartFormDataContent { { new StringContent("contract-review"), "policy" } },
            "unknown-policy" => new MultipartFormDataContent { { new StringContent("nope"), "policy" }, { new ByteArrayContent(Fixtures.Bytes("contract.txt")), "a", "a.txt" } },
            _ => new StringContent("{}", Encoding.UTF8, "application/json"),
        };
        using var response = await app.Analyst().PostAsync("/v1/batches", body);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Contains(expected, (await response.JsonAsync()).GetProperty("detail").GetString());
    }
}
