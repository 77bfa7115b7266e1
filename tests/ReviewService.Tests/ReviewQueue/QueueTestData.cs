using System.Net.Http.Json;
using System.Text.Json;

namespace ReviewService.Tests.ReviewQueue;

/// <summary>Reviewer actions over HTTP, shared by the queue tests.</summary>
public static class QueueRequests
{
    /// <summary>Submits a contract, waits for it, and returns its queue item (the first open item of that review).</summary>
    public static async Task<(JsonElement Review, JsonElement Item)> SubmitAndFindItemAsync(this ReviewApp app, string text, string fileName = "contract.txt")
    {
        var review = await app.Analyst().SubmitAndWaitForAsync(text, fileName);
        var id = review.GetProperty("id").GetString();
        var queue = await (await app.WithKey(ReviewApp.ReviewerKey).GetAsync("/v1/queue")).JsonAsync();
        var item = queue.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("reviewId").GetString() == id);
        return (review, item);
    }

    public static async Task<JsonElement> SubmitAndWaitForAsync(this HttpClient analyst, string text, string fileName = "contract.txt")
    {
        var accepted = await (await analyst.SubmitAsync(ReviewRequests.Text(text, fileName), wait: "0")).JsonAsync();
        return await analyst.WaitForReviewAsync(accepted.GetProperty("id").GetString()!, seconds: 60);
    }

    public static Task<HttpResponseMessage> ClaimAsync(this HttpClient reviewer, JsonElement item) =>
        reviewer.PostAsync($"/v1/queue/{item.GetProperty("id").GetString()}/claim", null);

    public static Task<HttpResponseMessage> ReleaseAsync(this HttpClient reviewer, JsonElement item) =>
        reviewer.PostAsync($"/v1/queue/{item.GetProperty("id").GetString()}/release", null);

    public static Task<HttpResponseMessage> ResolveAsync(this HttpClient reviewer, JsonElement item, object body) =>
        reviewer.PostAsJsonAsync($"/v1/queue/{item.GetProperty("id").GetString()}/resolve", body);

    /// <summary>A verdict for every check of the item, from <paramref name="outcomeOf"/> (check name → present/absent).</summary>
    public static object Verdicts(this JsonElement item, Func<string, string> outcomeOf, string? comment = null) => new
    {
        verdicts = item.GetProperty("checks").EnumerateArray()
            .Select(c => c.GetProperty("check").GetString()!)
            .Select(check => new { check, outcome = outcomeOf(check), comment })
            .ToList(),
    };

    public static IReadOnlyList<string> Checks(this JsonElement item) =>
        [.. item.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("check").GetString()!)];

    public static async Task<IReadOnlyList<JsonElement>> AuditAsync(this HttpClient client, string reviewId) =>
        [.. (await (await client.GetAsync($"/v1/reviews/{reviewId}/audit")).JsonAsync()).GetProperty("entries").EnumerateArray()];
}
