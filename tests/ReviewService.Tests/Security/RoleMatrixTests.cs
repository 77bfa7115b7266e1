using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ReviewService.Tests.ReviewQueue;
using ReviewService.Tests.Webhooks;

namespace ReviewService.Tests.Security;

/// <summary>
/// Every endpoint × every role, with the status each must get. An endpoint the service maps but this table lacks fails the test,
/// so a new endpoint cannot ship without someone deciding who may call it.
/// </summary>
public sealed class RoleMatrixTests : IDisposable
{
    // Column order of the expectations below. "other analyst" is an analyst asking for a review someone else submitted.
    static readonly string[] Callers = ["anonymous", "analyst", "other analyst", "reviewer", "operator", "admin"];

    // {review} is analyst-1's review, {item} its queue item. Rows run top to bottom, so the claim precedes the release.
    static readonly (string Endpoint, string Expected)[] Matrix =
    [
        //                                              anon analyst other reviewer operator admin
        ("GET /health/live",                            "200  200  200  200  200  200"),
        ("GET /health/ready",                           "200  200  200  200  200  200"),
        ("GET /health/details",                         "401  403  403  403  200  403"),
        ("GET /metrics",                                "401  403  403  403  200  403"),
        ("GET /v1/me",                                  "401  200  200  200  200  200"),
        ("GET /v1/policies/",                           "401  200  200  200  200  200"),
        ("GET /v1/policies/{name}",                     "401  200  200  200  200  200"),
        ("POST /v1/policies/{name}/replay",             "401  403  403  403  403  202"),
        // {id} is a review id here: no such replay, so the admin gets past authorization to a 404.
        ("GET /v1/policies/{name}/replays/{id:guid}",   "401  403  403  403  403  404"),
        ("POST /v1/reviews/",                           "401  201  201  403  403  403"),
        ("GET /v1/reviews/",                            "401  200  200  200  403  403"),
        ("GET /v1/reviews/{id:guid}",                   "401  200  404  200  403  403"),
        ("GET /v1/reviews/{id:guid}/document",          "401  200  404  200  403  403"),
        ("GET /v1/reviews/{id:guid}/audit",             "401  200  404  200  403  403"),
        // {id} is a batch of analyst-1's.
        ("POST /v1/batches/",                           "401  202  202  403  403  403"),
        ("GET /v1/batches/{id:guid}",                   "401  200  404  200  403  403"),
        ("GET /v1/queue/",                              "401  403  403  200  403  403"),
        ("GET /v1/queue/{id:guid}",                     "401  403  403  200  403  403"),
        ("GET /v1/queue/export",                        "401  403  403  200  403  403"),
        ("POST /v1/queue/{id:guid}/claim",              "401  403  403  200  403  403"),
        ("POST /v1/queue/{id:guid}/release",            "401  403  403  200  403  403"),
        // The reviewer released the item above, so resolving it is refused as a conflict: past authorization, into the handler.
        ("POST /v1/queue/{id:guid}/resolve",            "401  403  403  409  403  403"),
        // The reviewer released the item above: the review can be evaluated again (by reviewers and admins).
        ("POST /v1/reviews/{id:guid}/reevaluate",       "401  403  403  200  403  200"),
        ("GET /v1/reviews/{id:guid}/revisions",         "401  200  404  200  403  403"),
        ("GET /v1/stats/agreement",                     "401  403  403  200  200  403"),
        ("POST /v1/admin/keys/",                        "401  403  403  403  403  201"),
        ("GET /v1/admin/keys/",                         "401  403  403  403  403  200"),
        // {id} is a review id here: no such key, so the admin gets past authorization to a 404.
        ("DELETE /v1/admin/keys/{id:guid}",             "401  403  403  403  403  404"),
        // {id} is analyst-1's subscription: the other analyst is told it does not exist; an admin manages every subscription.
        ("POST /v1/webhooks/",                          "401  201  201  403  403  201"),
        ("GET /v1/webhooks/",                           "401  200  200  403  403  200"),
        ("GET /v1/webhooks/{id:guid}",                  "401  200  404  403  403  200"),
        ("GET /v1/webhooks/{id:guid}/deliveries",       "401  200  404  403  403  200"),
        // No such delivery: past authorization, into the handler.
        ("POST /v1/webhooks/{id:guid}/deliveries/{deliveryId:guid}/retry", "401  404  404  403  403  404"),
        // Removed by analyst-1: gone for the admin after that.
        ("DELETE /v1/webhooks/{id:guid}",               "401  204  404  403  403  404"),
    ];

    readonly ReviewApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task EveryRoleGetsExactlyTheStatusTheAccessTableGivesItOnEveryEndpoint()
    {
        var (review, item) = await _app.SubmitAndFindItemAsync(Fixtures.Text("contract.txt"));
        var (webhook, _) = await _app.Analyst().SubscribeAsync("https://example.com/hooks", WebhookRequests.ReviewFinished);
        var batch = (await (await _app.Analyst().PostAsync("/v1/batches", BatchForm())).JsonAsync()).GetProperty("id").GetString()!;
        var clients = new Dictionary<string, HttpClient>
        {
            ["anonymous"] = _app.CreateClient(),
            ["analyst"] = _app.Analyst(),
            ["other analyst"] = _app.WithKey(ReviewApp.Analyst2Key),
            ["reviewer"] = _app.WithKey(ReviewApp.ReviewerKey),
            ["operator"] = _app.WithKey(ReviewApp.OperatorKey),
            ["admin"] = _app.WithKey(ReviewApp.AdminKey),
        };

        var wrong = new List<string>();
        foreach (var (endpoint, expected) in Matrix)
        {
            var statuses = expected.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
            foreach (var (caller, status) in Callers.Zip(statuses))
            {
                using var response = await clients[caller].SendAsync(Request(endpoint, review, item, webhook, batch));
                if ((int)response.StatusCode != status)
                {
                    wrong.Add($"{endpoint} as {caller}: expected {status}, got {(int)response.StatusCode}");
                }
                else if (status >= 400)
                {
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                }
            }
        }
        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }

    [Fact]
    public void EveryMappedEndpointHasARowInTheMatrix()
    {
        var mapped = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => $"{m} /{e.RoutePattern.RawText!.TrimStart('/')}"))
            .ToHashSet();
        var inMatrix = Matrix.Select(r => r.Endpoint).ToHashSet();
        Assert.Empty(mapped.Except(inMatrix).Order());
        Assert.Empty(inMatrix.Except(mapped).Order());
    }

    [Fact]
    public async Task AnAnalystListsOnlyTheirOwnReviews()
    {
        var mine = await _app.Analyst().SubmitAndWaitForAsync(Fixtures.Text("contract.txt"));
        var theirs = await _app.WithKey(ReviewApp.Analyst2Key).SubmitAndWaitForAsync(Fixtures.Text("joint-filing-agreement.txt"));

        var listed = await Ids(_app.WithKey(ReviewApp.Analyst2Key));
        Assert.Contains(Id(theirs), listed);
        Assert.DoesNotContain(Id(mine), listed);
        var all = await Ids(_app.WithKey(ReviewApp.ReviewerKey));
        Assert.Superset(new HashSet<string> { Id(mine), Id(theirs) }, all.ToHashSet());
    }

    static async Task<List<string>> Ids(HttpClient client) =>
        [.. (await (await client.GetAsync("/v1/reviews/")).JsonAsync()).GetProperty("items").EnumerateArray().Select(Id)];

    static string Id(JsonElement review) => review.GetProperty("id").GetString()!;

    static MultipartFormDataContent BatchForm() => new()
    {
        { new StringContent("contract-review"), "policy" },
        { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(Fixtures.Text("joint-filing-agreement.txt"))), "a", "a.txt" },
    };

    static HttpRequestMessage Request(string endpoint, JsonElement review, JsonElement item, string webhook, string batch)
    {
        var (method, pattern) = (endpoint.Split(' ')[0], endpoint.Split(' ')[1]);
        var id = pattern.StartsWith("/v1/queue", StringComparison.Ordinal) ? item.GetProperty("id").GetString()
            : pattern.StartsWith("/v1/webhooks", StringComparison.Ordinal) ? webhook
            : pattern.StartsWith("/v1/batches", StringComparison.Ordinal) ? batch : Id(review);
        var path = pattern.Replace("{id:guid}", id).Replace("{deliveryId:guid}", Guid.NewGuid().ToString()).Replace("{name}", "contract-review")
            + (pattern.EndsWith("/export", StringComparison.Ordinal) ? "?policy=contract-review" : "");
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (endpoint == "POST /v1/reviews/")
        {
            request.Content = JsonContent.Create(ReviewRequests.Text(Fixtures.Text("joint-filing-agreement.txt")));
            request.Headers.Add("Prefer", "wait=30");
        }
        else if (endpoint == "POST /v1/admin/keys/")
        {
            request.Content = JsonContent.Create(new { name = "matrix-key", roles = new[] { "analyst" } });
        }
        else if (endpoint == "POST /v1/batches/")
        {
            request.Content = BatchForm();
        }
        else if (endpoint == "POST /v1/webhooks/")
        {
            request.Content = JsonContent.Create(new { url = "https://example.com/matrix", events = new[] { "review.completed" } });
        }
        else if (endpoint.EndsWith("/resolve", StringComparison.Ordinal))
        {
            request.Content = JsonContent.Create(item.Verdicts(_ => "absent"));
        }
        return request;
    }
}
